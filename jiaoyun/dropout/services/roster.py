"""The 户籍 roster's set-based write and attendance (a class's register of a day, taken by the class teacher).

The 户籍 roster (查户籍) is imported only through its exchange kind (``jiaoyun.dropout.exchange_kinds``),
which validates and audits the rows and writes them with ``hukou_bulk_write``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.scope import class_q, student_q
from jiaoyun.core.services import bulk_write
from jiaoyun.core.types import User
from jiaoyun.dropout.choices import AbsenceKind
from jiaoyun.dropout.models import Absence, ClassRegister, HukouRecord
from jiaoyun.dropout.permissions import REGISTER_ROLES
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.schools.models import SchoolClass


@dataclass(frozen=True)
class Mark:
    """One pupil's mark on the day's register: absent for ``kind`` (an ``AbsenceKind``), with an optional note."""

    kind: str
    note: str = ""


def day_label(date: dt.date) -> str:
    """2021年11月15日"""
    return f"{date.year}年{date.month}月{date.day}日"


def _check_school_day(date: dt.date) -> None:
    if date.weekday() >= 5:
        raise DomainError(f"{day_label(date)}是周末，不是上课日", field="日期")
    if date > timezone.localdate():
        raise DomainError("不能登记将来的缺勤", field="日期")


def register_refusal(actor: User, school_class: SchoolClass) -> str:
    """Why ``actor`` may not take the register of ``school_class`` ("" when they may)."""
    if getattr(actor, "role", None) not in REGISTER_ROLES:
        return "只有班主任和学校、中心校、县局工作人员可以登记考勤"
    if not getattr(actor, "can_write", False):
        return "只读账号不能登记缺勤"
    if not SchoolClass.objects.filter(class_q(actor), pk=school_class.pk).exists():
        return "该班级不在您的数据范围内"
    return ""


@transaction.atomic
def class_register_save(
    *, actor: User, school_class: SchoolClass, date: dt.date, marks: Mapping[int, Mark]
) -> ClassRegister:
    """Save a class's register of a day at once: the pupils in ``marks`` (student id → mark) were absent, every
    other pupil in school in the class was present. Saving the same class and day again replaces that day's
    marks; a refusal writes nothing."""
    if refusal := register_refusal(actor, school_class):
        raise PermissionDenied(refusal)
    _check_school_day(date)
    SchoolClass.objects.select_for_update().filter(pk=school_class.pk).first()  # one save of a class at a time
    roster = dict(
        Student.objects.filter(current_class=school_class, status=StudentStatus.IN_SCHOOL).values_list("id", "name")
    )
    strangers = [sid for sid in marks if sid not in roster]
    if strangers:
        raise DomainError(
            f"有{len(strangers)}名学生已不在本班在校名单中（可能已转出或休学），请刷新页面后重新登记", field="学生"
        )
    for sid, mark in marks.items():
        if mark.kind not in AbsenceKind.values:
            raise DomainError(f"{roster[sid]}：未知缺勤原因{mark.kind!r}", field="原因")
    before = dict(Absence.objects.filter(student_id__in=roster, date=date).values_list("student_id", "kind"))
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    Absence.objects.filter(student_id__in=roster, date=date).delete()
    Absence.objects.bulk_create(
        [
            Absence(student_id=sid, date=date, kind=mark.kind, note=mark.note.strip()[:200], recorded_by=recorder)
            for sid, mark in sorted(marks.items())
        ]
    )
    register, created = ClassRegister.objects.update_or_create(
        school_class=school_class,
        date=date,
        defaults={"pupils": len(roster), "absent": len(marks), "recorded_by": recorder, "recorded_at": timezone.now()},
    )
    after = {sid: mark.kind for sid, mark in marks.items()}
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=register,
        object_repr=f"{school_class} {day_label(date)} 考勤：在校{len(roster)}人，缺勤{len(marks)}人",
        changes={
            "date": date.isoformat(),
            "absent": len(marks),
            "marked": sorted(sid for sid in after if before.get(sid) != after[sid]),
            "cleared": sorted(sid for sid in before if sid not in after),
        },
    )
    return register


# The note of a record linked by its ID number, by the import or by the 四查三比对 (the same words either way).
LINKED_BY_ID = "身份证号一致"


def hukou_link_by_id(*, records: Sequence[HukouRecord], today: dt.date) -> int:
    """Link the new roster records as the 四查三比对's first step would on ``today`` (ADR 0050): a record with an
    ID number, of compulsory age, gets the student with that ID hash (one lookup per 2,000 hashes), so its INSERT
    carries the link and the run has only the records whose student registers later left to link. Returns how
    many were linked."""
    from jiaoyun.dropout.services.matching import compulsory_birth_range

    after, until = compulsory_birth_range(today)
    wanted: dict[str | None, HukouRecord] = {
        r.id_hash: r for r in records if r.id_hash and r.student_id is None and after < r.birth_date <= until
    }
    hashes, linked = list(wanted), 0
    for i in range(0, len(hashes), 2000):
        for digest, sid in Student.objects.filter(id_hash__in=hashes[i : i + 2000]).values_list("id_hash", "id"):
            record = wanted[digest]
            record.student_id, record.match_note = sid, LINKED_BY_ID
            linked += 1
    return linked


def hukou_bulk_write(
    *, new: Sequence[HukouRecord], updates: Sequence[tuple[int, dict[str, Any]]], today: dt.date | None = None
) -> int:
    """Insert new roster records (their pks are set), each linked to its student by ID number where the
    四查三比对 would link it (``hukou_link_by_id``), and update others (pk, fields) of an import. Called by the
    roster's import kind inside the import's transaction, which audits every record. Returns how many new
    records were linked."""
    linked = hukou_link_by_id(records=new, today=today or timezone.localdate())
    bulk_write(HukouRecord, new=new, updates=updates)
    return linked


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
    _check_school_day(date)
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
