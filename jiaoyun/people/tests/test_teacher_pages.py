import datetime as dt

from django.urls import reverse

from jiaoyun.core.models import AuditEntry
from jiaoyun.people.services import teacher_assign


def test_teacher_list_scope_filters_and_query_count(
    client, township_officer, teacher_a, teacher_b, django_assert_max_num_queries
):
    client.force_login(township_officer)
    with django_assert_max_num_queries(11):  # one of them reads the township's schools (core.scope.township_members)
        response = client.get(reverse("people:teachers"))
    assert [t.name for t in response.context["page"]] == ["赵老师"]
    assert not client.get(reverse("people:teachers"), {"subject": "math"}).context["page"].object_list


def test_teacher_export_is_masked_and_audited(client, county_admin, teacher_a, teacher_b):
    client.force_login(county_admin)
    body = client.get(reverse("people:teachers"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "赵老师" in body and "钱老师" in body and teacher_a.id_masked in body
    assert AuditEntry.objects.get(action="export").changes["rows"] == 2


def test_teacher_detail_shows_assignment_history(client, county_admin, teacher_a, school_b):
    teacher_assign(actor=county_admin, teacher=teacher_a, school=school_b, start=dt.date(2023, 9, 1), note="交流轮岗")
    client.force_login(county_admin)
    response = client.get(reverse("people:teacher_detail", args=[teacher_a.pk]))
    rows = [(a.school.name, a.start, a.end) for a in response.context["assignments"]]
    assert rows == [
        ("甸阳镇中心小学", dt.date(2008, 9, 1), dt.date(2023, 8, 31)),
        ("老麦乡中心小学", dt.date(2023, 9, 1), None),
    ]


def test_teacher_of_another_township_is_404(client, township_officer, teacher_b):
    client.force_login(township_officer)
    assert client.get(reverse("people:teacher_detail", args=[teacher_b.pk])).status_code == 404
