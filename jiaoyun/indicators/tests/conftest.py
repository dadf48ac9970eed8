"""A tiny county with explicit 学籍 histories, so every indicator can be computed by hand.

Schools (from jiaoyun/conftest.py plus five here):
  township_a: sa = school_a (primary), sj = school_a_junior (junior), ka (public kindergarten), hs (senior)
  township_b: sb = school_b (primary), kb (普惠性民办 kindergarten), kp (other private kindergarten), vs (vocational)
Villages: a1, a2 in township_a; b1 in township_b. School year 2021, census date 2021-09-30.
Ages are taken on 31 December 2021 (age = 2021 − birth year).
"""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.areas.tests.factories import PopulationCellFactory
from jiaoyun.people.models import EnrolmentEvent, Student, TeacherAssignment
from jiaoyun.people.services.chain import events_link
from jiaoyun.people.services.enrolment import student_refresh_state
from jiaoyun.people.tests.factories import StudentFactory, TeacherFactory
from jiaoyun.schools.tests.factories import SchoolFactory

D = dt.date


def history(student: Student, *events: tuple) -> Student:
    """Events as (date, kind, school or None, grade or None); same-day events keep their order."""
    seqs: dict[dt.date, int] = {}
    for day, kind, school, grade in events:
        seq = seqs.get(day, 0)
        seqs[day] = seq + 1
        EnrolmentEvent.objects.create(student=student, date=day, seq=seq, kind=kind, school=school, grade=grade)
    events_link(student_ids=[student.pk])  # as every event writer does
    return student_refresh_state(student=student)


