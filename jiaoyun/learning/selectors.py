"""Reads of the learning module, always within the viewer's data scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from jiaoyun.areas.models import Area
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.scope import area_q, class_q, school_q, scope_for, student_q
from jiaoyun.core.types import User
from jiaoyun.learning.filters import StatFilter
from jiaoyun.learning.models import Activity, Attachment, Document, LearningStat, LrsClient, Statement
from jiaoyun.people.models import Student
from jiaoyun.schools.models import School, SchoolClass

Level = LearningStat.Level
Period = LearningStat.Period
# The additive measures of a stat row; ``learners`` is summed per period only (a pupil active in two weeks is
# one learner of each week, not two of the window).
MEASURES = ("statements", "learners", "seconds", "completed", "scored", "score_sum", "in_class", "online")
ADDITIVE = tuple(m for m in MEASURES if m != "learners")
UNIT_NAME: dict[str, str] = {Level.TOWNSHIP: "township__name", Level.SCHOOL: "school__name"}


def _level_q(user: User, level: str) -> Q:
    if level == Level.CLASS:
        return class_q(user, prefix="school_class__")
    if level == Level.SCHOOL:
        return school_q(user, prefix="school__")
    if level == Level.TOWNSHIP:
        return area_q(user, prefix="township__")
    return Q() if scope_for(user).is_county else Q(pk__in=[])


def stat_list(
    *,
    user: User,
    level: str,
    period: str = Period.WEEK,
    start: dt.date | None = None,
    end: dt.date | None = None,
    school_id: int | None = None,
    township_id: int | None = None,
    unit_id: int | None = None,
) -> QuerySet[LearningStat]:
    """Stat rows of one level and period visible to the user, narrowed by the filters given."""
    qs = LearningStat.objects.filter(_level_q(user, level), level=level, period=period)
    given = {"start": start, "end": end, "school_id": school_id, "township_id": township_id, "unit_id": unit_id}
    qs = filter_by(StatFilter, {k: val for k, val in given.items() if val}, qs)
    return qs.select_related("school", "school_class", "township").order_by("start", "unit_id")


def latest_week_start() -> dt.date | None:
    """The first day of the newest week with statistics (an aggregate figure, no personal data)."""
    return LearningStat.objects.filter(period=Period.WEEK).order_by("-start").values_list("start", flat=True).first()


@dataclass(frozen=True)
class Totals:
    """Measures summed over stat rows, and the figures the pages show from them (one implementation for the
    window's cards, the weekly trend and the per-unit table)."""

    statements: int
    learners: int
    seconds: float
    completed: int
    scored: int
    score_sum: float
    in_class: int
    online: int

    @classmethod
    def of(cls, sums: Mapping[str, Any]) -> Totals:
        """From a row of sums (``None`` when no rows were summed, or a measure left out: 0)."""
        return cls(**{m: sums.get(m) or 0 for m in MEASURES})

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

    def figures(self) -> dict[str, Any]:
        """The rounded figures of a table row or a chart point."""
        avg, share = self.avg_score_pct, self.in_class_pct
        return {
            "statements": self.statements,
            "hours": round(self.hours, 1),
            "completed": self.completed,
            "avg_score": round(avg, 1) if avg is not None else None,
            "in_class_share": round(share, 1) if share is not None else None,
        }


def _sums(*measures: str) -> dict[str, Sum]:
    return {m: Sum(m) for m in measures}


def stat_totals(rows: QuerySet[LearningStat]) -> Totals:
    """Sum the additive measures over rows (``learners`` stays 0: learners do not add up across periods)."""
    return Totals.of(rows.aggregate(**_sums(*ADDITIVE)))


def trend(rows: QuerySet[LearningStat]) -> list[dict[str, Any]]:
    """Per period start: totals across the units of the rows (one grouped query)."""
    grouped = rows.order_by().values("start").annotate(**_sums(*MEASURES)).order_by("start")
    return [{"start": r["start"], **Totals.of(r).figures(), "learners": r["learners"]} for r in grouped]


def stat_units(rows: QuerySet[LearningStat], *, level: str, n_weeks: int) -> list[dict[str, Any]]:
    """Per unit over the window (one grouped query on the stat table), sorted by name; ``learners`` is the
    weekly average."""
    name = UNIT_NAME.get(level, "school_class__name")
    grouped = list(rows.order_by().values("unit_id", name).annotate(**_sums(*MEASURES)))
    names: dict[int, str] = {}
    if level == Level.CLASS:
        ids = [g["unit_id"] for g in grouped]
        names = {c.pk: str(c) for c in SchoolClass.objects.filter(pk__in=ids).select_related("school")}
    out = [
        {
            "id": g["unit_id"],
            "name": names.get(g["unit_id"]) if level == Level.CLASS else g[name],
            **Totals.of(g).figures(),
            "learners": round(g["learners"] / n_weeks, 1),
        }
        for g in grouped
    ]
    return sorted(out, key=lambda r: str(r["name"]))


def township_get(*, user: User, township_id: int) -> Area | None:
    return Area.objects.filter(area_q(user), pk=township_id).first()


def school_get(*, user: User, school_id: int) -> School | None:
    return School.objects.filter(school_q(user), pk=school_id).first()


def class_get(*, user: User, class_id: int) -> SchoolClass | None:
    return SchoolClass.objects.filter(class_q(user), pk=class_id).select_related("school").first()


def student_get(*, user: User, student_id: int) -> Student | None:
    return (
        Student.objects.filter(student_q(user), pk=student_id).select_related("current_school", "current_class").first()
    )


def class_students(*, user: User, school_class: SchoolClass) -> QuerySet[Student]:
    return Student.objects.filter(student_q(user), current_class=school_class).order_by("name")


def student_timeline(*, user: User, student_id: int) -> QuerySet[Statement]:
    """A student's own learning records (newest first), only when the student is in the viewer's scope."""
    return (
        Statement.objects.filter(student_q(user, prefix="student__"), student_id=student_id, voided=False)
        .order_by("-timestamp")
        .only("statement_id", "timestamp", "verb_id", "object_id", "data", "duration_s", "score_scaled", "in_class")
    )


# ---- what an xAPI client may read -----------------------------------------------------------------------------


def xapi_client_by_key(key: str) -> LrsClient | None:
    """The client a key names, active or not (authentication checks the secret and the state)."""
    return LrsClient.objects.filter(key=key).first()


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


def xapi_document_get(*, client: LrsClient, key: Mapping[str, str]) -> Document | None:
    """One of the client's documents by its full key (``DocKey.filter()``)."""
    return xapi_documents(client).filter(**key).first()


def xapi_document_list(
    *, client: LrsClient, kind: str, base: Mapping[str, str], since: dt.datetime | None
) -> list[tuple[str, str, dt.datetime]]:
    """(key, etag, updated) of the client's documents of a kind and set, by key; only those changed after
    ``since`` when given."""
    qs = xapi_documents(client).filter(kind=kind, **base)
    if since is not None:
        qs = qs.filter(updated__gt=since)
    return list(qs.order_by("key").values_list("key", "etag", "updated"))


def xapi_activity_get(activity_id: str) -> Activity | None:
    """The canonical definition of an activity (activities are shared by every client: no personal data)."""
    return Activity.objects.filter(activity_id=activity_id).first()


def xapi_attachments(hashes: list[str]) -> list[tuple[str, str, bytes]]:
    """(sha2, content type, content) of stored attachments, for statements the client may already read."""
    return [(a.sha2, a.content_type, bytes(a.content)) for a in Attachment.objects.filter(sha2__in=hashes)]


def xapi_statement_get(*, client: LrsClient, statement_id: str, voided: bool) -> tuple[str, dt.datetime] | None:
    """One statement (its JSON and ``stored``) by id, if the client may see it; voided ones only when asked for."""
    row = (
        Statement.objects.filter(xapi_visible_q(client), statement_id=statement_id, voided=voided)
        .values_list("data", "stored")
        .first()
    )
    return (row[0], row[1]) if row is not None else None
