"""In-app notifications: one row per user and thing to tell (``key``), the platform's own inbox.

Every module that alerts someone (a late milestone, an overdue 整改, a step of 控辍保学, an offline device) calls
``jiaoyun.notices.services.notify``; delivery to 企业微信, 钉钉, email or SMS reads these rows, so nothing is
sent that the inbox does not hold.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """A message to one user. ``key`` makes a notice idempotent: the same key is written once per user (a weekly
    escalation carries its level in the key, so each level is told once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField("去重键", max_length=200)
    module = models.CharField("模块", max_length=40, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("处理地址", max_length=300, blank=True)
    level = models.PositiveSmallIntegerField("升级层级", default=0)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_user_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.title
