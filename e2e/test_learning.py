"""Browser flow: a platform posts xAPI statements to the live server; the principal drills down from the
learning dashboard to a class and a student's timeline; the phone layout works too."""

from __future__ import annotations

import base64
import json
import urllib.request

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from jiaoyun.learning import conf
from jiaoyun.learning.services import learner_pseudonyms, lrs_client_create
from jiaoyun.learning.services.analytics import learning_stats_refresh
from jiaoyun.people.tests.factories import StudentFactory


@pytest.fixture
def learning_data(live_server, school_a, class_a1, principal):
    pupil = StudentFactory(
        name="张小明",
        current_school=school_a,
        current_class=class_a1,
        current_grade=1,
        status="enrolled",
    )
    client, secret = lrs_client_create(name="智慧课堂", school_ids=[school_a.pk])
    account = learner_pseudonyms(student_ids=[pupil.pk])[pupil.pk]  # the platform names pupils by their account
    statements = [
        {
            "actor": {"account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": account}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"zh-CN": "通过"}},
            "object": {"id": "https://example.com/math/1", "definition": {"name": {"zh-CN": "两位数加法练习"}}},
            "result": {"score": {"scaled": 0.9}, "duration": "PT15M", "completion": True},
            "timestamp": f"2024-09-0{day}T20:00:00+08:00",
            "context": {"platform": "国家中小学智慧教育平台"},
        }
        for day in (2, 3, 4)
    ]
    request = urllib.request.Request(  # noqa: S310 -- the live server's own http:// URL
        f"{live_server.url}/xapi/statements",
        data=json.dumps(statements).encode(),
        headers={
            "Authorization": "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode(),
            "X-Experience-API-Version": "2.0.0",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 -- the live server's own http:// URL
        assert response.status == 200
    learning_stats_refresh()
    return pupil


def test_principal_drills_down_to_student_timeline(page, learning_data, class_a1):
    login(page, "principal")
    page.goto("/learning/")
    assert page.locator("[data-testid=active-learners]").inner_text() == "1"
    page.locator("[data-testid=unit-table] a").first.click()
    page.wait_for_url(f"**/learning/classes/{class_a1.pk}/**")
    page.get_by_role("link", name="学习时间线").click()
    rows = page.locator("[data-testid=timeline] tbody tr")
    expect(rows).to_have_count(3)
    assert "两位数加法练习" in rows.first.inner_text()


def test_dashboard_on_phone(phone_page, learning_data):
    login(phone_page, "principal")
    phone_page.goto("/learning/")
    expect(phone_page.locator("[data-testid=hours]")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
