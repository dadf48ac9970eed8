"""Filters offer only the places in scope (``jiaoyun.schools.choices_in_scope``): a township officer's 乡镇 select is
hidden (one choice) and his 学校 select lists his township's schools; the county sees every township."""

from __future__ import annotations

import re

import pytest

from jiaoyun.schools.choices_in_scope import place_choices, school_choices, township_choices, village_choices

# The list and dashboard pages with a 乡镇 select (name="township", or name="parent" on the areas list).
PAGES = [
    "/people/students/",
    "/people/teachers/",
    "/schools/",
    "/areas/",
    "/dropout/children/",
    "/dropout/reports/",
    "/safety/hazards/",
    "/safety/devices/",
    "/safety/compliance/",
    "/teachers/quotas/",
    "/teachers/gaps/",
]


def select_options(html: str, name: str) -> list[str] | None:
    """The labels of the options of ``<select name=…>`` (None: no such select on the page)."""
    m = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if m is None:
        return None
    return [label for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', m.group(1)) if value]


def test_the_helper_narrows_each_select_to_the_scope(
    db, county_admin, township_officer, principal, village_cadre, outsider, township_a, township_b, village_a1,
    village_b1, school_a, school_a_junior, school_b,
):  # fmt: skip
    assert list(township_choices(county_admin)) == [township_a, township_b]
    assert list(township_choices(township_officer)) == [township_a]
    assert set(school_choices(township_officer)) == {school_a, school_a_junior}
    assert list(school_choices(principal)) == [school_a]
    assert list(village_choices(village_cadre)) == [village_a1]
    assert list(township_choices(village_cadre)) == [township_a]
    empty = place_choices(outsider)
    assert not empty.townships.exists() and not empty.villages.exists() and not empty.schools.exists()


@pytest.mark.parametrize("url", PAGES)
def test_a_township_officer_is_offered_his_township_only(
    client, url, county_admin, township_officer, township_a, township_b, school_a, school_a_junior, school_b
):
    client.force_login(county_admin)
    html = client.get(url).content.decode()
    name = "parent" if url == "/areas/" else "township"
    assert select_options(html, name) == [township_a.name, township_b.name], url
    client.force_login(township_officer)
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert select_options(html, name) is None, url  # one township: nothing to choose
    schools = select_options(html, "school")
    if schools is not None:  # the pages with a 学校 select list his township's schools alone
        assert set(schools) == {school_a.name, school_a_junior.name}, url
    assert township_b.name not in html and school_b.name not in html, url


def test_a_principal_and_a_village_cadre_get_no_select_with_a_single_choice(client, principal, village_cadre):
    client.force_login(principal)
    html = client.get("/people/students/").content.decode()
    assert select_options(html, "township") is None and select_options(html, "school") is None
    client.force_login(village_cadre)
    html = client.get("/dropout/children/").content.decode()
    assert select_options(html, "township") is None and select_options(html, "village") is None
