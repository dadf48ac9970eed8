"""What the forecast reads from the registry: set-based stocks, flows, population; seats by level."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest

from jiaoyun.forecast import observe
from jiaoyun.schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_stocks_count_pupils_on_each_census_date_by_school_township(registry):
    A, B = registry["a"].pk, registry["b"].pk
    assert observe.stocks([2020, 2021, 2022]) == {
        (A, 2020, 5): 1,
        (A, 2021, 6): 1,
        (B, 2021, 6): 1,
        (A, 2021, 1): 1,  # transferred out in March: still there on 30 September 2021
        (A, 2022, 7): 2,
        (A, 2022, 2): 1,  # enrolled on 1 October 2021: after that year's census, there on the next one
    }  # the special school is left out


@pytest.mark.parametrize("year", [2021, 2022])
def test_the_latest_census_from_the_current_state_equals_the_pass_over_the_events(registry, year):
    """2021: three pupils have events after the census (their covering event is read); 2022: the current state."""
    assert observe.stocks_current(year) == observe.stocks([year])


def test_flows_follow_each_pupil_from_grade_6_to_grade_7(registry):
    A, B = registry["a"].pk, registry["b"].pk
    assert observe.flows([2020, 2021]) == {(A, A, 2021, 7): 1, (B, A, 2021, 7): 1}


def test_population_sums_village_cells_to_townships_and_prefers_them(registry):
    A, B = registry["a"].pk, registry["b"].pk
    assert observe.population(source="hukou") == {(A, 2021, 6): 75, (B, 2021, 6): 20}
    assert observe.population(source="resident") == {(A, 2021, 6): 99}


def test_entry_ages_of_grade_1(registry, school_a):
    # nobody is in grade 1 now (the one grade-1 pupil moved away); one more, born 2010: 12 at 31 December 2022
    assert observe.entry_ages(2022) == {}
    from jiaoyun.people.tests.factories import StudentFactory

    StudentFactory(birth_date=dt.date(2010, 5, 1), status="in_school", current_school=school_a, current_grade=1)
    assert observe.entry_ages(2022) == {12: 1}


@pytest.mark.parametrize(
    ("kind", "seats", "pupils", "parts"),
    [
        ("primary", 900, {}, {"primary": 900}),
        ("nine_year", 900, {1: 100, 2: 100, 7: 100}, {"primary": 600, "junior": 300}),  # by pupils 200:100
        ("nine_year", 900, {}, {"primary": 600, "junior": 300}),  # no pupils: by grades 6:3
        ("nine_year", 1000, {1: 1, 7: 2}, {"primary": 333, "junior": 667}),  # rounded, adds up to 1000
        ("complete_secondary", 600, {7: 50, 10: 150}, {"junior": 150, "senior": 450}),
        ("teaching_point", 60, {1: 30}, {"preschool": 0, "primary": 60}),
    ],
)
def test_a_schools_seats_split_by_its_pupils_shares(kind, seats, pupils, parts):
    assert observe.split_seats(kind, seats, pupils) == parts
    assert sum(observe.split_seats(kind, seats, pupils).values()) == seats


def test_capacity_by_township_and_level(registry, township_a, township_b, school_a, school_a_junior, school_b):
    A, B = township_a.pk, township_b.pk
    school_a.seats, school_a_junior.seats = 450, 300
    school_a.save()
    school_a_junior.save()
    nine = SchoolFactory(code="2153000010", name="九年一贯制", kind="nine_year", township=township_b, seats=90)
    registry["special"].seats = 100
    registry["special"].save()
    seats, splits, unrecorded = observe.capacity()
    assert seats == {(A, "primary"): 450, (A, "junior"): 300, (B, "primary"): 60, (B, "junior"): 30}
    assert splits == [
        {"school": nine.name, "kind": "九年一贯制学校", "seats": 90, "parts": {"primary": 60, "junior": 30}}
    ]
    assert unrecorded == 1  # school_b has no seats recorded; the special school is not a forecast school


def test_projects_adapter_asks_the_facilities_selector(monkeypatch):
    calls = []

    def seats_in_progress(*, level: str, by: dt.date | None = None) -> dict[int, int]:
        calls.append((level, by))
        return {7: 120} if level == "primary" else {}

    fake = types.ModuleType("jiaoyun.facilities.selectors")
    fake.seats_in_progress = seats_in_progress  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jiaoyun.facilities.selectors", fake)
    assert observe.projects_seats(level="primary", by=dt.date(2027, 9, 30)) == {7: 120}
    assert calls == [("primary", dt.date(2027, 9, 30))]


def test_projects_adapter_says_none_without_the_selector(monkeypatch):
    monkeypatch.setitem(sys.modules, "jiaoyun.facilities.selectors", types.ModuleType("jiaoyun.facilities.selectors"))
    assert observe.projects_seats(level="primary", by=dt.date(2027, 9, 30)) is None


def test_closed_census_years_are_read_once_and_again_on_a_rebuild(registry):
    from jiaoyun.forecast.models import CensusCount
    from jiaoyun.forecast.services import census_counts

    A = registry["a"].pk
    stocks, flows = census_counts(first=2020, base=2022)
    assert stocks[(A, 2021, 1)] == 1 and flows[(A, A, 2021, 7)] == 1
    CensusCount.objects.filter(kind="stock", year=2021, township_id=A, grade=1).update(n=50)
    CensusCount.objects.filter(kind="stock", year=2022, township_id=A, grade=7).update(n=50)
    stocks, _ = census_counts(first=2020, base=2022)
    assert stocks[(A, 2021, 1)] == 50  # a closed year is kept
    assert stocks[(A, 2022, 7)] == 2  # the base year is refreshed on every run
    stocks, _ = census_counts(first=2020, base=2022, rebuild=True)
    assert stocks[(A, 2021, 1)] == 1


def test_the_collector_is_paused_for_the_computation_and_resumed_as_it_was(monkeypatch):
    import gc

    from jiaoyun.forecast import services

    seen = []

    def computing(**kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        raise RuntimeError

    monkeypatch.setattr(services, "compute", computing)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        services.forecast_compute()
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(RuntimeError):
            services.forecast_compute()
        assert not gc.isenabled()
    finally:
        gc.enable()
