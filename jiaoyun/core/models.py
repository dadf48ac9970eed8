"""Users with roles and data scope, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from jiaoyun.core.choices import AuditAction, Role, ScopeLevel, Section

ROLE_SCOPE: dict[str, str] = {
    Role.COUNTY_ADMIN: ScopeLevel.COUNTY,
    Role.BUREAU_STAFF: ScopeLevel.COUNTY,
    Role.COUNTY_LEADER: ScopeLevel.COUNTY,
    Role.TOWNSHIP_GOV: ScopeLevel.TOWNSHIP,
    Role.TOWNSHIP_OFFICER: ScopeLevel.TOWNSHIP,
    Role.PRINCIPAL: ScopeLevel.SCHOOL,
    Role.CLASS_TEACHER: ScopeLevel.CLASS,
    Role.VILLAGE_CADRE: ScopeLevel.VILLAGE,
    Role.STUDENT: ScopeLevel.STUDENT,
    Role.SYSTEM_ADMIN: ScopeLevel.NONE,
    Role.SECURITY_ADMIN: ScopeLevel.NONE,
    Role.AUDIT_ADMIN: ScopeLevel.NONE,
    Role.NONE: ScopeLevel.NONE,
}


class User(AbstractUser):
    """A person who logs in. The role fixes the scope level; area/school/classes fix the scope itself.

    * township officer: ``area`` is a township; village cadre: ``area`` is a village;
    * principal: ``school``; class teacher: ``school`` and ``classes``;
    * student: their own record only, through the account link of the quality app (``student_account``);
    * county roles see the whole county; the three administrators (三员分立) see no people-level data.
    """

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.NONE)
    section = models.CharField("股室", max_length=20, choices=Section.choices, blank=True, default="")
    area = models.ForeignKey(
        "areas.Area", verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", verbose_name="所属学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    classes = models.ManyToManyField("schools.SchoolClass", verbose_name="任教班级", blank=True, related_name="+")
    read_only = models.BooleanField("只读", default=False)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    # None: the password was set by an administrator (or never changed) and must be changed at the next login.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        # Learning records name teachers by mbox (mailto:email): looked up for every statement batch.
        indexes = [models.Index(fields=["email"], name="user_email_idx")]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def scope_level(self) -> str:
        """Fixed by the role alone: the superuser flag gives no data scope (三员分立)."""
        return ROLE_SCOPE.get(self.role, ScopeLevel.NONE)  # an unknown or empty role: no scope (never an error)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def can_write(self) -> bool:
        return not self.read_only and self.role != Role.COUNTY_LEADER

    @property
    def can_reveal_id(self) -> bool:
        """Who may see a full ID number (each reveal is audited)."""
        return self.role in (Role.COUNTY_ADMIN, Role.PRINCIPAL, Role.TOWNSHIP_OFFICER) or (
            self.role == Role.BUREAU_STAFF and self.section in (Section.BASIC, Section.PERSONNEL)
        )


ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class SecurityPolicy(models.Model):
    """The security policy (安全策略), one row, edited only by the security administrator.

    Each value starts as the deployment setting of the same meaning (``jiaoyun.core.security_policy.DEFAULTS``);
    the row overrides them at run time."""

    password_min_length = models.PositiveSmallIntegerField("密码最小长度", default=8)
    password_min_classes = models.PositiveSmallIntegerField(
        "密码字符类别数",
        default=2,
        help_text="大写字母、小写字母、数字、符号四类中至少包含几类（2–4）；字母和数字总是必需",
    )
    password_max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天）", default=90, help_text="到期后登录须先修改密码；0 表示不限"
    )
    lockout_limit = models.PositiveSmallIntegerField("连续失败锁定次数", default=5)
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=15)
    ip_failure_limit = models.PositiveSmallIntegerField(
        "同一地址失败上限", default=20, help_text="同一来源地址在统计窗口内登录失败达到此数后，暂停该地址的登录"
    )
    ip_window_minutes = models.PositiveSmallIntegerField("地址统计窗口（分钟）", default=15)
    session_idle_minutes = models.PositiveSmallIntegerField(
        "无操作超时（分钟）", default=30, help_text="不得超过部署设置 SESSION_IDLE_MINUTES"
    )
    session_max_hours = models.PositiveSmallIntegerField(
        "会话最长时长（小时）", default=12, help_text="自登录起超过此时长，无论是否有操作都须重新登录"
    )
    dormant_days = models.PositiveSmallIntegerField(
        "休眠账号停用（天）", default=90, help_text="超过此天数未登录的账号自动停用；0 表示不停用"
    )
    second_factor_roles = models.JSONField("须双因素认证的角色", default=list, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    def __str__(self) -> str:
        return "安全策略"


class LoginFailure(models.Model):
    """One failed login, by client address: the per-address throttle counts these in a sliding window."""

    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    username = models.CharField("用户名", max_length=150, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"
        indexes = [models.Index(fields=["ip", "at"], name="loginfailure_ip_at_idx")]


class TotpDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238): the second factor of the administrative roles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField("密钥（SM4 加密）", max_length=200)
    confirmed_at = models.DateTimeField("绑定时间", null=True, blank=True)
    last_step = models.BigIntegerField("最近使用的时间步", default=0)

    class Meta:
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"

    def __str__(self) -> str:
        return f"{self.user} 的动态口令"


class AuditEntry(models.Model):
    """One audited action. Rows are only ever inserted; nobody can edit or delete them through the app."""

    # Set by the writer before the entry's hash is computed (not auto_now_add, which would overwrite it on save).
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    # The hash chain (tamper evidence, see jiaoyun.core.audit): entry_hash = HMAC-SM3 over the entry's fields and
    # prev_hash, the entry_hash of the entry before it in id order (or of the last archived entry).
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True, default="")
    entry_hash = models.CharField("本条哈希", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"]),
            # The audit search (jiaoyun.core.audit_search): by the account as recorded, by a person's name.
            models.Index(fields=["actor_name"], name="auditentry_actor_name_idx"),
            models.Index(fields=["object_repr"], name="auditentry_object_repr_idx"),
        ]

    def __str__(self) -> str:
        # No object_repr: it may name a child, and this text appears in admin titles and breadcrumbs.
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise ValueError("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("审计日志不可删除")


class AuditChainHead(models.Model):
    """The one row that serialises appends to the audit chain (locked by every append until its commit).

    ``last_hash`` is the entry_hash of the newest entry; ``anchor_*`` describe the newest archived entry, the
    starting point of the chain that remains in the table after archiving."""

    last_hash = models.CharField("最新条目哈希", max_length=64, blank=True, default="")
    anchor_id = models.BigIntegerField("已归档至编号", default=0)
    anchor_hash = models.CharField("已归档最后哈希", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"


class AuditArchive(models.Model):
    """One archive file of audit entries removed from the table after the keeping period."""

    created_at = models.DateTimeField("归档时间", auto_now_add=True)
    file_name = models.CharField("文件", max_length=255)
    sha256 = models.CharField("文件SHA-256", max_length=64)
    first_id = models.BigIntegerField("起始编号")
    last_id = models.BigIntegerField("结束编号")
    count = models.PositiveIntegerField("条数")
    first_prev_hash = models.CharField("起始前一条哈希", max_length=64, blank=True)
    last_hash = models.CharField("最后哈希", max_length=64)
    before = models.DateTimeField("归档截止时间")

    class Meta:
        verbose_name = "审计归档"
        verbose_name_plural = "审计归档"
        ordering = ["-last_id"]

    def __str__(self) -> str:
        return f"{self.file_name} (#{self.first_id}–#{self.last_id}, {self.count}条)"