@pytest.fixture
def world(county, township_a, township_b, village_a1, village_a2, village_b1, school_a, school_a_junior, school_b):
    sa, sj, sb = school_a, school_a_junior, school_b
    ka = SchoolFactory(code="2153000011", name="甸阳幼儿园", kind="kindergarten", township=township_a)
    kb = SchoolFactory(
        code="2153000012",
        name="老麦普惠幼儿园",
        kind="kindergarten",
        ownership="inclusive_private",
        township=township_b,
    )
    kp = SchoolFactory(
        code="2153000013", name="老麦民办幼儿园", kind="kindergarten", ownership="other_private", township=township_b
    )
    hs = SchoolFactory(code="2153000014", name="施甸县第一高级中学", kind="senior", township=township_a)
    vs = SchoolFactory(code="2153000015", name="施甸县职业高级中学", kind="vocational", township=township_b)
    a1, a2, b1 = village_a1, village_a2, village_b1

    def kid(name: str, birth: dt.date, village) -> Student:  # type: ignore[no-untyped-def]
        return StudentFactory(name=name, birth_date=birth, hukou_village=village)

    s: dict[str, Student] = {}
    # Preschool
    s["K1"] = history(
        kid("K1", D(2017, 5, 1), a1), (D(2020, 9, 1), "enrol", ka, -2), (D(2021, 9, 1), "promote", ka, -1)
    )
    s["K2"] = history(kid("K2", D(2015, 5, 1), b1), (D(2021, 9, 1), "enrol", kb, 0))  # over-age (6)
    s["K3"] = history(kid("K3", D(2016, 5, 1), a1), (D(2021, 9, 1), "enrol", sa, 1))  # aged 5 in grade 1
    s["K4"] = history(kid("K4", D(2018, 5, 1), b1), (D(2021, 9, 1), "enrol", kp, -2))
    s["K5"] = history(kid("K5", D(2019, 3, 1), a1), (D(2021, 9, 1), "enrol", ka, -2))  # under-age (2)
    # Primary
    s["P1"] = history(kid("P1", D(2014, 5, 1), a1), (D(2020, 9, 1), "enrol", sa, 1), (D(2021, 9, 1), "promote", sa, 2))
    s["P2"] = history(  # moved from township_a to township_b in March 2021
        kid("P2", D(2012, 5, 1), a2),
        (D(2018, 9, 1), "enrol", sa, 1),
        (D(2019, 9, 1), "promote", sa, 2),
        (D(2020, 9, 1), "promote", sa, 3),
        (D(2021, 3, 1), "transfer_in", sb, 3),
        (D(2021, 9, 1), "promote", sb, 4),
    )
    s["P3"] = history(  # 休学 before the census date
        kid("P3", D(2013, 5, 1), a1), (D(2020, 9, 1), "enrol", sa, 3), (D(2021, 9, 10), "suspend", sa, 3)
    )
    s["P4"] = history(  # 外县就读
        kid("P4", D(2011, 5, 1), b1), (D(2019, 9, 1), "enrol", sb, 4), (D(2020, 9, 1), "out_of_county", None, 4)
    )
    s["P5"] = history(  # dropped out before the census date
        kid("P5", D(2010, 5, 1), b1),
        (D(2020, 9, 1), "enrol", sb, 5),
        (D(2021, 9, 1), "promote", sb, 6),
        (D(2021, 9, 20), "drop_out", sb, 6),
    )
    s["P6"] = history(  # dropped out after the census date
        kid("P6", D(2011, 5, 1), b1),
        (D(2020, 9, 1), "enrol", sa, 4),
        (D(2021, 9, 1), "promote", sa, 5),
        (D(2021, 10, 15), "drop_out", sa, 5),
    )
    s["P7"] = history(  # repeater
        kid("P7", D(2013, 5, 1), a1), (D(2020, 9, 1), "enrol", sa, 3), (D(2021, 9, 1), "repeat", sa, 3)
    )
    s["P9"] = history(kid("P9", D(2009, 5, 1), b1), (D(2021, 9, 1), "enrol", sb, 6))  # over-age (12)
    s["D1"] = history(  # died in June 2021
        kid("D1", D(2012, 5, 1), a1), (D(2020, 9, 1), "enrol", sa, 2), (D(2021, 6, 1), "death", sa, 2)
    )
    # Junior
    s["JY"] = history(kid("JY", D(2010, 5, 1), a1), (D(2021, 9, 1), "enrol", sj, 7))  # aged 11 in junior
    s["J1"] = history(kid("J1", D(2008, 5, 1), a1), (D(2020, 9, 1), "enrol", sj, 7), (D(2021, 9, 1), "promote", sj, 8))
    s["J3"] = history(kid("J3", D(2005, 5, 1), b1), (D(2021, 9, 1), "enrol", sj, 9))  # over-age (16)
    # Primary graduates of summer 2021
    s["PR1"] = history(
        kid("PR1", D(2009, 6, 1), a2),
        (D(2020, 9, 1), "enrol", sa, 6),
        (D(2021, 7, 1), "graduate", sa, 6),
        (D(2021, 9, 1), "enrol", sj, 7),
    )
    s["PR2"] = history(
        kid("PR2", D(2009, 6, 1), b1), (D(2020, 9, 1), "enrol", sb, 6), (D(2021, 7, 1), "graduate", sb, 6)
    )
    s["PR3"] = history(
        kid("PR3", D(2009, 6, 1), b1),
        (D(2020, 9, 1), "enrol", sb, 6),
        (D(2021, 7, 1), "graduate", sb, 6),
        (D(2021, 8, 20), "out_of_county", None, 6),
    )
    # Senior
    s["SY"] = history(kid("SY", D(2007, 5, 1), a1), (D(2021, 9, 1), "enrol", hs, 10))  # aged 14 in senior
    s["S1"] = history(kid("S1", D(2005, 5, 1), b1), (D(2021, 9, 1), "enrol", vs, 11))
    s["S2"] = history(kid("S2", D(2003, 5, 1), a1), (D(2021, 9, 1), "enrol", hs, 12))  # over-age (18)
    # The cohort that entered grade 1 in autumn 2012 and left grade 9 in summer 2021
    born = D(2006, 3, 1)
    s["E1"] = history(
        kid("E1", born, a1),
        (D(2012, 9, 1), "enrol", sa, 1),
        (D(2018, 7, 1), "graduate", sa, 6),
        (D(2018, 9, 1), "enrol", sj, 7),
        (D(2021, 7, 1), "graduate", sj, 9),
    )
    s["E2"] = history(
        kid("E2", born, a1),
        (D(2012, 9, 1), "enrol", sa, 1),
        (D(2018, 7, 1), "graduate", sa, 6),
        (D(2018, 9, 1), "enrol", sj, 7),
        (D(2019, 9, 1), "promote", sj, 8),
        (D(2020, 1, 10), "drop_out", sj, 8),
    )
    s["E3"] = history(  # repeated grade 1: graduates a year later
        kid("E3", born, a1),
        (D(2012, 9, 1), "enrol", sa, 1),
        (D(2013, 9, 1), "repeat", sa, 1),
        (D(2019, 7, 1), "graduate", sa, 6),
    )
    s["E4"] = history(
        kid("E4", born, a1),
        (D(2012, 9, 1), "enrol", sa, 1),
        (D(2013, 9, 1), "promote", sa, 2),
        (D(2014, 9, 1), "promote", sa, 3),
        (D(2015, 3, 1), "death", sa, 3),
    )
    s["E5"] = history(
        kid("E5", born, a1),
        (D(2012, 9, 1), "enrol", sa, 1),
        (D(2013, 9, 1), "promote", sa, 2),
        (D(2014, 9, 1), "promote", sa, 3),
        (D(2015, 9, 1), "promote", sa, 4),
        (D(2016, 5, 1), "out_of_county", None, 4),
    )
    s["E6"] = history(
        kid("E6", born, a1),
        (D(2012, 9, 1), "enrol", sa, 1),
        (D(2013, 9, 1), "promote", sa, 2),
        (D(2014, 3, 1), "transfer_out", sa, 2),
    )
    s["R0"] = history(  # entered 2011, repeated grade 1 in 2012: not an entrant of 2012
        kid("R0", D(2005, 3, 1), a1),
        (D(2011, 9, 1), "enrol", sa, 1),
        (D(2012, 9, 1), "repeat", sa, 1),
        (D(2018, 7, 1), "graduate", sa, 6),
    )
    s["A1"] = history(  # arrived from outside the county in grade 5
        kid("A1", born, a1),
        (D(2017, 3, 1), "transfer_in", sa, 5),
        (D(2018, 7, 1), "graduate", sa, 6),
        (D(2018, 9, 1), "enrol", sj, 7),
        (D(2021, 7, 1), "graduate", sj, 9),
    )
    s["JL"] = history(  # arrived in grade 7, left the county in grade 8
        kid("JL", born, a1),
        (D(2018, 9, 1), "enrol", sj, 7),
        (D(2019, 9, 1), "promote", sj, 8),
        (D(2019, 10, 1), "transfer_out", sj, 8),
    )
    s["T3"] = history(  # arrived in grade 8, graduated
        kid("T3", born, a1),
        (D(2020, 3, 1), "transfer_in", sj, 8),
        (D(2020, 9, 1), "promote", sj, 9),
        (D(2021, 7, 1), "graduate", sj, 9),
    )
    # Population 2021 (hukou), village × age: count
    cells = [
        (a1, 3, 2), (a1, 4, 2), (a1, 5, 1), (b1, 4, 3),  # 3–5: a 5, b 3
        (a1, 6, 1), (a1, 8, 2), (a1, 10, 1), (a2, 9, 1), (b1, 7, 2), (b1, 11, 1),  # 6–11: a1 4, a2 1, b 3
        (a1, 13, 2), (b1, 12, 1),  # 12–14: a 2, b 1
        (a1, 15, 2), (a1, 16, 1), (b1, 17, 1),  # 15–17: a 3, b 1
    ]  # fmt: skip
    for village, age, count in cells:
        PopulationCellFactory(area=village, year=2021, age=age, sex="M", count=count)
    PopulationCellFactory(area=a1, year=2021, age=4, sex="M", source="resident", count=50)  # other register
    PopulationCellFactory(area=a1, year=2020, age=4, sex="F", count=40)  # other year
    # Teachers: two current at sa, one whose post ended, one support worker, one at sj without assignments
    for name, school, post, start, end in (
        ("T1", sa, "teacher", D(2015, 9, 1), None),
        ("T2", sa, "teacher", D(2015, 9, 1), None),
        ("T3x", sa, "teacher", D(2015, 9, 1), D(2020, 7, 31)),
        ("T4", sa, "support", D(2015, 9, 1), None),
    ):
        t = TeacherFactory(name=name, school=school, post_type=post)
        TeacherAssignment.objects.create(teacher=t, school=school, start=start, end=end)
        if name == "T1":  # a second record of the same post, overlapping the first: T1 still counts once
            TeacherAssignment.objects.create(teacher=t, school=school, start=D(2019, 9, 1), end=None)
    TeacherFactory(name="T5", school=sj, post_type="teacher")
    return {"students": s, "sa": sa, "sj": sj, "sb": sb, "ka": ka, "kb": kb, "kp": kp, "hs": hs, "vs": vs}


