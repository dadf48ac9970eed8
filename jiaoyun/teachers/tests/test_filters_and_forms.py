"""The list filters (one FilterSet per list, the same names on the pages and in the API) and the action forms."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.teachers import selectors
from jiaoyun.teachers.models import Pledge, QuotaSnapshot
from jiaoyun.teachers.services import ethics_record_create, round_create
from jiaoyun.teachers.tests.conftest import make_teacher


@pytest.fixture
def snapshots(school_a, school_b):
    short = QuotaSnapshot.objects.create(
        year=2026, school=school_a, students=380, classes=8, quota_exact=20, quota=20, actual=17, full_time=17, gap=3
    )
    over = QuotaSnapshot.objects.create(
        year=2026, school=school_b, students=38, classes=2, quota_exact=2, quota=2, actual=4, full_time=4, gap=-2
    )
    return short, over


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"short", "over"}),
        ({"gap": "short"}, {"short"}),
        ({"gap": "over"}, {"over"}),
        ({"gap": ""}, {"short", "over"}),  # empty: no filter
        ({"gap": "worse"}, set()),  # an unknown choice selects nothing
        ({"township": "abc"}, set()),  # a malformed id selects nothing
        ({"q": "老麦"}, {"over"}),
    ],
)
def test_quota_list_filters(county_admin, snapshots, filters, expected):
    names = {snapshots[0].pk: "short", snapshots[1].pk: "over"}
    rows = selectors.quota_list(user=county_admin, year=2026, filters=filters)
    assert {names[r.pk] for r in rows} == expected


def test_the_page_and_the_api_read_the_same_filters(client, county_admin, snapshots, school_b):
    client.force_login(county_admin)
    page = client.get(f"/teachers/quotas/?year=2026&township={school_b.township_id}").content.decode()
    assert school_b.name in page and "甸阳镇中心小学" not in page
    api = client.get("/api/teachers/quotas", {"year": 2026, "gap": "over"}).json()["items"]
    assert [r["school"] for r in api] == [school_b.name]
    api = client.get("/api/teachers/quotas", {"year": 2026, "township": school_b.township_id, "q": "甸阳"})
    assert api.json()["items"] == []
    assert client.get("/api/teachers/quotas", {"township": "abc"}).status_code == 422


def test_ethics_records_filter_by_principle_and_name(client, personnel, principal, school_a):
    one, two = make_teacher(school_a, name="赵一"), make_teacher(school_a, name="钱二")
    ethics_record_create(
        actor=principal, teacher=one, kind="violation", principle=4, date=dt.date(2026, 4, 1), title="迟到"
    )
    ethics_record_create(
        actor=principal, teacher=two, kind="violation", principle=5, date=dt.date(2026, 4, 2), title="体罚"
    )
    ethics_record_create(actor=principal, teacher=two, kind="commendation", date=dt.date(2026, 5, 1), title="家访")
    client.force_login(personnel)

    def teachers(**params: object) -> list[str]:
        return [r["teacher"] for r in client.get("/api/teachers/ethics/records", params).json()["items"]]

    assert teachers(principle=5) == ["钱二"]
    assert teachers(kind="commendation") == ["钱二"]
    assert teachers(q="赵") == ["赵一"]
    assert sorted(teachers()) == ["赵一", "钱二", "钱二"]
    assert teachers(kind="praise") == []  # unknown kind: nothing
    page = client.get("/teachers/ethics/", {"principle": "4"}).content.decode()
    assert "迟到" in page and "体罚" not in page


def test_an_ethics_action_reports_a_bad_date_and_saves_nothing(client, principal, school_a):
    teacher = make_teacher(school_a, name="孙三")
    client.force_login(principal)
    url = f"/teachers/ethics/teacher/{teacher.pk}/action/"
    body = client.post(url, {"action": "pledge", "kind": "pledge", "date": "2026-13-01"}, follow=True).content.decode()
    assert "“日期”：日期格式应为YYYY-MM-DD" in body
    assert not Pledge.objects.filter(teacher=teacher).exists()
    response = client.post(url, {"action": "pledge", "kind": "pledge", "date": "2026-09-01"})
    assert response.status_code == 302 and response["Location"] == f"/teachers/ethics/teacher/{teacher.pk}/"
    assert Pledge.objects.get(teacher=teacher).date == dt.date(2026, 9, 1)
    # an unknown action does nothing; a record of another teacher is not found
    assert client.post(url, {"action": "erase"}).status_code == 302
    other = make_teacher(school_a, name="李四")
    record = ethics_record_create(
        actor=principal, teacher=other, kind="violation", principle=4, date=dt.date(2026, 4, 1), title="迟到"
    )
    forged = {"action": "sanction", "record": record.pk, "type": "criticism", "start": "2026-04-02"}
    assert client.post(url, forged).status_code == 404
    assert not record.sanctions.exists()


def test_a_round_action_names_the_missing_row(client, personnel, school_a):
    rnd = round_create(actor=personnel, year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    client.force_login(personnel)
    url = f"/teachers/rounds/{rnd.pk}/action/"
    body = client.post(url, {"action": "post", "school": "999999", "subject": "math", "count": "1"}, follow=True)
    assert "请选择学校" in body.content.decode()
    assert not rnd.posts.exists()
    client.post(url, {"action": "post", "school": school_a.pk, "subject": "math", "count": "2"})
    assert rnd.posts.get().count == 2
    htmx = client.post(url, {"action": "advance"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == f"/teachers/rounds/{rnd.pk}/"
    rnd.refresh_from_db()
    assert rnd.status == "applying"
    body = client.post(url, {"action": "apply", "teacher": "0"}, follow=True).content.decode()
    assert "请选择教师" in body
