"""The page skeleton of the safety module: list filters shared by pages and API, HTMX partials and
redirects, the action table of a hazard, and no business rights for a superuser without a role."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.safety import selectors, services
from jiaoyun.safety.models import Hazard
from jiaoyun.web.charts import bar, category_chart, line, pie_chart


@pytest.fixture
def hazards(principal, school_a, school_b, safety_staff, soon):
    """Three hazards: two at school_a (one of them overdue, principal responsible), one at school_b."""
    mine = services.hazard_open(
        actor=principal, school=school_a, title="围墙破损", severity="low", responsible=principal, deadline=soon
    )
    late = services.hazard_open(
        actor=safety_staff, school=school_a, title="消防通道堵塞", severity="high", responsible=safety_staff,
        deadline=soon,
    )  # fmt: skip
    Hazard.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    services.hazard_open(
        actor=safety_staff, school=school_b, title="校门损坏", severity="high", responsible=safety_staff, deadline=soon
    )
    return {"mine": mine, "late": late}


def _page_titles(client, **params):
    resp = client.get(reverse("safety:hazards"), params)
    assert resp.status_code == 200
    return sorted(h.title for h in resp.context["page"])


def _api_titles(client, **params):
    resp = client.get("/api/safety/hazards", params)
    assert resp.status_code == 200
    return sorted(row["title"] for row in resp.json()["items"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["围墙破损", "校门损坏", "消防通道堵塞"]),
        ({"severity": "high"}, ["校门损坏", "消防通道堵塞"]),
        ({"overdue": "1"}, ["消防通道堵塞"]),
        ({"overdue": "0"}, ["围墙破损", "校门损坏", "消防通道堵塞"]),
        ({"status": "active"}, ["围墙破损", "校门损坏", "消防通道堵塞"]),
        ({"status": "closed"}, []),
        ({"q": "校门"}, ["校门损坏"]),
        ({"severity": ""}, ["围墙破损", "校门损坏", "消防通道堵塞"]),  # empty: no filter
        ({"severity": "extreme"}, []),  # an unknown choice selects nothing
        ({"status": "whatever"}, []),
    ],
)
def test_hazard_filters_mean_the_same_on_page_and_api(client, hazards, county_admin, params, expected):
    client.force_login(county_admin)
    assert _page_titles(client, **params) == expected
    assert _api_titles(client, **params) == expected


def test_hazard_filter_by_township_and_malformed_id(client, hazards, county_admin, school_a):
    client.force_login(county_admin)
    assert _page_titles(client, township=school_a.township_id) == ["围墙破损", "消防通道堵塞"]
    assert _api_titles(client, township=school_a.township_id) == ["围墙破损", "消防通道堵塞"]
    assert _page_titles(client, township="abc") == []  # a mistyped link shows nothing rather than everything


def test_mine_lists_the_readers_own_hazards(client, hazards, principal):
    client.force_login(principal)
    assert _page_titles(client, mine="1") == ["围墙破损"]
    assert [h.title for h in selectors.hazard_list(user=principal, filters={"mine": "1"})] == ["围墙破损"]


def test_device_and_compliance_filters_on_page_and_api(client, county_admin, safety_staff, school_a, school_b):
    services.device_register(actor=safety_staff, school=school_a, kind="alarm", name="报警", serial="ALM-A")
    services.device_register(actor=safety_staff, school=school_b, kind="camera", name="摄像头", serial="CAM-B")
    services.compliance_compute()
    client.force_login(county_admin)
    page = client.get(reverse("safety:devices"), {"kind": "camera"}).context["page"]
    assert [d.serial for d in page] == ["CAM-B"]
    assert [d["serial"] for d in client.get("/api/safety/devices", {"kind": "camera"}).json()["items"]] == ["CAM-B"]
    assert client.get("/api/safety/devices", {"online": "1"}).json()["items"] == []
    assert len(client.get("/api/safety/devices", {"online": "0"}).json()["items"]) == 2
    assert client.get("/api/safety/devices", {"online": "yes"}).json()["items"] == []
    rows = client.get("/api/safety/compliance", {"township": school_b.township_id}).json()["items"]
    assert [r["school"] for r in rows] == [school_b.name]
    page = client.get(reverse("safety:compliance"), {"township": school_b.township_id}).context["page"]
    assert [s.school.name for s in page] == [school_b.name]


def test_a_filter_change_by_htmx_gets_only_the_results(client, hazards, county_admin):
    client.force_login(county_admin)
    resp = client.get(reverse("safety:hazards"), {"severity": "high"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "<html" not in body and "<form" not in body  # neither the layout nor the filter form
    assert "校门损坏" in body and "围墙破损" not in body
    full = client.get(reverse("safety:hazards")).content.decode()
    assert "<html" in full and 'hx-target="#results"' in full


def test_hazard_action_by_htmx_answers_with_a_redirect_header(client, hazards, principal, photo):
    client.force_login(principal)
    url = reverse("safety:hazard", args=[hazards["mine"].pk])
    resp = client.post(url, {"action": "rectify", "note": "已修复", "evidence": photo}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 204 and resp["HX-Redirect"] == url
    hazards["mine"].refresh_from_db()
    assert hazards["mine"].status == "rectified"


def test_unknown_hazard_action_changes_nothing(client, hazards, principal):
    client.force_login(principal)
    resp = client.post(reverse("safety:hazard", args=[hazards["mine"].pk]), {"action": "delete"})
    assert resp.status_code == 200
    hazards["mine"].refresh_from_db()
    assert hazards["mine"].status == "open"


def test_rectify_without_evidence_keeps_the_pages_message(client, hazards, principal):
    client.force_login(principal)
    resp = client.post(reverse("safety:hazard", args=[hazards["mine"].pk]), {"action": "rectify", "note": ""})
    assert "请填写整改情况并上传佐证" in resp.content.decode()


def test_superuser_without_a_role_gets_no_safety_rights(client, hazards, school_a):
    root = UserFactory(username="root", role="", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(reverse("safety:dashboard")).status_code == 403
    assert client.get(reverse("safety:hazards")).status_code == 403
    assert client.get("/api/safety/hazards").status_code == 403
    assert list(selectors.hazard_list(user=root)) == []
    client.post(reverse("safety:hazard", args=[hazards["mine"].pk]), {"action": "close"})
    hazards["mine"].refresh_from_db()
    assert hazards["mine"].status == "open"


def test_chart_builders_make_echarts_options():
    chart = category_chart(
        ["老麦乡", "甸阳镇"], [bar("达标率", [None, 90.0]), line("逾期", [2, 1], color="#c0392b")], unit="percent"
    )
    assert chart["legend"] == {"data": ["达标率", "逾期"], "type": "scroll", "top": 0}
    assert chart["yAxis"]["data"] == ["甸阳镇", "老麦乡"]  # names: horizontal bars, sorted, no value last
    assert chart["xAxis"] == {
        "type": "value",
        "min": 0,
        "max": 100,
        "interval": 20,
        "axisLabel": {"formatter": "{value}%"},
    }
    assert chart["series"][1] == {"name": "逾期", "type": "line", "data": [1, 2], "itemStyle": {"color": "#c0392b"}}
    single = category_chart(["2026-11-01"], [line("达标率", [80.0])], ordinal=True, rotate=None, grid=None)
    assert "legend" not in single and "grid" not in single and "axisLabel" not in single["xAxis"]
    ring = pie_chart([("厌学", 2)], radius=("35%", "65%"))
    assert ring["series"][0]["radius"] == ["35%", "65%"] and ring["series"][0]["data"] == [{"name": "厌学", "value": 2}]
