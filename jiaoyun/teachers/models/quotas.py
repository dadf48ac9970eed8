"""编制 standards, approved county totals and the computed quota snapshots (stat tables)."""

from __future__ import annotations

from django.db import models

from jiaoyun.people.choices import Subject
from jiaoyun.teachers.choices import StandardLevel


class StaffingStandard(models.Model):
    """One level's staffing standard (编制标准), editable by the 人事股. Ratios are students per staff member."""

    level = models.CharField("学段", max_length=20, choices=StandardLevel.choices, unique=True)
    students_per_staff = models.DecimalField("生师比（学生数/1名教职工）", max_digits=6, decimal_places=2, null=True)
    staff_per_class = models.DecimalField("班师比（每班教职工）", max_digits=5, decimal_places=2, null=True, blank=True)
    small_below = models.PositiveIntegerField("小规模学校（在校生少于）", null=True, blank=True)
    boarding_rate = models.DecimalField(
        "寄宿制补充（每名学生）", max_digits=5, decimal_places=4, default=0, help_text="寄宿制学校每名在校生增加的编制"
    )
    teachers_per_class = models.DecimalField("每班专任教师", max_digits=4, decimal_places=2, null=True, blank=True)
    caregivers_per_class = models.DecimalField("每班保育员", max_digits=4, decimal_places=2, null=True, blank=True)
    boarding_extra_per_class = models.DecimalField(
        "寄宿制每班增加", max_digits=4, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "编制标准"
        verbose_name_plural = "编制标准"
        ordering = ["level"]

    def __str__(self) -> str:
        return self.get_level_display()


class CountyQuota(models.Model):
    """The 编制总量 and 岗位总量 approved for the county's schools in one school year."""

    year = models.PositiveSmallIntegerField("学年", unique=True)
    approved_staffing = models.PositiveIntegerField("核定编制总量")
    approved_posts = models.PositiveIntegerField("核定岗位总量")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "县域编制总量"
        verbose_name_plural = "县域编制总量"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}学年 编制{self.approved_staffing} 岗位{self.approved_posts}"


class QuotaSnapshot(models.Model):
    """A school's computed 核定编制 and actual staff in one school year (stat row, recomputed idempotently)."""

    year = models.PositiveSmallIntegerField("学年", db_index=True)
    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    students = models.PositiveIntegerField("在校生")
    classes = models.PositiveIntegerField("班级数")
    quota_exact = models.DecimalField("核定编制（精确）", max_digits=9, decimal_places=2)
    quota = models.PositiveIntegerField("核定编制")
    actual = models.PositiveIntegerField("实有在编")
    full_time = models.PositiveIntegerField("专任教师")
    gap = models.IntegerField("缺编数（正数为缺编）")
    basis = models.CharField("核定依据", max_length=300, blank=True)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "学校编制核定"
        verbose_name_plural = "学校编制核定"
        ordering = ["year", "school_id"]
        constraints = [models.UniqueConstraint(fields=["year", "school"], name="quota_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.year} 核定{self.quota} 实有{self.actual}"


class SubjectGap(models.Model):
    """Need and actual full-time teachers of one subject at one school in one year (stat row)."""

    year = models.PositiveSmallIntegerField("学年", db_index=True)
    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField("学科", max_length=20, choices=Subject.choices)
    need = models.DecimalField("需配教师", max_digits=7, decimal_places=2)
    actual = models.PositiveIntegerField("实有教师")
    gap = models.DecimalField("缺口（正数为缺）", max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = "学科缺口"
        verbose_name_plural = "学科缺口"
        ordering = ["year", "school_id", "subject"]
        constraints = [models.UniqueConstraint(fields=["year", "school", "subject"], name="subject_gap_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.get_subject_display()} 缺{self.gap}"
