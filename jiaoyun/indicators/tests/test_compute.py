"""Every indicator against hand-computed values on the tiny county of conftest.py (school year 2021)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.compute import Period
from jiaoyun.indicators.models import (
    ClassSize,
    DateFact,
    Fact,
    IndicatorRun,
    IndicatorValue,
    RunDate,
    RunDay,
    RunPeriod,
)
from jiaoyun.indicators.services import indicators_compute
from jiaoyun.people.services.chain import events_link

CENSUS = dt.date(2021, 9, 30)


def compute(as_of: dt.date = CENSUS) -> IndicatorRun:
    return indicators_compute(periods=[Period(SchoolYear(2021), as_of)])


def fig(code: str, *, area=None, school=None, as_of: dt.date = CENSUS) -> tuple[float | None, float, float]:
    qs = IndicatorValue.objects.filter(code=code, school_year=2021, as_of=as_of)
    v = qs.get(school=school) if school is not None else qs.get(area=area)
    return (None if v.value is None else round(v.value, 3), v.numerator, v.denominator)


def test_population_rates_for_county_townships_and_villages(world, county, township_a, township_b, village_a2):
    compute()
    # 学前三年毛入园率: in kindergarten K1, K2, K4, K5 = 4 (any age); population 3–5: a1 2+2+1, b1 3 = 8 → 50%
    assert fig("preschool_gross", area=county) == (50.0, 4, 8)
    # by hukou: township_a K1, K5 ÷ 5 = 40%; township_b K2, K4 ÷ 3 = 66.667%
    assert fig("preschool_gross", area=township_a) == (40.0, 2, 5)
    assert fig("preschool_gross", area=township_b) == (66.667, 2, 3)
    # village_a2 has no 3–5 population: 无数据, never 0%
    assert fig("preschool_gross", area=village_a2) == (None, 0, 0)
    # net: aged 3–5 (born 2016–2018) in kindergarten or above: K1, K3 (grade 1), K4 = 3 ÷ 8 = 37.5%
    assert fig("preschool_net", area=county) == (37.5, 3, 8)
    assert fig("preschool_net", area=township_a) == (40.0, 2, 5)
    # 小学毛入学率: grades 1–6 in school on 30 Sep: K3, P1, P2, P7, P6, P9 = 6 (P3 休学, P4 外县, P5 辍学, D1 died)
    # population 6–11: a1 1+2+1, a2 1, b1 2+1 = 8 → 75%
    assert fig("primary_gross", area=county) == (75.0, 6, 8)
    # P2 studies in township_b but has hukou in a2: counted in township_a for population rates
    assert fig("primary_gross", area=township_a) == (80.0, 4, 5)
    assert fig("primary_gross", area=township_b) == (66.667, 2, 3)
    assert fig("primary_gross", area=village_a2) == (100.0, 1, 1)
    # net: born 2010–2015, grade ≥ 1: P1, P2, P7, P6, JY (aged 11 in junior counts) = 5 ÷ 8 = 62.5%
    assert fig("primary_net", area=county) == (62.5, 5, 8)
    assert fig("primary_net", area=township_b) == (33.333, 1, 3)
    # 初中毛入学率: grades 7–9 JY, J1, J3, PR1 = 4 ÷ population 12–14 (a1 2, b1 1) = 3 → 133.333% (gross may pass 100)
    assert fig("junior_gross", area=county) == (133.333, 4, 3)
    # net: born 2007–2009 in grade ≥ 7: J1, PR1, SY (aged 14 in senior) = 3 ÷ 3 = 100%
    assert fig("junior_net", area=county) == (100.0, 3, 3)
    assert fig("junior_net", area=township_b) == (0.0, 0, 1)
    # PR1 (hukou a2) is in junior but a2 has no 12–14 population: 无数据
    assert fig("junior_gross", area=village_a2) == (None, 1, 0)
    # 高中阶段毛入学率: SY, S1 (中职), S2 = 3 ÷ population 15–17 (a1 2+1, b1 1) = 4 → 75%
    assert fig("senior_gross", area=county) == (75.0, 3, 4)
    assert fig("senior_gross", area=township_a) == (66.667, 2, 3)


def test_retention_rates_follow_the_cohort(world, county, township_a, township_b, settings):
    compute()
    # 九年义务教育巩固率 2021: graduates of grade 9 in 2020-09-01..2021-08-31: E1, A1, T3 = 3.
    # Entrants: grade 1 on 2012-09-30, not repeaters: E1..E6 = 6 (R0 was repeating grade 1).
    # Adjusted: + arrivals A1 (grade 5, 2017), JL (grade 7, 2018), T3 (grade 8, 2020) = 3
    #           − leavers E4 (died, grade 3), E5 (外县, grade 4), E6 (转出, grade 2), JL (转出, grade 8) = 4
    # denominator 6 + 3 − 4 = 5 → 3 ÷ 5 = 60%. E3 (repeater) stays in the base and graduates in 2022.
    assert fig("retention_9y", area=county) == (60.0, 3, 5)
    assert fig("retention_9y", area=township_a) == (60.0, 3, 5)
    assert fig("retention_9y", area=township_b) == (None, 0, 0)
    # 初中三年巩固率: grade 7 on 2018-09-30: E1, E2, A1, JL = 4; + T3 − JL → 4; 3 ÷ 4 = 75%
    assert fig("retention_junior", area=county) == (75.0, 3, 4)
    assert fig("retention_junior", school=world["sj"]) == (75.0, 3, 4)
    # Unadjusted variant (a setting): 3 ÷ 6 = 50% and 3 ÷ 4 = 75%
    settings.JIAOYUN = {**settings.JIAOYUN, "INDICATOR_RETENTION_ADJUSTED": False}
    compute()
    assert fig("retention_9y", area=county) == (50.0, 3, 6)
    assert fig("retention_junior", area=county) == (75.0, 3, 4)


def test_dropout_rates_of_a_completed_year_cover_the_whole_year(world, county, township_a, township_b):
    compute()
    # 2021-2022 has ended: its dropouts are counted from 1 Sep 2021 to 31 Aug 2022, its stock on 30 Sep.
    # 小学: P5 dropped out on 20 Sep (school_b), P6 on 15 Oct (school_a): 2.
    # Base: 6 in school on 30 Sep (K3, P1, P2, P7, P6, P9) + P5 (already out on 30 Sep) = 7 → 2 ÷ 7 = 28.571%
    assert fig("dropout_primary", area=county) == (28.571, 2, 7)
    assert fig("dropout_primary", area=township_b) == (33.333, 1, 3)  # P2, P9, P5 at school_b
    assert fig("dropout_primary", area=township_a) == (25.0, 1, 4)  # K3, P1, P7, P6 at school_a
    assert fig("dropout_primary", school=world["sb"]) == (33.333, 1, 3)
    v = IndicatorValue.objects.get(code="dropout_primary", area=county, school_year=2021)
    assert v.flow_end == dt.date(2022, 8, 31) and v.extra == 2  # 仍失学: both are still out on 31 Aug
    # 初中: E2 dropped out in January 2020, not in this school year: 0 ÷ (JY, J1, J3, PR1) = 0%
    assert fig("dropout_junior", area=county) == (0.0, 0, 4)
    # P6 is in school on 30 Sep (the stock date): primary gross 6 ÷ 8, unchanged by the flow window
    assert fig("primary_gross", area=county) == (75.0, 6, 8)


def test_dropout_rates_of_the_current_year_count_to_date(world, county, township_a):
    # read while the year runs (the flow window ends on the as-of date): on 30 Sep only P5 has dropped out
    indicators_compute(periods=[Period(SchoolYear(2021), CENSUS, flows_to=CENSUS)])
    assert fig("dropout_primary", area=county) == (14.286, 1, 7)
    assert IndicatorValue.objects.get(code="dropout_primary", area=county).flow_end == CENSUS
    # On 1 November P6 (dropped out 15 Oct, school_a) counts too: 2 ÷ 7
    day = dt.date(2021, 11, 1)
    indicators_compute(periods=[Period(SchoolYear(2021), day, flows_to=day)])
    assert fig("dropout_primary", area=county, as_of=day) == (28.571, 2, 7)
    assert fig("dropout_primary", area=township_a, as_of=day) == (25.0, 1, 4)
    # P6 is no longer in school on 1 November: primary gross 5 ÷ 8
    assert fig("primary_gross", area=county, as_of=day) == (62.5, 5, 8)


@pytest.fixture
def dropout_year(county, township_a, village_a1, school_a_junior):
    """A junior school with 20 pupils in grade 8 on 1 Sep 2021; dropouts in October, January, April and July;
    the January one is persuaded back in March; a pupil who moved to another county in November and one who
    died in February are not dropouts; a repeater dropped out in April."""
    from jiaoyun.indicators.tests.conftest import history
    from jiaoyun.people.tests.factories import StudentFactory

    sj = school_a_junior
    kids = [StudentFactory(name=f"Y{i}", birth_date=dt.date(2008, 3, 1), hukou_village=village_a1) for i in range(20)]
    start = (dt.date(2021, 9, 1), "promote", sj, 8)
    history(kids[0], start, (dt.date(2021, 10, 12), "drop_out", sj, 8))
    history(kids[1], start, (dt.date(2022, 1, 5), "drop_out", sj, 8), (dt.date(2022, 3, 1), "resume", sj, 8))
    history(kids[2], (dt.date(2021, 9, 1), "repeat", sj, 8), (dt.date(2022, 4, 18), "drop_out", sj, 8))
    history(kids[3], start, (dt.date(2022, 7, 2), "drop_out", sj, 8))
    history(kids[4], start, (dt.date(2021, 11, 3), "out_of_county", None, 8))
    history(kids[5], start, (dt.date(2022, 2, 14), "death", sj, 8))
    for kid in kids[6:]:
        history(kid, start)
    return sj


@pytest.mark.parametrize("returned", [True, False])
def test_dropouts_in_several_months_and_a_child_persuaded_back(dropout_year, county, settings, returned):
    settings.JIAOYUN = {**settings.JIAOYUN, "INDICATOR_DROPOUT_COUNT_RETURNED": returned}
    compute()
    # Base: all 20 in grade 8 on 30 Sep 2021 (the first dropout is in October).
    # Dropouts during 2021-2022: Y0 (Oct), Y1 (Jan, back in Mar), Y2 (Apr, a repeater), Y3 (Jul) = 4;
    # Y4 (外县就读) and Y5 (death) are not dropouts. Still out on 31 Aug 2022: Y0, Y2, Y3 = 3.
    # counted (the definition): 4 ÷ 20 = 20%; not counting the child persuaded back: 3 ÷ 20 = 15%
    expected = (20.0, 4, 20) if returned else (15.0, 3, 20)
    assert fig("dropout_junior", area=county) == expected
    assert fig("dropout_junior", school=dropout_year) == expected
    v = IndicatorValue.objects.get(code="dropout_junior", area=county, school_year=2021)
    assert v.extra == 3  # 仍失学 3, whatever the setting


def test_dropout_returned_before_the_census_date_is_in_the_base_once(county, village_a1, school_a):
    from jiaoyun.indicators.tests.conftest import history
    from jiaoyun.people.tests.factories import StudentFactory

    kids = [StudentFactory(name=f"Z{i}", birth_date=dt.date(2013, 3, 1), hukou_village=village_a1) for i in range(4)]
    start = (dt.date(2021, 9, 1), "enrol", school_a, 3)
    # Z0 drops out on 10 Sep and is back on 20 Sep (in school on 30 Sep: in the base as a pupil, not again)
    history(
        kids[0], start, (dt.date(2021, 9, 10), "drop_out", school_a, 3), (dt.date(2021, 9, 20), "resume", school_a, 3)
    )
    # Z1 drops out on 15 Sep and comes back on 1 Dec (out on 30 Sep: added to the base)
    history(
        kids[1], start, (dt.date(2021, 9, 15), "drop_out", school_a, 3), (dt.date(2021, 12, 1), "resume", school_a, 3)
    )
    for kid in kids[2:]:
        history(kid, start)
    compute()
    # base: Z0, Z2, Z3 in school + Z1 out after a dropout = 4; dropouts Z0, Z1 = 2 → 50%; 仍失学 0
    assert fig("dropout_primary", area=county) == (50.0, 2, 4)
    assert IndicatorValue.objects.get(code="dropout_primary", area=county).extra == 0


@pytest.mark.parametrize("counted", [True, False])
def test_senior_gross_counts_youths_studying_outside_the_county_per_setting(
    outside, county, township_a, township_b, settings, counted
):
    settings.JIAOYUN = {**settings.JIAOYUN, "INDICATOR_SENIOR_COUNT_OUT_OF_COUNTY": counted}
    compute()
    # In county schools on 30 Sep 2021: SY (a1), S2 (a1), S1 (b1, 中职), O6 (b1, back in grade 11) = 4.
    # Outside the county at senior level: O1 (a1, 普通高中), O2 (b1, 中职) = 2 (O3 junior, O4 too old, O5 no hukou).
    # Population 15–17: a1 2+1 = 3, b1 1 → county 4.
    if counted:
        assert fig("senior_gross", area=county) == (150.0, 6, 4)  # (4 + 2) ÷ 4
        assert fig("senior_gross", area=township_a) == (100.0, 3, 3)  # (SY, S2 + O1) ÷ 3
        assert fig("senior_gross", area=township_b) == (300.0, 3, 1)  # (S1, O6 + O2) ÷ 1
    else:
        assert fig("senior_gross", area=county) == (100.0, 4, 4)
        assert fig("senior_gross", area=township_a) == (66.667, 2, 3)
        assert fig("senior_gross", area=township_b) == (200.0, 2, 1)
    extra = {
        v.area_id: v.extra for v in IndicatorValue.objects.filter(code="senior_gross", level__in=["county", "township"])
    }
    assert (extra[county.pk], extra[township_a.pk], extra[township_b.pk]) == (2, 1, 1)  # the difference, both ways


def test_progression_kindergarten_and_teacher_ratios(world, county, township_a, township_b):
    compute()
    # 小学升学率: primary graduates of summer 2021 PR1 (school_a), PR2, PR3 (school_b) = 3;
    # in junior on 30 Sep: PR1 only (PR3 went to another county) → 33.333%
    assert fig("progression_primary", area=county) == (33.333, 1, 3)
    assert fig("progression_primary", school=world["sa"]) == (100.0, 1, 1)
    assert fig("progression_primary", school=world["sb"]) == (0.0, 0, 2)
    # 普惠性幼儿园覆盖率: ka K1, K5 (公办) + kb K2 (普惠民办) = 3 of 4 → 75%; 公办园占比 2 of 4 = 50%
    assert fig("inclusive_kg_coverage", area=county) == (75.0, 3, 4)
    assert fig("public_kg_share", area=county) == (50.0, 2, 4)
    assert fig("inclusive_kg_coverage", area=township_b) == (50.0, 1, 2)
    assert fig("public_kg_share", area=township_b) == (0.0, 0, 2)
    # 小学生师比: 6 primary pupils ÷ 2 teachers at school_a (T3x's post ended, T4 is support) = 3.0
    assert fig("ptr_primary", area=county) == (3.0, 6, 2)
    assert fig("ptr_primary", school=world["sa"]) == (2.0, 4, 2)
    # 初中生师比: 4 ÷ 1 (T5 has no assignment history: counted at his current school)
    assert fig("ptr_junior", area=county) == (4.0, 4, 1)
    # no teachers recorded at the senior school: 无数据
    assert fig("ptr_senior", area=county) == (None, 2, 0)
    # no classes recorded: 大班额 无数据
    assert fig("large_class", area=county) == (None, 0, 0)


def test_teachers_of_a_school_spanning_two_levels_are_shared(county, township_a, village_a1):
    from jiaoyun.indicators.tests.conftest import history
    from jiaoyun.people.tests.factories import StudentFactory, TeacherFactory
    from jiaoyun.schools.tests.factories import SchoolFactory

    nine = SchoolFactory(kind="nine_year", township=township_a)
    for grade in (1, 2, 3, 7):  # 3 primary pupils, 1 junior pupil
        history(StudentFactory(birth_date=dt.date(2012, 1, 1)), (dt.date(2021, 9, 1), "enrol", nine, grade))
    for _ in range(2):
        TeacherFactory(school=nine)
    compute()
    # 2 teachers shared 3:1 → 1.5 primary, 0.5 junior; ratios 3 ÷ 1.5 = 2.0 and 1 ÷ 0.5 = 2.0
    assert fig("ptr_primary", school=nine) == (2.0, 3, 1.5)
    assert fig("ptr_junior", school=nine) == (2.0, 1, 0.5)


def test_class_size_bands(county, township_a):
    from jiaoyun.people.models import EnrolmentEvent, Student
    from jiaoyun.schools.tests.factories import SchoolClassFactory, SchoolFactory

    school = SchoolFactory(kind="primary", township=township_a)
    sizes = {1: 30, 2: 56, 3: 65, 4: 66}  # grade: class size
    classes = {g: SchoolClassFactory(school=school, school_year=2021, grade=g, number=1) for g in sizes}
    Student.objects.bulk_create(
        Student(name=f"班{g}-{i}", sex="M", birth_date=dt.date(2013, 1, 1)) for g, n in sizes.items() for i in range(n)
    )
    students = list(Student.objects.order_by("id"))
    events, i = [], 0
    for g, n in sizes.items():
        for s in students[i : i + n]:
            events.append(
                EnrolmentEvent(
                    student=s, kind="enrol", date=dt.date(2021, 9, 1), school=school, grade=g, school_class=classes[g]
                )
            )
        i += n
    EnrolmentEvent.objects.bulk_create(events)
    events_link()
    compute()
    # classes of 56 and 65 are 大班额 (2 of 4 = 50%), the class of 66 超大班额 (1 of 4 = 25%)
    assert fig("large_class", area=county) == (50.0, 2, 4)
    assert fig("super_large_class", school=school) == (25.0, 1, 4)


@pytest.mark.parametrize("incremental", [False, True])
def test_run_records_its_fill_state_and_cleans_scratch_tables(world, settings, incremental):
    settings.JIAOYUN = {**getattr(settings, "JIAOYUN", {}), "INDICATOR_INCREMENTAL": incremental}
    run = compute()
    assert run.state == IndicatorRun.State.DONE and run.rows > 0
    assert run.periods == [[2021, "2021-09-30"]]
    assert not DateFact.objects.exists()
    # the incremental path keeps the run's calendar, facts and class sizes (ADR 0043); without it all goes
    for model in (Fact, RunDate, RunDay, RunPeriod, ClassSize):
        assert model is ClassSize or model.objects.exists() == incremental, model  # (no classes in this county)
        assert set(model.objects.values_list("run_id", flat=True)) <= {run.pk}
    with connection.cursor() as cursor:  # the temporary tables went with the run
        assert not {"jy_spans", "jy_flows"} & set(connection.introspection.table_names(cursor))
    # idempotent: a second run replaces the figures instead of adding to them
    second = compute()
    assert second.pk != run.pk
    assert IndicatorValue.objects.filter(code="senior_gross", level="county").count() == 1
    for model in (Fact, DateFact, RunDate, RunDay, RunPeriod, ClassSize):  # … and the state it keeps
        assert set(model.objects.values_list("run_id", flat=True)) <= {second.pk}, model


def test_as_of_outside_the_school_year_is_refused(world):
    from jiaoyun.core.errors import DomainError

    with pytest.raises(DomainError, match="不在2021-2022学年"):
        compute(dt.date(2022, 9, 30))


def test_refresh_task_recomputes_a_range_of_years(world):
    from jiaoyun.indicators.tasks import indicators_refresh_task

    rows = indicators_refresh_task.call(from_year=2020, to_year=2021)
    assert rows > 0
    run = IndicatorRun.objects.latest("started_at")
    assert run.periods == [[2020, "2020-09-30"], [2021, "2021-09-30"]] and run.triggered_by == "task"
    assert fig("senior_gross", area=IndicatorValue.objects.filter(level="county").first().area) == (75.0, 3, 4)


def test_retention_of_a_township_follows_its_children_by_hukou(world, county, township_a, township_b, village_b1):
    from jiaoyun.indicators.tests.conftest import history
    from jiaoyun.people.tests.factories import StudentFactory

    # X lives in township_b but went to school in township_a: grade 1 in 2012, graduated grade 9 in 2021
    x = StudentFactory(name="X", birth_date=dt.date(2006, 3, 1), hukou_village=village_b1)
    history(
        x,
        (dt.date(2012, 9, 1), "enrol", world["sa"], 1),
        (dt.date(2018, 7, 1), "graduate", world["sa"], 6),
        (dt.date(2018, 9, 1), "enrol", world["sj"], 7),
        (dt.date(2021, 7, 1), "graduate", world["sj"], 9),
    )
    compute()
    # county: (3 + 1) ÷ (5 + 1); township_a unchanged; township_b: X alone, 1 ÷ 1
    assert fig("retention_9y", area=county) == (66.667, 4, 6)
    assert fig("retention_9y", area=township_a) == (60.0, 3, 5)
    assert fig("retention_9y", area=township_b) == (100.0, 1, 1)
    # the junior school still counts X among its own graduates
    assert fig("retention_junior", school=world["sj"]) == (80.0, 4, 5)


def test_date_facts_equal_the_member_queries(world, outside, county, township_a):
    """The aggregation (one pass over the events, grouped) gives, for every measure, school and village, the same
    counts as the member queries the drill-down lists."""
    from collections import defaultdict

    from django.db import connection
    from django.utils import timezone

    from jiaoyun.indicators.compute import MEASURES, _execute, calendar_bounds, member_sql, pipeline, positional
    from jiaoyun.indicators.definitions import INDICATORS
    from jiaoyun.indicators.tests.conftest import history
    from jiaoyun.people.tests.factories import StudentFactory

    # a dropout after the census date (in the base of a later as-of date)
    late = StudentFactory(name="L", birth_date=dt.date(2010, 5, 1), hukou_village=world["students"]["P1"].hukou_village)
    history(late, (dt.date(2021, 9, 1), "enrol", world["sa"], 5), (dt.date(2021, 11, 2), "drop_out", world["sa"], 5))
    periods = [
        Period(SchoolYear(2021), dt.date(2021, 12, 1)),
        Period(SchoolYear(2020), dt.date(2020, 9, 30), flows_to=dt.date(2021, 3, 1)),  # a window ending mid-year
    ]
    run = IndicatorRun.objects.create(started_at=timezone.now())

    def keep_facts(sql: str, params: dict) -> int:
        return 0 if sql.startswith("DELETE FROM indicators_fact") else _execute(sql, params)

    pipeline(
        keep_facts,
        run_id=run.pk,
        periods=periods,
        chosen=list(INDICATORS),
        now=timezone.now(),
        bounds=calendar_bounds(),
        vendor=connection.vendor,
    )
    checked = 0
    for p in periods:
        facts: dict = defaultdict(float)
        for measure, school, village, n in Fact.objects.filter(
            run_id=run.pk, school_year=p.year.start_year
        ).values_list("measure", "school_id", "village_id", "n"):
            facts[(measure, school, village)] += n
        members: dict = defaultdict(float)
        for measure in MEASURES:
            sql, values = positional(
                f"SELECT m.school_id, m.village_id, SUM(m.n) FROM ({member_sql(measure)}) m"
                " GROUP BY m.school_id, m.village_id",
                {"run": run.pk, **p.params()},
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, values)
                for school, village, n in cursor.fetchall():
                    members[(measure, school, village)] += float(n)
        assert {k: round(v, 6) for k, v in facts.items()} == {k: round(v, 6) for k, v in members.items()}
        checked += len(facts)
    assert checked > 50


def test_a_recorded_event_queues_one_recompute_of_the_current_year(
    world, county_admin, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from jiaoyun.indicators.tasks import indicators_refresh_task
    from jiaoyun.people.services.enrolment import enrolment_record
    from jiaoyun.people.tests.factories import StudentFactory

    def queued() -> list:
        return list(
            DBTaskResult.objects.filter(task_path=indicators_refresh_task.module_path, status="READY").values_list(
                "args_kwargs", flat=True
            )
        )

    pupils = [StudentFactory(name=f"新{i}", birth_date=dt.date(2014, 3, 1)) for i in range(2)]
    for pupil in pupils:  # two edits, each in its own transaction
        with django_capture_on_commit_callbacks(execute=True):
            enrolment_record(
                actor=county_admin, student=pupil, kind="enrol", date=dt.date(2021, 9, 1), school=world["sa"], grade=1
            )
    assert [q["kwargs"] for q in queued()] == [
        {"from_year": None, "to_year": None, "as_of": None, "triggered_by": "edit"}
    ]  # one waiting recompute for both


def test_block_ranges_take_every_page_once():
    from jiaoyun.indicators.compute import block_ranges

    assert block_ranges(10, 1) == []
    assert block_ranges(10, 3) == [
        "e.ctid < '(3,0)'::tid",
        "e.ctid >= '(3,0)'::tid AND e.ctid < '(6,0)'::tid",
        "e.ctid >= '(6,0)'::tid",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="block ranges of the heap are PostgreSQL's")
def test_events_grouped_in_slices_give_the_same_figures(world, monkeypatch):
    """A large table is grouped in block ranges, one per worker, then merged: same figures as one pass."""
    from jiaoyun.indicators.compute import slicing as engine

    def figures() -> dict:
        return {
            (v.code, v.level, v.area_id, v.school_id): (v.value, v.numerator, v.denominator)
            for v in IndicatorValue.objects.all()
        }

    assert engine.heap_slices() == []  # the test county is far below SLICE_MIN_PAGES
    compute()
    whole = figures()
    monkeypatch.setattr(engine, "SLICE_MIN_PAGES", 0)
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 3")
    try:
        slices = engine.heap_slices()
        assert len(slices) == 3 and slices[0].startswith("e.ctid <") and slices[2].startswith("e.ctid >=")
        compute()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
    assert figures() == whole and len(whole) > 100
