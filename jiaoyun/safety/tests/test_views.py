import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.safety import selectors, services
from jiaoyun.safety.models import Hazard
from jiaoyun.safety.tests.factories import GuardFactory, ProfileFactory


@pytest.fixture
def data(principal, school_a, school_a_junior, school_b, safety_staff, soon):
    """Hazards at school_a (2), school_a_junior (1) and school_b (1); devices; snapshots."""
    b_principal = UserFactory(username="b_principal", role="principal", school=school_b)
    for i in range(2):
        services.hazard_open(
            actor=principal, school=school_a, title=f"A隐患{i}", severity="low", responsible=principal, deadline=soon
        )
    services.hazard_open(
        actor=safety_staff,
        school=school_a_junior,
        title="一中隐患",
        severity="high",
        responsible=safety_staff,
        deadline=soon,
    )
    services.hazard_open(
        actor=b_principal,
        school=school_b,
        title="老麦乡校门损坏",
        severity="high",
        responsible=b_principal,
        deadline=soon,
    )
    for s in (school_a, school_b):
        ProfileFactory(school=s)
        GuardFactory(school=s)
        services.device_register(actor=safety_staff, school=s, kind="alarm", name="一键报警", serial=f"ALM-{s.pk}")
        services.canteen_create(actor=safety_staff, school=s, name="食堂")
    services.compliance_compute()
    return {"b_principal": b_principal}


def _titles(user):
    return sorted(selectors.hazard_list(user=user).values_list("title", flat=True))


def test_scope_of_hazards_per_persona(
    data, principal, township_officer, county_admin, county_leader, outsider, village_cadre
):
    assert _titles(principal) == ["A隐患0", "A隐患1"]
    assert _titles(township_officer) == ["A隐患0", "A隐患1", "一中隐患"]
    assert len(_titles(county_admin)) == 4
    assert len(_titles(county_leader)) == 4
    assert _titles(outsider) == []
    assert _titles(village_cadre) == []


def test_pages_render_for_county_admin(client, data, county_admin):
    client.force_login(county_admin)
    h = Hazard.objects.get(title="一中隐患")
    for name, kwargs in [
        ("safety:dashboard", {}),
        ("safety:compliance", {}),
        ("safety:hazards", {}),
        ("safety:hazard", {"hazard_id": h.pk}),
        ("safety:inspections", {}),
        ("safety:inspection_new", {}),
        ("safety:devices", {}),
        ("safety:rules", {}),
        ("safety:risks", {}),
        ("safety:bulletin", {}),
        ("safety:school", {"school_id": h.school_id}),
    ]:
        resp = client.get(reverse(name, kwargs=kwargs))
        assert resp.status_code == 200, name
        assert resp.templates[0].name.startswith("safety/"), name  # the page itself, not a login or error page
        if name in ("safety:hazards", "safety:hazard"):
            assert "一中隐患" in resp.content.decode(), name


def test_principal_cannot_open_hazard_of_other_school(client, data, principal):
    client.force_login(principal)
    other = Hazard.objects.get(title="老麦乡校门损坏")
    assert client.get(reverse("safety:hazard", args=[other.pk])).status_code == 404
    assert client.get(reverse("safety:school", args=[other.school_id])).status_code == 404


def test_outsider_is_refused(client, data, outsider):
    client.force_login(outsider)
    assert client.get(reverse("safety:dashboard")).status_code == 403
    assert client.get(reverse("safety:hazards")).status_code == 403


def test_county_leader_reads_but_cannot_close(client, data, county_leader):
    client.force_login(county_leader)
    h = Hazard.objects.get(title="一中隐患")
    resp = client.get(reverse("safety:hazard", args=[h.pk]))
    assert resp.status_code == 200 and "销号" not in resp.content.decode().split("处置记录")[0].split("</h1>")[1]
    client.post(reverse("safety:hazard", args=[h.pk]), {"action": "close"})
    h.refresh_from_db()
    assert h.status == "open"


def test_hazard_list_query_count(client, data, county_admin, django_assert_max_num_queries, soon, principal, school_a):
    for i in range(20):
        services.hazard_open(
            actor=principal, school=school_a, title=f"批量{i}", severity="low", responsible=principal, deadline=soon
        )
    client.force_login(county_admin)
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("safety:hazards"))
    assert resp.status_code == 200


def test_device_and_compliance_list_query_count(client, data, county_admin, django_assert_max_num_queries):
    client.force_login(county_admin)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("safety:devices")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("safety:compliance")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("safety:dashboard")).status_code == 200


