"""A stored forecast run: what it read, how, and what it projected, so the page shows a reproducible run."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ForecastRun(models.Model):
    """One computation of the enrolment forecast (county-wide, no personal data).

    ``params``: the settings it ran with; ``inputs``: the rates and how many observations each rests on;
    ``results``: children and seats by township, level and year; ``backtest``: the error of the same method
    projected from an earlier year against what happened."""

    created_at = models.DateTimeField("计算时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    triggered_by = models.CharField("触发方式", max_length=50, blank=True)
    base_year = models.PositiveSmallIntegerField("基准学年")
    first_year = models.PositiveSmallIntegerField("历史起始学年")
    horizon = models.PositiveSmallIntegerField("预测年数")
    window = models.JSONField("比率取自学年", default=list)
    params = models.JSONField("参数", default=dict)
    inputs = models.JSONField("输入与比率", default=dict)
    results = models.JSONField("结果", default=dict)
    backtest = models.JSONField("回测", default=dict)
    seconds = models.FloatField("耗时（秒）", default=0)

    class Meta:
        verbose_name = "学位预测计算"
        verbose_name_plural = "学位预测计算"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.base_year}学年起学位预测（{self.created_at:%Y-%m-%d %H:%M}）"


class CensusCount(models.Model):
    """The registry's counts on one school year's census date, kept so a recompute reads each closed year once.

    ``kind`` "stock": pupils by school township and grade; "flow": pupils by township in grade g−1 on the census
    of ``year`` (``from_township_id``) and in grade g on the next one (``township_id``), g being 7 or 10.
    Aggregates only (no person)."""

    class Kind(models.TextChoices):
        STOCK = "stock", "在校生"
        FLOW = "flow", "升学去向"

    year = models.PositiveSmallIntegerField("学年")
    kind = models.CharField("类型", max_length=5, choices=Kind.choices)
    from_township_id = models.BigIntegerField("来自乡镇", null=True)
    township_id = models.BigIntegerField("乡镇")
    grade = models.SmallIntegerField("年级")
    n = models.PositiveIntegerField("人数")
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)

    class Meta:
        verbose_name = "统计日学籍汇总"
        verbose_name_plural = "统计日学籍汇总"
        indexes = [models.Index(fields=["kind", "year"], name="forecast_census_kind_year")]
