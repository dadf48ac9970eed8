"""The data behind official documents: the letterheads they are issued under and the 发文登记 (issued numbers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.reports.official import ARABIC, DATE_STYLES


class Letterhead(models.Model):
    """How one kind of document is issued: authority, 发文机关标志, 文号 prefix, 主送, 抄送 and 印发 lines.

    One row per ``key`` (``dropout_bulletin``, ``safety_bulletin``); a key without a row uses
    ``reports.official.DEFAULT_LETTERHEADS``. Edited by the county administrator (公文格式设置)."""

    key = models.CharField("文种代码", max_length=40, unique=True)
    name = models.CharField("文种", max_length=60)
    authority = models.CharField("发文机关署名", max_length=60)
    mark = models.CharField("发文机关标志", max_length=60, help_text="红头上的文字，如“施甸县教育体育局文件”")
    prefix = models.CharField("发文机关代字", max_length=20, help_text="文号中的机关代字，如“施教体”")
    recipients = models.CharField("主送机关", max_length=300)
    copy_to = models.CharField("抄送机关", max_length=300, blank=True)
    printer = models.CharField("印发机关", max_length=60, blank=True)
    date_style = models.CharField("成文日期写法", max_length=10, choices=DATE_STYLES, default=ARABIC)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "公文格式设置"
        verbose_name_plural = "公文格式设置"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class IssuedDocument(models.Model):
    """发文登记: a number given in the per-year sequence of a 文号 prefix to one document (``subject``, e.g.
    ``dropout_bulletin:2021-03``), with the archived PDF. A subject is numbered once; numbers never repeat."""

    subject = models.CharField("文件标识", max_length=80, unique=True)
    letterhead_key = models.CharField("文种代码", max_length=40)
    prefix = models.CharField("发文机关代字", max_length=20)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("顺序号")
    number = models.CharField("发文字号", max_length=60)
    title = models.CharField("标题", max_length=200)
    issued_on = models.DateField("成文日期")
    parts = models.JSONField("公文要素", default=dict)
    pdf = models.BinaryField("PDF", blank=True, default=b"")
    pdf_sha256 = models.CharField("PDF摘要", max_length=64, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "发文登记"
        verbose_name_plural = "发文登记"
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["prefix", "year", "seq"], name="reports_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
