"""School canteens: 六T daily checks, 陪餐, 留样, staff health certificates, 明厨亮灶."""

from __future__ import annotations

from django.db import models

from jiaoyun.safety.choices import BrightKitchen, Meal


class Canteen(models.Model):
    """A school canteen (食堂)."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="canteens")
    name = models.CharField("名称", max_length=100)
    bright_kitchen = models.CharField(
        "明厨亮灶", max_length=10, choices=BrightKitchen.choices, default=BrightKitchen.NONE
    )
    bright_kitchen_online = models.BooleanField("明厨亮灶视频在线", default=False)

    class Meta:
        verbose_name = "食堂"
        verbose_name_plural = "食堂"
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name


class SixTCheck(models.Model):
    """The daily 六T self-check of a canteen (天天处理、整合、清扫、规范、检查、改进)."""

    canteen = models.ForeignKey(Canteen, verbose_name="食堂", on_delete=models.CASCADE, related_name="sixt_checks")
    date = models.DateField("日期")
    handle = models.BooleanField("天天处理", default=False)
    integrate = models.BooleanField("天天整合", default=False)
    sweep = models.BooleanField("天天清扫", default=False)
    standard = models.BooleanField("天天规范", default=False)
    checked = models.BooleanField("天天检查", default=False)
    improve = models.BooleanField("天天改进", default=False)
    checker = models.CharField("检查人", max_length=50)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "六T日检"
        verbose_name_plural = "六T日检"
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["canteen", "date"], name="sixt_check_unique")]

    def __str__(self) -> str:
        return f"{self.canteen} {self.date}"

    @property
    def passed_count(self) -> int:
        return sum([self.handle, self.integrate, self.sweep, self.standard, self.checked, self.improve])


class MealAccompaniment(models.Model):
    """A 陪餐记录: a school leader (or parent) eating with the students."""

    canteen = models.ForeignKey(Canteen, verbose_name="食堂", on_delete=models.CASCADE, related_name="accompaniments")
    date = models.DateField("日期")
    meal = models.CharField("餐次", max_length=10, choices=Meal.choices)
    companion = models.CharField("陪餐人", max_length=50)
    is_parent = models.BooleanField("家长陪餐", default=False)
    comments = models.CharField("意见建议", max_length=300, blank=True)

    class Meta:
        verbose_name = "陪餐记录"
        verbose_name_plural = "陪餐记录"
        ordering = ["-date", "meal"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_meal_display()} {self.companion}"


class FoodSample(models.Model):
    """A 留样记录: one dish sampled at one meal (≥125 g, kept ≥48 h)."""

    canteen = models.ForeignKey(Canteen, verbose_name="食堂", on_delete=models.CASCADE, related_name="samples")
    date = models.DateField("日期")
    meal = models.CharField("餐次", max_length=10, choices=Meal.choices)
    dish = models.CharField("菜品", max_length=50)
    weight_g = models.PositiveIntegerField("留样重量（克）")
    keep_hours = models.PositiveIntegerField("留存时长（小时）")
    keeper = models.CharField("留样人", max_length=50)

    class Meta:
        verbose_name = "留样记录"
        verbose_name_plural = "留样记录"
        ordering = ["-date", "meal"]

    def __str__(self) -> str:
        return f"{self.date} {self.dish}"


class CanteenStaff(models.Model):
    """A canteen worker with a health certificate (健康证)."""

    canteen = models.ForeignKey(Canteen, verbose_name="食堂", on_delete=models.CASCADE, related_name="staff")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("岗位", max_length=30, blank=True)
    health_cert_no = models.CharField("健康证号", max_length=30, blank=True)
    health_cert_valid_until = models.DateField("健康证有效期至", null=True, blank=True)

    class Meta:
        verbose_name = "食堂从业人员"
        verbose_name_plural = "食堂从业人员"
        ordering = ["canteen", "name"]

    def __str__(self) -> str:
        return self.name
