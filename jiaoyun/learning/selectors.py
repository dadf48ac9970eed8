"""Reads of the learning module, always within the viewer's data scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from jiaoyun.core.scope import area_q, class_q, school_q, scope_for, student_q
from jiaoyun.learning.models import Document, LearningStat, LrsClient, Statement
from jiaoyun.people.models import Student
from jiaoyun.schools.models import School, SchoolClass

Level = LearningStat.Level


def _level_q(user: Any, level: str) -> Q:
    if level == Level.CLASS:
        return class_q(user, prefix="school_class__")
    if level == Level.SCHOOL:
        return school_q(user, prefix="school__")
    if level == Level.TOWNSHIP:
        return area_q(user, prefix="township__")
    return Q() if scope_for(user).is_county else Q(pk__in=[])


def stat_list(
    *,
    user: Any,
    level: str,
    period: str = LearningStat.Period.WEEK,
    start: dt.date | None = None,
    end: dt.date | None = None,
    school_id: int | None = None,
    township_id: int | None = None,
) -> QuerySet[LearningStat]:
    """Stat rows of one level and period visible to the user."""
    qs = LearningStat.objects.filter(_level_q(user, level), level=level, period=period)
    if start:
        qs = qs.filter(start__gte=start)
    if end:
        qs = qs.filter(start__lte=end)
    if school_id:
        qs = qs.filter(school_id=school_id)
    if township_id:
        qs = qs.filter(township_id=township_id)
    return qs.select_related("school", "school_class", "township").order_by("start", "unit_id")


@dataclass
class Totals:
    statements: int = 0
    seconds: float = 0
    completed: int = 0
    scored: int = 0
    score_sum: float = 0
    in_class: int = 0
    online: int = 0
    learners: int = 0

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    @property
    def avg_score(self) -> float | None:
        return self.score_sum / self.scored if self.scored else None

    @property
    def in_class_share(self) -> float | None:
        total = self.in_class + self.online
        return self.in_class / total if total else None

    @property
    def avg_score_pct(self) -> float | None:
        return None if self.avg_score is None else self.avg_score * 100

    @property
    def in_class_pct(self) -> float | None:
        return None if self.in_class_share is None else self.in_class_share * 100


def stat_totals(rows: QuerySet[LearningStat]) -> Totals:
    """Sum additive measures over rows (learners: the largest weekly count, since learners do not add up)."""
    agg = rows.aggregate(
        statements=Sum("statements"),
        seconds=Sum("seconds"),
        completed=Sum("completed"),
        scored=Sum("scored"),
        score_sum=Sum("score_sum"),
        in_class=Sum("in_class"),
        online=Sum("online"),
    )
    return Totals(**{k: (val or 0) for k, val in agg.items()})


def trend(rows: QuerySet[LearningStat]) -> list[dict[str, Any]]:
    """Per period start: totals across the units of the rows (one grouped query)."""
    out = []
    for r in (
        rows.order_by()
        .values("start")
        .annotate(
            n=Sum("statements"),
            learners=Sum("learners"),
            seconds=Sum("seconds"),
            scored=Sum("scored"),
            score_sum=Sum("score_sum"),
            in_class=Sum("in_class"),
            online=Sum("online"),
        )
        .order_by("start")
    ):
        total = (r["in_class"] or 0) + (r["online"] or 0)
        out.append(
            {
                "start": r["start"],
                "statements": r["n"],
                "learners": r["learners"],
                "hours": round((r["seconds"] or 0) / 3600, 1),
                "avg_score": round(r["score_sum"] / r["scored"] * 100, 1) if r["scored"] else None,
                "in_class_share": round(r["in_class"] / total * 100, 1) if total else None,
            }
        )
    return out


def school_get(*, user: Any, school_id: int) -> School | None:
    return School.objects.filter(school_q(user), pk=school_id).first()


def class_get(*, user: Any, class_id: int) -> SchoolClass | None:
    return SchoolClass.objects.filter(class_q(user), pk=class_id).select_related("school").first()


def student_get(*, user: Any, student_id: int) -> Student | None:
    return (
        Student.objects.filter(student_q(user), pk=student_id).select_related("current_school", "current_class").first()
    )


def class_students(*, user: Any, school_class: SchoolClass) -> QuerySet[Student]:
    return Student.objects.filter(student_q(user), current_class=school_class).order_by("name")


def student_timeline(*, user: Any, student_id: int) -> QuerySet[Statement]:
    """A student's own learning records (newest first), only when the student is in the viewer's scope."""
    return (
        Statement.objects.filter(student_q(user, prefix="student__"), student_id=student_id, voided=False)
        .order_by("-timestamp")
        .only("statement_id", "timestamp", "verb_id", "object_id", "data", "duration_s", "score_scaled", "in_class")
    )


# ---- what an xAPI client may read -----------------------------------------------------------------------------


def xapi_client_school_ids(client: LrsClient) -> list[int]:
    return list(client.schools.values_list("id", flat=True))


def xapi_visible_q(client: LrsClient) -> Q:
    """The statements an xAPI client may read (filter on ``Statement``): those it stored itself, and those about
    the pupils of the schools it is authorised for, i.e. statements linked to a pupil (``Statement.student``, set
    when the statement was stored) whose current school is one of ``LrsClient.schools`` (every pupil for a
    county-wide client, ``all_schools``). A pupil who moves school is followed by the new school's platforms.
    Everything else does not exist for the client: not returned, not countable, not voidable."""
    own = Q(client_id=client.pk)
    if client.all_schools:
        return own | Q(student__isnull=False)
    schools = xapi_client_school_ids(client)
    if not schools:
        return own
    pupils = Student.objects.filter(current_school_id__in=schools).values("id")
    return own | Q(student_id__in=pupils)


def xapi_documents(client: LrsClient) -> QuerySet[Document]:
    """The State / Activity Profile / Agent Profile documents of an xAPI client: only those it stored."""
    return Document.objects.filter(client_id=client.pk)


def xapi_statement_get(*, client: LrsClient, statement_id: str, voided: bool) -> tuple[str, dt.datetime] | None:
    """One statement (its JSON and ``stored``) by id, if the client may see it; voided ones only when asked for."""
    row = (
        Statement.objects.filter(xapi_visible_q(client), statement_id=statement_id, voided=voided)
        .values_list("data", "stored")
        .first()
    )
    return (row[0], row[1]) if row is not None else None
