"""The 户籍 roster, attendance (absences) and the 双线四级 responsible persons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiaoyun.core.choices import Sex
from jiaoyun.dropout.choices import LEVEL_LABELS, AbsenceKind, Level, Line
from jiaoyun.people.choices import PovertyStatus


class HukouRecord(models.Model):
    """One child on the police 户籍 roster (查户籍). The ID number is stored encrypted, matched by hash.

    ``student`` is the 学籍 person the cross-match linked the record to (by ID hash, or by a name and
    birth-date hint when the roster has no ID number); ``match_note`` says how.
    """

    # Unique and indexed in Meta, not with unique=/db_index=, so that PostgreSQL gets no unused ``_like``
    # indexes: every index is rewritten when the cross-match links a record (ADR 0045).
    id_hash = models.CharField("证件号摘要", max_length=64, null=True, blank=True, editable=False)
    id_cipher = models.TextField("证件号密文", blank=True, editable=False)
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    name = models.CharField("姓名", max_length=50)  # equality on the (name, birth_date) index; searches are LIKE %…%
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField("出生日期", db_index=True)
    hukou_village = models.ForeignKey(
        "areas.Area", verbose_name="户籍所在村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    group_name = models.CharField("村民小组", max_length=30, blank=True)
    household_head = models.CharField("户主", max_length=50, blank=True)
    poverty = models.CharField("脱贫户/监测户", max_length=10, choices=PovertyStatus.choices, blank=True, default="")
    student = models.ForeignKey(
        "people.Student", verbose_name="对应学生", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_note = models.CharField("比对说明", max_length=200, blank=True)
    batch = models.CharField("导入批次", max_length=40, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "户籍适龄儿童"
        verbose_name_plural = "户籍适龄儿童"
        ordering = ["hukou_village_id", "birth_date", "id"]
        indexes = [
            models.Index(fields=["name", "birth_date"]),
            # The records the cross-match still has to link (ADR 0050): once the import links by ID number, a
            # few thousand of a province's millions. With the id, the run reads them from the index alone (an
            # index-only scan: the planner reckons them a quarter of the roster and would rather scan it all).
            models.Index(
                fields=["birth_date", "id"], condition=Q(student__isnull=True), name="dropout_hukou_unlinked_idx"
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="dropout_hukou_id_hash_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.birth_date}）"


class Absence(models.Model):
    """A school day a registered student was not in school, recorded by the class teacher."""

    student = models.ForeignKey(
        "people.Student", verbose_name="学生", on_delete=models.CASCADE, related_name="dropout_absences"
    )
    date = models.DateField("日期", db_index=True)
    kind = models.CharField("类型", max_length=12, choices=AbsenceKind.choices, default=AbsenceKind.UNEXCUSED)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "缺勤记录"
        verbose_name_plural = "缺勤记录"
        ordering = ["-date", "student_id"]
        constraints = [models.UniqueConstraint(fields=["student", "date"], name="dropout_absence_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class ClassRegister(models.Model):
    """A class's register of one school day (考勤): saved at once by the class teacher, replacing that day's marks.

    A pupil with no ``Absence`` on the day was present; this row records that the register was taken (so
    "all present" differs from "not entered") and by whom.
    """

    school_class = models.ForeignKey(
        "schools.SchoolClass", verbose_name="班级", on_delete=models.CASCADE, related_name="registers"
    )
    date = models.DateField("日期")
    pupils = models.PositiveSmallIntegerField("在校人数", default=0)
    absent = models.PositiveSmallIntegerField("缺勤人数", default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "班级考勤"
        verbose_name_plural = "班级考勤"
        ordering = ["-date", "school_class_id"]
        constraints = [models.UniqueConstraint(fields=["school_class", "date"], name="dropout_register_unique")]

    def __str__(self) -> str:
        return f"{self.school_class} {self.date} 考勤"


class ResponsiblePerson(models.Model):
    """A named person on one level of one line of the 双线四级 responsibility system.

    Administrative line: 1 county (``area`` = county), 2 township, 3 village, 4 村民小组 (village +
    ``group_name``). Education line: 1 bureau, 2 school (``school``), 3 class teacher (``school_class``),
    4 teacher (``school_class``). ``user`` links the person to a login so they see their cases.
    """

    line = models.CharField("责任线", max_length=10, choices=Line.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name="区域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group_name = models.CharField("村民小组", max_length=30, blank=True)
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school_class = models.ForeignKey(
        "schools.SchoolClass", verbose_name="班级", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "包保责任人"
        verbose_name_plural = "包保责任人"
        ordering = ["line", "level", "id"]
        indexes = [models.Index(fields=["line", "level", "area"]), models.Index(fields=["line", "level", "school"])]

    def __str__(self) -> str:
        return f"{self.level_label} {self.name}"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get((self.line, self.level), "")
