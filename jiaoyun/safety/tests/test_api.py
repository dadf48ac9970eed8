import pytest

from jiaoyun.safety import services
from jiaoyun.safety.models import Hazard


@pytest.fixture
def hazard(principal, school_a, soon):
    return services.hazard_open(
        actor=principal, school=school_a, title="校门损坏", severity="high", responsible=principal, deadline=soon
    )


def test_hazard_list_is_scoped(client, hazard, principal, outsider, township_officer, django_assert_max_num_queries):
    client.force_login(township_officer)
    with django_assert_max_num_queries(8):
        resp = client.get("/api/safety/hazards")
    assert resp.status_code == 200
    assert [h["title"] for h in resp.json()["items"]] == ["校门损坏"]
    client.force_login(outsider)
    assert client.get("/api/safety/hazards").status_code == 403


def test_close_without_verification_is_400_with_message(client, hazard, township_officer):
    client.force_login(township_officer)
    resp = client.post(f"/api/safety/hazards/{hazard.pk}/close", {"note": ""}, content_type="application/json")
    assert resp.status_code == 400
    assert "未经复查验收" in resp.json()["detail"]
    assert Hazard.objects.get().status == "open"


def test_verify_through_api(client, hazard, principal, township_officer, photo):
    client.force_login(principal)
    resp = client.post(f"/api/safety/hazards/{hazard.pk}/rectify", {"note": "修好", "files": [photo]})
    assert resp.status_code == 200 and resp.json()["status"] == "rectified"
    resp = client.post(f"/api/safety/hazards/{hazard.pk}/verify", {"passed": True}, content_type="application/json")
    assert resp.status_code == 400 and "整改人不能复查" in resp.json()["detail"]
    client.force_login(township_officer)
    resp = client.post(f"/api/safety/hazards/{hazard.pk}/verify", {"passed": True}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["status"] == "verified"


def test_compliance_and_bulletin_endpoints(client, county_admin, school_a):
    services.compliance_compute()
    client.force_login(county_admin)
    rows = client.get("/api/safety/compliance").json()["items"]
    assert rows[0]["school"] == "甸阳镇中心小学" and "未建立平安校园档案" in rows[0]["gaps"]
    assert client.get("/api/safety/compliance/townships").json()[0]["rate"] == 0.0
    data = client.get("/api/safety/bulletin", {"month": "2026-11"}).json()
    assert data["title"] == "2026年11月平安校园情况"
    assert client.get("/api/safety/bulletin", {"month": "bad"}).status_code == 400
