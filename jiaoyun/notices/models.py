"""In-app notifications: one row per user and thing to tell (``key``), the platform's own inbox.

Every module that alerts someone (a late milestone, an overdue 整改, a step of 控辍保学, an offline device) calls
``jiaoyun.notices.services.notify``; delivery to 企业微信, 钉钉, email or SMS reads these rows, so nothing is
sent that the inbox does not hold.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiaoyun.core.choices import Section

# The modules' labels as the inbox shows them (an unknown module shows its code).
MODULE_LABELS = {
    "dropout": "控辍保学", "safety": "校园安全", "bulletins": "督查通报", "supervision": "督导考核",
    "facilities": "项目建设", "finance": "经费保障", "standards": "优质均衡", "forecast": "学位预测",
    "quality": "教育质量", "warning": "辍学预警", "indicators": "目标指标", "teachers": "教师队伍",
}  # fmt: skip


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
    routed_at = models.DateTimeField("已分发时间", null=True, blank=True)  # deliveries planned (robots, email, SMS)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_user_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def module_label(self) -> str:
        return MODULE_LABELS.get(self.module, self.module)


class Channel(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


ROBOT_CHANNELS = (Channel.WECOM, Channel.DINGTALK)
PERSONAL_CHANNELS = (Channel.EMAIL, Channel.SMS)


class _Filter(models.Model):
    """Which notifications a route takes: ``modules`` (app labels, comma-separated; empty = every module) at or
    above ``min_level`` (0 = every level, 1 = escalations only …)."""

    modules = models.CharField("模块", max_length=200, blank=True, help_text="如 dropout,safety,bulletins；留空为全部")
    min_level = models.PositiveSmallIntegerField("最低升级层级", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True

    @property
    def module_list(self) -> list[str]:
        return [m.strip() for m in self.modules.replace("，", ",").split(",") if m.strip()]

    def takes(self, *, module: str, level: int) -> bool:
        wanted = self.module_list
        return self.is_active and level >= self.min_level and (not wanted or module in wanted)


class Robot(_Filter):
    """A group robot (企业微信 or 钉钉) of one township or one bureau section: the notifications of that
    township's (or section's) users go to the group, once per key. The webhook address holds the robot's key
    (企业微信 ``key=…``, 钉钉 ``access_token=…``) and is a secret; 钉钉 robots set to 加签 also keep the ``SEC…``
    secret the request is signed with."""

    name = models.CharField("群名称", max_length=60)
    channel = models.CharField("渠道", max_length=10, choices=[(c.value, c.label) for c in ROBOT_CHANNELS])
    webhook = models.CharField("Webhook地址", max_length=500)
    secret = models.CharField("加签密钥", max_length=200, blank=True, help_text="钉钉机器人安全设置“加签”的SEC开头密钥")
    township = models.ForeignKey(
        "areas.Area", verbose_name="乡镇", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    section = models.CharField("股室", max_length=20, choices=Section.choices, blank=True, default="")

    class Meta:
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"
        ordering = ["channel", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_channel_display()}）"


class Preference(_Filter):
    """A user's own channel (email to ``user.email``, SMS to ``user.phone``) and what goes to it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    channel = models.CharField("渠道", max_length=10, choices=[(c.value, c.label) for c in PERSONAL_CHANNELS])

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = "提醒设置"
        ordering = ["user_id", "channel"]
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="notice_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_channel_display()}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已送达"
    FAILED = "failed", "发送失败（已停止重试）"


class Delivery(models.Model):
    """One message to one route (a group robot, or a user's email/SMS): the delivery log. A robot gets a key
    once however many of its group's users were told; a failed send is retried with growing pauses."""

    route = models.CharField("路由", max_length=40)  # robot:<id> | user:<id>:<channel>
    key = models.CharField("去重键", max_length=200)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    robot = models.ForeignKey(Robot, verbose_name="群机器人", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="deliveries")  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")  # fmt: skip
    module = models.CharField("模块", max_length=40, blank=True)
    level = models.PositiveSmallIntegerField("升级层级", default=0)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("处理地址", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", db_index=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "消息发送记录"
        verbose_name_plural = "消息发送记录"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["route", "key"], name="delivery_once_per_route_key")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.title}"
