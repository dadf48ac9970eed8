import pytest
from django.urls import reverse

from jiaoyun.schools.tests.factories import SchoolFactory


@pytest.fixture
def teaching_point(school_a, township_a, village_a2):
    return SchoolFactory(
        code="2153000009",
        name="大竹林教学点",
        kind="teaching_point",
        parent=school_a,
        township=township_a,
        village=village_a2,
    )


def test_school_list_scope_and_filters(client, township_officer, school_a, school_a_junior, school_b):
    client.force_login(township_officer)
    response = client.get(reverse("schools:list"))
    assert {s.name for s in response.context["page"]} == {"甸阳镇中心小学", "施甸县第一中学"}
    response = client.get(reverse("schools:list"), {"kind": "junior"})
    assert [s.name for s in response.context["page"]] == ["施甸县第一中学"]


def test_school_list_query_count(
    client, county_admin, school_a, school_b, teaching_point, django_assert_max_num_queries
):
    client.force_login(county_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("schools:list"))
    assert len(response.context["page"]) == 3


def test_school_export_csv(client, county_admin, school_a, school_b):
    client.force_login(county_admin)
    response = client.get(reverse("schools:list"), {"format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("学校标识码,学校名称,办学类型")
    assert "2153000003,老麦乡中心小学,小学" in body


def test_school_detail_counts_classes_grades_teachers_and_teaching_points(
    client, county_admin, school_a, class_a1, students, teacher_a, teaching_point
):
    client.force_login(county_admin)
    response = client.get(reverse("schools:detail", args=[school_a.pk]), {"year": 2021})
    ctx = response.context
    assert [(g["current_grade"], g["male"], g["female"], g["total"]) for g in ctx["grades"]] == [(1, 1, 1, 2)]
    assert [(str(c), c.n_students) for c in ctx["classes"]] == [("一年级（1）班", 1)]
    assert ctx["teachers"] == 1
    assert [b.name for b in ctx["branches"]] == ["大竹林教学点"]


def test_school_detail_outside_scope_is_404(client, principal, school_b):
    client.force_login(principal)
    assert client.get(reverse("schools:detail", args=[school_b.pk])).status_code == 404
