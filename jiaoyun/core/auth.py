"""Authentication with lockout after repeated failures (等保 2.0 登录失败处理).

Two throttles, both from the security policy:

* per account: consecutive failures are counted in the database with one atomic ``UPDATE … SET
  failed_logins = failed_logins + 1`` inside a transaction, so parallel wrong passwords each count (the
  row lock serialises them); reaching the limit locks the account for the lockout period;
* per client address: every failure is a ``LoginFailure`` row; an address with too many failures in the
  sliding window is refused before any password is checked, whatever the user names it tries.

This backend is the only one (``AUTHENTICATION_BACKENDS``), so the login page, the TOTP step and the admin
site all pass through it; every failure is audited here (the ``user_login_failed`` signal is not used, to
avoid two entries per failure).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.http import client_ip
from jiaoyun.core.models import LoginFailure, SecurityPolicy, User
from jiaoyun.core.security_policy import policy_get


class AccountLocked(Exception):
    pass


def ip_blocked(ip: str | None, policy: SecurityPolicy | None = None, *, now: dt.datetime | None = None) -> bool:
    """Whether the address has reached the policy's failure limit within the sliding window."""
    if not ip:
        return False
    policy = policy or policy_get()
    since = (now or timezone.now()) - dt.timedelta(minutes=policy.ip_window_minutes)
    return LoginFailure.objects.filter(ip=ip, at__gte=since).count() >= policy.ip_failure_limit


def _note_ip_failure(ip: str | None, username: str) -> None:
    LoginFailure.objects.create(ip=ip, username=username[:150])


def register_failure(user: User, *, ip: str | None, reason: str, policy: SecurityPolicy | None = None) -> int:
    """Count one failure of the account atomically, lock it at the limit, audit it; returns the count."""
    policy = policy or policy_get()
    now = timezone.now()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        failures = User.objects.filter(pk=user.pk).values_list("failed_logins", flat=True).get()
        locked = failures >= policy.lockout_limit
        if locked:
            User.objects.filter(pk=user.pk).update(locked_until=now + dt.timedelta(minutes=policy.lockout_minutes))
        _note_ip_failure(ip, user.username)
        note = f"{reason}，账号已锁定" if locked else f"{reason}（连续第{failures}次）"
        audit_record(actor=None, action=AuditAction.LOGIN_FAILED, obj=user, note=note, ip=ip)
    return failures


def reset_failures(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


def _refused(ip: str | None, username: str, user: User | None, note: str) -> None:
    """A refused login: counted against the address and audited (naming the account when it exists)."""
    with transaction.atomic():
        _note_ip_failure(ip, username)
        if user is not None:
            audit_record(actor=None, action=AuditAction.LOGIN_FAILED, obj=user, note=note, ip=ip)
        else:
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_FAILED,
                object_type="core.User",
                object_repr=username[:150],
                note=note,
                ip=ip,
            )


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any):  # type: ignore[override]
        if username is None or password is None:
            return None
        policy = policy_get()
        now = timezone.now()
        ip = client_ip(request)
        if ip_blocked(ip, policy, now=now):
            _refused(ip, username, None, "来源地址登录失败次数过多，暂停登录")
            return None
        user = User.objects.filter(username=username).first()
        if user is not None and user.locked_until:
            if user.locked_until > now:
                _refused(ip, username, user, "账号已锁定")
                return None
            # The lock has run out: the count starts again.
            User.objects.filter(pk=user.pk, locked_until__lte=now).update(failed_logins=0, locked_until=None)
            user.failed_logins, user.locked_until = 0, None
        result = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            _refused(ip, username, None, "用户名不存在")
            return result
        if result is None and not user.is_active:
            _refused(ip, username, user, "账号已停用")
            return None
        if result is None:
            register_failure(user, ip=ip, reason="密码错误", policy=policy)
            return None
        reset_failures(user)
        return result


def is_locked(username: str) -> bool:
    user = User.objects.filter(username=username).only("locked_until").first()
    return bool(user and user.locked_until and user.locked_until > timezone.now())
