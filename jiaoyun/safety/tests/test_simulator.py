import io

import pytest
from django.core.management import CommandError, call_command

from jiaoyun.safety.models import Device, DeviceEvent


def test_simulator_refuses_non_loopback_urls(db):
    with pytest.raises(CommandError, match="回环地址"):
        call_command("simulate_devices", url="http://example.com", devices=1, duration=0)


def test_simulator_drives_real_requests_through_the_endpoint(live_server, school_a, school_b):
    out = io.StringIO()
    call_command(
        "simulate_devices",
        url=live_server.url,
        devices=3,
        duration=0.3,
        interval=0.1,
        event_rate=1.0,
        seed=7,
        stdout=out,
    )
    text = out.getvalue()
    assert "无签名→401" in text
    assert "冒用签名→403" in text
    assert "首次发送→200" in text
    assert "重放消息→401" in text
    assert "过期消息→401" in text
    assert "心跳→200" in text
    assert "→201" in text
    sims = Device.objects.filter(serial__startswith="SIM-")
    assert sims.count() == 3
    assert all(d.is_online and d.last_seen_at for d in sims)
    assert DeviceEvent.objects.filter(device__in=sims).count() >= 3
