"""Accounts: login bookkeeping, the periodic password change, TOTP second factor, dormant accounts.

* Every login, whatever the path (login page, TOTP step, admin site), fires ``user_logged_in``: the receiver
  audits it and stamps the session with what the middleware enforces without reading the policy again —
  the idle timeout, the absolute lifetime and when the password expires. ``user_logged_out`` audits logouts.
  Programmatic logins that carry no client request (test clients' ``force_login``) are stamped, not audited.
* The second factor is TOTP (RFC 6238, pyotp); the secret is stored SM4-encrypted; a code is accepted once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.models import ADMIN_ROLES, SecurityPolicy, TotpDevice, User
from jiaoyun.core.security_policy import policy_get

ISSUER = "教云"
# Session keys (all timestamps are POSIX seconds).
S_START = "jy_login_at"
S_SEEN = "jy_seen_at"
S_IDLE = "jy_idle_s"
S_MAX = "jy_max_s"
S_PW_EXPIRES = "jy_pw_expires_at"  # None: never; 0: already expired (must change now)
S_PENDING = "jy_pending_2fa"
LOGOUT_NOTE = "_jy_logout_note"


def _real_request(request: Any) -> bool:
    return request is not None and bool(getattr(request, "path", "")) and "REMOTE_ADDR" in request.META


def password_expires_at(user: User, policy: SecurityPolicy) -> float | None:
    """When the password must be changed (POSIX seconds); 0 when it must be changed now; None: never."""
    if user.password_changed_at is None:
        return 0
    if not policy.password_max_age_days:
        return None
    return (user.password_changed_at + dt.timedelta(days=policy.password_max_age_days)).timestamp()


def stamp_session(request: Any, user: User, policy: SecurityPolicy | None = None) -> None:
    policy = policy or policy_get()
    now = timezone.now().timestamp()
    request.session[S_START] = now
    request.session[S_SEEN] = now
    request.session[S_IDLE] = policy.session_idle_minutes * 60
    request.session[S_MAX] = policy.session_max_hours * 3600
    request.session[S_PW_EXPIRES] = password_expires_at(user, policy)


@receiver(user_logged_in, dispatch_uid="jiaoyun_login")
def on_logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    stamp_session(request, user)
    if _real_request(request):
        audit_record(actor=user, action=AuditAction.LOGIN, obj=user, ip=request.META.get("REMOTE_ADDR"))


@receiver(user_logged_out, dispatch_uid="jiaoyun_logout")
def on_logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is None or not _real_request(request):
        return
    note = getattr(request, LOGOUT_NOTE, "")
    audit_record(actor=user, action=AuditAction.LOGOUT, obj=user, note=note, ip=request.META.get("REMOTE_ADDR"))


# ---- password change ---------------------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, new_password: str, request: Any = None) -> None:
    """Set the user's own new password (already validated by the form); audited; keeps the session."""
    from django.contrib.auth import update_session_auth_hash

    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(actor=user, action=AuditAction.UPDATE, obj=user, note="本人修改密码",
                 ip=request.META.get("REMOTE_ADDR") if request is not None else None)  # fmt: skip
    if request is not None:
        update_session_auth_hash(request, user)
        request.session[S_PW_EXPIRES] = password_expires_at(user, policy_get())


# ---- TOTP --------------------------------------------------------------------------------------------------


def totp_secret(device: TotpDevice) -> str:
    return idcard.decrypt(device.secret)


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def totp_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


