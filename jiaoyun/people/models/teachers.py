"""Teachers and staff, with their assignment history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.core.choices import Sex
from jiaoyun.people.choices import AssignmentKind, BackboneLevel, Degree, PostType, Staffing, Subject, Title


class Teacher(models.Model):
    """A member of staff (教职工) employed at a school. ``school`` is the current school."""

    id_hash = models.CharField("证件号摘要", max_length=64, unique=True, null=True, blank=True, editable=False)
    id_cipher = models.TextField("证件号密文", blank=True, editable=False)
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    staff_no = models.CharField("教职工号", max_length=30, unique=True, null=True, blank=True)
    name = models.CharField("姓名", max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    school = models.ForeignKey(
        "schools.School",
        verbose_name="任职学校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teachers",
    )
    post_type = models.CharField("岗位类别", max_length=10, choices=PostType.choices, default=PostType.FULL_TIME)
    main_subject = models.CharField("主教学科", max_length=20, choices=Subject.choices, blank=True, default="")
    subjects = models.JSONField("任教学科", default=list, blank=True)
    title = models.CharField("职称", max_length=10, choices=Title.choices, default=Title.NONE)
    degree = models.CharField("最高学历", max_length=12, choices=Degree.choices, default=Degree.BACHELOR)
    staffing = models.CharField("编制情况", max_length=15, choices=Staffing.choices, default=Staffing.ESTABLISHED)
    backbone = models.CharField("骨干教师", max_length=10, choices=BackboneLevel.choices, blank=True, default="")
    hire_date = models.DateField("参加工作日期", null=True, blank=True)
    school_since = models.DateField("到本校日期", null=True, blank=True)
    has_certificate = models.BooleanField("持教师资格证", default=True)
    is_active = models.BooleanField("在职", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teacher",
    )

    class Meta:
        verbose_name = "教职工"
        verbose_name_plural = "教职工"
        ordering = ["id"]
        indexes = [models.Index(fields=["school", "post_type", "main_subject"])]

    def __str__(self) -> str:
        return self.name


class TeacherAssignment(models.Model):
    """A period of a teacher at a school (任职经历); the open one (``end`` empty) is the current post."""

    teacher = models.ForeignKey(Teacher, verbose_name="教师", on_delete=models.CASCADE, related_name="assignments")
    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    start = models.DateField("起始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    kind = models.CharField("方式", max_length=20, choices=AssignmentKind.choices, default=AssignmentKind.INITIAL)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "任职经历"
        verbose_name_plural = "任职经历"
        ordering = ["teacher_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")), name="assignment_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} @ {self.school} {self.start}–{self.end or ''}"
