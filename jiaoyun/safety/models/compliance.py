"""Compliance rules as data, and the per-school results (history by date)."""

from __future__ import annotations

from django.db import models

from jiaoyun.safety.choices import RuleKind, Three100


class Rule(models.Model):
    """A rule the safety profile is checked against; thresholds and parameters are editable data.

    ``guard_count`` parameters: ``small_limit``/``small_min`` (<100 → 1), ``mid_limit``/``mid_min``
    (≤1000 → 2), ``step`` (beyond ``mid_limit`` one more guard for every started ``step`` people).
    ``guard_qualified``: ``threshold`` is the age limit. ``video_retention``: ``threshold`` is days.
    """

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=30, choices=RuleKind.choices)
    threshold = models.IntegerField("阈值", null=True, blank=True)
    parameters = models.JSONField("参数", default=dict, blank=True)
    three100 = models.CharField("三个100%", max_length=10, choices=Three100.choices, blank=True, default="")
    basis = models.CharField("依据", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "达标规则"
        verbose_name_plural = "达标规则"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class ComplianceSnapshot(models.Model):
    """The compliance result of one school on one date; the latest is the current result."""

    school = models.ForeignKey(
        "schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="safety_snapshots"
    )
    date = models.DateField("日期", db_index=True)
    people = models.PositiveIntegerField("师生员工数", default=0)
    guards_required = models.PositiveSmallIntegerField("应配保安员", default=0)
    guards_on_duty = models.PositiveSmallIntegerField("在岗保安员", default=0)
    compliant = models.BooleanField("达标", default=False)
    guards_ok = models.BooleanField("保安员配备达标", default=False)
    closed_ok = models.BooleanField("封闭化管理达标", default=False)
    linked_ok = models.BooleanField("报警和监控联网达标", default=False)
    gaps = models.JSONField("差距", default=list, blank=True)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "达标结果"
        verbose_name_plural = "达标结果"
        ordering = ["-date", "school"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="safety_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.school} {self.date} {'达标' if self.compliant else '未达标'}"
