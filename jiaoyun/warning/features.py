"""Features per pupil and date, computed set-based: one query for the pupils in school on the day (from the 学籍
chain, ``date ≤ day < until``), then one grouped aggregate per source (absences, 学籍 events, households, learning
records, term results), joined to the pupils in numpy by student id. No query per pupil.

A *frame* is the pupils in compulsory school (grades 1–9) on a day with their features (``X`` columns named by
``FEATURES``), the facts to group and explain by (``meta``) and, for a past year, the outcome (``y``: a 辍学 event
within the next 365 days) and the pupils whose outcome a preventive follow-up changed (``censored``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, F, IntegerField, Max, Q
from django.db.models.functions import Cast, Round
from django.utils import timezone

from jiaoyun.people.choices import IN_SCHOOL_EVENTS, EventKind
from jiaoyun.people.models import EnrolmentEvent
from jiaoyun.warning import conf

# The model's inputs, in order. Counts are log1p-transformed by the learned model (``learn.transform``).
FEATURES = (
    "absent_recent",  # absence days in the last WARNING_ABSENCE_DAYS days
    "absent_trend",  # … minus those of the window before it
    "repeats",  # 留级 events so far
    "over_age",  # years older than the grade's normal age (≥ 0)
    "transfers",  # 转入 (moves between schools) so far
    "transfer_recent",  # a 转入 in the last 365 days
    "breaks",  # 休学 so far
    "own_dropouts",  # the pupil's earlier 辍学
    "sibling_dropouts",  # earlier 辍学 of other children of the same household
    "left_behind",  # 留守
    "poverty",  # 脱贫家庭/监测户 (sensitive)
    "orphan",  # 孤儿/事实无人抚养 (sensitive)
    "disability",  # 残疾 (sensitive)
    "distance",  # 0 school in the home village, 1 in another village of the township, 2 in another township
    "boarding",  # the school is a boarding school
    "grade7_new",  # first year of junior school (the step into 初中)
    "junior",  # grades 7–9
    "lrs_covered",  # the class sends learning records (LRS) in the window
    "lrs_inactive",  # covered, but no record of the pupil in the window
    "score_missing",  # no term result entered
    "score_gap",  # max(0, 75 − latest term result): how far below a middling result
)
SENSITIVE = ("poverty", "orphan", "disability")
COUNTS = ("absent_recent", "repeats", "over_age", "transfers", "breaks", "own_dropouts", "sibling_dropouts")
META = ("school", "school_class", "township", "village", "grade", "sex", "ethnicity", "score")


@dataclass
class Frame:
    on: dt.date
    ids: np.ndarray  # student ids, sorted
    X: np.ndarray  # len(ids) × len(FEATURES), float
    meta: dict[str, np.ndarray] = field(default_factory=dict)
    y: np.ndarray | None = None
    censored: np.ndarray | None = None
    year: int | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def col(self, name: str) -> np.ndarray:
        return self.X[:, FEATURES.index(name)]

    def subset(self, mask: np.ndarray) -> Frame:
        return Frame(
            on=self.on, ids=self.ids[mask], X=self.X[mask], meta={k: v[mask] for k, v in self.meta.items()},
            y=None if self.y is None else self.y[mask],
            censored=None if self.censored is None else self.censored[mask], year=self.year,
        )  # fmt: skip


def snapshot(year: int) -> dt.date:
    month, day = conf.get("WARNING_SNAPSHOT")
    return dt.date(year, month, day)


def _place(ids: np.ndarray, sid: list[int] | np.ndarray, values: list[Any] | np.ndarray, out: np.ndarray) -> None:
    """Write ``values`` of students ``sid`` into ``out`` at their rows of the sorted ``ids`` (others unchanged)."""
    if len(sid) == 0:
        return
    s = np.asarray(sid, dtype=np.int64)
    idx = np.searchsorted(ids, s)
    idx[idx >= len(ids)] = 0
    hit = ids[idx] == s
    out[idx[hit]] = np.asarray(values, dtype=out.dtype)[hit]


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _none(values: np.ndarray) -> np.ndarray:
    """Which cells of an object column are None (SQL NULL)."""
    return np.equal(values, None)  # type: ignore[call-overload,no-any-return]


def _days(values: Any) -> np.ndarray:
    """Dates (``datetime.date`` or ISO text, None for none) as day numbers; none is −∞ (before any day).
    Date objects (PostgreSQL) are converted by their ordinal, text (SQLite) by numpy."""
    values = list(values)
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, dt.date):
        out = np.fromiter((v.toordinal() - _EPOCH if v is not None else -1e300 for v in values), float, len(values))
        out[out == -1e300] = -np.inf
        return out
    arr = np.asarray([v if v is not None else "NaT" for v in values], dtype="datetime64[D]")
    out = arr.astype("int64").astype(float)
    out[np.isnat(arr)] = -np.inf
    return out


def _counts(ids: np.ndarray, rows: Any) -> np.ndarray:
    out = np.zeros(len(ids))
    rows = list(rows)
    if rows:
        sid, n = zip(*rows, strict=True)
        _place(ids, list(sid), list(n), out)
    return out


def _raw(qs: Any) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset fetched without Django's per-value converters (dates stay as the
    driver gives them, booleans as 0/1): the feature pass turns whole columns into numpy arrays instead."""
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def population(on: dt.date) -> list[tuple[Any, ...]]:
    """The pupils in grades 1–9 in a county school on ``on``, with their state and household facts (one query)."""
    return _raw(
        EnrolmentEvent.objects.filter(
            Q(until__gt=on) | Q(until__isnull=True),
            date__lte=on,
            kind__in=IN_SCHOOL_EVENTS,
            grade__gte=1,
            grade__lte=9,
            school__isnull=False,
        )  # fmt: skip
        .order_by("student_id")
        .values_list(
            "student_id",
            "school_id",
            "school_class_id",
            "school__township_id",
            "school__village_id",
            "school__boarding",
            "grade",
            "grad6_date",
            "student__birth_date",
            "student__sex",
            "student__ethnicity",
            "student__left_behind",
            "student__poverty",
            "student__orphan",
            "student__disability",
            "student__hukou_village_id",
            "student__residence_village_id",
            "student__residence_village__parent_id",
            "student__hukou_village__parent_id",
            "student__guardian_phone",
        )  # fmt: skip
    )


