"""The one pager of every list page: 共 N 条, first/previous, numbered pages with gaps, next/last, a 跳至 __ 页
form; its links and form keep the list's filters; an out-of-range page shows the last one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from jiaoyun.people.models import Student
from jiaoyun.web.paging import page_numbers


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (1, 1, [1]),
        (1, 0, []),
        (6, 120, [1, None, 4, 5, 6, 7, 8, None, 120]),
        (1, 120, [1, 2, 3, None, 120]),
        (120, 120, [1, None, 118, 119, 120]),
        (4, 8, [1, 2, 3, 4, 5, 6, 7, 8]),  # a gap of one page shows the page
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ],
)
def test_page_numbers(number, count, shown):
    assert page_numbers(number, count) == shown


@pytest.fixture
def students(county_admin, school_a):
    Student.objects.bulk_create(
        [
            Student(
                name=f"学生{i:03d}",
                sex="M" if i % 2 else "F",
                birth_date="2014-03-01",
                status="in_school",
                current_school=school_a,
            )  # fmt: skip
            for i in range(260)
        ]
    )


def _pager(html: str) -> str:
    match = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    assert match, "no pager"
    return match.group(0)


def test_numbers_jump_and_filters_kept(students, client, county_admin):
    client.force_login(county_admin)
    html = client.get(reverse("people:students"), {"sex": "M", "per_page": "10", "page": "6"}).content.decode()
    pager = _pager(html)
    assert "共 130 条 · 第 6/13 页" in pager
    current = re.findall(r'<span class="pager-current" aria-current="page">(\d+)</span>', pager)
    assert current == ["6"]
    numbers = re.findall(r'class="pager-num"[^>]*>(\d+)</a>', pager)
    assert numbers == ["1", "4", "5", "7", "8", "13"]
    assert pager.count('class="pager-gap"') == 2
    links = re.findall(r'href="\?([^"]+)"', pager)
    assert links and all("sex=M" in q and "per_page=10" in q for q in links)  # every link keeps the filters
    assert "page=1" in links[0] and any(q.endswith("page=13") or "page=13&" in q for q in links)
    form = re.search(r'<form method="get" class="pager-jump".*?</form>', pager, re.S).group(0)
    assert '<input type="hidden" name="sex" value="M">' in form
    assert '<input type="hidden" name="per_page" value="10">' in form
    assert 'name="page"' in form and 'type="hidden" name="page"' not in form
    assert 'max="13"' in form and "跳至" in form and '<button type="submit"' in form


@pytest.mark.parametrize(("asked", "shown"), [("999", "第 13/13 页"), ("abc", "第 1/13 页"), ("0", "第 13/13 页")])
def test_out_of_range_pages(students, client, county_admin, asked, shown):
    client.force_login(county_admin)
    html = client.get(reverse("people:students"), {"sex": "M", "per_page": "10", "page": asked}).content.decode()
    assert shown in _pager(html)


def test_one_page_has_no_links_or_jump(client, county_admin):
    client.force_login(county_admin)
    pager = _pager(client.get(reverse("people:students")).content.decode())
    assert "共 0 条" in pager and "pager-jump" not in pager and "下一页" not in pager


def test_every_list_template_uses_the_one_pager():
    root = Path(__file__).resolve().parents[2]
    own = [p for p in root.rglob("templates/**/*.html") if "下一页" in p.read_text(encoding="utf-8")]
    assert [p.name for p in own] == ["_pager.html"]
