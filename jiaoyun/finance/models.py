"""The county's yearly education finance figures (教育经费), as entered by the 计划财务股 or imported."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from jiaoyun.schools.choices import Level


class FinanceYear(models.Model):
    """One budget year (财政年度, a calendar year) of the county: the figures the legal checks compare year on year.

    Money in 元 with two decimals (``Decimal``, never float). ``students`` is the 在校生数 the finance report
    used (教育事业统计, 全口径); the registry's count is shown beside it, never stored here."""

    year = models.PositiveSmallIntegerField(
        "年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    education_expenditure = models.DecimalField("一般公共预算教育支出（元）", max_digits=16, decimal_places=2)
    recurrent_revenue = models.DecimalField("财政经常性收入（元）", max_digits=16, decimal_places=2)
    students = models.PositiveIntegerField("在校生数（填报）", null=True, blank=True)
    teacher_pay = models.DecimalField(
        "教师年平均工资收入（元）", null=True, blank=True, max_digits=16, decimal_places=2
    )
    civil_servant_pay = models.DecimalField(
        "当地公务员年平均工资收入（元）", null=True, blank=True, max_digits=16, decimal_places=2
    )
    source = models.CharField("资料来源", max_length=200, blank=True)
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "年度教育经费"
        verbose_name_plural = "年度教育经费"
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(education_expenditure__gte=0), name="finance_expenditure_gte0"),
            models.CheckConstraint(condition=models.Q(recurrent_revenue__gte=0), name="finance_revenue_gte0"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度教育经费"


class LevelFigure(models.Model):
    """The figures of one level (学段) in one budget year: its 一般公共预算教育经费, the 公用经费 paid to its
    schools and its 在校生数 (entered; blank → the registry's count is used)."""

    year = models.ForeignKey(FinanceYear, verbose_name="年度", on_delete=models.CASCADE, related_name="levels")
    level = models.CharField("学段", max_length=20, choices=Level.choices)
    expenditure = models.DecimalField(
        "一般公共预算教育经费（元）", null=True, blank=True, max_digits=16, decimal_places=2
    )
    public_funds = models.DecimalField("公用经费（元）", null=True, blank=True, max_digits=16, decimal_places=2)
    students = models.PositiveIntegerField("在校生数（填报）", null=True, blank=True)

    class Meta:
        verbose_name = "分学段经费"
        verbose_name_plural = "分学段经费"
        ordering = ["year", "level"]
        constraints = [models.UniqueConstraint(fields=["year", "level"], name="finance_level_unique")]

    def __str__(self) -> str:
        return f"{self.year.year}年{self.get_level_display()}"