def population_now(on: dt.date) -> list[tuple[Any, ...]]:
    """The same rows as ``population`` for the current day, read from the students' cached state (kept by the
    enrolment services after every event; indexed on status) instead of the whole 学籍 chain. Column 7 (the
    primary school graduation) is left empty here: ``compute`` places ``recent_graduations`` by student id."""
    from jiaoyun.people.choices import StudentStatus
    from jiaoyun.people.models import Student

    return _raw(
        Student.objects.filter(
            status=StudentStatus.IN_SCHOOL, current_grade__gte=1, current_grade__lte=9, current_school__isnull=False
        )  # fmt: skip
        .order_by("id")
        .values_list(
            "id",
            "current_school_id",
            "current_class_id",
            "current_school__township_id",
            "current_school__village_id",
            "current_school__boarding",
            "current_grade",
            "current_grade",  # placeholder for the graduation date (see above)
            "birth_date",
            "sex",
            "ethnicity",
            "left_behind",
            "poverty",
            "orphan",
            "disability",
            "hukou_village_id",
            "residence_village_id",
            "residence_village__parent_id",
            "hukou_village__parent_id",
            "guardian_phone",
        )  # fmt: skip
    )


def recent_graduations(on: dt.date) -> list[tuple[Any, ...]]:
    """(student id, date) of the primary school graduations of the last 400 days (the graduations' partial index)."""
    return _raw(
        EnrolmentEvent.objects.filter(
            kind=EventKind.GRADUATE, grade=6, date__gt=on - dt.timedelta(days=400), date__lte=on
        ).values_list("student_id", "date")
    )


