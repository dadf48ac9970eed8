"""Checklists and the inspections recorded against them (安全检查): a result per item, a score."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.safety.choices import InspectionKind, SixT, TemplateKind


class ChecklistTemplate(models.Model):
    """A checklist used by inspections (campus safety, or a canteen 六T checklist)."""

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=10, choices=TemplateKind.choices, default=TemplateKind.CAMPUS)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "检查表"
        verbose_name_plural = "检查表"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One line of a checklist; canteen items carry their 六T category."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name="检查表", on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField("检查内容", max_length=200)
    six_t = models.CharField("六T类别", max_length=10, choices=SixT.choices, blank=True, default="")
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = "检查项"
        ordering = ["template", "sort", "id"]

    def __str__(self) -> str:
        return self.text


class Inspection(models.Model):
    """A checklist-based inspection of a school (or of its canteen)."""

    school = models.ForeignKey(
        "schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="safety_inspections"
    )
    canteen = models.ForeignKey(
        "safety.Canteen",
        verbose_name="食堂",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    template = models.ForeignKey(ChecklistTemplate, verbose_name="检查表", on_delete=models.PROTECT)
    kind = models.CharField("检查类型", max_length=15, choices=InspectionKind.choices)
    date = models.DateField("检查日期", db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="检查人", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, default=0)
    failed_count = models.PositiveSmallIntegerField("不合格项数", default=0)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "安全检查"
        verbose_name_plural = "安全检查"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.school} {self.date} {self.get_kind_display()}"


class InspectionResult(models.Model):
    """The outcome of one checklist item in one inspection."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name="检查项", on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField("合格")
    note = models.CharField("情况说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_unique")]

    def __str__(self) -> str:
        return f"{self.item}：{'合格' if self.passed else '不合格'}"
