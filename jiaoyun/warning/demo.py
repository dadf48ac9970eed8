"""Demo data of 辍学预警: what schools record before a child leaves, then a model trained and every pupil scored.

The 学籍 simulation (``jiaoyun/demo/generator/cohorts.py``) already makes dropping out depend on the family flags,
留级, the step into 初中, schooling outside the home township and a noise (``specs.DROP_FACTORS``). Here the
*symptoms* that schools record are added around the snapshot of each school year (1 October), conditioned on what
then happens — as they are in life, where a child about to leave misses days first:

* absences (per day, unexcused) in the 60 days before each snapshot: a few for everyone at random, more for
  children left behind or of poor families, many more (and rising) for most of those who leave within the year,
  and a burst of sick days for some who stay (false alarms);
* term results (second term of the previous year) for grades 4–9 at two schools in three: lower for those who
  leave and those who repeated;
* households: some children who leave get an older sibling (same guardian phone and hukou village) who left
  before them; other children get siblings at random.

Then ``model_train`` evaluates year by year and keeps the model versions, ``scores_refresh`` scores every pupil
today, and the demo class teacher's class gets preventive follow-ups (one answered). docs/warning.md has the rates.
"""

# The demo's random is seeded on purpose; nothing drawn here is a secret.

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import Any

import numpy as np

from jiaoyun.core.models import User
from jiaoyun.dropout.choices import AbsenceKind
from jiaoyun.dropout.models import Absence
from jiaoyun.people.choices import EventKind
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.warning import services
from jiaoyun.warning.features import population, snapshot
from jiaoyun.warning.models import RiskScore, TermResult

BASE_ABSENCE = 0.12  # mean absence days per 30 days of any pupil
FAMILY_ABSENCE = 0.3  # extra for a child left behind or of a 脱贫/监测户 family
LEAVER_ABSENCE = 4.5  # extra mean for a child who leaves within the year (gamma-distributed: some show nothing)
LEAVER_SHOWS = 0.65  # share of leavers whose absences rise before the snapshot
SICK_SHARE = 0.012  # pupils with a burst of sick days who stay (false alarms of an absence rule)
SIBLING_SHARE = 0.35  # leavers given an older sibling who left before them
RANDOM_SIBLINGS = 0.06  # other pupils given a sibling at random
RESULT_YEARS = 4  # term results of the last years only
YEARS = 7  # snapshots with absences


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    return [
        start + dt.timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + dt.timedelta(days=i)).weekday() < 5
    ]


def _leavers(on: dt.date) -> set[int]:
    end = on + dt.timedelta(days=365)
    return set(
        EnrolmentEvent.objects.filter(kind=EventKind.DROP_OUT, date__gt=on, date__lte=end).values_list(
            "student_id", flat=True
        )
    )