def household_key(village_id: int | None, phone: str) -> str | None:
    """Siblings are the children of one household: the same hukou village and the same guardian phone (the 学籍
    record has no household number; the 户籍 roster's 户主 is not linked to every pupil)."""
    return f"{village_id}:{phone}" if village_id and phone else None


class _Clock:
    """Seconds spent in each step of ``compute`` (``timings``: the benchmark's breakdown; None: not kept)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        import time

        self.timings, self._now, self._t = timings, time.perf_counter, time.perf_counter()

    def __call__(self, step: str) -> None:
        if self.timings is not None:
            now = self._now()
            self.timings[step] = self.timings.get(step, 0.0) + now - self._t
            self._t = now


# PostgreSQL: the memory each grouped aggregate of the feature pass may use before spilling to disk (the server's
# default, 4 MB, makes the 学籍 chain's aggregate spill at 10× the demo county). Set for the pass's transaction only.
WORK_MEM = "64MB"


def compute(
    on: dt.date, *, labels: bool = False, current: bool | None = None, timings: dict[str, float] | None = None
) -> Frame:
    """The frame of ``on``; with ``labels`` also the outcome within the next 365 days. ``current`` (default: ``on``
    is today or later) reads the pupils from the students' cached state, the fast path of daily scoring.
    ``timings`` (if given) receives the seconds of each step."""
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        return _compute(on, labels=labels, current=current, timings=timings)


def _compute(on: dt.date, *, labels: bool, current: bool | None, timings: dict[str, float] | None) -> Frame:
    from jiaoyun.dropout.models import Absence
    from jiaoyun.learning.models import Statement
    from jiaoyun.warning.models import Followup, TermResult

    if current is None:
        current = on >= timezone.localdate() and not labels
    tick = _Clock(timings)
    rows = population_now(on) if current else population(on)
    tick("pupils: query")
    n = len(rows)
    # One n × 20 object array (numpy copies the row tuples in C; a Python transposition is twice as slow).
    cols = np.array(rows, dtype=object) if n else np.zeros((0, 20), dtype=object)
    del rows
    ids = cols[:, 0].astype(np.int64)
    keep: np.ndarray | None = None
    # A pupil has one state on a day; a corrupt chain with two is read once (the first).
    if n and (np.diff(ids) <= 0).any():
        ids, first = np.unique(ids, return_index=True)
        keep = first
        n = len(ids)

    def column(i: int, kind: str = "int") -> np.ndarray:
        values = cols[:, i]
        if kind == "int":
            out = np.where(_none(values), 0, values).astype(np.int64)
        elif kind == "obj":
            out = values
        elif kind == "days":
            out = _days(values)
        else:
            out = np.where(_none(values), 0, values).astype(float)
        return out[keep] if keep is not None and len(out) else out

    X = np.zeros((n, len(FEATURES)))
    f = {name: X[:, i] for i, name in enumerate(FEATURES)}  # views into X
    school, klass, township, school_village = column(1), column(2), column(3), column(4)
    grade = column(6)
    f["boarding"][:] = column(5, "float") if n else 0
    f["junior"][:] = grade >= 7
    recent_grad6 = on - dt.timedelta(days=400)
    if current:
        grad6 = np.full(n, -np.inf)
        done = recent_graduations(on)
        if done:
            sid, dates = zip(*done, strict=True)
            _place(ids, list(sid), _days(dates), grad6)
    else:
        grad6 = column(7, "days") if n else np.zeros(0)
    f["grade7_new"][:] = (grade == 7) & (grad6 >= _days([recent_grad6])[0]) if n else 0
    # Over-age: age on 1 September of the school year minus the normal age of the grade (grade 1 at 6).
    sy_start = dt.date(on.year if on.month >= 9 else on.year - 1, 9, 1)
    births = (_days([sy_start])[0] - column(8, "days")) / 365.25 if n else np.zeros(0)
    f["over_age"][:] = np.clip(np.floor(births) - (grade + 5), 0, None) if n else 0
    sex = column(9, "obj")
    ethnicity = column(10, "obj")
    f["left_behind"][:] = column(11, "float") if n else 0
    f["poverty"][:] = column(12, "obj") != "" if n else 0
    f["orphan"][:] = column(13, "obj") != "" if n else 0
    f["disability"][:] = column(14, "obj") != "" if n else 0
    hukou = column(15)
    residence = column(16)
    home = np.where(residence > 0, residence, hukou)
    residence_township, hukou_township = column(17), column(18)
    home_township = np.where(residence_township > 0, residence_township, hukou_township)
    f["distance"][:] = np.where(
        (home == 0) | (home == school_village), 0, np.where(home_township == township, 1, 2)
    ) if n else 0  # fmt: skip
    phones = column(19, "obj")
    tick("pupils: arrays")
    # ---- absences: the recent window and the one before it (one grouped query)
    days = conf.get("WARNING_ABSENCE_DAYS")
    w1, w0 = on - dt.timedelta(days=days), on - dt.timedelta(days=2 * days)
    absences = (
        Absence.objects.filter(date__gt=w0, date__lte=on)
        .values("student_id")
        .annotate(recent=Count("id", filter=Q(date__gt=w1)), before=Count("id", filter=Q(date__lte=w1)))
        .values_list("student_id", "recent", "before")
    )
    rec, bef = np.zeros(n), np.zeros(n)
    ab = _raw(absences)
    if ab:
        sid, r, b = zip(*ab, strict=True)
        _place(ids, list(sid), list(r), rec)
        _place(ids, list(sid), list(b), bef)
    f["absent_recent"][:] = rec
    f["absent_trend"][:] = rec - bef
    tick("absences")

    # ---- the 学籍 chain so far: 留级, 转入, 休学, 辍学 (one grouped query)
    chain = (
        EnrolmentEvent.objects.filter(
            date__lte=on,
            kind__in=(EventKind.REPEAT, EventKind.TRANSFER_IN, EventKind.SUSPEND, EventKind.DROP_OUT),
        )
        .values("student_id")
        .annotate(
            rep=Count("id", filter=Q(kind=EventKind.REPEAT)),
            tin=Count("id", filter=Q(kind=EventKind.TRANSFER_IN)),
            tin_recent=Count("id", filter=Q(kind=EventKind.TRANSFER_IN, date__gt=on - dt.timedelta(days=365))),
            susp=Count("id", filter=Q(kind=EventKind.SUSPEND)),
            drop=Count("id", filter=Q(kind=EventKind.DROP_OUT)),
        )
        .values_list("student_id", "rep", "tin", "tin_recent", "susp", "drop")
    )
    ch = _raw(chain)
    if ch:
        sid_col, *count_cols = (list(c) for c in zip(*ch, strict=True))
        names = ("repeats", "transfers", "transfer_recent", "breaks", "own_dropouts")
        for name, vals in zip(names, count_cols, strict=True):
            col = np.zeros(n)
            _place(ids, sid_col, vals, col)
            f[name][:] = col
        f["transfer_recent"][:] = np.minimum(f["transfer_recent"], 1)

    tick("学籍 chain")
    # ---- siblings: dropped-out children per household before ``on`` (one grouped query)
    dropped = (
        EnrolmentEvent.objects.filter(kind=EventKind.DROP_OUT, date__lte=on)
        .exclude(student__guardian_phone="")
        .values("student__hukou_village_id", "student__guardian_phone")
        .annotate(k=Count("student_id", distinct=True))
        .values_list("student__hukou_village_id", "student__guardian_phone", "k")
    )
    households: dict[tuple[Any, Any], int] = {(v, p): k for v, p, k in dropped if household_key(v, p)}
    if households:
        known = {p for _, p in households}
        # Only the pupils whose guardian phone is one of a household with a dropout are looked up.
        maybe = np.flatnonzero(np.fromiter((p in known for p in phones), bool, len(phones)))
        in_house = np.zeros(n)
        in_house[maybe] = [households.get((int(hukou[i]) or None, phones[i]), 0) for i in maybe.tolist()]
        f["sibling_dropouts"][:] = np.maximum(in_house - np.minimum(f["own_dropouts"], 1), 0)
    tick("siblings")
    # ---- learning records (LRS): the pupil's statements in the window, and whether the class sends any
    t0 = timezone.make_aware(dt.datetime.combine(w1 + dt.timedelta(days=1), dt.time.min))
    t1 = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
    lrs = (
        Statement.objects.filter(timestamp__gte=t0, timestamp__lt=t1, student__isnull=False)
        .values("student_id")
        .annotate(k=Count("id"))
        .values_list("student_id", "k")
    )
    active = _counts(ids, lrs)
    covered_classes = set(
        Statement.objects.filter(timestamp__gte=t0, timestamp__lt=t1, school_class__isnull=False)
        .values_list("school_class_id", flat=True)
        .distinct()
    )
    if covered_classes:
        covered = np.isin(klass, np.fromiter(covered_classes, dtype=np.int64))
        f["lrs_covered"][:] = covered
        f["lrs_inactive"][:] = covered & (active == 0)

    tick("learning records")
    # ---- the latest term result ended before ``on`` (one query, latest per pupil kept in numpy)
    score = np.full(n, np.nan)
    # A first term ends by February, a second by August: only results ended by ``on`` are known on ``on``.
    term1_to = on.year - 1 if on.month >= 2 else on.year - 2
    term2_to = on.year - 1 if on.month >= 8 else on.year - 2
    # One grouped aggregate: per pupil the largest (term, score) packed as term × 10000 + score × 10 (a score is
    # 0–100.0 with one decimal), so the latest term's score comes back without reading every result.
    packed = (F("school_year") * 2 + F("term")) * 10000 + Cast(Round(F("score") * 10), IntegerField())
    results = _raw(
        TermResult.objects.filter(
            Q(term=1, school_year__lte=term1_to) | Q(term=2, school_year__lte=term2_to), school_year__gte=on.year - 3
        )
        .values("student_id")
        .annotate(latest=Max(packed))
        .values_list("student_id", "latest")
    )
    if results:
        r_sid, r_latest = (np.asarray(c, dtype=np.int64) for c in zip(*results, strict=True))
        _place(ids, r_sid, (r_latest % 10000) / 10.0, score)
    f["score_missing"][:] = np.isnan(score)
    f["score_gap"][:] = np.where(np.isnan(score), 0.0, np.clip(75.0 - score, 0, None))

    tick("term results")
    frame = Frame(
        on=on, ids=ids, X=X,
        meta={"school": school, "school_class": klass, "township": township, "village": hukou, "grade": grade,
              "sex": sex, "ethnicity": ethnicity, "score": score},
    )  # fmt: skip
    if labels:
        end = on + dt.timedelta(days=365)
        out = EnrolmentEvent.objects.filter(kind=EventKind.DROP_OUT, date__gt=on, date__lte=end)
        y = np.zeros(n)
        left = list(out.values_list("student_id", flat=True).distinct())
        _place(ids, left, [1.0] * len(left), y)
        frame.y = y
        cens = np.zeros(n, dtype=bool)
        # A pupil whose preventive follow-up was recorded as resolved: the outcome was changed by the follow-up,
        # so it says nothing about the score (left out of training and evaluation).
        resolved = Followup.objects.filter(status="resolved", opened_on__gt=on, opened_on__lte=end)
        kept = list(resolved.values_list("student_id", flat=True))
        _place(ids, kept, [True] * len(kept), cens)
        frame.censored = cens
    return frame
