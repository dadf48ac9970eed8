"""Alerts: overdue plan milestones and 整改 through the in-app notices, one level more each week overdue."""

import pytest

from jiaoyun.core.choices import Role
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.notices.models import Notification
from jiaoyun.supervision import services
from jiaoyun.supervision.models import Rectification
from jiaoyun.supervision.services import alert_level
from jiaoyun.supervision.tests.conftest import D, make_item

pytestmark = pytest.mark.django_db


def test_escalation_dates():
    due = D(2021, 6, 30)
    assert alert_level(due, D(2021, 6, 30)) is None  # due today: not overdue
    assert alert_level(due, D(2021, 7, 1)) == 0  # 1 day
    assert alert_level(due, D(2021, 7, 7)) == 0  # 7 days
    assert alert_level(due, D(2021, 7, 8)) == 1  # 8 days: 督导室
    assert alert_level(due, D(2021, 7, 14)) == 1
    assert alert_level(due, D(2021, 7, 15)) == 2  # 15 days: the director
    assert alert_level(due, D(2021, 9, 1)) == 2  # capped


def test_a_late_task_reaches_its_owners_then_climbs(plan, basic_staff, office, county_admin, safety_staff):
    make_item(plan, number=1, section="basic", due=[D(2021, 6, 30)])
    assert services.alerts_run(on=D(2021, 7, 1)) == 1
    assert list(Notification.objects.values_list("user__username", "level")) == [("basic", 0)]
    assert services.alerts_run(on=D(2021, 7, 2)) == 0  # once per level
    services.alerts_run(on=D(2021, 7, 8))
    assert set(Notification.objects.filter(level=1).values_list("user__username", flat=True)) == {"basic", "office"}
    services.alerts_run(on=D(2021, 7, 15))
    assert set(Notification.objects.filter(level=2).values_list("user__username", flat=True)) == {
        "basic",
        "office",
        "county_admin",
    }
    assert not Notification.objects.filter(user=safety_staff).exists()
    n = Notification.objects.filter(level=2, user=county_admin).get()
    assert n.key.endswith(":L2") and "逾期15天" in n.title and n.url.startswith("/supervision/items/")


def test_an_overdue_rectification_reaches_the_school_then_the_inspector(  # 3, 10 and 20 days overdue
    school_a, principal, township_officer, inspector, office
):
    Rectification.objects.create(school=school_a, finding="围墙", deadline=D(2021, 6, 30), opened_on=D(2021, 6, 1),
                                 responsible=principal, verifier=inspector)  # fmt: skip
    UserFactory(username="other_township", role=Role.TOWNSHIP_OFFICER)  # not of this township
    services.alerts_run(on=D(2021, 7, 3))
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"principal", "township_officer"}
    services.alerts_run(on=D(2021, 7, 10))
    assert set(Notification.objects.filter(level=1).values_list("user__username", flat=True)) == {
        "principal",
        "township_officer",
        "inspector",
    }
    services.alerts_run(on=D(2021, 7, 20))
    assert "office" in set(Notification.objects.filter(level=2).values_list("user__username", flat=True))
