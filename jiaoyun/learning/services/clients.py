"""Writes of the LRS clients: creating, changing and deactivating them, and auditing failed logins."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.types import User
from jiaoyun.learning import conf
from jiaoyun.learning.models import LrsClient


@transaction.atomic
def lrs_client_create(
    *, name: str, school_ids: Iterable[int] = (), all_schools: bool = False, actor: User | None = None
) -> tuple[LrsClient, str]:
    """Create a client; returns it with the plain secret (shown once, only its hash is kept)."""
    secret = secrets.token_urlsafe(32)
    client = LrsClient(name=name, key=secrets.token_hex(10), all_schools=all_schools)
    client.set_secret(secret)
    if actor is not None:
        client.created_by = actor
    client.full_clean()
    client.save()
    client.schools.set(list(school_ids))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=client,
        changes=_client_snapshot(client),
        note="新建 xAPI 学习平台客户端",
    )
    return client, secret


def _client_snapshot(client: LrsClient) -> dict[str, Any]:
    return {
        "name": client.name,
        "key": client.key,
        "all_schools": client.all_schools,
        "is_active": client.is_active,
        "schools": sorted(client.schools.values_list("id", flat=True)),
    }


_UNSET: Any = object()  # "argument not given": stands in for a value of any parameter's type


@transaction.atomic
def lrs_client_update(
    *,
    client: LrsClient,
    actor: User | None = None,
    name: str = _UNSET,
    school_ids: Iterable[int] = _UNSET,
    all_schools: bool = _UNSET,
    is_active: bool = _UNSET,
    ip: str | None = None,
) -> LrsClient:
    """Change a client's name, schools, county-wide flag or active state (only the arguments given). A client
    that is deactivated is refused from its next request on (credentials are checked on every request)."""
    client = LrsClient.objects.select_for_update().get(pk=client.pk)
    before = _client_snapshot(client)
    if name is not _UNSET:
        client.name = name
    if all_schools is not _UNSET:
        client.all_schools = all_schools
    if is_active is not _UNSET:
        client.is_active = is_active
    client.full_clean()
    client.save()
    if school_ids is not _UNSET:
        client.schools.set(list(school_ids))
    after = _client_snapshot(client)
    changes = {k: [before[k], val] for k, val in after.items() if before[k] != val}
    if changes:
        deactivated = changes.get("is_active") == [True, False]
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=client,
            changes=changes,
            note="停用 xAPI 学习平台客户端" if deactivated else "修改 xAPI 学习平台客户端",
            ip=ip,
        )
    return client


def lrs_client_deactivate(*, client: LrsClient, actor: User | None = None, ip: str | None = None) -> LrsClient:
    return lrs_client_update(client=client, actor=actor, is_active=False, ip=ip)


AUTH_FAILURE_WINDOW = dt.timedelta(minutes=1)


def lrs_auth_failure_record(*, key: str, ip: str | None, reason: str, client: LrsClient | None = None) -> bool:
    """Audit a failed xAPI authentication (``LOGIN_FAILED``, with the address). At most one entry per key and
    address per minute, so that a flood of wrong credentials cannot fill the log; returns whether one was written.
    The secret is never recorded."""
    key = key[:40]
    recent = timezone.now() - AUTH_FAILURE_WINDOW
    with transaction.atomic():
        if AuditEntry.objects.filter(
            action=AuditAction.LOGIN_FAILED, object_type=LRS_CLIENT_LABEL, object_id=key, ip=ip, at__gte=recent
        ).exists():
            return False
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            object_type=LRS_CLIENT_LABEL,
            object_id=key,
            object_repr=client.name if client is not None else key,
            note=f"xAPI 认证失败：{reason}",
            ip=ip,
        )
    return True


LRS_CLIENT_LABEL = LrsClient._meta.label


def lrs_client_note_version(*, client: LrsClient, version: str) -> None:
    """Remember the xAPI version a client speaks (written only when it changes). Technical state like a last
    login, so no audit entry; the in-memory client (possibly cached) is updated too."""
    LrsClient.objects.filter(pk=client.pk).update(last_version=version)
    client.last_version = version


def authority_of(client: LrsClient) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": client.key},
    }