@transaction.atomic
def totp_begin(*, user: User) -> TotpDevice:
    """A new unconfirmed device with a fresh secret (an unconfirmed one is replaced; a confirmed one stays)."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise DomainError("已绑定动态口令；如需更换，请系统管理员重置")
    secret = pyotp.random_base32()
    if device is None:
        device = TotpDevice.objects.create(user=user, secret=idcard.encrypt(secret))
    else:
        device.secret, device.last_step = idcard.encrypt(secret), 0
        device.save(update_fields=["secret", "last_step"])
    return device


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code equals ``code`` (this step or one either side, for clock drift), else None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            return candidate
    return None


@transaction.atomic
def totp_verify(*, user: User, code: str, now: dt.datetime | None = None) -> bool:
    """Check a code against the user's device; a code (time step) is accepted only once. Confirms a new device."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return False
    step = _matching_step(totp_secret(device), code, now or timezone.now())
    if step is None or step <= device.last_step:
        return False
    device.last_step = step
    fields = ["last_step"]
    if device.confirmed_at is None:
        device.confirmed_at = timezone.now()
        fields.append("confirmed_at")
        audit_record(actor=user, action=AuditAction.CREATE, obj=device, note="绑定动态口令")
    device.save(update_fields=fields)
    return True


@transaction.atomic
def totp_reset(*, actor: User | AnonymousUser, user: User, ip: str | None = None) -> None:
    """The system administrator removes a user's device (lost phone); the next login enrols a new one."""
    if getattr(actor, "role", None) != Role.SYSTEM_ADMIN:
        raise PermissionDenied("只有系统管理员可以重置动态口令")
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=actor, action=AuditAction.DELETE, obj=user, note="重置动态口令", ip=ip)


# ---- accounts managed by the system administrator (三员分立) -----------------------------------------------


def _require_system_admin(actor: User | AnonymousUser, doing: str) -> None:
    if getattr(actor, "role", None) != Role.SYSTEM_ADMIN:
        raise PermissionDenied(f"只有系统管理员可以{doing}")


@transaction.atomic
def account_unlock(*, actor: User | AnonymousUser, user: User, ip: str | None = None) -> bool:
    """Clear a locked account's failed logins; returns whether anything changed (audited when it did)."""
    _require_system_admin(actor, "解除登录锁定")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not (user.failed_logins or user.locked_until):
        return False
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, note="解除登录锁定", ip=ip)
    return True


@transaction.atomic
def account_deactivate(*, actor: User | AnonymousUser, user: User, ip: str | None = None) -> bool:
    """Deactivate an account (never deleted: its audit trail stays linked); nobody deactivates themself."""
    _require_system_admin(actor, "停用账号")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == getattr(actor, "pk", None) or not user.is_active:
        return False
    User.objects.filter(pk=user.pk).update(is_active=False)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, changes={"is_active": [True, False]},
                 note="停用账号", ip=ip)  # fmt: skip
    return True


@transaction.atomic
def password_reset_by_admin(*, actor: User | AnonymousUser, user: User, ip: str | None = None) -> None:
    """After the administrator sets a password: its owner must change it at the next login (audited)."""
    _require_system_admin(actor, "重置密码")
    User.objects.filter(pk=user.pk).update(password_changed_at=None)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, note="管理员重置密码", ip=ip)


# ---- dormant accounts --------------------------------------------------------------------------------------


def dormant_accounts_disable(*, now: dt.datetime | None = None) -> int:
    """Deactivate accounts without a login for the policy's dormant days (never logged in: counted from when the
    account was created). Each one is audited. Returns how many were deactivated."""
    policy = policy_get()
    if not policy.dormant_days:
        return 0
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=policy.dormant_days)
    from django.db.models import Q

    stale = User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    count = 0
    for user in stale.order_by("pk"):
        with transaction.atomic():
            if User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
                audit_record(actor=None, action=AuditAction.UPDATE, obj=user, changes={"is_active": [True, False]},
                             note=f"超过{policy.dormant_days}天未登录，自动停用")  # fmt: skip
                count += 1
    return count


def login_failures_prune(*, now: dt.datetime | None = None) -> int:
    """Delete per-address failure records older than a day (the throttle window is at most a day)."""
    from jiaoyun.core.models import LoginFailure

    cutoff = (now or timezone.now()) - dt.timedelta(days=1)
    deleted, _ = LoginFailure.objects.filter(at__lt=cutoff).delete()
    return deleted


def is_admin_role(user: User | AnonymousUser) -> bool:
    return getattr(user, "role", None) in ADMIN_ROLES
