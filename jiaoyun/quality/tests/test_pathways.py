"""职普融合: a transfer between 普高 and 中职 is one 学籍 event, so 高中阶段毛入学率 counts the student once;
credits between tracks; the progression of 中职 graduates counted by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jiaoyun.areas.tests.factories import PopulationCellFactory
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.indicators.compute import Period
from jiaoyun.indicators.models import IndicatorValue
from jiaoyun.indicators.services import indicators_compute
from jiaoyun.people.models import EnrolmentEvent
from jiaoyun.people.services import enrolment_record, student_create
from jiaoyun.quality import selectors as sel
from jiaoyun.quality import services
from jiaoyun.quality.models import TrackTransfer
from jiaoyun.schools.tests.factories import SchoolFactory

D = dt.date
CENSUS = D(2021, 9, 30)


@pytest.fixture
def tracks(township_a):
    senior = SchoolFactory(code="2153000301", name="施甸一中", kind="senior", township=township_a)
    vocational = SchoolFactory(code="2153000302", name="施甸职中", kind="vocational", township=township_a)
    return senior, vocational


def youth(name: str, village, school, grade: int = 10):  # type: ignore[no-untyped-def]
    s = student_create(actor=None, name=name, sex="M", birth_date=D(2005, 3, 1), hukou_village=village)
    enrolment_record(actor=None, student=s, kind="enrol", date=D(2021, 9, 1), school=school, grade=grade)
    s.refresh_from_db()
    return s


def senior_gross(county) -> tuple[float, float]:
    indicators_compute(periods=[Period(SchoolYear(2021), CENSUS)])
    v = IndicatorValue.objects.get(code="senior_gross", school_year=2021, as_of=CENSUS, area=county)
    return v.numerator, v.denominator


def test_a_transfer_from_senior_to_vocational_keeps_the_senior_gross_enrolment_rate(
    county, village_a1, tracks, county_admin
):
    senior, vocational = tracks
    PopulationCellFactory(area=village_a1, year=2021, age=16, sex="M", count=4)
    a, b = youth("甲", village_a1, senior), youth("乙", village_a1, vocational)
    assert b.pk and senior_gross(county) == (2, 4)
    t = services.track_transfer(actor=county_admin, student=a, to_school=vocational, date=D(2021, 9, 20), grade=10)
    assert (t.from_track, t.to_track) == ("senior", "vocational")
    a.refresh_from_db()
    assert a.current_school_id == vocational.pk and a.status == "in_school"
    assert EnrolmentEvent.objects.filter(student=a, kind="transfer_in", school=vocational).count() == 1
    assert senior_gross(county) == (2, 4)  # still two youths at senior level: the transfer moved, not added


def test_a_transfer_must_cross_the_tracks_and_be_made_by_one_of_the_schools(county, village_a1, tracks, school_b):
    senior, vocational = tracks
    other_senior = SchoolFactory(code="2153000303", name="施甸二中", kind="senior", township=senior.township)
    a = youth("甲", village_a1, senior)
    with pytest.raises(DomainError, match="普通高中与中职"):
        services.track_transfer(actor=None, student=a, to_school=other_senior, date=D(2021, 9, 20), grade=10)
    stranger = UserFactory(role="principal", school=school_b)
    with pytest.raises(PermissionDenied):
        services.track_transfer(actor=stranger, student=a, to_school=vocational, date=D(2021, 9, 20), grade=10)
    assert TrackTransfer.objects.count() == 0


def test_credits_and_the_progression_of_graduates_counted_by_hand(county, village_a1, tracks, county_admin):
    senior, vocational = tracks
    a = youth("甲", village_a1, senior)
    services.credit_recognise(actor=county_admin, student=a, from_track="vocational", to_track="senior",
                              course="电工基础", credits=Decimal("2.5"), recognised_on=D(2021, 12, 1))  # fmt: skip
    with pytest.raises(DomainError):
        services.credit_recognise(actor=county_admin, student=a, from_track="senior", to_track="senior",
                                  course="语文", credits=Decimal("1"), recognised_on=D(2021, 12, 1))  # fmt: skip
    assert sel.credit_total(county_admin) == Decimal("2.5")
    grads = []
    for name in ("丙", "丁", "戊", "己"):
        s = youth(name, village_a1, vocational, grade=12)
        enrolment_record(actor=None, student=s, kind="graduate", date=D(2022, 7, 1))
        s.refresh_from_db()
        grads.append(s)
    outcomes = (("higher_vocational", True), ("higher_vocational", False), ("employed", False), ("unemployed", False))
    for s, (outcome, bridge) in zip(grads, outcomes, strict=True):
        services.progression_record(actor=county_admin, student=s, outcome=outcome, bridge=bridge)
    with pytest.raises(DomainError, match="不是中职毕业生"):
        services.progression_record(actor=county_admin, student=a, outcome="employed")
    [row] = sel.progression_figures(county_admin)
    # 4 graduates of 2022: 2 to 高职 (one through 3+2), 1 employed, 1 waiting → 升学率 50 %, 就业率 25 %
    assert (row["graduation_year"], row["total"], row["study"], row["bridge"], row["employed"]) == (2022, 4, 2, 1, 1)
    assert (row["study_rate"], row["employed_rate"]) == (50.0, 25.0)
    # a later record replaces the first (one row per graduate)
    services.progression_record(actor=county_admin, student=grads[3], outcome="employed", destination="施甸县汽修厂")
    assert sel.progression_figures(county_admin)[0]["employed"] == 2
