"""Statistics tables of the indicators module: runs, scratch tables of a run, values, targets, references."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IndicatorRun(models.Model):
    """The fill state of one recompute (one row per run): which years and dates, when, and how it ended."""

    class State(models.TextChoices):
        RUNNING = "running", "计算中"
        DONE = "done", "完成"
        FAILED = "failed", "失败"

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RUNNING)
    periods = models.JSONField("学年与统计日", default=list)
    rows = models.PositiveIntegerField("写入行数", default=0)
    seconds = models.FloatField("耗时（秒）", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    triggered_by = models.CharField("触发方式", max_length=50, blank=True)

    class Meta:
        verbose_name = "指标计算记录"
        verbose_name_plural = "指标计算记录"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_state_display()}"


class RunDate(models.Model):
    """Scratch: the dates on which a run needs every student's 学籍 state (deleted when the run ends), with the
    parameters of the school year the date falls in (so one statement can aggregate every date)."""

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="+")
    on_date = models.DateField()
    all_grades = models.BooleanField(default=True)  # False: a cohort-entry date only (grades 1 and 7 kept)
    class_year = models.PositiveSmallIntegerField(null=True)
    year_start = models.DateField(null=True)
    base = models.DateField(null=True)  # the start-of-year stock date of a period read on this date
    out_from = models.DateField(null=True)  # 外县就读 events from this day count (the school year two before)
    idx = models.PositiveSmallIntegerField(default=0)  # the date's rank among the run's dates
    # Age bands as ranks of birth dates (``RunDay.bkey``): born after the band's earliest and on or before its
    # latest birth date ⇔ bkey > *_klo and bkey ≤ *_khi.
    pre_klo = models.SmallIntegerField(null=True)
    pre_khi = models.SmallIntegerField(null=True)
    pri_klo = models.SmallIntegerField(null=True)
    pri_khi = models.SmallIntegerField(null=True)
    jun_klo = models.SmallIntegerField(null=True)
    jun_khi = models.SmallIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "on_date"], name="indicator_rundate_unique"),
            models.UniqueConstraint(fields=["run", "idx"], name="indicator_rundate_idx_unique"),
        ]


class RunPeriod(models.Model):
    """Scratch: the (school year, as-of date) pairs a run computes."""

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="+")
    school_year = models.PositiveSmallIntegerField()
    as_of = models.DateField()
    base = models.DateField(null=True)
    entry9 = models.DateField(null=True)
    entry3 = models.DateField(null=True)
    prev_start = models.DateField(null=True)
    prev_end = models.DateField(null=True)
    year_start = models.DateField(null=True)
    flow_end = models.DateField(null=True)  # the last day of the year's flow window


class RunDay(models.Model):
    """Scratch: a calendar covering the events and birth dates of a run, so that a day's rank among the run's dates
    (``idx``: how many run dates fall before it), among the age-band birth dates (``bkey``) and its school year
    (``year``, its first calendar year) are equality joins."""

    run = models.ForeignKey(
        IndicatorRun, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    day = models.DateField()
    idx = models.PositiveSmallIntegerField()
    bkey = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "day"], name="indicator_runday_unique")]


class DateFact(models.Model):
    """Scratch: the state measures of a run's dates by school and hukou village, from one pass over the events."""

    run = models.ForeignKey(
        IndicatorRun, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    on_date = models.DateField()
    measure = models.CharField(max_length=20)
    school_id = models.BigIntegerField(null=True)
    village_id = models.BigIntegerField(null=True)
    n = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["run", "measure", "on_date"], name="indicator_datefact_idx")]


class Fact(models.Model):
    """Scratch: a measure (counts of members) of a run by school and by hukou village."""

    run = models.ForeignKey(
        IndicatorRun, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    school_year = models.PositiveSmallIntegerField()
    as_of = models.DateField()
    measure = models.CharField(max_length=20)
    school_id = models.BigIntegerField(null=True)
    school_township_id = models.BigIntegerField(null=True)
    village_id = models.BigIntegerField(null=True)
    village_township_id = models.BigIntegerField(null=True)
    n = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["run", "measure"], name="indicator_fact_idx")]


class ClassSize(models.Model):
    """Kept with a run for the incremental path: a class's size on a period's as-of date, as rows to be added
    up (a correction adds the corrected students' sizes after and takes away their sizes before)."""

    run = models.ForeignKey(
        IndicatorRun, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    on_date = models.DateField()
    class_id = models.BigIntegerField()
    school_id = models.BigIntegerField()
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "school_id", "on_date"], name="indicator_classsize_idx")]


class IndicatorValue(models.Model):
    """One indicator for one area (county, township, village) or school, school year and as-of date."""

    class AreaLevel(models.TextChoices):
        COUNTY = "county", "全县"
        TOWNSHIP = "township", "乡镇"
        VILLAGE = "village", "村（社区）"
        SCHOOL = "school", "学校"

    run = models.ForeignKey(
        IndicatorRun, verbose_name="计算批次", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    code = models.CharField("指标", max_length=30)
    level = models.CharField("层级", max_length=10, choices=AreaLevel.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name="区域", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school_year = models.PositiveSmallIntegerField("学年")
    as_of = models.DateField("统计日")
    value = models.FloatField("值", null=True, blank=True)
    numerator = models.FloatField("分子")
    denominator = models.FloatField("分母")
    # A count shown beside the figure (Indicator.extra, e.g. 仍失学 N 人), and the last day its flows cover.
    extra = models.FloatField("补充数", null=True, blank=True)
    flow_end = models.DateField("流量截至", null=True, blank=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = "指标值"
        indexes = [
            models.Index(fields=["school_year", "as_of", "level", "code"], name="indicator_value_year_idx"),
            models.Index(fields=["area", "code", "school_year", "as_of"], name="indicator_value_area_idx"),
            models.Index(fields=["school", "school_year"], name="indicator_value_school_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.school_year} {self.value}"


class Target(models.Model):
    """A yearly target of an indicator for an area (the plan's 目标值); it stands for later years until replaced."""

    code = models.CharField("指标", max_length=30)
    area = models.ForeignKey("areas.Area", verbose_name="区域", on_delete=models.CASCADE, related_name="+")
    school_year = models.PositiveSmallIntegerField("学年")
    value = models.FloatField("目标值")
    source = models.CharField("依据", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "指标目标"
        verbose_name_plural = "指标目标"
        constraints = [
            models.UniqueConstraint(fields=["code", "area", "school_year"], name="indicator_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.school_year} ≥{self.value}"


class Reference(models.Model):
    """A comparison value: the city (保山市) average entered by users, or the national value (统计公报)."""

    class Scope(models.TextChoices):
        CITY = "city", "保山市"
        NATIONAL = "national", "全国"

    code = models.CharField("指标", max_length=30)
    scope = models.CharField("范围", max_length=10, choices=Scope.choices)
    year = models.PositiveSmallIntegerField("年份")
    value = models.FloatField("数值")
    source = models.CharField("来源", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "参照值"
        verbose_name_plural = "参照值"
        constraints = [models.UniqueConstraint(fields=["code", "scope", "year"], name="indicator_reference_unique")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.year} {self.code} {self.value}"
