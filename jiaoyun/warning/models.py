"""辍学预警: term results, model versions (with their evaluation), the pupils' risk scores and preventive follow-ups."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TermResult(models.Model):
    """A pupil's result of one term as the school enters it: the average of the term's subjects, in percent."""

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.CASCADE, related_name="+")
    school_year = models.PositiveSmallIntegerField("学年（起始年）")
    term = models.PositiveSmallIntegerField("学期", choices=[(1, "第一学期"), (2, "第二学期")])
    score = models.DecimalField("平均成绩（百分制）", max_digits=5, decimal_places=1)
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "学期成绩"
        verbose_name_plural = "学期成绩"
        ordering = ["student_id", "school_year", "term"]
        constraints = [models.UniqueConstraint(fields=["student", "school_year", "term"], name="warning_term_unique")]

    def __str__(self) -> str:
        return f"{self.school_year}学年第{self.term}学期 {self.score}"

    @property
    def ends_on(self) -> object:
        import datetime as dt

        return dt.date(self.school_year, 12, 31) if self.term == 1 else dt.date(self.school_year + 1, 6, 30)


class ModelVersion(models.Model):
    """One trained model with its data window, parameters and evaluation figures.

    ``kind``: ``baseline`` (the ABC rules), ``learned`` (logistic regression). ``params`` holds the model itself as
    plain numbers (feature names, scaling, coefficients): it is stored as JSON, never pickled; ``sha256`` is the
    digest of its canonical JSON, checked before every use. ``in_use`` marks the version scoring pupils now (one).
    """

    kind = models.CharField("类型", max_length=10, choices=[("baseline", "基线规则"), ("learned", "学习模型")])
    trained_at = models.DateTimeField("训练时间", auto_now_add=True)
    data_from = models.PositiveSmallIntegerField("数据起始学年")
    data_to = models.PositiveSmallIntegerField("数据截止学年")
    params = models.JSONField("模型参数", default=dict)
    sha256 = models.CharField("SHA-256", max_length=64)
    figures = models.JSONField("评估结果", default=dict, blank=True)
    gate_passed = models.BooleanField("通过门槛", default=False)
    gate_reason = models.CharField("门槛结论", max_length=300, blank=True)
    in_use = models.BooleanField("使用中", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "预警模型版本"
        verbose_name_plural = "预警模型版本"
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["in_use"], condition=models.Q(in_use=True), name="warning_one_model_in_use")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}（{self.data_from}–{self.data_to}学年）"


class RiskScore(models.Model):
    """A pupil's risk on a scoring day: probability, rank, the factors in words and the model that gave it.

    ``factors`` is a list of {"key", "text", "weight", "sensitive"}; sensitive ones (poverty, disability,
    orphanhood) are masked for roles that may not see them. ``township``/``school``/``school_class`` are those
    of the day, so scoped lists need no join through the 学籍 chain."""

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.CASCADE, related_name="+")
    on = models.DateField("评估日期", db_index=True)
    model = models.ForeignKey(ModelVersion, verbose_name="模型", on_delete=models.PROTECT, related_name="scores")
    risk = models.FloatField("风险")
    rank = models.PositiveIntegerField("全县排名")
    flagged = models.BooleanField("预警", default=False)
    previous = models.FloatField("上次风险", null=True, blank=True)
    factors = models.JSONField("主要因素", default=list)
    township = models.ForeignKey(
        "areas.Area", verbose_name="乡镇", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_class = models.ForeignKey(
        "schools.SchoolClass", verbose_name="班级", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    grade = models.SmallIntegerField("年级", null=True)

    class Meta:
        verbose_name = "辍学风险"
        verbose_name_plural = "辍学风险"
        ordering = ["-on", "rank"]
        constraints = [models.UniqueConstraint(fields=["student", "on"], name="warning_score_unique")]
        indexes = [
            models.Index(fields=["on", "flagged", "township"]),
            models.Index(fields=["on", "school_class"]),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.risk:.3f}"

    @property
    def trend(self) -> str:
        if self.previous is None:
            return "新"
        if self.risk > self.previous * 1.2 + 0.002:
            return "上升"
        if self.risk < self.previous / 1.2 - 0.002:
            return "下降"
        return "持平"


class FollowupStatus(models.TextChoices):
    OPEN = "open", "待跟进"
    VISITED = "visited", "已家访"
    RESOLVED = "resolved", "已解决"
    FALSE_ALARM = "false_alarm", "误报"
    LEFT = "left", "已离校（转入控辍保学案件）"


class Followup(models.Model):
    """A preventive follow-up (预防性跟进) of a flagged pupil in 控辍保学: the class teacher responsible visits or
    talks with the family by the deadline and records what they found (the feedback the next evaluation uses).

    It is part of the 控辍保学 ledgers (ADR 0047): the dropout module lists, exports and counts it through
    ``warning.selectors``; a follow-up that finds the child has left school opens a case (``case``) and ends as
    ``left``. Every write is in ``warning.services``."""

    student = models.ForeignKey("people.Student", verbose_name="学生", on_delete=models.CASCADE, related_name="+")
    score = models.ForeignKey(
        RiskScore, verbose_name="预警", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("状态", max_length=12, choices=FollowupStatus.choices, default=FollowupStatus.OPEN)
    opened_on = models.DateField("发起日期")
    deadline = models.DateField("期限", db_index=True)
    reason = models.CharField("预警因素", max_length=300, blank=True)
    responsible = models.ForeignKey(
        "dropout.ResponsiblePerson", verbose_name="责任人（班主任）", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="责任人账号", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    responsible_name = models.CharField("责任人", max_length=50, blank=True)
    township = models.ForeignKey(
        "areas.Area", verbose_name="乡镇", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_class = models.ForeignKey(
        "schools.SchoolClass", verbose_name="班级", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    note = models.CharField("情况记录", max_length=500, blank=True)
    case = models.ForeignKey(
        "dropout.DropoutCase", verbose_name="转入的控辍保学案件", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "预防性跟进"
        verbose_name_plural = "预防性跟进"
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=models.Q(status="open"), name="warning_one_open_followup"
            )
        ]
        indexes = [models.Index(fields=["status", "township"])]

    def __str__(self) -> str:
        return f"{self.student} {self.get_status_display()}"
