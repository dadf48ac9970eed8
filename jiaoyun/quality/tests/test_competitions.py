"""Competitions: awards counted by school and township (by hand), and the bulletin section."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.services import teacher_create
from jiaoyun.quality import selectors as sel
from jiaoyun.quality import services
from jiaoyun.quality.bulletin import section
from jiaoyun.quality.tests.conftest import enrol
from jiaoyun.schools.tests.factories import SchoolFactory

D = dt.date


@pytest.fixture
def contest(county_admin, township_a, township_b, year):
    sa = SchoolFactory(code="2153000401", name="施甸职中", kind="vocational", township=township_a)
    sb = SchoolFactory(code="2153000402", name="姚关中学", kind="senior", township=township_b)
    provincial = services.competition_create(actor=county_admin, name="云南省职业院校技能大赛", kind="skills",
                                             level="provincial", organiser="云南省教育厅", date=D(year, 11, 5))  # fmt: skip
    county_event = services.competition_create(actor=county_admin, name="全县中学生技能节", kind="skills",
                                               level="county", organiser="县教育体育局", date=D(year, 11, 20))  # fmt: skip
    a1, a2 = enrol("甲", sa, 11, birth=D(2009, 1, 1)), enrol("乙", sa, 11, birth=D(2009, 1, 1))
    b1 = enrol("丙", sb, 11, birth=D(2009, 1, 1))
    t = teacher_create(actor=None, name="赵老师", sex="F", birth_date=D(1985, 5, 1), school=sa,
                       hire_date=D(2008, 9, 1), main_subject="chinese")  # fmt: skip
    add = services.entry_add
    add(actor=county_admin, competition=provincial, school=sa, role="student", student=a1, award="first")
    add(actor=county_admin, competition=provincial, school=sa, role="student", student=a2, award="none")
    add(actor=county_admin, competition=provincial, school=sa, role="advisor", teacher=t, award="first")
    add(actor=county_admin, competition=county_event, school=sa, role="student", student=a2, award="third")
    add(actor=county_admin, competition=county_event, school=sb, role="student", student=b1, award="second")
    return sa, sb


def test_awards_by_school_and_township(county_admin, contest, year):
    figures = sel.competition_figures(county_admin, year=year)
    schools = {r["label"]: r for r in figures["schools"]}
    # 施甸职中: 4 entries; student awards 甲 first + 乙 third = 2; teacher (advisor) 1; provincial-level awards 2
    assert {k: schools["施甸职中"][k] for k in ("entries", "student_awards", "teacher_awards", "high_awards")} == {
        "entries": 4, "student_awards": 2, "teacher_awards": 1, "high_awards": 2}  # fmt: skip
    assert {k: schools["姚关中学"][k] for k in ("entries", "student_awards", "teacher_awards", "high_awards")} == {
        "entries": 1, "student_awards": 1, "teacher_awards": 0, "high_awards": 0}  # fmt: skip
    townships = {r["label"]: r["student_awards"] for r in figures["townships"]}
    assert townships == {"甸阳镇": 2, "老麦乡": 1}
    assert sel.competition_figures(county_admin, year=year - 1)["schools"] == []


def test_entries_are_made_by_the_school_for_its_own_people(county_admin, contest, year, school_b):
    sa, sb = contest
    stranger = UserFactory(role="principal", school=school_b)
    event = sel.entries(county_admin).first().competition
    pupil = enrol("丁", sa, 10, birth=D(2010, 1, 1))
    with pytest.raises(PermissionDenied):
        services.entry_add(actor=stranger, competition=event, school=sa, role="student", student=pupil, award="none")
    with pytest.raises(DomainError, match="不是姚关中学的学生"):
        services.entry_add(actor=county_admin, competition=event, school=sb, role="student", student=pupil,
                           award="none")  # fmt: skip


def test_the_bulletin_section_counts_the_month(county_admin, contest, year):
    s = section(month=D(year, 11, 1), on=D(year, 12, 5))
    assert s is not None and s.key == "quality" and s.order == 70
    text = " ".join(s.paragraphs)
    assert "本月登记竞赛2项" in text and "获奖4人次" in text
    rows = {r[0]: r for r in s.tables[0].rows}
    assert rows["甸阳镇"][1:] == [4, 2, 1, 2] and rows["老麦乡"][1:] == [1, 1, 0, 0]
    assert section(month=D(year, 11, 1), on=D(year, 12, 5)).as_dict() == s.as_dict()  # deterministic
