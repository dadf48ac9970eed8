"""The chain of a student's 学籍 events, kept on the events themselves.

Each event carries the state it leaves the student in *until* the student's next event (``until``, the next
event's date; empty for the latest), the school of the event before it (``prev_school_id``) and whether it
moves the student into or out of the county's schools (``flow``). The indicators read a student's state on a
date as the event with ``date ≤ day < until``: one pass over the events, no window over the whole history.

Events are only ever added (or corrected in place by an import), so the chain changes only for the students
written to; every writer calls ``events_link`` for them (``enrolment_record``, ``event_bulk_upsert``), and the
demo generator fills the same columns with ``chain_columns`` (a test holds the two to each other).
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


def chain_columns(
    events: Sequence[tuple[str, dt.date, int | None]],
) -> list[tuple[dt.date | None, int | None, str]]:
    """(until, prev_school_id, flow) of one student's events, given as (kind, date, school_id) in their order."""
    out = []
    for i, (kind, _date, _school) in enumerate(events):
        prev = events[i - 1] if i else None
        until = events[i + 1][1] if i + 1 < len(events) else None
        out.append((until, prev[2] if prev else None, event_flow(kind, prev[0] if prev else None)))
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


def events_link(*, student_ids: Sequence[int] | None = None) -> int:
    """Recompute the chain columns of the given students' events (all students if None), set-based.

    Returns the number of events whose columns changed (0 when the chain was already right). Sends
    ``events_written`` (the events may have changed even when their chain did not)."""
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    # (student, date, seq) is unique; the descending order reads the (student, -date, -seq) index.
    sql = (
        "UPDATE people_enrolmentevent AS t SET until = w.until, prev_school_id = w.prev_school_id, flow = w.flow"
        " FROM (SELECT e.id, LAG(e.date) OVER w AS until, LEAD(e.school_id) OVER w AS prev_school_id,"
        f" {flow_sql()} AS flow FROM people_enrolmentevent e{{where}}"
        " WINDOW w AS (PARTITION BY e.student_id ORDER BY e.date DESC, e.seq DESC)) w"
        f" WHERE t.id = w.id AND (t.until {differs} w.until OR t.prev_school_id {differs} w.prev_school_id"
        f" OR t.flow {differs} w.flow)"
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
