"""Set-based bulk upserts of students, teachers and enrolment events, used by imports.

Records arrive already validated by the import kinds (which call the same domain checks as the
one-at-a-time services). Inserts go through PostgreSQL ``COPY`` with primary keys reserved from the
sequence (students on SQLite: one prepared INSERT for many rows, keys reserved under the write lock), or
``bulk_create`` in batches elsewhere; updates through a temporary table and one
``UPDATE … FROM`` (PostgreSQL) or ``bulk_update``. ID numbers and 全国学籍号 are encrypted here (unless the
import sealed them already), only for rows written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, Exists, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, In
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.types import User
from jiaoyun.exchange.db import allocate_ids, copy_insert, copy_update, is_postgres, sqlite_insert, sqlite_next_ids
from jiaoyun.people.choices import CLASS_KEPT_EVENTS, EVENT_STATUS, StudentStatus
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher, TeacherAssignment
from jiaoyun.people.services.chain import events_link
from jiaoyun.people.services.students import EDITABLE as STUDENT_EDITABLE
from jiaoyun.people.services.teachers import EDITABLE as TEACHER_EDITABLE
from jiaoyun.people.signals import events_changing

BATCH = 2000

# The columns the set-based writes fill: the editable fields of the one-row services, as column names.
STUDENT_FIELDS = tuple(f"{f}_id" if f.endswith("_village") else f for f in STUDENT_EDITABLE)
ID_FIELDS = ("id_hash", "id_cipher", "id_masked")
STUDENT_NO_FIELDS = ("student_no_hash", "student_no_cipher", "student_no_masked")


def _id_columns(record: dict[str, Any]) -> tuple[str | None, str, str]:
    """(hash, cipher, masked) of a record's ID number; the import may have encrypted it already."""
    number = record.get("id_number")
    if not number:
        return None, "", ""
    return record["id_hash"], record.get("id_cipher") or idcard.encrypt(number), idcard.mask(number)


def _student_no_columns(record: dict[str, Any]) -> tuple[str | None, str, str]:
    """(hash, cipher, masked) of a record's 全国学籍号 (normalized by the import)."""
    number = record.get("student_no")
    if not number:
        return None, "", ""
    return (
        record["student_no_hash"],
        record.get("student_no_cipher") or idcard.encrypt(number),
        idcard.mask(number),
    )


def student_bulk_create(*, records: Sequence[dict[str, Any]]) -> list[int]:
    """Insert new students (status 未入学 until events arrive); returns their primary keys in order."""
    if not records:
        return []
    now = timezone.now()
    columns = ["id", *STUDENT_FIELDS, *ID_FIELDS, *STUDENT_NO_FIELDS, "status", "created_at", "updated_at"]
    if is_postgres():
        ids = allocate_ids(Student, len(records))
        copy_insert(
            Student,
            columns,
            (
                (
                    pk,
                    *(r.get(f) for f in STUDENT_FIELDS),
                    *_id_columns(r),
                    *_student_no_columns(r),
                    StudentStatus.NOT_ENROLLED,
                    now,
                    now,
                )
                for pk, r in zip(ids, records, strict=True)
            ),
        )
        return ids
    stamp = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic():  # the write lock keeps the reserved keys ours until the rows are in
        ids = sqlite_next_ids(Student, len(records))
        sqlite_insert(
            Student,
            columns,
            [
                (
                    pk,
                    *(r.get(f) for f in STUDENT_FIELDS),
                    *_id_columns(r),
                    *_student_no_columns(r),
                    StudentStatus.NOT_ENROLLED,
                    stamp,
                    stamp,
                )
                for pk, r in zip(ids, records, strict=True)
            ],
        )
    return ids


def student_bulk_update(*, updates: Sequence[tuple[int, dict[str, Any]]]) -> int:
    """Update students in place: (pk, record). Records without an ID number (or 全国学籍号) leave the stored one
    as it is."""
    if not updates:
        return 0
    now = timezone.now()
    events_changing.send(sender=EnrolmentEvent, student_ids=[pk for pk, _ in updates])
    groups: dict[tuple[bool, bool], list[tuple[int, dict[str, Any]]]] = {}
    for pk, r in updates:
        groups.setdefault((bool(r.get("id_number")), bool(r.get("student_no"))), []).append((pk, r))
    n = 0
    for (with_id, with_no), group in groups.items():
        fields = (*STUDENT_FIELDS, *(ID_FIELDS if with_id else ()), *(STUDENT_NO_FIELDS if with_no else ()))
        rows = []
        for pk, r in group:
            values = [r.get(f) for f in STUDENT_FIELDS]
            if with_id:
                values.extend(_id_columns(r))
            if with_no:
                values.extend(_student_no_columns(r))
            rows.append((pk, *values, now))
        columns = [*fields, "updated_at"]
        if is_postgres():
            n += copy_update(Student, columns, rows)
        else:
            objs = [Student(pk=int(row[0]), **dict(zip(columns, row[1:], strict=True))) for row in rows]  # type: ignore[arg-type]
            names = [c.removesuffix("_id") if c.endswith("_village_id") else c for c in columns]
            n += Student.objects.bulk_update(objs, names, batch_size=500)
    events_link(student_ids=[pk for pk, _ in updates])  # their events carry copies of birth date and hukou village
    return n


