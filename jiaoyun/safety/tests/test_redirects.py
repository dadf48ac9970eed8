"""After a form, ``next`` may only lead back into this site (no open redirect)."""

import pytest

from jiaoyun.safety import services
from jiaoyun.safety.models import SafetyAlert

EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:evil.example", "javascript:alert(1)"]


@pytest.fixture
def alert(principal, school_a):
    device, _ = services.device_register(
        actor=principal, school=school_a, kind="alarm", name="门卫室一键报警", serial="ALM-0001", interval_seconds=300
    )
    services.device_event_record(device=device, kind="alarm_pressed")
    return SafetyAlert.objects.get()


@pytest.mark.parametrize("target", EVIL)
def test_alert_acknowledgement_does_not_redirect_off_site(client, principal, alert, target):
    client.force_login(principal)
    response = client.post(f"/safety/alerts/{alert.pk}/ack/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/safety/devices/"
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


def test_alert_acknowledgement_returns_to_the_page_it_came_from(client, principal, alert):
    client.force_login(principal)
    response = client.post(f"/safety/alerts/{alert.pk}/ack/", {"next": "/safety/devices/?kind=alarm"})
    assert response["Location"] == "/safety/devices/?kind=alarm"


@pytest.mark.parametrize("target", EVIL)
def test_login_does_not_redirect_off_site(client, principal, target):
    principal.set_password("Jiaoyun#2026pw")
    principal.save()
    response = client.post("/login/", {"username": "principal", "password": "Jiaoyun#2026pw", "next": target})
    assert response.status_code == 302
    assert "evil" not in response["Location"] and not response["Location"].startswith("javascript")


@pytest.mark.parametrize("target", EVIL)
def test_language_switch_does_not_redirect_off_site(client, principal, target):
    client.force_login(principal)
    response = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert "evil" not in response.get("Location", "")
