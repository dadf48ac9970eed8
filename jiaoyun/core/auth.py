"""Authentication with lockout after repeated failures (等保 2.0 登录失败处理)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import User


class AccountLocked(Exception):
    pass


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any):  # type: ignore[override]
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        now = timezone.now()
        ip = request.META.get("REMOTE_ADDR") if request is not None else None
        if user is not None and user.locked_until and user.locked_until > now:
            audit_record(actor=None, action=AuditAction.LOGIN_FAILED, obj=user, note="账号已锁定", ip=ip)
            return None
        result = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_FAILED,
                object_type="core.User",
                object_repr=username[:150],
                note="用户名不存在",
                ip=ip,
            )
            return result
        if result is None:
            failures = user.failed_logins + 1
            locked = None
            if failures >= settings.LOGIN_FAILURE_LIMIT:
                locked = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                failures = 0
            User.objects.filter(pk=user.pk).update(failed_logins=failures, locked_until=locked)
            note = "密码错误，账号已锁定" if locked else f"密码错误（连续第{failures}次）"
            audit_record(actor=None, action=AuditAction.LOGIN_FAILED, obj=user, note=note, ip=ip)
            return None
        if user.failed_logins or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        return result


def is_locked(username: str) -> bool:
    user = User.objects.filter(username=username).only("locked_until").first()
    return bool(user and user.locked_until and user.locked_until > timezone.now())