TEACHER_FIELDS = tuple("school_id" if f == "school" else f for f in TEACHER_EDITABLE if f != "user")


def teacher_bulk_upsert(
    *, new: Sequence[dict[str, Any]], updates: Sequence[tuple[int, dict[str, Any]]], today: dt.date
) -> list[int]:
    """Insert new teachers with their first assignment (初任) and update others (not their school)."""
    objs = []
    for r in new:
        h, c, m = _id_columns(r)
        objs.append(
            Teacher(
                **{f: r.get(f) for f in TEACHER_FIELDS if f != "subjects"},
                subjects=list(r.get("subjects") or ()),
                id_hash=h,
                id_cipher=c,
                id_masked=m,
            )  # fmt: skip
        )
    Teacher.objects.bulk_create(objs, batch_size=BATCH)
    TeacherAssignment.objects.bulk_create(
        [
            TeacherAssignment(teacher=t, school_id=t.school_id, start=t.school_since or t.hire_date or today)
            for t in objs
            if t.school_id
        ],
        batch_size=BATCH,
    )
    if updates:
        fields = [f for f in TEACHER_FIELDS if f != "school_id"]
        upd = []
        for pk, r in updates:
            t = Teacher(
                pk=pk, **{f: r.get(f) for f in fields if f != "subjects"}, subjects=list(r.get("subjects") or ())
            )
            if r.get("id_number"):
                t.id_hash, t.id_cipher, t.id_masked = _id_columns(r)
            upd.append(t)
        with_id = [t for t in upd if t.id_cipher]
        without_id = [t for t in upd if not t.id_cipher]
        Teacher.objects.bulk_update(with_id, [*fields, *ID_FIELDS], batch_size=500)
        Teacher.objects.bulk_update(without_id, fields, batch_size=500)
    return [o.pk for o in objs]


EVENT_FIELDS = (
    "student_id",
    "kind",
    "date",
    "seq",
    "school_id",
    "grade",
    "school_class_id",
    "external_school",
    "study_level",
    "reason",
)


def event_bulk_upsert(
    *, new: Sequence[dict[str, Any]], updates: Sequence[tuple[int, dict[str, Any]]], actor: User | None
) -> list[int]:
    """Insert new 学籍 events and update corrected ones (each row names its ``student_id``), and relink the chain
    of the students touched; then call ``student_bulk_refresh``."""
    recorded_by = actor.pk if actor is not None and actor.is_authenticated else None
    objs = [EnrolmentEvent(**{f: r.get(f) for f in EVENT_FIELDS}, recorded_by_id=recorded_by) for r in new]
    touched = {o.student_id for o in objs} | {r["student_id"] for _, r in updates}
    if touched:
        events_changing.send(sender=EnrolmentEvent, student_ids=sorted(touched))
    EnrolmentEvent.objects.bulk_create(objs, batch_size=BATCH)
    if updates:
        fields = ["school_id", "grade", "school_class_id", "external_school", "study_level", "reason"]
        upd = [EnrolmentEvent(pk=pk, **{f: r.get(f) for f in fields}) for pk, r in updates]
        EnrolmentEvent.objects.bulk_update(
            upd, ["school", "grade", "school_class", "external_school", "study_level", "reason"], 500
        )
    events_link(student_ids=sorted(touched))
    return [o.pk for o in objs]


def student_bulk_refresh(*, student_ids: Sequence[int]) -> int:
    """Recompute the cached status/school/grade/class of many students from their latest event, set-based.

    Same rule as ``student_refresh_state``: status from the latest event; the school of the latest event
    that names one; grade from the latest event; the class while in school, and after 休学/辍学 the class left.
    """
    n = 0
    ids = list(student_ids)
    id_field: BigIntegerField[int, int] = BigIntegerField()
    in_school = [k for k, st in EVENT_STATUS.items() if st == StudentStatus.IN_SCHOOL]
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        latest = EnrolmentEvent.objects.filter(student_id=OuterRef("pk")).order_by("-date", "-seq", "-id")
        last_kind = Subquery(latest.values("kind")[:1])
        n += Student.objects.filter(pk__in=chunk).update(
            status=Case(
                *[When(Exact(last_kind, Value(str(k))), then=Value(str(st))) for k, st in EVENT_STATUS.items()],
                default=Value(str(StudentStatus.NOT_ENROLLED)),
            ),
            current_school_id=Case(
                When(~Exists(latest), then=Value(None)),
                output_field=id_field,
                default=Coalesce(
                    Subquery(latest.values("school_id")[:1]), F("current_school_id"), output_field=id_field
                ),
            ),
            current_grade=Subquery(latest.values("grade")[:1]),
            current_class_id=Case(
                When(In(last_kind, [str(k) for k in in_school]), then=Subquery(latest.values("school_class_id")[:1])),
                When(
                    In(last_kind, [str(k) for k in CLASS_KEPT_EVENTS]),
                    then=Subquery(latest.filter(school_class__isnull=False).values("school_class_id")[:1]),
                ),
                default=Value(None),
                output_field=id_field,
            ),
            updated_at=timezone.now(),
        )
    return n
