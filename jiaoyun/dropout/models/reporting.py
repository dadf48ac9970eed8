"""The "四个一" reporting: school monthly reports, county quarterly reviews, the monthly bulletin, stat cube."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from jiaoyun.dropout.choices import ReviewResult


class _Immutable(models.Model):
    """Rows that are written once and never changed (archives)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self)._default_manager.filter(pk=self.pk).exists():
            raise ValueError(f"{self._meta.verbose_name}已归档，不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{self._meta.verbose_name}已归档，不可删除")


class SchoolMonthlyReport(_Immutable):
    """学校一月一报告: a school's figures for one month, submitted once and locked."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")  # first day of the month
    figures = models.JSONField("报告数据", default=dict)
    note = models.TextField("情况说明", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报告人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "学校月报告"
        verbose_name_plural = "学校月报告"
        ordering = ["-month", "school_id"]
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="dropout_monthly_report_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.month:%Y-%m}"


class QuarterlyReview(models.Model):
    """县区一季度一复核: the county's review mark on a school for one quarter."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", choices=[(1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")]
    )
    result = models.CharField("复核结论", max_length=10, choices=ReviewResult.choices)
    note = models.TextField("复核意见", blank=True)
    reports_found = models.PositiveSmallIntegerField("本季已报月报数", default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("复核时间", auto_now=True)

    class Meta:
        verbose_name = "季度复核"
        verbose_name_plural = "季度复核"
        ordering = ["-year", "-quarter", "school_id"]
        constraints = [models.UniqueConstraint(fields=["school", "year", "quarter"], name="dropout_review_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.year}Q{self.quarter}"


class Bulletin(_Immutable):
    """月度通报, archived: the figures it showed (JSON) and the PDF/XLSX bytes with their digests."""

    month = models.DateField("月份", unique=True)
    figures = models.JSONField("通报数据")
    figures_sha256 = models.CharField("数据摘要", max_length=64)
    pdf = models.BinaryField("PDF")
    pdf_sha256 = models.CharField("PDF摘要", max_length=64)
    xlsx = models.BinaryField("XLSX")
    xlsx_sha256 = models.CharField("XLSX摘要", max_length=64)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "月度通报"
        verbose_name_plural = "月度通报"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}控辍保学通报"


class DropoutStat(models.Model):
    """Counts for the ledger dashboard, filled by ``stats_refresh`` (one row per place and measure key).

    ``measure`` is e.g. ``ledger`` (key = 学籍状态), ``case`` (key = case status), ``reason``, ``new`` and
    ``returned`` (key = YYYY-MM). Pages sum the rows inside the user's scope.
    """

    as_of = models.DateField("统计日期")
    township = models.ForeignKey(
        "areas.Area", verbose_name="乡镇", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name="村（社区）", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    measure = models.CharField("指标", max_length=20)
    key = models.CharField("分类", max_length=30, blank=True)
    value = models.PositiveIntegerField("数值")

    class Meta:
        verbose_name = "控辍统计"
        verbose_name_plural = "控辍统计"
        indexes = [models.Index(fields=["measure", "township"])]

    def __str__(self) -> str:
        return f"{self.measure}:{self.key}={self.value}"
