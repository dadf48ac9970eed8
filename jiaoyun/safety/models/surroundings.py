"""Risks around schools (周边环境) and the joint actions taken with other departments."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.safety.choices import RiskCategory, RiskLevel, RiskStatus


class RiskReport(models.Model):
    """A risk reported around a school (traffic, vendors, internet cafés, construction …)."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    category = models.CharField("类别", max_length=20, choices=RiskCategory.choices)
    level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    description = models.CharField("情况描述", max_length=500)
    reported_on = models.DateField("报告日期")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)

    class Meta:
        verbose_name = "周边风险"
        verbose_name_plural = "周边风险"
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.school} {self.get_category_display()}"


class JointAction(models.Model):
    """A joint action on a reported risk (department, date, action, result)."""

    report = models.ForeignKey(RiskReport, verbose_name="风险", on_delete=models.CASCADE, related_name="actions")
    department = models.CharField("联动部门", max_length=50)
    date = models.DateField("日期")
    action = models.CharField("措施", max_length=300)
    result = models.CharField("结果", max_length=300, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "联合处置"
        verbose_name_plural = "联合处置"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.department} {self.date}"
