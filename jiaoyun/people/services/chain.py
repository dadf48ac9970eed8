"""The chain of a student's 学籍 events, kept on the events themselves.

Each event carries the state it leaves the student in *until* the student's next event (``until``, the next
event's date; empty for the latest), the school of the event before it (``prev_school_id``), whether it
moves the student into or out of the county's schools (``flow``), the student's latest primary graduation
at or before it (``grad6_date``, ``grad6_school_id``: 小学升学率 follows a school's graduates into junior
school), and copies of the student's birth date and hukou village (``student_birth``, ``student_village_id``:
the indicators group the events by age band and village without reading the students). The indicators read a
student's state on a date as the event with ``date ≤ day < until``: one pass over the events, no window over
the whole history and no join with the students.

Events are only ever added (or corrected in place by an import), so the chain changes only for the students
written to; every writer calls ``events_link`` for them (``enrolment_record``, ``event_bulk_upsert``, and
``student_update``/``student_bulk_update`` for the copied student fields), and the demo generator fills the
same columns with ``chain_columns`` (a test holds the two to each other).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from jiaoyun.people.choices import IN_SCHOOL_EVENTS, EventFlow, EventKind
from jiaoyun.people.models import EnrolmentEvent
from jiaoyun.people.signals import events_written

# A first record, or a return from outside the county.
ARRIVING = (EventKind.ENROL, EventKind.TRANSFER_IN)
ARRIVING_AFTER = (None, EventKind.TRANSFER_OUT, EventKind.OUT_OF_COUNTY)
# Leaving the county's schools, or death, while enrolled (in school or 休学).
LEAVING = (EventKind.TRANSFER_OUT, EventKind.OUT_OF_COUNTY, EventKind.DEATH)
LEAVING_AFTER = (*IN_SCHOOL_EVENTS, EventKind.SUSPEND)


def event_flow(kind: str, prev_kind: str | None) -> str:
    if kind in ARRIVING and prev_kind in ARRIVING_AFTER:
        return EventFlow.ARRIVE
    if kind in LEAVING and prev_kind in LEAVING_AFTER:
        return EventFlow.LEAVE
    return EventFlow.NONE


def is_primary_graduation(kind: str, grade: int | None) -> bool:
    return kind == EventKind.GRADUATE and grade == 6


Chain = tuple[dt.date | None, int | None, str, dt.date | None, int | None, dt.date | None, int | None]


def chain_columns(
    events: Sequence[tuple[str, dt.date, int | None, int | None]],
    *,
    birth: dt.date | None = None,
    village_id: int | None = None,
) -> list[Chain]:
    """``CHAIN`` of one student's events, given as (kind, date, school_id, grade) in their order, for a student
    born on ``birth`` with hukou village ``village_id``."""
    out: list[Chain] = []
    grad6: tuple[dt.date | None, int | None] = (None, None)
    for i, (kind, date, school, grade) in enumerate(events):
        prev = events[i - 1] if i else None
        until = events[i + 1][1] if i + 1 < len(events) else None
        if is_primary_graduation(kind, grade):
            grad6 = (date, school)
        flow = event_flow(kind, prev[0] if prev else None)
        out.append((until, prev[2] if prev else None, flow, *grad6, birth, village_id))
    return out


def _in(values: Sequence[str | None]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values if v is not None) + ")"


def flow_sql() -> str:
    """The ``flow`` of an event ``e`` in a window ``w`` over the student's events, newest first."""
    prev = "LEAD(e.kind) OVER w"
    return (
        f"CASE WHEN e.kind IN {_in(ARRIVING)} AND ({prev} IS NULL OR {prev} IN {_in(ARRIVING_AFTER)})"
        f" THEN '{EventFlow.ARRIVE}' WHEN e.kind IN {_in(LEAVING)} AND {prev} IN {_in(LEAVING_AFTER)}"
        f" THEN '{EventFlow.LEAVE}' ELSE '{EventFlow.NONE}' END"
    )


GRAD6 = f"e.kind = '{EventKind.GRADUATE}' AND e.grade = 6"


def grad6_count_sql() -> str:
    """How many primary graduations the student had at or before event ``e`` (window ``w``, newest first): the
    events after one graduation, up to the next, share the count."""
    return f"COUNT(CASE WHEN {GRAD6} THEN 1 END) OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"


def grad6_sql(column: str) -> str:
    """The date or school (``column``) of the latest primary graduation, over ``g``: a window of the events of
    ``v`` (with ``g6``, 1 for a graduation) partitioned by student and ``grad6_count_sql``."""
    return f"MAX(CASE WHEN v.g6 = 1 THEN v.{column} END) OVER g"


CHAIN = ("until", "prev_school_id", "flow", "grad6_date", "grad6_school_id", "student_birth", "student_village_id")


def events_link(*, student_ids: Sequence[int] | None = None) -> int:
    """Recompute the chain columns of the given students' events (all students if None), set-based.

    Returns the number of events whose columns changed (0 when the chain was already right). Sends
    ``events_written`` (the events may have changed even when their chain did not)."""
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    # (student, date, seq) is unique; the descending order reads the (student, -date, -seq) index.
    # Built only from the table and column names above and the SQL fragments of this module; the ids are params.
    sql = (
        "UPDATE people_enrolmentevent AS t SET "  # noqa: S608  (our own table, columns and SQL fragments)
        + ", ".join(f"{c} = w.{c}" for c in CHAIN)
        + " FROM"
        " (SELECT v.id, v.until, v.prev_school_id, v.flow, v.student_birth, v.student_village_id, "
        + grad6_sql("date")
        + " AS grad6_date, "
        + grad6_sql("school_id")
        + " AS grad6_school_id FROM"  # noqa: S608  (same statement)
        " (SELECT e.id, e.student_id, e.date, e.school_id, s.birth_date AS student_birth,"
        " s.hukou_village_id AS student_village_id, LAG(e.date) OVER w AS until,"
        f" LEAD(e.school_id) OVER w AS prev_school_id, {flow_sql()} AS flow,"
        f" CASE WHEN {GRAD6} THEN 1 ELSE 0 END AS g6, {grad6_count_sql()} AS g6n"
        " FROM people_enrolmentevent e JOIN people_student s ON s.id = e.student_id{where}"
        " WINDOW w AS (PARTITION BY e.student_id ORDER BY e.date DESC, e.seq DESC)) v"
        " WINDOW g AS (PARTITION BY v.student_id, v.g6n)) w"
        " WHERE t.id = w.id AND (" + " OR ".join(f"t.{c} {differs} w.{c}" for c in CHAIN) + ")"
    )
    changed = 0
    with connection.cursor() as cursor:
        if student_ids is None:
            cursor.execute(sql.format(where=""))
            changed = cursor.rowcount
        else:
            ids = sorted(set(student_ids))
            for i in range(0, len(ids), 1000):
                chunk = ids[i : i + 1000]
                cursor.execute(sql.format(where=f" WHERE e.student_id IN ({', '.join(['%s'] * len(chunk))})"), chunk)
                changed += cursor.rowcount
    events_written.send(sender=EnrolmentEvent, student_ids=student_ids)
    return changed
