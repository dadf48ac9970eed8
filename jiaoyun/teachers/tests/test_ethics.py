import datetime as dt

import pytest

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.teachers.models import Appraisal
from jiaoyun.teachers.services import (
    appraisal_record,
    ethics_record_create,
    honour_award,
    pledge_record,
    sanction_end,
    sanction_impose,
    title_promote,
)
from jiaoyun.teachers.tests.conftest import make_teacher


def test_sanction_periods_follow_the_2018_measure():
    start = dt.date(2026, 3, 1)
    assert sanction_end("warning", start) == dt.date(2026, 8, 31)  # 6 months
    assert sanction_end("demerit", start) == dt.date(2027, 2, 28)  # 12 months
    assert sanction_end("demotion", start) == dt.date(2028, 2, 29)  # 24 months
    assert sanction_end("disqualification", start) == dt.date(2028, 2, 29)
    assert sanction_end("expulsion", start) is None  # permanent
    assert sanction_end("criticism", start) == start


@pytest.fixture
def sanctioned(personnel, school_a):
    teacher = make_teacher(school_a, name="赵违", title="second")
    record = ethics_record_create(
        actor=personnel, teacher=teacher, kind="violation", principle=10, date=dt.date(2026, 2, 20), title="有偿补课"
    )
    sanction_impose(actor=personnel, record=record, type="demerit", start=dt.date(2026, 3, 1))
    return teacher


def test_one_vote_veto_on_appraisal_title_and_honours(personnel, sanctioned):
    # 记过 2026-03-01 … 2027-02-28 overlaps school years 2025 and 2026
    with pytest.raises(
        DomainError, match=r"赵违受“记过”处分（2026-03-01至2027-02-28），受处分期间2026-2027学年年度考核不得评为“优秀”"
    ):
        appraisal_record(actor=personnel, teacher=sanctioned, year=2026, grade="excellent")
    with pytest.raises(DomainError, match="第七条第二款"):
        appraisal_record(actor=personnel, teacher=sanctioned, year=2025, grade="competent")
    assert appraisal_record(actor=personnel, teacher=sanctioned, year=2026, grade="basic").grade == "basic"
    assert appraisal_record(actor=personnel, teacher=sanctioned, year=2027, grade="excellent").grade == "excellent"
    assert Appraisal.objects.filter(teacher=sanctioned).count() == 2
    with pytest.raises(DomainError, match="不得聘用到更高岗位"):
        title_promote(actor=personnel, teacher=sanctioned, to_title="first", date=dt.date(2027, 2, 28))
    with pytest.raises(DomainError, match="不得评优评先"):
        honour_award(actor=personnel, teacher=sanctioned, name="优秀教师", level="county", date=dt.date(2026, 9, 10))
    # the day after the period ends everything is open again
    title_promote(actor=personnel, teacher=sanctioned, to_title="first", date=dt.date(2027, 3, 1))
    sanctioned.refresh_from_db()
    assert sanctioned.title == "first"
    honour_award(actor=personnel, teacher=sanctioned, name="优秀教师", level="county", date=dt.date(2027, 9, 10))


def test_commendations_and_mild_measures_do_not_veto(personnel, principal, school_a):
    teacher = make_teacher(school_a)
    record = ethics_record_create(
        actor=principal, teacher=teacher, kind="violation", principle=4, date=dt.date(2026, 4, 1), title="迟到"
    )
    sanction_impose(actor=principal, record=record, type="criticism", start=dt.date(2026, 4, 2))
    ethics_record_create(actor=principal, teacher=teacher, kind="commendation", date=dt.date(2026, 5, 1), title="家访")
    pledge_record(actor=principal, teacher=teacher, kind="pledge", date=dt.date(2026, 9, 1))
    assert appraisal_record(actor=principal, teacher=teacher, year=2026, grade="excellent").grade == "excellent"


def test_who_may_record_and_decide(personnel, principal, principal_b, school_a):
    teacher = make_teacher(school_a)
    with pytest.raises(PermissionDenied):
        ethics_record_create(
            actor=principal_b, teacher=teacher, kind="commendation", date=dt.date(2026, 1, 1), title="x"
        )
    with pytest.raises(DomainError, match="十项准则"):
        ethics_record_create(actor=principal, teacher=teacher, kind="violation", date=dt.date(2026, 1, 1), title="x")
    record = ethics_record_create(
        actor=principal, teacher=teacher, kind="violation", principle=5, date=dt.date(2026, 1, 1), title="体罚"
    )
    with pytest.raises(PermissionDenied, match="主管教育部门决定"):
        sanction_impose(actor=principal, record=record, type="demotion", start=dt.date(2026, 1, 5))
    assert sanction_impose(actor=personnel, record=record, type="demotion", start=dt.date(2026, 1, 5)).end == dt.date(
        2028, 1, 4
    )
    with pytest.raises(PermissionDenied):
        title_promote(actor=principal, teacher=teacher, to_title="first", date=dt.date(2029, 1, 1))


def test_ethics_files_are_confidential(
    client, personnel, county_admin, principal, principal_b, township_officer, class_teacher, basic_staff,
    county_leader, sanctioned, django_assert_max_num_queries,
):  # fmt: skip
    url = f"/teachers/ethics/teacher/{sanctioned.pk}/"
    for user in (personnel, county_admin, principal):
        client.force_login(user)
        with django_assert_max_num_queries(15):
            listing = client.get("/teachers/ethics/")
        assert "赵违" in listing.content.decode(), user
        assert client.get(url).status_code == 200
        assert [r["teacher"] for r in client.get("/api/teachers/ethics/records").json()["items"]] == ["赵违"]
    client.force_login(principal_b)  # another school's principal: the page opens but holds nothing of school_a
    assert "赵违" not in client.get("/teachers/ethics/").content.decode()
    assert client.get(url).status_code == 404
    assert client.get("/api/teachers/ethics/records").json()["items"] == []
    for user in (township_officer, class_teacher, basic_staff, county_leader):
        client.force_login(user)
        assert client.get("/teachers/ethics/").status_code == 404, user
        assert client.get(url).status_code == 404
        assert client.get("/api/teachers/ethics/records").status_code == 404
        assert (
            client.post(f"{url}action/", {"action": "pledge", "kind": "oath", "date": "2026-09-01"}).status_code == 404
        )
