"""The inbox: a user reads (and marks read) only their own notifications; the bell shows their unread count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiaoyun.notices.bridge import alerts_bridge
from jiaoyun.notices.models import Notification
from jiaoyun.notices.services import notify

pytestmark = pytest.mark.django_db


def test_inbox_shows_only_the_users_own(client, township_officer, principal):
    notify(users=[township_officer], key="a", title="甸阳镇的消息")
    notify(users=[principal], key="b", title="校长的消息")
    client.force_login(township_officer)
    page = client.get(reverse("notices:inbox")).content.decode()
    assert "甸阳镇的消息" in page and "校长的消息" not in page
    assert ">1<" in client.get(reverse("notices:bell")).content.decode()


def test_mark_read_ignores_another_users_ids(client, township_officer, principal):
    notify(users=[township_officer, principal], key="a", title="t")
    theirs = Notification.objects.get(user=principal)
    client.force_login(township_officer)
    client.post(reverse("notices:mark_read"), {"id": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notices:mark_read"))
    assert Notification.objects.get(user=township_officer).read_at is not None
    assert Notification.objects.get(user=principal).read_at is None


def test_the_delivery_log_is_for_the_county_administrator(client, county_admin, township_officer):
    client.force_login(township_officer)
    assert client.get(reverse("notices:deliveries")).status_code == 403
    client.force_login(county_admin)
    assert client.get(reverse("notices:deliveries")).status_code == 200


def test_preferences_page_saves_the_users_own_channel(client, township_officer):
    township_officer.email = "t@example.org"
    township_officer.save()
    client.force_login(township_officer)
    response = client.post(reverse("notices:preferences"), {"email": "on", "modules": ["dropout"], "min_level": "0"})
    assert response.status_code == 302
    pref = township_officer.notice_preferences.get()
    assert (pref.channel, pref.is_active, pref.modules) == ("email", True, "dropout")


def test_offline_devices_are_bridged_to_the_school_and_township(school_a, principal, township_officer, class_teacher):
    from jiaoyun.safety.models import SafetyAlert

    alert = SafetyAlert.objects.create(school=school_a, kind="device_offline", message="校门摄像头离线",
                                       created_at=timezone.now())  # fmt: skip
    assert alerts_bridge() == 2
    assert alerts_bridge() == 0  # once per user and alert
    for user in (principal, township_officer):
        n = Notification.objects.get(user=user)
        assert (n.key, n.module) == (f"safety:alert:{alert.pk}", "safety")
    assert not Notification.objects.filter(user=class_teacher).exists()
    old = SafetyAlert.objects.create(school=school_a, kind="device_offline", message="旧",
                                     created_at=timezone.now() - dt.timedelta(days=30))  # fmt: skip
    alerts_bridge()
    assert not Notification.objects.filter(key=f"safety:alert:{old.pk}").exists()


def test_overdue_dropout_steps_are_bridged_without_the_childs_name(school_a, class_a1, village_a1, principal,
                                                                    township_officer, county_admin):  # fmt: skip
    from jiaoyun.core import idcard
    from jiaoyun.dropout import services as dropout
    from jiaoyun.dropout.services.deadlines import deadlines_check
    from jiaoyun.people.services import enrolment_record
    from jiaoyun.people.tests.factories import StudentFactory

    child = StudentFactory(name="杨小凤", sex="F", birth_date=dt.date(2015, 3, 1), hukou_village=village_a1,
                           id_number=idcard.make("530521", dt.date(2015, 3, 1), 102))  # fmt: skip
    enrolment_record(actor=None, student=child, kind="enrol", date=dt.date(2021, 9, 1), school=school_a, grade=1,
                     school_class=class_a1)  # fmt: skip
    case = dropout.case_open(actor=county_admin, student=child, on=dt.date(2021, 11, 2))
    dropout.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=dt.date(2021, 11, 3))
    dropout.case_start_return(actor=county_admin, case=case, on=dt.date(2021, 11, 4))
    assert deadlines_check(on=dt.date(2021, 11, 20)) > 0
    assert alerts_bridge(on=dt.date(2021, 11, 20)) > 0
    told = Notification.objects.filter(module="dropout")
    assert {n.user_id for n in told} >= {principal.pk, township_officer.pk}
    assert all("杨小凤" not in n.title + n.body for n in told)
    assert all(n.url == reverse("dropout:case", args=[case.pk]) for n in told)
