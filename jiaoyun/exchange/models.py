"""Import records: one ImportBatch per uploaded file, with its rejected rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.exchange.choices import BatchStatus


class ImportBatch(models.Model):
    """One uploaded file of one kind: previewed (dry run), then confirmed (written) or failed.

    The file itself is kept under ``MEDIA_ROOT/imports/`` (``stored_path``) so that confirming re-reads
    exactly the previewed bytes (checked against ``file_sha256``).
    """

    kind = models.CharField("数据类型", max_length=40, db_index=True)
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField("文件SHA-256", max_length=64, db_index=True)
    file_size = models.BigIntegerField("文件大小（字节）", default=0)
    stored_path = models.CharField("存储路径", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("导入时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=BatchStatus.choices, default=BatchStatus.PROCESSING, db_index=True
    )
    total = models.PositiveIntegerField("数据行", default=0)
    new = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    rejected = models.PositiveIntegerField("拒绝", default=0)
    flagged = models.PositiveIntegerField("需确认的更新", default=0)
    skipped = models.PositiveIntegerField("未确认而跳过", default=0)
    flagged_accepted = models.BooleanField("已确认需确认的更新", default=False)
    # After a confirm: what to do next, computed from the rows written ([{text, count, kind}]).
    next_steps = models.JSONField("后续步骤", default=list, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    header_row = models.PositiveIntegerField("表头所在行", null=True, blank=True)
    message = models.TextField("说明", blank=True)

    # Seconds per stage of the last run in this process (not stored): see ``services.RunResult.seconds``.
    run_seconds: dict[str, float] | None = None

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def accepted(self) -> int:
        return self.new + self.updated + self.unchanged


class ImportRejection(models.Model):
    """A rejected row of a batch: where (row number as in the file, column), what (value) and why.

    ID numbers are kept masked here; the downloadable XLSX of rejected rows re-reads the stored file.
    """

    batch = models.ForeignKey(ImportBatch, verbose_name="导入批次", on_delete=models.CASCADE, related_name="rejections")
    row = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=100, blank=True)
    value = models.CharField("值", max_length=200, blank=True)
    reason = models.CharField("原因", max_length=500)

    class Meta:
        verbose_name = "拒绝行"
        verbose_name_plural = "拒绝行"
        ordering = ["batch_id", "row", "id"]

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.reason}"


class ImportChange(models.Model):
    """A row the preview lists: a new record's values or an update's changed fields (before → after).

    ``changes`` holds [column, before, after] (an update) or [column, value] (a new row), as the file would
    hold them, ID numbers masked. ``flag`` marks an update that changes a person's identity under the same
    ID number (name, birth date, sex): written only when the importer acknowledges it (ADR 0028). Deleted
    with the stored file when its keeping period ends.
    """

    batch = models.ForeignKey(ImportBatch, verbose_name="导入批次", on_delete=models.CASCADE, related_name="changes")
    row = models.PositiveIntegerField("行号")
    outcome = models.CharField("结果", max_length=12)
    subject = models.CharField("记录", max_length=100, blank=True)
    changes = models.JSONField("变化", default=list)
    flag = models.CharField("需确认", max_length=300, blank=True)

    class Meta:
        verbose_name = "预览行"
        verbose_name_plural = "预览行"
        ordering = ["batch_id", "row", "id"]

    def __str__(self) -> str:
        return f"第{self.row}行 {self.subject}"
