"""The students list shows the children in school by default (the home page's 在校学生 figure is its length);
the status filter shows another status or all of them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jiaoyun.people.models import Student
from jiaoyun.web.selectors import home_figures


@pytest.fixture
def pupils(school_a, school_b):
    rows = [("在校甲", "in_school", school_a), ("在校乙", "in_school", school_b), ("休学丙", "suspended", school_a),
            ("辍学丁", "dropped_out", school_a), ("转出戊", "transferred_out", None), ("未入学己", "not_enrolled", None)]  # fmt: skip
    Student.objects.bulk_create(
        [Student(name=n, sex="M", birth_date="2014-03-01", status=s, current_school=sc) for n, s, sc in rows]
    )


def _names(html: str) -> set[str]:
    table = re.search(r'data-testid="student-table".*?</table>', html, re.S).group(0)
    return set(re.findall(r'<a href="/people/students/\d+/">([^<]+)</a>', table))


def _total(html: str) -> int:
    return int(re.search(r"共 (\d+) 条", html).group(1))


def test_default_is_in_school_and_matches_the_home_figure(pupils, client, county_admin, principal):
    for user in (county_admin, principal):
        client.force_login(user)
        html = client.get(reverse("people:students")).content.decode()
        assert _total(html) == home_figures(user=user)["students"]["in_school"]
    client.force_login(county_admin)
    html = client.get(reverse("people:students")).content.decode()
    assert _names(html) == {"在校甲", "在校乙"}
    assert "默认显示在校学生" in html
    assert re.search(r'<option value="in_school" selected>', html)


def test_other_statuses_and_all(pupils, client, county_admin):
    client.force_login(county_admin)
    assert _names(client.get(reverse("people:students"), {"status": "dropped_out"}).content.decode()) == {"辍学丁"}
    everyone = client.get(reverse("people:students"), {"status": "all"}).content.decode()
    assert _total(everyone) == 6 and "全部学籍状态" in everyone
    assert re.search(r'<option value="all" selected>全部状态</option>', everyone)


def test_export_follows_the_default(pupils, client, county_admin):
    client.force_login(county_admin)
    body = client.get(reverse("people:students"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "在校甲" in body and "休学丙" not in body
