"""师德: commendations and violations (mapped to the ten 准则), sanctions, oaths and pledges, and the
decisions the one-vote veto guards: annual appraisal, title promotion and honours."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.people.choices import Title
from jiaoyun.teachers.choices import (
    AppraisalGrade,
    EthicsResult,
    HonourLevel,
    PledgeKind,
    Principle,
    RecordKind,
    SanctionType,
)


def recorded_by_field() -> models.ForeignKey:  # type: ignore[type-arg]
    """Who entered a row of the 师德档案 (kept, as empty, when the account is removed)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )


class TeacherEntry(models.Model):
    """A decision about one teacher recorded in the file (appraisal, title promotion, honour)."""

    teacher = models.ForeignKey("people.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="+")
    recorded_by = recorded_by_field()

    class Meta:
        abstract = True


class EthicsRecord(models.Model):
    """An entry of a teacher's 师德档案: a commendation or a violation of one of the ten 准则."""

    teacher = models.ForeignKey(
        "people.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="ethics_records"
    )
    kind = models.CharField("类别", max_length=20, choices=RecordKind.choices)
    principle = models.PositiveSmallIntegerField("对应准则", choices=Principle.choices, null=True, blank=True)
    date = models.DateField("日期")
    title = models.CharField("事由", max_length=200)
    details = models.TextField("调查认定情况", blank=True)
    source = models.CharField("来源（举报/检查/表彰单位）", max_length=100, blank=True)
    recorded_by = recorded_by_field()
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "师德记录"
        verbose_name_plural = "师德记录"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=RecordKind.VIOLATION) | models.Q(principle__isnull=False),
                name="violation_has_principle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.get_kind_display()} {self.title}"


class Sanction(models.Model):
    """A 处理 of a violation with its period; ``end`` empty means permanent (开除)."""

    record = models.ForeignKey(
        EthicsRecord, verbose_name="违规记录", on_delete=models.PROTECT, related_name="sanctions"
    )
    type = models.CharField("处理类型", max_length=20, choices=SanctionType.choices)
    start = models.DateField("起始日期")
    end = models.DateField("期满日期", null=True, blank=True)
    decided_by_body = models.CharField("决定机关", max_length=100, blank=True)
    recorded_by = recorded_by_field()

    class Meta:
        verbose_name = "师德处理"
        verbose_name_plural = "师德处理"
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.start}–{self.end or '长期'}"


class Pledge(models.Model):
    """A 新教师入职宣誓 or an annual 师德承诺."""

    teacher = models.ForeignKey("people.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=PledgeKind.choices)
    date = models.DateField("日期")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "宣誓与承诺"
        verbose_name_plural = "宣誓与承诺"
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["teacher", "kind", "date"], name="pledge_unique")]

    def __str__(self) -> str:
        return f"{self.teacher} {self.get_kind_display()} {self.date}"


class Appraisal(TeacherEntry):
    """A teacher's 年度考核 grade for one school year."""

    year = models.PositiveSmallIntegerField("学年")
    grade = models.CharField("等次", max_length=20, choices=AppraisalGrade.choices)
    ethics = models.CharField("师德考核", max_length=10, choices=EthicsResult.choices, default=EthicsResult.PASS)

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        constraints = [models.UniqueConstraint(fields=["teacher", "year"], name="appraisal_unique")]

    def __str__(self) -> str:
        return f"{self.teacher} {self.year} {self.get_grade_display()}"


class TitlePromotion(TeacherEntry):
    """A 职称评聘 decision: the teacher is appointed to a higher title on ``date``."""

    from_title = models.CharField("原职称", max_length=10, choices=Title.choices)
    to_title = models.CharField("聘任职称", max_length=10, choices=Title.choices)
    date = models.DateField("聘任日期")

    class Meta:
        verbose_name = "职称评聘"
        verbose_name_plural = "职称评聘"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.teacher} {self.get_to_title_display()}"


class Honour(TeacherEntry):
    """An honour (评优评先, e.g. 优秀教师) awarded to a teacher."""

    name = models.CharField("荣誉名称", max_length=100)
    level = models.CharField("级别", max_length=10, choices=HonourLevel.choices)
    date = models.DateField("授予日期")

    class Meta:
        verbose_name = "评优评先"
        verbose_name_plural = "评优评先"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.teacher} {self.name}"
