"""The county's monthly 督查通报 and the decisions it carries, followed to closure.

A bulletin is compiled as a draft (``content``: every module's section, the commendations and the proposed
decisions, as JSON), previewed by the 督导室 and issued in one step: it takes its 文号, is rendered in the
GB/T 9704 layout and archived (content + PDF with their SHA-256); from then on it is never changed. Each decision
of an issued bulletin is a ``Decision`` row with its own state machine (已下达 → 已反馈 → 已核验销号, or 逾期).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from jiaoyun.bulletins.choices import Addressee, BulletinStatus, DecisionKind, DecisionState
from jiaoyun.core.choices import Section

EVIDENCE_DIR = "bulletins/evidence/%Y/%m"


class SupervisionBulletin(models.Model):
    month = models.DateField("月份", unique=True)  # first day of the month reported on
    status = models.CharField("状态", max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    content = models.JSONField("通报内容", default=dict)
    compiled_on = models.DateField("汇编日期")
    compiled_at = models.DateTimeField("汇编时间", auto_now=True)
    content_sha256 = models.CharField("内容摘要", max_length=64, blank=True)
    pdf = models.BinaryField("PDF", blank=True, default=b"")
    pdf_sha256 = models.CharField("PDF摘要", max_length=64, blank=True)
    number = models.CharField("发文字号", max_length=60, blank=True)
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="印发人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "督查通报"
        verbose_name_plural = "督查通报"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month.year}年{self.month.month}月督查通报"

    @property
    def is_issued(self) -> bool:
        return self.status == BulletinStatus.ISSUED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and type(self)._default_manager.filter(pk=self.pk, status=BulletinStatus.ISSUED).exists()
        ):
            raise ValueError("督查通报已印发归档，不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if type(self)._default_manager.filter(pk=self.pk, status=BulletinStatus.ISSUED).exists():
            raise ValueError("督查通报已印发归档，不可删除")
        return super().delete(*args, **kwargs)


class Decision(models.Model):
    """One decision of an issued bulletin, addressed to a township, a school or a bureau section."""

    bulletin = models.ForeignKey(
        SupervisionBulletin, verbose_name="通报", on_delete=models.PROTECT, related_name="decisions"
    )
    seq = models.PositiveSmallIntegerField("序号")
    addressee_kind = models.CharField("对象类别", max_length=10, choices=Addressee.choices)
    township = models.ForeignKey(
        "areas.Area", verbose_name="乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    section = models.CharField("股室", max_length=20, choices=Section.choices, blank=True, default="")
    addressee_name = models.CharField("对象", max_length=100)
    matter = models.CharField("事项代码", max_length=40)
    matter_label = models.CharField("事项", max_length=60)
    kind = models.CharField("处理方式", max_length=10, choices=DecisionKind.choices)
    level = models.PositiveSmallIntegerField("追究层级")
    reason = models.TextField("事由")
    deadline = models.DateField("整改期限")
    report_to = models.CharField("抄报上一级", max_length=100, blank=True)
    previous = models.ForeignKey(
        "self", verbose_name="前次决定", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=10, choices=DecisionState.choices, default=DecisionState.ISSUED)
    went_overdue = models.BooleanField("曾逾期", default=False)
    reported_at = models.DateTimeField("反馈时间", null=True, blank=True)
    verified_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = "通报决定"
        verbose_name_plural = "通报决定"
        ordering = ["bulletin_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "seq"], name="bulletins_decision_seq")]
        indexes = [models.Index(fields=["state", "deadline"], name="bulletins_decision_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.addressee_name}（{self.matter_label}）"


class DecisionEvent(models.Model):
    """A step of a decision: feedback with evidence, return, verification, overdue."""

    decision = models.ForeignKey(Decision, verbose_name="决定", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField("原状态", max_length=10, choices=DecisionState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=10, choices=DecisionState.choices)
    note = models.TextField("说明", blank=True)
    evidence = models.FileField("佐证材料", upload_to=EVIDENCE_DIR, blank=True)
    evidence_name = models.CharField("材料文件名", max_length=200, blank=True)

    class Meta:
        verbose_name = "决定办理记录"
        verbose_name_plural = "决定办理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.decision} {self.action}"
