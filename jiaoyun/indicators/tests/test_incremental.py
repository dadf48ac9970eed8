"""The incremental path (ADR 0043): corrections through the people services keep the figures equal to a full
recompute, for the current and past school years, without one."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import transaction

from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.compute import Period
from jiaoyun.indicators.compute.incremental import kept_periods, kept_runs
from jiaoyun.indicators.models import ClassSize, DateFact, Fact, IndicatorValue
from jiaoyun.indicators.services import indicators_compute
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.services.bulk import event_bulk_upsert, student_bulk_update
from jiaoyun.people.services.enrolment import enrolment_record
from jiaoyun.people.services.students import student_update
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.models import SchoolClass

D = dt.date
# Past years on their census dates, the latest read mid-year (as the current year is), in two kept runs.
RUNS = (
    [Period(SchoolYear(y), SchoolYear(y).census_date) for y in (2017, 2018, 2019)],
    [Period(SchoolYear(2020), D(2020, 9, 30)), Period(SchoolYear(2021), D(2022, 3, 15))],
)
KINDS = ("promote", "repeat", "drop_out", "transfer_out", "transfer_in", "death", "out_of_county", "suspend",
         "resume", "graduate", "enrol")  # fmt: skip


IN_SCHOOL = ("promote", "repeat", "drop_out", "transfer_out", "death", "out_of_county", "suspend", "graduate")
FOLLOW = dict.fromkeys(("enrol", "promote", "repeat", "transfer_in", "resume"), IN_SCHOOL)
FOLLOW |= {"suspend": ("resume", "drop_out"), "drop_out": ("resume", "enrol"), "graduate": ("enrol", "out_of_county"),
           "transfer_out": ("transfer_in",), "out_of_county": ("transfer_in", "enrol"), "death": ("death",)}  # fmt: skip


class Rollback(Exception):
    pass


def figures() -> dict[tuple, tuple]:
    rows = IndicatorValue.objects.values_list(
        "code", "level", "area_id", "school_id", "school_year", "as_of", "value", "numerator", "denominator", "extra",
        "flow_end",
    )  # fmt: skip
    r = lambda x: None if x is None else round(x, 6)  # noqa: E731 (teachers' shares are floats, summed in any order)
    return {tuple(k): (r(v), r(n), r(d), r(e), f) for *k, v, n, d, e, f in rows}


def full_figures() -> dict[tuple, tuple]:
    """The figures a full recompute of the kept periods gives now (rolled back afterwards)."""
    periods = [p for run in kept_runs() for p in kept_periods(run)]
    try:
        with transaction.atomic():
            indicators_compute(periods=periods, triggered_by="test")
            raise Rollback(figures())
    except Rollback as done:
        return done.args[0]


def keep_runs() -> None:
    for periods in RUNS:
        indicators_compute(periods=periods, triggered_by="test")
    assert len(kept_runs()) == 2


@pytest.fixture
def classes(world):
    """Classes of the county's primary and junior schools for 2017–2021, and small size bands, so that class
    sizes matter."""
    made = [
        SchoolClass.objects.create(school=world[s], school_year=y, grade=g, number=n, name=f"{g}年级{n}班")
        for s, grades in (("sa", range(1, 7)), ("sb", range(1, 7)), ("sj", range(7, 10)))
        for y in range(2017, 2022)
        for g in grades
        for n in (1, 2)
    ]
    return made


@pytest.fixture
def bands(settings):
    settings.JIAOYUN = {**getattr(settings, "JIAOYUN", {}), "INDICATOR_LARGE_CLASS": (2, 2),
                        "INDICATOR_SUPER_LARGE_CLASS_MIN": 3}  # fmt: skip


def _random_correction(rng: random.Random, world, classes, villages, actor) -> str:  # type: ignore[no-untyped-def]
    schools = [world[k] for k in ("sa", "sb", "sj", "ka", "kb", "kp", "hs", "vs")]
    students = list(Student.objects.order_by("pk"))
    student = rng.choice(students)
    choice = rng.random()
    if choice < 0.3:  # an event corrected in place by an import: school, grade, class
        events = list(EnrolmentEvent.objects.filter(student=student).order_by("pk"))
        if not events:
            return "none"
        event = rng.choice(events)
        school = (
            rng.choice([*schools, None]) if event.kind in ("out_of_county", "transfer_out") else rng.choice(schools)
        )
        klass = rng.choice([k for k in classes if k.school_id == getattr(school, "pk", None)] or [None])
        if rng.random() < 0.5:
            klass = None
        event_bulk_upsert(
            new=[],
            updates=[(event.pk, {"student_id": student.pk, "school_id": getattr(school, "pk", None),
                                 "grade": klass.grade if klass else rng.randint(-2, 12),
                                 "school_class_id": klass.pk if klass else None, "external_school": "",
                                 "study_level": rng.choice([None, "senior", "vocational"]), "reason": "更正"})],
            actor=actor,
        )  # fmt: skip
        return "upsert"
    if choice < 0.45:  # birth date or hukou village (the events carry copies)
        if rng.random() < 0.5:
            first = EnrolmentEvent.objects.filter(student=student).order_by("date").values_list("date", flat=True)
            latest = (first.first() or D(2022, 1, 1)) - dt.timedelta(days=400)
            birth = latest - dt.timedelta(days=rng.randint(0, 365 * 8))
            student_update(actor=actor, student=student, birth_date=birth)
        else:
            student_update(actor=actor, student=student, hukou_village=rng.choice(villages))
        return "student"
    if choice < 0.55:  # several students in one import
        chosen = rng.sample(students, 3)
        from jiaoyun.people.services.bulk import STUDENT_FIELDS

        records = []
        for s in chosen:
            record = {f: getattr(s, f) for f in STUDENT_FIELDS}
            record["birth_date"] = s.birth_date - dt.timedelta(days=rng.randint(0, 700))
            record["hukou_village_id"] = rng.choice(villages).pk
            records.append((s.pk, record))
        student_bulk_update(updates=records)
        return "bulk"
    if choice < 0.65:  # a new pupil
        student = StudentFactory(
            name="新生", birth_date=D(rng.randint(2008, 2016), 3, 1), hukou_village=rng.choice(villages)
        )
    last = EnrolmentEvent.objects.filter(student=student).order_by("-date", "-seq").first()
    if last is None:
        kind, day = "enrol", D(2016, 9, 1) + dt.timedelta(days=rng.randint(0, 6 * 365))
    else:  # mostly what may follow the latest event; sometimes a late record slotted in before it
        kind = rng.choice(FOLLOW.get(last.kind, KINDS)) if rng.random() < 0.8 else rng.choice(KINDS)
        late = rng.random() < 0.2
        day = last.date + dt.timedelta(days=rng.randint(-300, -1) if late else rng.randint(1, 500))
    school = rng.choice(schools)
    klass = rng.choice(
        [k for k in classes if k.school_id == school.pk and k.school_year == SchoolYear.of(day).start_year] or [None]
    )
    try:
        with transaction.atomic():
            enrolment_record(
                actor=actor, student=student, kind=kind, date=day,
                school=school if kind in ("enrol", "transfer_in") else None,
                grade=klass.grade if klass and kind in ("enrol", "transfer_in") else None,
                school_class=klass if kind in ("enrol", "transfer_in") else None,
                study_level=rng.choice(["senior", "vocational", None]) if kind == "out_of_county" else None,
            )  # fmt: skip
    except (DomainError, ValueError) as exc:  # refused: nothing changed, and nothing may be left half-applied
        return f"refused {type(exc).__name__}"
    return "record"


@pytest.mark.parametrize("seed", [1, 2])
def test_random_corrections_give_the_figures_of_a_full_recompute(
    seed,
    world,
    outside,
    classes,
    bands,
    county_admin,
    village_a1,
    village_a2,
    village_b1,
):
    keep_runs()
    assert figures() == full_figures()
    rng = random.Random(seed)
    villages = [village_a1, village_a2, village_b1]
    done: list[str] = []
    for step in range(24):
        done.append(_random_correction(rng, world, classes, villages, county_admin))
        if step % 6 == 5:
            assert figures() == full_figures(), done
    assert {d.split()[0] for d in done} >= {"upsert", "student", "record"}, done
    # no scratch of a correction is left behind
    assert not DateFact.objects.exists()
    assert not Fact.objects.filter(run_id__lt=0).exists() and not ClassSize.objects.filter(run_id__lt=0).exists()


def test_a_late_dropout_reaches_a_past_year_and_the_township_without_a_recompute(
    world, county_admin, county, township_b, django_capture_on_commit_callbacks
):
    keep_runs()
    before = IndicatorValue.objects.get(code="dropout_primary", level="county", school_year=2021)
    pupil = world["students"]["P2"]  # in grade 4 at sb (township_b) in 2021
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolment_record(actor=county_admin, student=pupil, kind="drop_out", date=D(2022, 1, 10))
    assert callbacks == []  # nothing queued: the figures are already right
    after = IndicatorValue.objects.get(code="dropout_primary", level="county", school_year=2021)
    assert after.numerator == before.numerator + 1
    town = IndicatorValue.objects.get(code="dropout_primary", level="township", area=township_b, school_year=2021)
    assert town.numerator >= 1
    assert figures() == full_figures()


def test_without_the_path_or_past_its_limit_a_correction_queues_a_full_recompute(
    world, county_admin, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    keep_runs()
    before = figures()
    pupil = world["students"]["P1"]
    settings.JIAOYUN = {**getattr(settings, "JIAOYUN", {}), "INDICATOR_INCREMENTAL_MAX_STUDENTS": 0}
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_record(actor=county_admin, student=pupil, kind="drop_out", date=D(2022, 1, 10))
    assert figures() == before  # not applied …
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # … the full recompute is queued
    assert not Fact.objects.filter(run_id__lt=0).exists()
    settings.JIAOYUN = {**settings.JIAOYUN, "INDICATOR_INCREMENTAL": False}
    indicators_compute(periods=RUNS[1], triggered_by="test")
    assert not kept_runs()  # switched off: nothing kept to go stale