def _absences(rng: random.Random, today: dt.date) -> int:
    npr = np.random.default_rng(rng.randrange(2**32))
    rows: list[Absence] = []
    years = [t for t in range(today.year - YEARS, today.year + 1) if snapshot(t) < today]
    days_on = [snapshot(t) for t in years]
    if snapshot(today.year) >= today:
        days_on.append(today - dt.timedelta(days=1))  # the current year: up to yesterday (before today's register)
    for on in days_on:
        pupils = population(on)
        leavers = _leavers(on) if on + dt.timedelta(days=365) <= today else set()
        recent = _weekdays(on - dt.timedelta(days=29), on)[::2]  # every other school day: never a 5-day run
        before = _weekdays(on - dt.timedelta(days=59), on - dt.timedelta(days=30))[::2]
        for row in pupils:
            sid, left_behind, poverty = row[0], row[11], row[12]
            lam = BASE_ABSENCE + (FAMILY_ABSENCE if left_behind or poverty else 0.0)
            extra = 0.0
            kind = AbsenceKind.UNEXCUSED
            if sid in leavers and rng.random() < LEAVER_SHOWS:
                extra = float(npr.gamma(2.0, LEAVER_ABSENCE / 2))
            elif rng.random() < SICK_SHARE:
                extra, kind = float(npr.gamma(3.0, 1.5)), AbsenceKind.SICK
            n_recent = min(int(npr.poisson(lam + extra)), len(recent))
            n_before = min(int(npr.poisson(lam + extra * 0.35)), len(before))
            for d in rng.sample(recent, n_recent) + rng.sample(before, n_before):
                rows.append(Absence(student_id=sid, date=d, kind=kind, note="演示：学年初缺勤"))
    Absence.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def _results(rng: random.Random, today: dt.date) -> int:
    npr = np.random.default_rng(rng.randrange(2**32))
    rows: list[TermResult] = []
    years = [t for t in range(today.year - RESULT_YEARS, today.year + 1) if snapshot(t) < today]
    for t in years:
        on = snapshot(t)
        leavers = _leavers(on) if on + dt.timedelta(days=365) <= today else set()
        repeaters = set(
            EnrolmentEvent.objects.filter(kind=EventKind.REPEAT, date__lte=on).values_list("student_id", flat=True)
        )
        for row in population(on):
            sid, school, grade = row[0], row[1], row[6]
            if grade < 5 or school % 3 == 0:  # results of the grade before (4–8); one school in three enters none
                continue
            score = npr.normal(76, 11) - (9 if sid in leavers else 0) - (6 if sid in repeaters else 0)
            rows.append(TermResult(student_id=sid, school_year=t - 1, term=2, score=round(float(np.clip(score, 15, 100)), 1),
                                   school_id=school))  # fmt: skip
    TermResult.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def _households(rng: random.Random) -> int:
    """Give some children an older sibling: the same guardian (name and phone) and hukou village."""
    first_drop: dict[int, dt.date] = {}
    for sid, d in (
        EnrolmentEvent.objects.filter(kind=EventKind.DROP_OUT).order_by("date").values_list("student_id", "date")
    ):
        first_drop.setdefault(sid, d)
    kids = list(
        Student.objects.exclude(hukou_village=None).values_list(
            "id", "hukou_village_id", "birth_date", "guardian_name", "guardian_phone"
        )
    )
    by_village: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for k in sorted(kids, key=lambda k: k[2]):
        by_village[k[1]].append(k)
    births = {v: [k[2] for k in ks] for v, ks in by_village.items()}
    changes: dict[int, tuple[str, str]] = {}
    for kid in kids:
        sid, village, birth = kid[0], kid[1], kid[2]
        mine = first_drop.get(sid)
        want_leaver = mine is not None and rng.random() < SIBLING_SHARE
        if not want_leaver and rng.random() >= RANDOM_SIBLINGS:
            continue
        lo = bisect_left(births[village], birth - dt.timedelta(days=365 * 8))
        hi = bisect_right(births[village], birth - dt.timedelta(days=365))
        older = by_village[village][lo:hi]
        if not older:
            continue
        if want_leaver and mine is not None:
            left_before = [o for o in older if o[0] in first_drop and first_drop[o[0]] < mine - dt.timedelta(days=400)]
            if left_before:
                o = rng.choice(left_before)
                changes[sid] = (o[3], o[4])
                continue
        o = rng.choice(older)
        changes[sid] = (o[3], o[4])
    objs = [Student(pk=sid, guardian_name=name, guardian_phone=phone) for sid, (name, phone) in changes.items()]
    Student.objects.bulk_update(objs, ["guardian_name", "guardian_phone"], batch_size=2000)
    return len(objs)


def _followups(today: dt.date) -> int:
    """The demo class teacher's class keeps its flagged pupils for the teacher to act on (the tour and the browser
    test); elsewhere in the township the 中心校 opened follow-ups of its two highest risks, one already visited."""
    teacher = User.objects.filter(username="teacher").first()
    township = User.objects.filter(username="township").first()
    if teacher is None or township is None:
        return 0
    classes = list(teacher.classes.values_list("id", flat=True))
    scores = list(
        RiskScore.objects.filter(on=today, flagged=True, township_id=township.area_id)
        .exclude(school_class_id__in=classes)
        .select_related("student")
        .order_by("rank")[:2]
    )
    for i, score in enumerate(scores):
        f = services.followup_open(actor=township, score=score, on=today - dt.timedelta(days=16 if i == 0 else 3))
        if i == 0:
            services.followup_feedback(actor=township, followup=f, status="visited",
                                       note="已家访，家长承诺按时送学", on=today - dt.timedelta(days=9))  # fmt: skip
    return len(scores)


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    summary["households"] = _households(rng)
    summary["absences"] = _absences(rng, today)
    summary["term_results"] = _results(rng, today)
    baseline, learned, result = services.model_train(actor=None, today=today)
    summary["model"] = learned.pk if learned.in_use else baseline.pk
    summary["gate"] = learned.gate_reason
    summary["scores"] = services.scores_refresh(actor=None, on=today)
    summary["followups"] = _followups(today)
    s = result["summary"]
    fmt = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    stdout.write(
        f"  辍学预警：同户{summary['households']}人，缺勤{summary['absences']}条，学期成绩{summary['term_results']}条；"
        f"AUC 学习模型{fmt(s['learned']['mean_auc'])}／基线{fmt(s['baseline']['mean_auc'])}／按学校{fmt(s['place_school']['mean_auc'])}；"
        f"{learned.gate_reason}；预警{summary['scores']['flagged']}人\n"
    )
    return summary
