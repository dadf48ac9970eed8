"""The pages, their exports and downloads, and the 待办 of each role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jiaoyun.core.models import AuditEntry
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.quality import services, todo
from jiaoyun.quality.models import Evidence, Publicity
from jiaoyun.quality.tests.conftest import today
from jiaoyun.quality.tests.test_evaluation import photo, record


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.parametrize("name", ["quality:evaluation", "quality:certificates", "quality:competitions",
                                  "quality:pathways"])  # fmt: skip
def test_the_pages_open_for_the_county_and_the_school(client, county_admin, senior_principal, senior_teacher, name,
                                                      term, pupil):  # fmt: skip
    for user in (county_admin, senior_principal, senior_teacher):
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == 200, (user, name)
        assert "教育质量" in response.content.decode()


def test_the_progress_export_and_the_county_chart(client, county_admin, term, pupil):
    client.force_login(county_admin)
    page = client.get(reverse("quality:evaluation")).content.decode()
    assert 'data-chart="chart-evaluation"' in page and "施甸县第一完全中学" in page
    response = client.get(reverse("quality:evaluation") + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"PK")
    assert not AuditEntry.objects.filter(action="export").exists()  # aggregates: not a personal-data export


def test_the_student_records_through_the_page_and_downloads_their_evidence(client, media, student_user, term,
                                                                          classmate, senior_teacher):  # fmt: skip
    client.force_login(student_user)
    response = client.post(reverse("quality:record_new"), {"dimension": "practice", "title": "博物馆志愿讲解",
                           "date": today().isoformat(), "hours": "3", "description": "", "evidence": photo()})  # fmt: skip
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    download = client.get(reverse("quality:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    # the classmate's login may not open it
    from jiaoyun.core.choices import Role
    from jiaoyun.quality.models import StudentAccount

    other = UserFactory(role=Role.STUDENT)
    StudentAccount.objects.create(user=other, student=classmate)
    client.force_login(other)
    assert client.get(reverse("quality:evidence", args=[evidence.pk])).status_code == 404
    client.force_login(senior_teacher)  # the class teacher may, to select
    assert client.get(reverse("quality:evidence", args=[evidence.pk])).status_code == 200


def test_select_publicity_confirm_through_the_pages(
    client, media, student_user, senior_teacher, senior_principal, term
):
    r = record(student_user, files=[photo()])
    p = r.portfolio
    client.force_login(senior_teacher)
    client.post(reverse("quality:portfolio", args=[p.pk]), {"action": "select", "records": [r.pk]})
    client.post(reverse("quality:publicity_open"), {"school_class": p.school_class_id, "term": term.pk,
                                                    "starts": today().isoformat()})  # fmt: skip
    pub = Publicity.objects.get()
    Publicity.objects.filter(pk=pub.pk).update(ends=today() - dt.timedelta(days=1))
    assert [i.key for i in todo.class_teacher(user=senior_teacher, today=today())] == ["quality:publicity"]
    client.post(reverse("quality:publicity", args=[pub.pk]), {"action": "close"})
    assert [i.count for i in todo.principal(user=senior_principal, today=today())] == [1]
    client.force_login(senior_principal)
    client.post(reverse("quality:portfolio", args=[p.pk]), {"action": "confirm"})
    p.refresh_from_db()
    assert p.state == "confirmed"
    client.force_login(student_user)
    pdf = client.get(reverse("quality:archive", args=[p.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert todo.student(user=student_user, today=today()) == []


def test_the_todo_of_each_role(media, student_user, senior_teacher, senior_principal, term):
    [item] = todo.student(user=student_user, today=today())
    assert (item.key, item.deadline) == ("quality:record", term.record_deadline)
    record(student_user)
    [item] = todo.class_teacher(user=senior_teacher, today=today())
    assert (item.key, item.count, item.deadline) == ("quality:select", 1, term.select_deadline)
    assert todo.principal(user=senior_principal, today=today()) == []


def test_the_student_home_page_shows_their_items(client, student_user, term):
    client.force_login(student_user)
    page = client.get("/").content.decode()
    assert "我的工作台" in page and "填写本学期写实记录" in page


def test_the_bureau_sets_the_target_and_a_school_cannot(client, county_admin, senior_principal):
    client.force_login(senior_principal)
    assert client.post(reverse("quality:target_set"), {"year": 2027, "rate": "60"}).status_code == 403
    client.force_login(county_admin)
    client.post(reverse("quality:target_set"), {"year": 2027, "rate": "60"})
    page = client.get(reverse("quality:certificates") + "?year=2027").content.decode()
    assert "60.00%" in page
    assert services  # the services module is what the pages call
