"""Writes to the safety profile and the guard roster (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User
from jiaoyun.safety.models import Guard, SafetyProfile
from jiaoyun.safety.permissions import require_manage
from jiaoyun.safety.services._util import clean_or_raise
from jiaoyun.schools.models import School

PROFILE_FIELDS = [f.name for f in SafetyProfile._meta.concrete_fields if f.name not in ("id", "school", "updated_at")]
GUARD_FIELDS = ["name", "birth_date", "certificate_no", "certificate_valid_until", "on_duty"]


@transaction.atomic
def profile_update(*, actor: User, school: School, data: dict[str, Any]) -> SafetyProfile:
    """Create or change the safety profile of a school; unknown fields are refused."""
    require_manage(actor, school)
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(f"未知字段：{'、'.join(sorted(unknown))}")
    profile, created = SafetyProfile.objects.select_for_update().get_or_create(school=school)
    before = {} if created else snapshot(profile)
    for name, value in data.items():
        setattr(profile, name, value)
    clean_or_raise(profile)
    profile.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=profile,
        changes=diff(before, snapshot(profile)),
    )
    return profile


@transaction.atomic
def guard_add(
    *,
    actor: User,
    school: School,
    name: str,
    birth_date: dt.date,
    certificate_no: str = "",
    certificate_valid_until: dt.date | None = None,
    on_duty: bool = True,
) -> Guard:
    require_manage(actor, school)
    guard = Guard(
        school=school,
        name=name.strip(),
        birth_date=birth_date,
        certificate_no=certificate_no.strip(),
        certificate_valid_until=certificate_valid_until,
        on_duty=on_duty,
    )
    clean_or_raise(guard)
    guard.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=guard, changes=snapshot(guard))
    return guard


@transaction.atomic
def guard_update(*, actor: User, guard: Guard, data: dict[str, Any]) -> Guard:
    require_manage(actor, guard.school)
    unknown = set(data) - set(GUARD_FIELDS)
    if unknown:
        raise DomainError(f"未知字段：{'、'.join(sorted(unknown))}")
    before = snapshot(guard)
    for name, value in data.items():
        setattr(guard, name, value)
    clean_or_raise(guard)
    guard.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=guard, changes=diff(before, snapshot(guard)))
    return guard
