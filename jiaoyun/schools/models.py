"""Schools (with their national 学校标识码) and their classes per school year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from jiaoyun.areas.choices import AreaLevel, UrbanRural
from jiaoyun.schools.choices import KIND_GRADES, Grade, Ownership, SchoolKind

school_code_validator = RegexValidator(r"^\d{10}$", "学校标识码应为10位数字")


class School(models.Model):
    """A school or kindergarten; a 教学点 belongs to a parent school."""

    code = models.CharField("学校标识码", max_length=10, unique=True, validators=[school_code_validator])
    name = models.CharField("学校名称", max_length=100)
    kind = models.CharField("办学类型", max_length=20, choices=SchoolKind.choices, db_index=True)
    ownership = models.CharField("举办者类型", max_length=20, choices=Ownership.choices, default=Ownership.PUBLIC)
    township = models.ForeignKey(
        "areas.Area", verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="schools"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name="所在村（社区）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urban_rural = models.CharField("城乡分类", max_length=10, choices=UrbanRural.choices, default=UrbanRural.RURAL)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    boarding = models.BooleanField("寄宿制", default=False)
    is_central = models.BooleanField("中心校", default=False)
    parent = models.ForeignKey(
        "self", verbose_name="主校", null=True, blank=True, on_delete=models.PROTECT, related_name="branches"
    )
    is_active = models.BooleanField("在办", default=True)
    # The approved number of places (办学规模/核定学位数): the capacity that 普惠 coverage and the enrolment
    # forecast compare children against. Blank where the county has not recorded it.
    seats = models.PositiveIntegerField("核定学位数", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "学校"
        verbose_name_plural = "学校"
        ordering = ["township__sort", "kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="teaching_point") | models.Q(parent__isnull=False),
                name="teaching_point_has_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == SchoolKind.TEACHING_POINT and not self.parent_id:
            raise ValidationError({"parent": "教学点须指定主校"})
        if self.township_id and self.township.level != AreaLevel.TOWNSHIP:
            raise ValidationError({"township": "所在乡镇须为乡镇级区域"})
        if self.village_id and self.village is not None and self.village.parent_id != self.township_id:
            raise ValidationError({"village": "所在村（社区）不属于所在乡镇"})

    @property
    def grades(self) -> tuple[int, ...]:
        return KIND_GRADES.get(self.kind, ())


class SchoolClass(models.Model):
    """A class (班级) of one school in one school year (start year: 2021 = 2021-2022)."""

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="classes")
    school_year = models.PositiveSmallIntegerField(
        "学年", validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    grade = models.SmallIntegerField("年级", choices=Grade.choices)
    number = models.PositiveSmallIntegerField("班号", default=1)
    name = models.CharField("班级名称", max_length=30, blank=True)

    class Meta:
        verbose_name = "班级"
        verbose_name_plural = "班级"
        ordering = ["school_year", "grade", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "grade", "number"], name="class_unique")
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_grade_display()}（{self.number}）班"
