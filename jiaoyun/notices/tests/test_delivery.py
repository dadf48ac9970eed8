"""Delivery to 钉钉 / 企业微信 group robots, email and SMS, against a local fake receiver; retries with backoff;
routing by preferences and groups."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import pytest
from django.core import mail
from django.utils import timezone

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.notices import channels
from jiaoyun.notices.models import Delivery, DeliveryStatus, Preference, Robot
from jiaoyun.notices.services import backoff_seconds, deliveries_plan, deliveries_send, notify, preference_set
from jiaoyun.notices.tests.receiver import Receiver

pytestmark = pytest.mark.django_db
SECRET = "SECtest0123456789abcdef"
NOW = timezone.now()


def test_dingtalk_signature_matches_the_documented_algorithm():
    # HMAC-SHA256(key=secret, "timestamp\nsecret"), base64, then URL-encoded into the query
    sign = channels.dingtalk_sign("SECabc", 1577836800000)
    # computed independently: printf "1577836800000\nSECabc" | openssl dgst -sha256 -hmac SECabc -binary | base64
    assert sign == "u2P4poOf3lkvTxhssKEUFLdQMNQCMWCzdFRy9n4Pom4="
    url = channels.dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1577836800000)
    assert url.endswith("&timestamp=1577836800000&sign=" + urllib.parse.quote_plus(sign))
    assert "+" not in url.split("sign=")[1] and "=" not in url.split("sign=")[1]


def _robot(receiver: Receiver, township, *, channel="dingtalk", secret=SECRET, **kw) -> Robot:
    path = "/robot/send?access_token=tok" if channel == "dingtalk" else "/cgi-bin/webhook/send?key=KEY1"
    return Robot.objects.create(name="甸阳镇工作群", channel=channel, webhook=receiver.base + path, secret=secret,
                                township=township, **kw)  # fmt: skip


def test_a_late_task_reaches_the_township_dingtalk_group_signed(township_a, township_officer, principal):
    with Receiver(secret=SECRET) as rx:
        _robot(rx, township_a)
        notify(users=[township_officer, principal], key="task:7:late:0", title="任务逾期：校舍维修", url="/supervision/7/",
               module="supervision")  # fmt: skip
        assert deliveries_plan(now=NOW) == 1  # one message to the group, however many of its users were told
        assert deliveries_send(now=timezone.now()) == {"sent": 1, "retry": 0, "failed": 0}
    assert rx.rejected == []
    [got] = rx.received
    assert got["body"]["msgtype"] == "markdown" and "任务逾期：校舍维修" in got["body"]["markdown"]["text"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_wrong_secret_is_rejected_and_retried(township_a, township_officer):
    with Receiver(secret=SECRET) as rx:
        _robot(rx, township_a, secret="SECwrong")
        notify(users=[township_officer], key="k1", title="t")
        deliveries_plan(now=NOW)
        assert deliveries_send(now=NOW) == {"sent": 0, "retry": 1, "failed": 0}
    d = Delivery.objects.get()
    assert rx.rejected == ["/robot/send"] and rx.received == []
    assert (d.status, d.attempts, d.next_attempt_at) == (DeliveryStatus.PENDING, 1, NOW + dt.timedelta(seconds=60))
    assert "310000" in d.last_error


def test_wecom_robot_key_in_the_url(township_a, township_officer):
    with Receiver(wecom_key="KEY1") as rx:
        _robot(rx, township_a, channel="wecom", secret="")
        notify(users=[township_officer], key="k2", title="整改期限将至", url="/bulletins/decisions/1/")
        deliveries_plan(now=NOW)
        assert deliveries_send(now=NOW)["sent"] == 1
    assert "整改期限将至" in rx.received[0]["body"]["markdown"]["content"]


def test_backoff_doubles_then_gives_up(township_a, township_officer):
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    with Receiver(secret=SECRET, status=500) as rx:
        _robot(rx, township_a)
        notify(users=[township_officer], key="k3", title="t")
        deliveries_plan(now=NOW)
        when = NOW
        waits = []
        for _ in range(5):
            assert deliveries_send(now=when - dt.timedelta(seconds=1))["sent"] == 0  # not due yet: untouched
            deliveries_send(now=when)
            d = Delivery.objects.get()
            if d.status == DeliveryStatus.PENDING:
                waits.append(int((d.next_attempt_at - when).total_seconds()))
                when = d.next_attempt_at
    assert waits == [60, 120, 240, 480]
    assert (d.status, d.attempts, d.last_error) == (DeliveryStatus.FAILED, 5, "HTTP 500")


def test_preferences_route_by_module_and_level(township_a, township_officer, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "NOTICES_SMS_GATEWAY": "jiaoyun.notices.channels.FakeSmsGateway"}
    channels.FakeSmsGateway.outbox.clear()
    township_officer.email, township_officer.phone = "ty@example.org", "13800000000"
    township_officer.save()
    preference_set(actor=township_officer, channel="email", is_active=True, modules=["dropout"])
    preference_set(actor=township_officer, channel="sms", is_active=True, min_level=1)
    notify(users=[township_officer], key="a", title="控辍保学第2步逾期", module="dropout", url="/dropout/cases/1/")
    notify(users=[township_officer], key="b", title="设备离线", module="safety")
    notify(users=[township_officer], key="c", title="设备离线（上报）", module="safety", level=1)
    deliveries_plan(now=NOW)
    routes = sorted(Delivery.objects.values_list("key", "channel"))
    assert routes == [("a", "email"), ("c", "sms")]
    assert deliveries_send(now=NOW)["sent"] == 2
    assert [m.subject for m in mail.outbox] == ["【教云】控辍保学第2步逾期"]
    assert channels.FakeSmsGateway.outbox == [("13800000000", "【教云】设备离线（上报）")]


def test_groups_are_a_robot_per_township_or_section(township_a, township_b, township_officer, county):
    supervision = UserFactory(role=Role.BUREAU_STAFF, section=Section.SUPERVISION)
    other = UserFactory(role=Role.TOWNSHIP_OFFICER, area=township_b)
    a = Robot.objects.create(name="甸阳镇", channel="wecom", webhook="http://127.0.0.1:9/a", township=township_a)
    s = Robot.objects.create(name="督导室", channel="dingtalk", webhook="http://127.0.0.1:9/s",
                             section=Section.SUPERVISION, modules="bulletins")  # fmt: skip
    notify(users=[township_officer, other, supervision], key="x", title="通报", module="bulletins")
    notify(users=[supervision], key="y", title="控辍", module="dropout")
    deliveries_plan(now=NOW)
    assert sorted(Delivery.objects.values_list("route", "key")) == sorted(
        [(f"robot:{a.pk}", "x"), (f"robot:{s.pk}", "x")]
    )


def test_planning_is_once(township_a, township_officer):
    Robot.objects.create(name="甸阳镇", channel="wecom", webhook="http://127.0.0.1:9/a", township=township_a)
    notify(users=[township_officer], key="x", title="t")
    assert deliveries_plan(now=NOW) == 1
    assert deliveries_plan(now=NOW) == 0


def test_personal_channels_need_an_address(township_officer):
    from jiaoyun.core.errors import DomainError

    with pytest.raises(DomainError, match="电子邮箱"):
        preference_set(actor=township_officer, channel="email", is_active=True)
    with pytest.raises(DomainError, match="群机器人"):
        preference_set(actor=township_officer, channel="wecom", is_active=True)
    assert not Preference.objects.exists()
