import datetime as dt
import json

import pytest
from django.utils import timezone

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.safety import device_protocol, services
from jiaoyun.safety.models import Device, DeviceEvent, SafetyAlert


@pytest.fixture
def alarm(principal, school_a):
    return services.device_register(
        actor=principal, school=school_a, kind="alarm", name="门卫室一键报警", serial="ALM-0001", interval_seconds=300
    )


@pytest.fixture
def camera(principal, school_a):
    return services.device_register(
        actor=principal, school=school_a, kind="camera", name="校门摄像头", serial="CAM-0001", interval_seconds=60
    )


def _post(client, path, token, body, *, serial=None, **sign):
    """POST ``body`` signed with ``token`` as device ``serial`` (default: the body's serial, else ALM-0001)."""
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    headers = {}
    if token is not None:
        serial = serial or (body.get("serial") if isinstance(body, dict) else None) or "ALM-0001"
        headers = device_protocol.sign(serial=serial, token=token, method="POST", path=path, body=data, **sign)
    return client.post(path, data=data, content_type="application/json", headers=headers)


def test_only_the_token_hash_is_stored(alarm):
    device, token = alarm
    assert token.startswith("dev_") and len(token) > 40
    assert token not in device.token_hash and len(device.token_hash) == 64
    assert services.device_authenticate(token) == device
    assert services.device_authenticate(token + "x") is None


def test_heartbeat_with_valid_token_marks_device_online(client, alarm):
    device, token = alarm
    resp = _post(client, "/devices/heartbeat", token, {"serial": "ALM-0001"})
    assert resp.status_code == 200
    device.refresh_from_db()
    assert device.is_online and device.last_seen_at is not None


@pytest.mark.parametrize("token", [None, "", "dev_wrong"])
def test_missing_or_wrong_token_is_401(client, alarm, token):
    resp = _post(client, "/devices/heartbeat", token, {"serial": "ALM-0001"})
    assert resp.status_code == 401
    assert resp["WWW-Authenticate"].startswith("JY-HMAC-SHA256")
    assert not Device.objects.get(serial="ALM-0001").is_online


def test_the_token_itself_is_no_longer_accepted_as_a_bearer(client, alarm):
    _, token = alarm
    resp = client.post("/devices/heartbeat", data="{}", content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert resp.status_code == 401


def test_token_of_another_device_cannot_post_for_this_device(client, alarm, camera):
    _, cam_token = camera
    # signed with the camera's token but claiming to be the alarm: the signature does not match
    resp = _post(client, "/devices/events", cam_token, {"serial": "ALM-0001", "kind": "alarm_pressed"})
    assert resp.status_code == 401
    # signed as the camera, with a body naming the alarm
    resp = _post(client, "/devices/events", cam_token, {"serial": "ALM-0001", "kind": "alarm_pressed"},
                 serial="CAM-0001")  # fmt: skip
    assert resp.status_code == 403
    assert DeviceEvent.objects.count() == 0


def test_event_creates_alert(client, alarm):
    device, token = alarm
    resp = _post(
        client,
        "/devices/events",
        token,
        {"serial": "ALM-0001", "kind": "alarm_pressed", "at": "2026-11-28T08:00:00+08:00"},
    )
    assert resp.status_code == 201
    event = DeviceEvent.objects.get()
    assert event.kind == "alarm_pressed" and event.device == device
    alert = SafetyAlert.objects.get()
    assert alert.kind == "alarm_pressed"
    assert "门卫室一键报警报告“报警按下”" in alert.message


def test_bad_event_kind_and_bad_json_are_400(client, alarm):
    _, token = alarm
    assert _post(client, "/devices/events", token, {"kind": "explode"}).status_code == 400
    assert _post(client, "/devices/events", token, b"{").status_code == 400
    assert client.get("/devices/heartbeat").status_code == 405


def test_rotated_token_replaces_the_old(client, principal, alarm):
    device, old = alarm
    new = services.device_token_rotate(actor=principal, device=device)
    assert _post(client, "/devices/heartbeat", old, {}).status_code == 401
    assert _post(client, "/devices/heartbeat", new, {}).status_code == 200


def test_silent_device_goes_offline_with_one_alert(alarm, camera):
    alarm_dev, _ = alarm
    cam_dev, _ = camera
    t0 = timezone.now()
    services.device_heartbeat(device=alarm_dev, at=t0)
    services.device_heartbeat(device=cam_dev, at=t0)

    # after 2 minutes: the camera (60 s interval) is overdue, the alarm (300 s) is not
    assert services.devices_check_offline(now=t0 + dt.timedelta(minutes=2)) == 1
    cam_dev.refresh_from_db()
    alarm_dev.refresh_from_db()
    assert not cam_dev.is_online and cam_dev.offline_since is not None
    assert alarm_dev.is_online
    assert SafetyAlert.objects.filter(kind="device_offline", device=cam_dev).count() == 1
    # already flagged: no second alert
    assert services.devices_check_offline(now=t0 + dt.timedelta(minutes=3)) == 0
    # two hours later the alarm is offline too
    assert services.devices_check_offline(now=t0 + dt.timedelta(hours=2)) == 1
    # a heartbeat brings the camera back
    services.device_heartbeat(device=cam_dev)
    cam_dev.refresh_from_db()
    assert cam_dev.is_online and cam_dev.offline_since is None


def test_check_offline_command(alarm, capsys):
    from django.core.management import call_command

    device, _ = alarm
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - dt.timedelta(hours=2), is_online=True)
    call_command("check_devices")
    assert "1" in capsys.readouterr().out
    device.refresh_from_db()
    assert not device.is_online


def test_principal_cannot_register_device_for_another_school(principal, school_b):
    with pytest.raises(PermissionDenied):
        services.device_register(actor=principal, school=school_b, kind="alarm", name="x", serial="X-1")


def test_daily_command_and_tasks_run_the_services(alarm, school_a, capsys):
    from django.core.management import call_command

    from jiaoyun.safety.tasks import compliance_compute_task, devices_check_offline_task, hazards_escalate_overdue_task

    device, _ = alarm
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - dt.timedelta(hours=1), is_online=True)
    assert devices_check_offline_task.call() == 1
    assert hazards_escalate_overdue_task.call() == 0
    assert compliance_compute_task.call() >= 1
    call_command("safety_daily")
    out = capsys.readouterr().out
    assert "达标结果" in out and "新标记离线设备：0" in out
