"""Areas (county → township → village) and population by single year of age."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from jiaoyun.areas.choices import AreaLevel, PopulationSource, TownshipKind, UrbanRural
from jiaoyun.core.choices import Sex

area_code_validator = RegexValidator(r"^\d{6}(\d{3}(\d{3})?)?$", "区划代码应为6、9或12位数字")


class Area(models.Model):
    """An administrative area with its official 统计用区划代码: county 6 digits, township 9, village 12."""

    code = models.CharField("区划代码", max_length=12, unique=True, validators=[area_code_validator])
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=AreaLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    township_kind = models.CharField("乡镇类别", max_length=10, choices=TownshipKind.choices, blank=True, default="")
    urban_rural = models.CharField("城乡分类", max_length=10, choices=UrbanRural.choices, default=UrbanRural.RURAL)
    is_seat = models.BooleanField("县城所在地", default=False)
    sort = models.PositiveIntegerField("排序", default=0)
    # The area's centre (the village committee, the township government) in WGS-84 degrees: straight-line
    # distances of the preschool coverage and the map's labels start here.
    latitude = models.DecimalField("中心纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("中心经度", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = "区域"
        verbose_name_plural = "区域"
        ordering = ["level", "sort", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="county", parent__isnull=True) | models.Q(parent__isnull=False),
                name="area_parent_unless_county",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def township_id_or_self(self) -> int | None:
        if self.level == AreaLevel.TOWNSHIP:
            return self.pk
        if self.level == AreaLevel.VILLAGE:
            return self.parent_id
        return None


class PopulationCell(models.Model):
    """Population of one single year of age and sex in one area for one calendar year (as at 31 Dec)."""

    area = models.ForeignKey(Area, verbose_name="区域", on_delete=models.CASCADE, related_name="population")
    year = models.PositiveSmallIntegerField("年份", validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    age = models.PositiveSmallIntegerField("年龄（周岁）", validators=[MaxValueValidator(120)])
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    source = models.CharField("口径", max_length=10, choices=PopulationSource.choices, default=PopulationSource.HUKOU)
    count = models.PositiveIntegerField("人数")

    class Meta:
        verbose_name = "分年龄人口"
        verbose_name_plural = "分年龄人口"
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "age", "sex", "source"], name="population_cell_unique")
        ]
        indexes = [models.Index(fields=["year", "source", "age"])]

    def __str__(self) -> str:
        return f"{self.area} {self.year}年 {self.age}岁 {self.get_sex_display()} {self.count}人"


class Boundary(models.Model):
    """The outlines of the county's townships (a GeoJSON FeatureCollection, one polygon feature per township
    named by its 区划代码), imported by the county for the maps; ``synthetic`` marks generated outlines."""

    county = models.OneToOneField(
        Area, verbose_name="县", on_delete=models.CASCADE, related_name="boundary", limit_choices_to={"level": "county"}
    )
    geojson = models.JSONField("边界数据（GeoJSON）")
    file_name = models.CharField("文件名", max_length=200, blank=True)
    synthetic = models.BooleanField("示意边界", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "乡镇边界"
        verbose_name_plural = "乡镇边界"

    def __str__(self) -> str:
        return f"{self.county}乡镇边界"