@pytest.mark.parametrize(
    "name", ["safety:hazards", "safety:devices", "safety:compliance", "safety:inspections", "safety:risks"]
)
def test_list_exports_are_xlsx(client, data, county_admin, name):
    client.force_login(county_admin)
    resp = client.get(reverse(name), {"format": "xlsx"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert resp.content[:2] == b"PK"


def test_hazard_csv_export_lists_only_visible_rows(client, data, principal):
    client.force_login(principal)
    text = client.get(reverse("safety:hazards"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "A隐患0" in text and "老麦乡校门损坏" not in text


def test_device_registration_shows_token_once(client, data, principal, school_a):
    client.force_login(principal)
    resp = client.post(
        reverse("safety:devices"),
        {"school": school_a.pk, "kind": "camera", "name": "操场摄像头", "serial": "CAM-X1", "interval_seconds": 60},
    )
    body = resp.content.decode()
    assert "只显示这一次" in body
    token = body.split("<code>")[1].split("</code>")[0]
    assert services.device_authenticate(token).serial == "CAM-X1"
    assert token not in client.get(reverse("safety:devices")).content.decode()


def test_fixer_verifying_own_fix_via_page_shows_message(client, data, principal, photo):
    h = Hazard.objects.filter(title="A隐患0").get()
    client.force_login(principal)
    client.post(reverse("safety:hazard", args=[h.pk]), {"action": "rectify", "note": "已修好", "evidence": photo})
    resp = client.post(
        reverse("safety:hazard", args=[h.pk]), {"action": "verify", "passed": "1", "note": ""}, follow=True
    )
    assert "整改人不能复查自己的整改" in resp.content.decode()
    resp = client.post(reverse("safety:hazard", args=[h.pk]), {"action": "close"}, follow=True)
    assert "未经复查验收，不能销号" in resp.content.decode()
    h.refresh_from_db()
    assert h.status == "rectified"


def test_rule_edit_page_for_safety_section(client, data, safety_staff, principal):
    from jiaoyun.safety.models import Rule

    rule = Rule.objects.get(code="video-retention")
    client.force_login(principal)
    client.post(reverse("safety:rules"), {"rule": rule.pk, "threshold": "90", "parameters": "{}", "is_active": "1"})
    rule.refresh_from_db()
    assert rule.threshold is None
    client.force_login(safety_staff)
    client.post(reverse("safety:rules"), {"rule": rule.pk, "threshold": "90", "parameters": "{}", "is_active": "1"})
    rule.refresh_from_db()
    assert rule.threshold == 90


def test_bulletin_section_figures(data, principal, vice_principal, school_a, photo):
    today = timezone.localdate()
    h = Hazard.objects.get(title="A隐患0")
    h = services.hazard_rectify(hazard=h, actor=principal, note="修", files=[photo])
    h = services.hazard_verify(hazard=h, actor=vice_principal, passed=True, note="好")
    services.hazard_close(hazard=h, actor=vice_principal)
    section = selectors.bulletin_section(month=today)
    rows = {r["township"]: r for r in section["rows"]}
    assert rows["甸阳镇"]["opened"] == 3 and rows["甸阳镇"]["closed"] == 1
    assert rows["老麦乡"]["opened"] == 1 and rows["老麦乡"]["offline"] == 1  # never-seen device counts offline
    assert section["totals"]["opened"] == 4
    from django.template.loader import render_to_string

    html = render_to_string("safety/partials/_bulletin_section.html", {"section": section})
    assert "平安校园情况" in html and "老麦乡" in html
    assert "本月新发现隐患4条，销号1条" in section["summary"] and section["summary"] in html
    import json

    assert json.loads(json.dumps(section)) == section  # JSON values only, ready to archive


def test_canteen_records_through_the_page(client, data, principal, school_a):
    from jiaoyun.safety.models import Canteen, FoodSample, SixTCheck

    c = Canteen.objects.get(school=school_a)
    client.force_login(principal)
    today = timezone.localdate().isoformat()
    url = reverse("safety:canteen", args=[c.pk])
    client.post(url, {"form": "sixt", "date": today, "handle": "on", "sweep": "on", "checker": "王师傅"})
    check = SixTCheck.objects.get(canteen=c)
    assert (check.handle, check.integrate, check.sweep, check.passed_count) == (True, False, True, 2)
    resp = client.post(
        url,
        {
            "form": "sample",
            "date": today,
            "meal": "lunch",
            "dish": "土豆丝",
            "weight_g": 100,
            "keep_hours": 48,
            "keeper": "李",
        },
        follow=True,
    )
    assert "每样不少于125克" in resp.content.decode()
    assert FoodSample.objects.count() == 0
    assert client.get(url).status_code == 200


def test_other_principal_cannot_write_canteen(client, data, school_a):
    from jiaoyun.safety.models import Canteen

    c = Canteen.objects.get(school=school_a)
    client.force_login(data["b_principal"])
    assert client.get(reverse("safety:canteen", args=[c.pk])).status_code == 404


def test_risk_report_and_joint_action_through_the_page(client, data, township_officer, school_a):
    from jiaoyun.safety.models import RiskReport

    client.force_login(township_officer)
    url = reverse("safety:risks")
    client.post(
        url,
        {
            "form": "report",
            "school": school_a.pk,
            "category": "vendor",
            "level": "medium",
            "description": "校门口流动摊贩",
        },
    )
    r = RiskReport.objects.get()
    client.post(
        url,
        {
            "form": "action",
            "report": r.pk,
            "department": "市场监管所",
            "date": timezone.localdate().isoformat(),
            "action": "清理摊贩",
        },
    )
    client.post(url, {"form": "resolve", "report": r.pk})
    r.refresh_from_db()
    assert r.status == "resolved" and r.actions.get().department == "市场监管所"


def test_bulletin_section_renders_inside_a_pdf(client, data, county_admin):
    """The official bulletin of last month is generated once, then its archived PDF is opened."""
    import datetime as dt

    from jiaoyun.reports.pdf import pdf_text

    client.force_login(county_admin)
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    url = reverse("safety:bulletin")
    # not generated yet: the page says so instead of a PDF
    resp = client.get(url, {"month": last, "format": "pdf"}, follow=True)
    assert "尚未生成" in resp.content.decode()
    client.post(f"{url}?month={last}", {"month": last})
    resp = client.get(url, {"month": last, "format": "pdf"})
    assert resp["Content-Type"] == "application/pdf"
    text = pdf_text(resp.content)
    assert "平安校园情况通报" in text and "老麦乡" in text


def test_inspection_and_school_pages_query_count(
    client, data, safety_staff, school_a, principal, campus_template, soon, django_assert_max_num_queries
):
    items = list(campus_template.items.all())
    insp = services.inspection_record(
        actor=safety_staff,
        school=school_a,
        template=campus_template,
        kind="county",
        date=timezone.localdate(),
        outcomes=[services.ItemOutcome(i.pk, passed=n % 2 == 0, note=f"问题{n}") for n, i in enumerate(items)],
        open_hazards=True,
        responsible=principal,
        deadline=soon,
    )
    client.force_login(safety_staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("safety:inspection", args=[insp.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("safety:school", args=[school_a.pk])).status_code == 200


def test_profile_form_shows_dates_for_date_inputs(client, data, principal, school_a):
    client.force_login(principal)
    body = client.get(reverse("safety:school", args=[school_a.pk])).content.decode()
    assert 'name="insurance_start" value="2026-09-01"' in body


def test_profile_edit_through_the_page_recomputes_gaps(client, data, principal, school_a):
    from jiaoyun.safety.models import ComplianceSnapshot

    client.force_login(principal)
    form = {
        "form": "profile",
        "gate_status": "good",
        "wall_status": "complete",
        "closed_management": "on",
        "alarm_installed": "on",
        "camera_count": "10",
        "cameras_key_areas": "on",
        "cameras_linked_police": "on",
        "video_retention_days": "30",
        "insurer": "人保",
        "insurance_start": "2026-09-01",
        "insurance_end": "2027-08-31",
        "insured_students": "0",
    }
    resp = client.post(reverse("safety:school", args=[school_a.pk]), form)
    assert resp.status_code == 302
    snap = ComplianceSnapshot.objects.filter(school=school_a).latest("date")
    assert snap.gaps == ["一键式紧急报警未与公安机关联网"]
    form["insurance_end"] = "2026-08-01"
    resp = client.post(reverse("safety:school", args=[school_a.pk]), form)
    assert resp.status_code == 200
    assert "保险止期不能早于保险起期" in resp.content.decode()
    school_a.safety_profile.refresh_from_db()
    assert school_a.safety_profile.insurance_end == dt.date(2027, 8, 31)
