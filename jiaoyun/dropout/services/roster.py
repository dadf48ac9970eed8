"""The 户籍 roster's set-based write and attendance (absences recorded by class teachers).

The 户籍 roster (查户籍) is imported only through its exchange kind (``jiaoyun.dropout.exchange_kinds``),
which validates and audits the rows and writes them with ``hukou_bulk_write``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.scope import student_q
from jiaoyun.core.services import bulk_write
from jiaoyun.core.types import User
from jiaoyun.dropout.choices import AbsenceKind
from jiaoyun.dropout.models import Absence, HukouRecord
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student


def hukou_bulk_write(*, new: Sequence[HukouRecord], updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Insert new roster records (their pks are set) and update others (pk, fields) of an import."""
    bulk_write(HukouRecord, new=new, updates=updates)


@transaction.atomic
def absence_record(
    *, actor: User | None, student: Student, date: dt.date, kind: str = AbsenceKind.UNEXCUSED, note: str = ""
) -> Absence:
    """A class teacher marks a student absent for a school day (re-marking the same day updates it)."""
    if kind not in AbsenceKind.values:
        raise DomainError(f"未知缺勤类型“{kind}”", field="类型")
    if actor is not None:
        if not getattr(actor, "can_write", False):
            raise PermissionDenied("只读账号不能登记缺勤")
        if not Student.objects.filter(student_q(actor), pk=student.pk).exists():
            raise PermissionDenied("该学生不在您的数据范围内")
    if student.status != StudentStatus.IN_SCHOOL:
        raise DomainError(
            f"{student.name}当前学籍状态为“{student.get_status_display()}”，不在校，不能登记缺勤", field="学生"
        )
    if date.weekday() >= 5:
        raise DomainError(f"{date}是周末，不是上课日", field="日期")
    if date > timezone.localdate():
        raise DomainError("不能登记将来的缺勤", field="日期")
    absence, created = Absence.objects.update_or_create(
        student=student,
        date=date,
        defaults={
            "kind": kind,
            "note": note[:200],
            "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=absence,
        object_repr=f"{student.name} {date} {absence.get_kind_display()}",
        changes={"date": date.isoformat(), "kind": kind},
    )
    return absence
