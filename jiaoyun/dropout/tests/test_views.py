import datetime as dt

import pytest
from django.urls import reverse

from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout import services
from jiaoyun.dropout.models import Absence, Bulletin, DropoutCase, ReturnAttempt

D = dt.date


@pytest.fixture
def cases(enrolled, make_student, county_admin, village_b1):
    a = services.case_open(actor=county_admin, student=enrolled("甸阳学生"), on=D(2021, 10, 8))
    b = services.case_open(actor=county_admin, student=make_student("太和娃", village=village_b1), on=D(2021, 10, 8))
    services.stats_refresh(as_of=D(2021, 11, 15))
    return a, b


def login(client, user):
    client.force_login(user)
    return client


def test_dashboard_shows_counts_within_scope(client, cases, county_admin, township_officer):
    body = login(client, county_admin).get(reverse("dropout:dashboard")).content.decode()
    assert 'data-testid="card-suspected">2<' in body and "运行四查三比对" in body
    body = login(client, township_officer).get(reverse("dropout:dashboard")).content.decode()
    assert 'data-testid="card-suspected">1<' in body and "运行四查三比对" not in body


def test_ledger_lists_filters_paginates_and_exports(client, cases, county_admin, township_b,
                                                   django_assert_max_num_queries):  # fmt: skip
    login(client, county_admin)
    url = reverse("dropout:ledger", args=["suspected"])
    with django_assert_max_num_queries(12):
        body = client.get(url).content.decode()
    assert "甸阳学生" in body and "太和娃" in body
    body = client.get(url, {"township": township_b.pk}).content.decode()
    assert "甸阳学生" not in body and "太和娃" in body
    response = client.get(url, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="export", object_type="dropout.DropoutCase").exists()
    assert client.get(reverse("dropout:children")).status_code == 200


def test_village_cadre_cannot_open_a_case_of_another_village(client, cases, village_cadre):
    a, b = cases
    login(client, village_cadre)
    assert client.get(reverse("dropout:case", args=[a.pk])).status_code == 200
    assert client.get(reverse("dropout:case", args=[b.pk])).status_code == 404


def test_class_teacher_records_a_home_visit_with_htmx(client, cases, class_teacher, county_admin):
    a, _ = cases
    services.case_verify(actor=county_admin, case=a, outcome="confirmed_dropout", on=D(2021, 10, 9))
    login(client, class_teacher)
    url = reverse("dropout:case_action", args=[a.pk, "attempt"])
    response = client.post(url, {"date": "2021-10-10", "people": "班主任、村主任", "method": "home_visit",
                                 "result": "promised", "note": "家长签订承诺书"}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("dropout:case", args=[a.pk])
    assert ReturnAttempt.objects.get(case=a).people == "班主任、村主任"
    # an illegal transition comes back as the form with the message
    response = client.post(reverse("dropout:case_action", args=[a.pk, "close"]), {"on": "2021-10-11"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert "须由乡镇（乡镇人民政府、中心校）或县教育体育局办理" in response.content.decode()
    body = client.get(reverse("dropout:case", args=[a.pk])).content.decode()
    assert "劝返记录：上门家访" in body and "家长签订承诺书" in body


def test_class_teacher_marks_absences(client, enrolled, class_teacher, class_a1):
    student = enrolled("缺勤学生")
    login(client, class_teacher)
    url = reverse("dropout:absences") + f"?klass={class_a1.pk}&date=2021-11-15"
    response = client.post(url, {"date": "2021-11-15", f"m{student.pk}": "unexcused"})
    assert response.status_code == 302
    assert Absence.objects.get(student=student).date == D(2021, 11, 15)


def test_bulletin_generated_from_the_page_and_downloaded(client, cases, county_admin, principal):
    from django.utils import timezone

    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    login(client, county_admin)
    client.post(reverse("dropout:bulletins"), {"month": f"{last:%Y-%m}"})
    bulletin = Bulletin.objects.get()
    response = client.get(reverse("dropout:bulletin_file", args=[bulletin.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf" and bytes(response.content)[:4] == b"%PDF"
    login(client, principal)
    assert client.post(reverse("dropout:bulletins"), {"month": f"{last:%Y-%m}"}).status_code == 403


def test_api_lists_and_verifies_cases(client, cases, county_admin, village_cadre, django_assert_max_num_queries):
    a, b = cases
    login(client, village_cadre)
    with django_assert_max_num_queries(11):  # 3 of them the audit entry of the bulk read
        data = client.get("/api/dropout/cases").json()
    assert [c["student_name"] for c in data["items"]] == ["甸阳学生"]
    login(client, county_admin)
    response = client.post(f"/api/dropout/cases/{b.pk}/verify", {"outcome": "confirmed_out", "on": "2021-10-09"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "verified"
    response = client.post(f"/api/dropout/cases/{b.pk}/close", {}, content_type="application/json")
    assert response.status_code == 400 and "不能销号" in response.json()["detail"]
    assert DropoutCase.objects.get(pk=b.pk).status == "verified"


def test_village_cadre_puts_a_child_of_the_village_on_the_suspected_ledger(client, make_student, village_cadre,
                                                                           village_b1):  # fmt: skip
    mine = make_student("本村娃", birth=D(2013, 2, 2))
    other = make_student("外村娃", village=village_b1, birth=D(2013, 2, 2))
    login(client, village_cadre)
    response = client.post(reverse("dropout:case_new", args=[mine.pk]), {"note": "入户发现在家务农"})
    case = DropoutCase.objects.get(student=mine)
    assert response["Location"] == reverse("dropout:case", args=[case.pk])
    assert case.source == "door_to_door" and case.status == "pending"
    assert client.post(reverse("dropout:case_new", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    "name,persona,status",
    [
        ("dropout:children", "village_cadre", 200),
        ("dropout:absences", "class_teacher", 200),
        ("dropout:responsibles", "township_officer", 200),
        ("dropout:responsibles", "county_admin", 200),
        ("dropout:reports", "principal", 200),
        ("dropout:bulletins", "county_leader", 200),
        ("dropout:hukou", "county_admin", 200),
        ("dropout:hukou", "township_officer", 403),
    ],
)
def test_pages_render_for_each_persona(client, request, cases, name, persona, status):
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(reverse(name)).status_code == status


def test_children_ledger_query_count(client, cases, county_admin, django_assert_max_num_queries):
    login(client, county_admin)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("dropout:children")).content.decode()
    assert "甸阳学生" in body and "太和娃" in body
