"""Device messages are signed, timestamped and carry a nonce: replayed, stale, future-dated or tampered messages are
refused, and failed device authentication is audited (one entry per device and address per minute)."""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from jiaoyun.core.models import AuditEntry
from jiaoyun.safety import device_protocol, services
from jiaoyun.safety.models import DeviceEvent, DeviceNonce


@pytest.fixture
def alarm(principal, school_a):
    return services.device_register(
        actor=principal, school=school_a, kind="alarm", name="门卫室一键报警", serial="ALM-0001", interval_seconds=300
    )


def signed(token, path, body, **sign):
    data = json.dumps(body).encode()
    return data, device_protocol.sign(serial="ALM-0001", token=token, method="POST", path=path, body=data, **sign)


def send(client, path, data, headers):
    return client.post(path, data=data, content_type="application/json", headers=headers)


def failures():
    return AuditEntry.objects.filter(action="login_failed", object_type="safety.Device")


def test_a_signed_fresh_message_is_accepted(client, alarm):
    data, headers = signed(alarm[1], "/devices/events", {"serial": "ALM-0001", "kind": "alarm_pressed"})
    assert send(client, "/devices/events", data, headers).status_code == 201
    assert DeviceEvent.objects.count() == 1


def test_a_replayed_message_is_refused(client, alarm):
    data, headers = signed(alarm[1], "/devices/events", {"serial": "ALM-0001", "kind": "alarm_pressed"})
    assert send(client, "/devices/events", data, headers).status_code == 201
    again = send(client, "/devices/events", data, headers)
    assert again.status_code == 401 and "重复" in again.json()["detail"]
    assert DeviceEvent.objects.count() == 1


def test_a_stale_message_is_refused(client, alarm, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "SAFETY_DEVICE_MESSAGE_WINDOW_SECONDS": 300}
    data, headers = signed(alarm[1], "/devices/heartbeat", {}, timestamp=int(time.time()) - 301)
    resp = send(client, "/devices/heartbeat", data, headers)
    assert resp.status_code == 401 and "过期" in resp.json()["detail"]
    data, headers = signed(alarm[1], "/devices/heartbeat", {}, timestamp=int(time.time()) - 290)
    assert send(client, "/devices/heartbeat", data, headers).status_code == 200


def test_a_message_from_the_future_is_refused(client, alarm):
    data, headers = signed(alarm[1], "/devices/heartbeat", {}, timestamp=int(time.time()) + 600)
    resp = send(client, "/devices/heartbeat", data, headers)
    assert resp.status_code == 401 and "超前" in resp.json()["detail"]


def test_a_tampered_body_or_path_is_refused(client, alarm):
    data, headers = signed(alarm[1], "/devices/heartbeat", {"serial": "ALM-0001"})
    assert send(client, "/devices/events", data, headers).status_code == 401  # signed for another path
    tampered = data.replace(b"}", b', "kind": "alarm_pressed"}')
    assert send(client, "/devices/heartbeat", tampered, headers).status_code == 401


@pytest.mark.parametrize("header", [device_protocol.TIMESTAMP, device_protocol.NONCE, device_protocol.SIGNATURE])
def test_each_signature_header_is_required(client, alarm, header):
    data, headers = signed(alarm[1], "/devices/heartbeat", {})
    del headers[header]
    assert send(client, "/devices/heartbeat", data, headers).status_code == 401


def test_failed_authentication_is_audited_once_per_device_and_address_per_minute(client, alarm):
    for _ in range(5):
        data, headers = signed("dev_wrong", "/devices/heartbeat", {})
        assert send(client, "/devices/heartbeat", data, headers).status_code == 401
    entry = failures().get()
    assert entry.object_id == str(alarm[0].pk) and entry.ip == "127.0.0.1"
    assert "签名无效" in entry.note
    # another address is a separate entry; so is an unknown device
    data, headers = signed("dev_wrong", "/devices/heartbeat", {})
    client.post("/devices/heartbeat", data=data, content_type="application/json", headers=headers,
                REMOTE_ADDR="10.0.0.9")  # fmt: skip
    client.post("/devices/heartbeat", data=data, content_type="application/json",
                headers={**headers, device_protocol.SERIAL: "NOPE-1"})  # fmt: skip
    assert failures().count() == 3
    # a minute later the same device and address is audited again
    later = timezone.now() + dt.timedelta(seconds=61)
    assert services.device_auth_failure_record(serial="ALM-0001", ip="127.0.0.1", reason="x", now=later)
    assert not services.device_auth_failure_record(serial="ALM-0001", ip="127.0.0.1", reason="x", now=later)


def test_replays_and_stale_messages_are_audited(client, alarm):
    data, headers = signed(alarm[1], "/devices/heartbeat", {})
    send(client, "/devices/heartbeat", data, headers)
    send(client, "/devices/heartbeat", data, headers)
    assert "重复" in failures().get().note


def test_old_nonces_are_purged_set_based(client, alarm, django_assert_max_num_queries):
    now = timezone.now()
    DeviceNonce.objects.bulk_create(
        [DeviceNonce(serial="ALM-0001", nonce=f"old-nonce-{i:08d}", sent_at=now - dt.timedelta(hours=1))
         for i in range(50)]
        + [DeviceNonce(serial="ALM-0001", nonce="recent-nonce-0001", sent_at=now)]
    )  # fmt: skip
    with django_assert_max_num_queries(3):
        assert services.device_nonces_purge(now=now) == 50
    assert list(DeviceNonce.objects.values_list("nonce", flat=True)) == ["recent-nonce-0001"]


def test_a_purged_nonce_still_cannot_be_replayed(client, alarm):
    data, headers = signed(alarm[1], "/devices/heartbeat", {})
    assert send(client, "/devices/heartbeat", data, headers).status_code == 200
    # long after: the nonce is purged, but the message is now stale
    later = timezone.now() + dt.timedelta(hours=1)
    services.device_nonces_purge(now=later)
    with pytest.raises(services.DeviceAuthError, match="过期"):
        services.device_message_authenticate(
            serial="ALM-0001", timestamp=headers[device_protocol.TIMESTAMP], nonce=headers[device_protocol.NONCE],
            signature=headers[device_protocol.SIGNATURE], method="POST", path="/devices/heartbeat", body=data,
            now=later,
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_copies_of_a_message_pass_once(principal, school_a):
    """Two copies of one signed message arriving at once: the unique nonce lets exactly one through."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions: PostgreSQL")
    _, token = services.device_register(actor=principal, school=school_a, kind="alarm", name="报警",
                                        serial="ALM-0001")  # fmt: skip
    data, headers = signed(token, "/devices/heartbeat", {})
    barrier, results = threading.Barrier(2), []

    def deliver():
        try:
            barrier.wait(timeout=10)
            services.device_message_authenticate(
                serial="ALM-0001", timestamp=headers[device_protocol.TIMESTAMP], nonce=headers[device_protocol.NONCE],
                signature=headers[device_protocol.SIGNATURE], method="POST", path="/devices/heartbeat", body=data,
            )  # fmt: skip
            results.append("ok")
        except services.DeviceAuthError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(results) == ["ok", "重复的消息（随机数已使用），已拒绝"]
    assert DeviceNonce.objects.filter(serial="ALM-0001").count() == 1


def test_the_offline_check_purges_old_nonces(alarm):
    DeviceNonce.objects.create(
        serial="ALM-0001", nonce="old-nonce-00000001", sent_at=timezone.now() - dt.timedelta(hours=1)
    )
    services.devices_check_offline()
    assert not DeviceNonce.objects.exists()
