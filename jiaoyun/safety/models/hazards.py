"""Hazards (安全隐患) and their loop: events with evidence files, escalations of overdue ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.safety.choices import HazardStatus, Level, Severity


class Hazard(models.Model):
    """A safety hazard: 待整改 → 已整改待复查 → 复查通过 → 已销号; transitions only through services."""

    school = models.ForeignKey("schools.School", verbose_name="学校", on_delete=models.CASCADE, related_name="hazards")
    inspection_result = models.OneToOneField(
        "safety.InspectionResult",
        verbose_name="来源检查项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazard",
    )
    title = models.CharField("隐患", max_length=200)
    severity = models.CharField("等级", max_length=10, choices=Severity.choices, default=Severity.LOW)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="责任人", on_delete=models.PROTECT, related_name="safety_hazards"
    )
    deadline = models.DateField("整改期限", db_index=True)
    status = models.CharField("状态", max_length=10, choices=HazardStatus.choices, default=HazardStatus.OPEN)
    level = models.CharField("督办层级", max_length=10, choices=Level.choices, default=Level.SCHOOL)
    escalated_on = models.DateField("最近升级日期", null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="整改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField("发现时间")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "安全隐患"
        verbose_name_plural = "安全隐患"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return self.title


class HazardEvent(models.Model):
    """One transition of a hazard: who, when, from/to, note."""

    hazard = models.ForeignKey(Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("动作", max_length=20)
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "隐患处置记录"
        verbose_name_plural = "隐患处置记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard} {self.action}"

    @property
    def from_label(self) -> str:
        return str(HazardStatus(self.from_status).label) if self.from_status in HazardStatus.values else "—"

    @property
    def to_label(self) -> str:
        return str(HazardStatus(self.to_status).label) if self.to_status in HazardStatus.values else self.to_status


class HazardEvidence(models.Model):
    """A photo or file proving a rectification (stored under MEDIA_ROOT)."""

    event = models.ForeignKey(HazardEvent, verbose_name="处置记录", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="safety/hazards/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "整改佐证"
        verbose_name_plural = "整改佐证"

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """An overdue hazard passed one level up (school → township → county)."""

    hazard = models.ForeignKey(Hazard, verbose_name="隐患", on_delete=models.CASCADE, related_name="escalations")
    date = models.DateField("日期")
    from_level = models.CharField("原层级", max_length=10, choices=Level.choices)
    to_level = models.CharField("新层级", max_length=10, choices=Level.choices)
    days_overdue = models.PositiveIntegerField("逾期天数")

    class Meta:
        verbose_name = "逾期升级"
        verbose_name_plural = "逾期升级"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.hazard} {self.get_from_level_display()}→{self.get_to_level_display()}"