@pytest.fixture
def outside(world, village_a1, village_b1):
    """County youths studying outside the county (外县就读 with the level of study), and awkward cases."""
    from jiaoyun.indicators.tests.conftest import history
    from jiaoyun.people.models import EnrolmentEvent
    from jiaoyun.people.tests.factories import StudentFactory

    sj, hs = world["sj"], world["hs"]

    def kid(name, village):  # type: ignore[no-untyped-def]
        return StudentFactory(name=name, birth_date=dt.date(2005, 6, 1), hukou_village=village)

    out = {}
    # O1 (a1) finished junior in the county in July 2021, then went to a 普通高中 in 保山 in August
    out["O1"] = history(
        kid("O1", village_a1),
        (dt.date(2020, 9, 1), "enrol", sj, 9),
        (dt.date(2021, 7, 1), "graduate", sj, 9),
        (dt.date(2021, 8, 25), "out_of_county", None, 10),
    )
    out["O2"] = history(kid("O2", village_b1), (dt.date(2021, 9, 5), "out_of_county", None, 10))  # 中职 elsewhere
    # O3 (a1) left the county's junior school in grade 8 for a junior school elsewhere: not 高中阶段
    out["O3"] = history(
        kid("O3", village_a1), (dt.date(2020, 9, 1), "enrol", sj, 8), (dt.date(2021, 3, 1), "out_of_county", None, 8)
    )
    # O4 (a1) went to a 普通高中 elsewhere in 2017: the record is too old to count in 2021 (out_from 2019-09-01)
    out["O4"] = history(kid("O4", village_a1), (dt.date(2017, 9, 1), "out_of_county", None, 10))
    # O5 has no hukou village in the county: not one of the county's youths
    out["O5"] = history(kid("O5", None), (dt.date(2021, 9, 1), "out_of_county", None, 10))
    # O6 (b1) studied at senior level elsewhere, then came back to the county's senior school in grade 11
    out["O6"] = history(kid("O6", village_b1), (dt.date(2020, 9, 1), "out_of_county", None, 10),
                        (dt.date(2021, 3, 1), "transfer_in", hs, 11))  # fmt: skip
    levels = {"O1": "senior", "O2": "vocational", "O3": "junior", "O4": "senior", "O5": "senior", "O6": "senior"}
    for name, level in levels.items():
        EnrolmentEvent.objects.filter(student=out[name], kind="out_of_county").update(study_level=level)
    return out
