"""Annual teacher exchange and rotation (交流轮岗) plans and their moves."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.people.choices import Subject
from jiaoyun.teachers.choices import MoveStatus, PlanStatus


class RotationPlan(models.Model):
    """The rotation plan of one school year with the eligibility figures it was built on."""

    year = models.PositiveSmallIntegerField("学年", unique=True)
    status = models.CharField("状态", max_length=20, choices=PlanStatus.choices, default=PlanStatus.PROPOSED)
    eligible_count = models.PositiveIntegerField("符合交流条件教师数")
    eligible_backbone = models.PositiveIntegerField("符合条件骨干教师数")
    start_date = models.DateField("交流起始日期")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "交流轮岗计划"
        verbose_name_plural = "交流轮岗计划"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}学年交流轮岗计划"


class RotationMove(models.Model):
    """One teacher's planned move; marking it done records the assignment (kind 交流轮岗)."""

    plan = models.ForeignKey(RotationPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="moves")
    teacher = models.ForeignKey("people.Teacher", verbose_name="教师", on_delete=models.PROTECT, related_name="+")
    from_school = models.ForeignKey(
        "schools.School", verbose_name="派出学校", on_delete=models.PROTECT, related_name="+"
    )
    to_school = models.ForeignKey("schools.School", verbose_name="接收学校", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("学科", max_length=20, choices=Subject.choices)
    backbone = models.BooleanField("骨干教师", default=False)
    gap_before = models.DecimalField("接收学校该学科缺口", max_digits=7, decimal_places=2, default=0)
    reason = models.CharField("安排理由", max_length=300, blank=True)
    status = models.CharField("状态", max_length=20, choices=MoveStatus.choices, default=MoveStatus.PLANNED)
    done_date = models.DateField("到岗日期", null=True, blank=True)

    class Meta:
        verbose_name = "交流轮岗人员"
        verbose_name_plural = "交流轮岗人员"
        ordering = ["plan_id", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "teacher"], name="rotation_move_unique")]

    def __str__(self) -> str:
        return f"{self.teacher} {self.from_school}→{self.to_school}"
