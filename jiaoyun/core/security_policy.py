"""The security policy (安全策略) managed by the security administrator (三员分立).

The deployment settings give the defaults (``DEFAULTS``); the one ``SecurityPolicy`` row, once the security
administrator has saved it, replaces them at run time. Values that concern a session (idle timeout, absolute
lifetime, password expiry) are stamped into the session at login, so a request never reads the policy.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.models import SecurityPolicy, User

POLICY_PK = 1
FIELDS = (
    "password_min_length",
    "password_min_classes",
    "password_max_age_days",
    "lockout_limit",
    "lockout_minutes",
    "ip_failure_limit",
    "ip_window_minutes",
    "session_idle_minutes",
    "session_max_hours",
    "dormant_days",
    "second_factor_roles",
)
SECOND_FACTOR_CHOICES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.COUNTY_ADMIN)


def defaults() -> dict[str, Any]:
    """The policy as the deployment settings give it."""
    return {
        "password_min_length": settings.PASSWORD_MIN_LENGTH,
        "password_min_classes": settings.PASSWORD_MIN_CLASSES,
        "password_max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
        "lockout_limit": settings.LOGIN_FAILURE_LIMIT,
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        "ip_failure_limit": settings.LOGIN_IP_FAILURE_LIMIT,
        "ip_window_minutes": settings.LOGIN_IP_WINDOW_MINUTES,
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "session_max_hours": settings.SESSION_MAX_HOURS,
        "dormant_days": settings.DORMANT_ACCOUNT_DAYS,
        "second_factor_roles": list(settings.SECOND_FACTOR_ROLES),
    }


def policy_get() -> SecurityPolicy:
    """The policy in force: the saved row, or an unsaved one holding the settings' defaults."""
    saved = SecurityPolicy.objects.filter(pk=POLICY_PK).first()
    return saved if saved is not None else SecurityPolicy(pk=POLICY_PK, **defaults())


def can_manage_policy(user: User | AnonymousUser) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "role", None) == Role.SECURITY_ADMIN
    )


def policy_validate(values: dict[str, Any]) -> None:
    """Raise DomainError naming the first value out of range."""
    checks = (
        ("password_min_length", "密码最小长度", 8, 64),
        ("password_min_classes", "密码字符类别数", 2, 4),
        ("password_max_age_days", "密码有效期（天）", 0, 365),
        ("lockout_limit", "连续失败锁定次数", 3, 10),
        ("lockout_minutes", "锁定时长（分钟）", 5, 1440),
        ("ip_failure_limit", "同一地址失败上限", 5, 1000),
        ("ip_window_minutes", "地址统计窗口（分钟）", 1, 1440),
        ("session_idle_minutes", "无操作超时（分钟）", 1, settings.SESSION_COOKIE_AGE // 60),
        ("session_max_hours", "会话最长时长（小时）", 1, 24),
        ("dormant_days", "休眠账号停用（天）", 0, 3650),
    )
    for name, label, low, high in checks:
        value = values.get(name)
        if value is None or not low <= int(value) <= high:
            raise DomainError(f"{label}须在 {low}–{high} 之间", field=label)
    roles = values.get("second_factor_roles") or []
    unknown = [r for r in roles if r not in SECOND_FACTOR_CHOICES]
    if unknown:
        raise DomainError(f"须双因素认证的角色：不认识“{'、'.join(unknown)}”", field="须双因素认证的角色")
    if int(values["password_min_length"]) < settings.PASSWORD_MIN_LENGTH:
        raise DomainError(f"密码最小长度不得低于部署设置的 {settings.PASSWORD_MIN_LENGTH}", field="密码最小长度")


@transaction.atomic
def policy_update(*, actor: User | AnonymousUser, values: dict[str, Any], ip: str | None = None) -> SecurityPolicy:
    """Save the policy (security administrator only); the change is audited with old and new values."""
    from jiaoyun.core.audit import audit_record

    if not can_manage_policy(actor):
        raise PermissionDenied("只有安全管理员可以修改安全策略")
    values = {k: values[k] for k in FIELDS if k in values}
    current = policy_get()
    before = {k: getattr(current, k) for k in FIELDS}
    merged = {**before, **values}
    policy_validate(merged)
    policy, created = SecurityPolicy.objects.select_for_update().get_or_create(pk=POLICY_PK, defaults=merged)
    if not created:
        for k, v in merged.items():
            setattr(policy, k, v)
        policy.save()
    changes = {k: [before[k], merged[k]] for k in FIELDS if before[k] != merged[k]}
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=policy, changes=changes, note="修改安全策略", ip=ip)
    return policy


def needs_second_factor(user: User | AnonymousUser, policy: SecurityPolicy | None = None) -> bool:
    policy = policy or policy_get()
    return getattr(user, "role", None) in set(policy.second_factor_roles or [])
