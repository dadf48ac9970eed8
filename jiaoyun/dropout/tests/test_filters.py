"""The list filters (``dropout.filters``): the pages and the API read the same parameters the same way."""

import datetime as dt

import pytest
from django.urls import reverse

from jiaoyun.dropout import selectors, services

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def cases(enrolled, make_student, county_admin, village_b1):
    a = services.case_open(actor=county_admin, student=enrolled("甸阳学生"), on=D(2021, 10, 8))
    b = services.case_open(actor=county_admin, student=make_student("太和娃", village=village_b1), on=D(2021, 10, 8))
    return a, b


def names(user, **filters):
    return sorted(c.student.name for c in selectors.case_list(user=user, filters=filters))


def test_case_filters_narrow_and_a_malformed_value_is_ignored(cases, county_admin, township_b, school_a):
    assert names(county_admin) == ["太和娃", "甸阳学生"]
    assert names(county_admin, township=str(township_b.pk)) == ["太和娃"]
    assert names(county_admin, school=str(school_a.pk)) == ["甸阳学生"]
    assert names(county_admin, q="太和") == ["太和娃"]
    assert names(county_admin, ledger="dropouts") == [] and names(county_admin, ledger="suspected") == names(
        county_admin
    )
    assert names(county_admin, reason="all") == names(county_admin)
    assert names(county_admin, status="returning") == []
    # Malformed or zero ids filter nothing, as the hand-written parser did; a malformed stage matches no step.
    assert names(county_admin, township="abc") == names(county_admin, school="0") == names(county_admin)
    assert names(county_admin, stage="x") == names(county_admin) and names(county_admin, stage="2") == []
    assert names(county_admin, overdue="1") == [] and names(county_admin, overdue="no") == names(county_admin)


def test_the_api_and_the_ledger_page_agree(client, cases, county_admin, township_b):
    client.force_login(county_admin)
    api = client.get("/api/dropout/cases", {"township": township_b.pk, "ledger": "suspected"}).json()
    assert [row["student_name"] for row in api["items"]] == ["太和娃"]
    page = client.get(reverse("dropout:ledger", args=["suspected"]), {"township": township_b.pk}).content.decode()
    assert "太和娃" in page and "甸阳学生" not in page
    assert client.get("/api/dropout/cases", {"overdue": "true"}).json()["items"] == []
    assert client.get("/api/dropout/cases", {"township": "abc"}).status_code == 422  # typed by the Query schema


def test_responsible_and_absence_filters(responsibles, county_admin, township_a, township_b):
    def listed(**filters):
        return sorted(p.name for p in selectors.responsible_list(user=county_admin, filters=filters))

    assert listed(level="2") == ["校长己", "镇长乙"]
    assert listed(line="admin", level="3") == ["村主任丙"]
    assert listed(township=str(township_a.pk), line="education") == ["教师辛", "校长己", "班主任庚"]
    assert listed(township=str(township_b.pk)) == []
    assert listed(level="x") == listed()
    assert list(selectors.absence_list(user=county_admin, filters={"date": "2021-13-45"})) == []
