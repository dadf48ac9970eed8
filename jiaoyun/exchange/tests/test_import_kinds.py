"""Areas, population, schools, classes, enrolment events and teachers through the same engine."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher, TeacherAssignment
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.models import School, SchoolClass


def run(user, kind, rows, confirm=True, encoding="utf-8"):
    batch = import_file(actor=user, kind=kind, upload=upload(csv_bytes(rows, encoding)), file_name=f"{kind}.csv")
    if confirm:
        import_confirm(actor=user, batch=batch)
        batch.refresh_from_db()
    return batch


def reasons(batch):
    return [(r.row, r.column, r.reason) for r in batch.rejections.all()]


def test_areas_parents_first_in_the_file(county_admin):
    rows = [
        ["区划代码", "名称", "乡镇类别", "城乡分类"],
        ["530521300", "新乡", "乡", "乡村"],
        ["530521300001", "新村", "", "乡村"],
        ["530521400001", "孤村", "", ""],  # its township exists neither in the DB nor in the file
    ]
    batch = run(county_admin, "areas", rows)
    assert (batch.new, batch.rejected) == (2, 1)
    assert reasons(batch) == [(4, "上级区划代码", "上级区划代码530521400不存在（请先导入上级，或把上级排在前面）")]
    village = Area.objects.get(code="530521300001")
    assert (village.level, village.parent.code, village.parent.township_kind) == ("village", "530521300", "township")
    assert run(county_admin, "areas", rows[:3], confirm=False).unchanged == 2


def test_population_by_age(county_admin, village_a1):
    rows = [
        ["区划代码", "年份", "年龄", "性别", "人数"],
        ["530521100001", 2024, 6, "男", 37],
        ["530521100001", 2024, 6, "女", 35],
    ]
    assert run(county_admin, "population", rows).new == 2
    rows[1][4] = 38
    batch = run(county_admin, "population", rows)
    assert (batch.updated, batch.unchanged) == (1, 1)
    assert PopulationCell.objects.get(sex="M").count == 38
    bad = run(county_admin, "population", [rows[0], ["530521999001", 2024, 6, "男", 1]], confirm=False)
    assert reasons(bad) == [(2, "区划代码", "区划代码530521999001不存在")]


def test_schools_with_teaching_point_and_unknown_codes(county_admin, township_a, village_a1):
    rows = [
        ["学校代码", "学校名称", "办学类型", "所在乡镇代码", "所在村代码", "主校标识码", "纬度"],
        ["2153000101", "新建小学", "小学", "530521100", "530521100001", "", "24.7231"],
        ["2153000102", "新建教学点", "教学点", "530521100", "", "2153000101", ""],
        ["2153000103", "无名小学", "小学", "530521999", "", "", ""],
        ["2153000104", "孤立教学点", "教学点", "530521100", "", "", ""],
    ]
    batch = run(county_admin, "schools", rows)
    assert reasons(batch) == [
        (4, "所在乡镇代码", "乡镇代码530521999不存在或不是乡镇"),
        (5, "主校标识码", "教学点须填写主校标识码"),
    ]
    point = School.objects.get(code="2153000102")
    assert point.parent.code == "2153000101"
    assert str(School.objects.get(code="2153000101").latitude) == "24.723100"
    assert run(county_admin, "schools", rows[:3], confirm=False).unchanged == 2


def test_classes(county_admin, school_a):
    rows = [
        ["学校标识码", "学年", "年级", "班号"],
        ["2153000001", 2024, "一年级", 1],
        ["2153000001", 2024, "初一", 1],
        ["2153999999", 2024, 1, 1],
    ]
    batch = run(county_admin, "classes", rows)
    assert reasons(batch) == [
        (3, "年级", "该校（小学）不设七年级（初一）"),
        (4, "学校标识码", "学校标识码2153999999在本县学校名录中不存在（请先导入学校）"),
    ]
    assert SchoolClass.objects.filter(school=school_a, school_year=2024, grade=1, number=1).exists()


@pytest.fixture
def pupil(db):
    return StudentFactory(name="张三", birth_date=dt.date(2014, 3, 1), id_number=id_no(1, 1))


def test_events_validate_the_whole_chain_and_refresh_state(county_admin, pupil, school_a, school_b):
    header = ["身份证号", "姓名", "类型", "日期", "学校标识码", "年级"]
    rows = [
        header,
        [id_no(1, 1), "张三", "入学", "2020-09-01", "2153000001", "一年级"],
        [id_no(1, 1), "张三", "升级", "2021-09-01", "", ""],  # school and grade follow from the chain
        [id_no(1, 1), "张三", "转入", "2022-03-01", "2153000003", "2"],
    ]
    batch = run(county_admin, "events", rows)
    assert (batch.new, batch.rejected) == (3, 0)
    pupil.refresh_from_db()
    assert (pupil.status, pupil.current_school, pupil.current_grade) == ("in_school", school_b, 2)
    promote = EnrolmentEvent.objects.get(kind="promote")
    assert (promote.school, promote.grade) == (school_a, 2)
    assert AuditEntry.objects.filter(action="create", object_type="people.EnrolmentEvent").count() == 3
    # the same file again: nothing changes
    again = run(county_admin, "events", rows, confirm=False)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


def test_events_breaking_the_chain_are_rejected(county_admin, pupil, school_a):
    rows = [
        ["身份证号", "类型", "日期", "学校标识码", "年级"],
        [id_no(1, 1), "入学", "2020-09-01", "2153000001", 1],
        [id_no(1, 1), "入学", "2021-09-01", "2153000001", 2],  # enrolled twice
        [id_no(2, 9), "入学", "2020-09-01", "2153000001", 1],  # nobody with this ID number
    ]
    batch = run(county_admin, "events", rows)
    assert reasons(batch) == [
        (2, "类型", "该学生的学籍变动链不成立：2021-09-01：学生已在校就读，不能重复入学（同一时间只能在一所学校）"),
        (3, "类型", "该学生的学籍变动链不成立：2021-09-01：学生已在校就读，不能重复入学（同一时间只能在一所学校）"),
        (4, "身份证号", "学生名册中没有该学生，请先导入学生名册"),
    ]
    assert EnrolmentEvent.objects.count() == 0
    pupil.refresh_from_db()
    assert pupil.status == "not_enrolled"


def test_events_name_must_match_the_roster(county_admin, pupil, school_a):
    rows = [
        ["身份证号", "姓名", "类型", "日期", "学校标识码", "年级"],
        [id_no(1, 1), "李四", "入学", "2020-09-01", "2153000001", 1],
    ]
    batch = run(county_admin, "events", rows, confirm=False)
    assert reasons(batch) == [(2, "姓名", "姓名与学生名册不一致（名册为“张三”）")]


def test_teachers_created_with_first_assignment(county_admin, school_a):
    tid = idcard.make("530521", dt.date(1985, 5, 1), 2)
    rows = [
        ["姓名", "身份证号", "学校标识码", "主教学科", "任教学科", "职称", "参加工作日期"],
        ["王丽", tid, "2153000001", "语文", "语文、道德与法治", "一级教师", "2008-09-01"],
        ["赵强", idcard.make("530521", dt.date(1990, 1, 1), 3), "2153000001", "数学", "", "", "2000-09-01"],
    ]
    batch = run(county_admin, "teachers", rows)
    assert reasons(batch) == [(3, "参加工作日期", "参加工作时未满16周岁，日期不合理")]
    t = Teacher.objects.get()
    assert (t.name, t.sex, t.birth_date, t.subjects, t.title) == (
        "王丽",
        "F",
        dt.date(1985, 5, 1),
        ["chinese", "morality"],
        "first",
    )
    assert TeacherAssignment.objects.get(teacher=t).start == dt.date(2008, 9, 1)
    assert run(county_admin, "teachers", rows[:2], confirm=False).unchanged == 1


def test_students_then_events_from_gbk_files(county_admin, school_a):
    run(county_admin, "students", [["姓名", "身份证号"], ["张三", id_no(1, 1)]], encoding="gbk")
    run(
        county_admin,
        "events",
        [
            ["证件号码", "变动类型", "变动日期", "学校代码", "年级"],
            [id_no(1, 1), "入学", "2020/9/1", "2153000001", "一年级"],
        ],
        encoding="gbk",
    )
    assert Student.objects.get().status == "in_school"
