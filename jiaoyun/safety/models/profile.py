"""The safety profile of a school (人防、物防、技防) and its guards."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from jiaoyun.safety.choices import GateStatus, WallStatus


class SafetyProfile(models.Model):
    """One per school: the facts the compliance rules are evaluated against."""

    school = models.OneToOneField(
        "schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="safety_profile"
    )
    gate_status = models.CharField("校门状况", max_length=10, choices=GateStatus.choices, default=GateStatus.GOOD)
    wall_status = models.CharField("围墙状况", max_length=10, choices=WallStatus.choices, default=WallStatus.COMPLETE)
    closed_management = models.BooleanField("封闭化管理", default=False)
    alarm_installed = models.BooleanField("一键报警装置", default=False)
    alarm_linked_police = models.BooleanField("一键报警与公安联网", default=False)
    alarm_last_test = models.DateField("一键报警最近测试", null=True, blank=True)
    camera_count = models.PositiveIntegerField("摄像头数量", default=0)
    cameras_key_areas = models.BooleanField("重点部位视频全覆盖", default=False)
    cameras_linked_police = models.BooleanField("视频监控与公安联网", default=False)
    video_retention_days = models.PositiveIntegerField("视频保存天数", default=0, validators=[MaxValueValidator(3650)])
    access_control = models.BooleanField("门禁系统", default=False)
    anti_ramming = models.BooleanField("防冲撞设施", default=False)
    police_post_nearby = models.BooleanField("周边警务室/护学岗", default=False)
    insurer = models.CharField("校方责任险承保公司", max_length=100, blank=True)
    insurance_start = models.DateField("保险起期", null=True, blank=True)
    insurance_end = models.DateField("保险止期", null=True, blank=True)
    insured_students = models.PositiveIntegerField("投保学生数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "平安校园档案"
        verbose_name_plural = "平安校园档案"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(insurance_start__isnull=True)
                | models.Q(insurance_end__isnull=True)
                | models.Q(insurance_end__gte=models.F("insurance_start")),
                name="safety_profile_insurance_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school}安全档案"

    def clean(self) -> None:
        if self.insurance_start and self.insurance_end and self.insurance_end < self.insurance_start:
            raise ValidationError({"insurance_end": "保险止期不能早于保险起期"})
        if self.alarm_linked_police and not self.alarm_installed:
            raise ValidationError({"alarm_linked_police": "未安装一键报警装置，不能标记为已联网"})
        if self.camera_count == 0 and (self.cameras_linked_police or self.cameras_key_areas):
            raise ValidationError({"camera_count": "摄像头数量为0时，不能标记视频覆盖或联网"})


class Guard(models.Model):
    """A 专职保安员 of a school."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="guards")
    name = models.CharField("姓名", max_length=50)
    birth_date = models.DateField("出生日期")
    certificate_no = models.CharField("保安员证号", max_length=30, blank=True)
    certificate_valid_until = models.DateField("保安员证有效期至", null=True, blank=True)
    on_duty = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "保安员"
        verbose_name_plural = "保安员"
        ordering = ["school", "name"]
        indexes = [models.Index(fields=["school", "on_duty"])]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
