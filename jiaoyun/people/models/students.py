"""Students and their enrolment history (学籍 events)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiaoyun.core.choices import Sex
from jiaoyun.people.choices import (
    DisabilityCategory,
    Ethnicity,
    EventFlow,
    EventKind,
    OrphanStatus,
    PovertyStatus,
    StudentStatus,
    StudyLevel,
)
from jiaoyun.schools.choices import Grade


class Student(models.Model):
    """A child known to the county: enrolled, formerly enrolled, or of school age on a roster.

    The ID number is stored only encrypted (``id_cipher``), matched by ``id_hash`` and shown as
    ``id_masked``; the 全国学籍号 ("G" + the ID number) likewise (``student_no_cipher``, ``student_no_hash``,
    ``student_no_masked``): neither is ever stored or shown in clear. ``status``, ``current_school``, ``current_grade`` and ``current_class`` cache the
    state after the latest enrolment event; ``enrolment`` services keep them in step.
    """

    # Keys, names and status are indexed in Meta, not with unique=/db_index=, so that PostgreSQL gets no extra
    # ``*_like`` pattern index for them (nothing searches them by prefix; each index costs every import row).
    id_hash = models.CharField("证件号摘要", max_length=64, null=True, blank=True, editable=False)
    id_cipher = models.TextField("证件号密文", blank=True, editable=False)
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    student_no_hash = models.CharField("学籍号摘要", max_length=64, null=True, blank=True, editable=False)
    student_no_cipher = models.TextField("学籍号密文", blank=True, editable=False)
    student_no_masked = models.CharField("全国学籍号", max_length=19, blank=True, editable=False)
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期", db_index=True)
    ethnicity = models.CharField("民族", max_length=2, choices=Ethnicity.choices, default="01")
    hukou_village = models.ForeignKey(
        "areas.Area",
        verbose_name="户籍所在村（社区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the (hukou_village, status) index
    )
    residence_village = models.ForeignKey(
        "areas.Area",
        verbose_name="现居住村（社区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the Meta index below
    )
    guardian_name = models.CharField("监护人", max_length=50, blank=True)
    guardian_phone = models.CharField("监护人电话", max_length=20, blank=True)
    left_behind = models.BooleanField("留守儿童", default=False)
    disability = models.CharField("残疾类别", max_length=20, choices=DisabilityCategory.choices, blank=True, default="")
    poverty = models.CharField("脱贫家庭/监测户", max_length=10, choices=PovertyStatus.choices, blank=True, default="")
    orphan = models.CharField("孤儿/事实无人抚养", max_length=12, choices=OrphanStatus.choices, blank=True, default="")
    migrant = models.BooleanField("随迁子女", default=False)

    status = models.CharField(
        "学籍状态", max_length=20, choices=StudentStatus.choices, default=StudentStatus.NOT_ENROLLED
    )
    current_school = models.ForeignKey(
        "schools.School",
        verbose_name="就读（最近）学校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="students",
        db_index=False,  # led by the (current_school, status) index
    )
    current_grade = models.SmallIntegerField("年级", choices=Grade.choices, null=True, blank=True)
    current_class = models.ForeignKey(
        "schools.SchoolClass",
        verbose_name="班级",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "学生"
        verbose_name_plural = "学生"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], name="student_id_hash_unique"),
            models.UniqueConstraint(fields=["student_no_hash"], name="student_no_hash_unique"),
        ]
        indexes = [
            models.Index(fields=["current_school", "status"]),
            models.Index(fields=["hukou_village", "status"]),
            models.Index(fields=["residence_village"]),
            # By name, and by name and birth date (the 四查三比对 links roster records without an ID number so).
            models.Index(fields=["name", "birth_date"], name="student_name_birth_idx"),
            models.Index(fields=["status"], name="student_status_idx"),
            # The pupils in school now by school, grade and birth date: the forecast's one pass over the table is
            # an index-only scan of it (ADR 0041). Partial: roster rows not (yet) in school cost nothing.
            models.Index(
                fields=["current_school", "current_grade", "birth_date"],
                condition=Q(status="in_school"),
                name="student_in_school_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_id_number(self) -> bool:
        return bool(self.id_cipher)

    @property
    def has_student_no(self) -> bool:
        return bool(self.student_no_cipher)


class EnrolmentEvent(models.Model):
    """One dated 学籍 event. The event carries the state it leaves: school, grade and class after it.

    ``seq`` orders events on the same date. ``external_school`` names a school outside the county
    (外县就读, 转出 to another county).
    """

    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=20, choices=EventKind.choices, db_index=True)
    date = models.DateField("日期", db_index=True)
    seq = models.PositiveSmallIntegerField("同日顺序", default=0)
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    grade = models.SmallIntegerField("年级", choices=Grade.choices, null=True, blank=True)
    school_class = models.ForeignKey(
        "schools.SchoolClass", verbose_name="班级", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_school = models.CharField("县外学校", max_length=100, blank=True)
    # 外县就读 only: the level the child studies at outside the county (高中阶段毛入学率 may count 普通高中/中职).
    study_level = models.CharField(
        "就读学段",
        max_length=12,
        choices=StudyLevel.choices,
        null=True,
        blank=True,
        help_text="外县就读时在县外就读的学段",
    )
    reason = models.CharField("原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    # The chain (``people.services.chain``): derived from the student's events, kept by every event writer.
    until = models.DateField("有效至", null=True, blank=True, editable=False)
    prev_school_id = models.BigIntegerField("前一记录学校", null=True, blank=True, editable=False)
    flow = models.CharField(
        "县内外流动", max_length=3, choices=EventFlow.choices, blank=True, default="", editable=False
    )
    grad6_date = models.DateField("小学毕业日期", null=True, blank=True, editable=False)
    grad6_school_id = models.BigIntegerField("小学毕业学校", null=True, blank=True, editable=False)
    student_birth = models.DateField("学生出生日期", null=True, blank=True, editable=False)
    student_village_id = models.BigIntegerField("学生户籍村", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "学籍变动"
        verbose_name_plural = "学籍变动"
        ordering = ["student_id", "date", "seq", "id"]
        constraints = [
            models.UniqueConstraint(fields=["student", "date", "seq"], name="enrolment_event_order_unique"),
        ]
        indexes = [
            models.Index(fields=["student", "-date", "-seq"]),
            models.Index(fields=["school", "kind", "date"]),
            models.Index(fields=["date"], condition=~Q(flow=""), name="event_flow_idx"),
            models.Index(fields=["grade", "date"], condition=Q(kind="graduate"), name="event_graduate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
