import datetime as dt

import pytest

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.tests.fixtures import ID_A

API = "/api/people"


def test_api_needs_a_login(client, students):
    assert client.get(f"{API}/students").status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"张小明", "李小红", "王小刚"}),
        ("township_officer", {"张小明", "李小红"}),
        ("class_teacher", {"张小明"}),
        ("village_cadre", {"张小明"}),
        ("outsider", set()),
    ],
)
def test_student_api_list_is_scoped(client, students, persona, expected, request):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(f"{API}/students").json()
    assert {s["name"] for s in body["items"]} == expected
    assert body["count"] == len(expected)


def test_student_api_masks_id_numbers(client, county_admin, student_a):
    client.force_login(county_admin)
    body = client.get(f"{API}/students/{student_a.pk}").json()
    assert body["id_masked"] == idcard.mask(ID_A) and ID_A not in str(body)
    assert body["current_school_code"] == "2153000001" and body["hukou_village_code"] == "530521100001"


def test_student_api_list_query_count(client, county_admin, students, django_assert_max_num_queries):
    client.force_login(county_admin)
    with django_assert_max_num_queries(11):  # 3 of them the audit entry of the bulk read (lock, insert, head)
        body = client.get(f"{API}/students", {"sex": "M"}).json()
    assert {s["name"] for s in body["items"]} == {"张小明", "王小刚"}


def test_student_of_another_township_is_404_in_the_api(client, township_officer, student_b):
    client.force_login(township_officer)
    assert client.get(f"{API}/students/{student_b.pk}").status_code == 404
    assert client.get(f"{API}/students/{student_b.pk}/events").status_code == 404
    assert client.get(f"{API}/students/{student_b.pk}/state", {"on": "2022-01-01"}).status_code == 404


def test_events_and_state_on_a_date(client, county_admin, student_a, school_a):
    client.force_login(county_admin)
    events = client.get(f"{API}/students/{student_a.pk}/events").json()
    assert [(e["kind"], e["date"], e["school_code"]) for e in events] == [("enrol", "2021-09-01", "2153000001")]
    before = client.get(f"{API}/students/{student_a.pk}/state", {"on": "2021-08-31"}).json()
    assert before["status"] == "not_enrolled" and before["in_school"] is False
    after = client.get(f"{API}/students/{student_a.pk}/state", {"on": "2022-01-10"}).json()
    assert after["status"] == "in_school" and after["school_id"] == school_a.pk and after["grade"] == 1


def test_create_student_through_the_api_with_enrolment(client, principal, school_a, village_a1):
    client.force_login(principal)
    number = idcard.make("530521", dt.date(2015, 6, 1), 35)
    payload = {
        "name": "周小华", "id_number": number, "hukou_village_code": "530521100001",
        "enrol_kind": "enrol", "enrol_date": "2021-09-01", "school_code": "2153000001", "grade": 1,
    }  # fmt: skip
    response = client.post(f"{API}/students", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "in_school" and body["sex"] == "M" and body["birth_date"] == "2015-06-01"
    assert AuditEntry.objects.filter(object_type="people.Student", object_id=str(body["id"]), action="create").exists()
    assert AuditEntry.objects.filter(object_type="people.EnrolmentEvent", action="create").count() == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"name": "甲", "id_number": "530521201506010350"}, "校验码错误"),
        ({"name": "甲", "sex": "M", "birth_date": "2015-06-01", "hukou_village_code": "530521999999"}, "未知的村（社区）区划代码"),
        (
            {"name": "甲", "sex": "M", "birth_date": "2015-06-01", "enrol_kind": "enrol", "enrol_date": "2021-09-01",
             "school_code": "9999999999", "grade": 1},
            "未知的学校标识码",
        ),
        (
            {"name": "甲", "sex": "M", "birth_date": "2022-06-01", "enrol_kind": "enrol", "enrol_date": "2021-09-01",
             "school_code": "2153000001", "grade": 1},
            "早于出生日期",
        ),
    ],
)  # fmt: skip
def test_bad_student_payloads_are_refused_in_chinese_and_nothing_is_saved(
    client, county_admin, school_a, payload, message
):
    client.force_login(county_admin)
    response = client.post(f"{API}/students", payload, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Student.objects.exists()
    assert not AuditEntry.objects.filter(action="create").exists()


def test_record_event_through_the_api_and_refuse_a_double_enrolment(client, principal, student_a, school_a_junior):
    client.force_login(principal)
    url = f"{API}/students/{student_a.pk}/events"
    twice = client.post(
        url,
        {"kind": "enrol", "date": "2022-02-01", "school_code": "2153000002", "grade": 7},
        content_type="application/json",
    )
    assert twice.status_code == 403  # school_a_junior is not the principal's school
    again = client.post(
        url,
        {"kind": "enrol", "date": "2022-02-01", "school_code": "2153000001", "grade": 1},
        content_type="application/json",
    )
    assert again.status_code == 400 and "不能重复入学" in again.json()["detail"]
    ok = client.post(url, {"kind": "suspend", "date": "2022-03-01", "reason": "病休"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["kind"] == "suspend"
    assert EnrolmentEvent.objects.filter(student=student_a).count() == 2


def test_event_out_of_order_is_refused(client, county_admin, student_a):
    client.force_login(county_admin)
    # A 复学 dated before the 休学 it would resume: refused, nothing saved.
    url = f"{API}/students/{student_a.pk}/events"
    assert (
        client.post(url, {"kind": "suspend", "date": "2022-03-01"}, content_type="application/json").status_code == 201
    )
    early = client.post(url, {"kind": "resume", "date": "2022-02-01"}, content_type="application/json")
    assert early.status_code == 400 and "不能办理“复学”" in early.json()["detail"]
    assert EnrolmentEvent.objects.filter(student=student_a).count() == 2


def test_village_cadre_cannot_post(client, village_cadre, student_a):
    client.force_login(village_cadre)
    response = client.post(
        f"{API}/students/{student_a.pk}/events",
        {"kind": "suspend", "date": "2022-03-01"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_teacher_api_scope_and_assignments(
    client, township_officer, teacher_a, teacher_b, django_assert_max_num_queries
):
    client.force_login(township_officer)
    with django_assert_max_num_queries(11):  # 3 of them the audit entry of the bulk read (lock, insert, head)
        body = client.get(f"{API}/teachers").json()
    assert [t["name"] for t in body["items"]] == ["赵老师"]
    assert client.get(f"{API}/teachers/{teacher_b.pk}").status_code == 404
    detail = client.get(f"{API}/teachers/{teacher_a.pk}").json()
    assert [(a["school_code"], a["start"], a["end"]) for a in detail["assignments"]] == [
        ("2153000001", "2008-09-01", None)
    ]
    assert detail["id_masked"] == "5" + "*" * 16 + detail["id_masked"][-1] and detail["id_masked"][-1] != "*"
