from __future__ import annotations

import pytest

from jiaoyun.notices.selectors import notifications_for, unread_count
from jiaoyun.notices.services import notifications_mark_read, notify

pytestmark = pytest.mark.django_db


def test_notify_is_once_per_user_and_key(county_admin, township_officer):
    assert notify(users=[county_admin, township_officer], key="p:1:late:0", title="项目逾期") == 2
    assert notify(users=[county_admin, township_officer], key="p:1:late:0", title="项目逾期") == 0
    # the next escalation level is a new key, told once more
    assert notify(users=[county_admin], key="p:1:late:1", title="项目逾期（升级）", level=1) == 1
    assert unread_count(county_admin) == 2
    assert unread_count(township_officer) == 1


def test_inactive_users_are_not_told(county_admin):
    county_admin.is_active = False
    assert notify(users=[county_admin], key="k", title="t") == 0


def test_a_user_marks_only_their_own_read(county_admin, township_officer):
    notify(users=[county_admin, township_officer], key="k", title="t")
    other = notifications_for(township_officer).get()
    assert notifications_mark_read(user=county_admin, ids=[other.pk]) == 0
    assert notifications_mark_read(user=county_admin) == 1
    assert unread_count(county_admin) == 0
    assert unread_count(township_officer) == 1


def test_key_and_title_are_required(county_admin):
    with pytest.raises(ValueError):
        notify(users=[county_admin], key="", title="t")


def test_many_messages_are_told_with_a_fixed_number_of_queries(county_admin, township_officer, principal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiaoyun.notices.models import Notification
    from jiaoyun.notices.services import Message, notify_many

    notify(users=[township_officer], key="d:1", title="旧")  # already told under d:1
    messages = [
        Message(users=[county_admin, township_officer], key="d:1", title="决定1", url="/b/1/", level=1),
        Message(users=[principal, principal], key="d:2", title="决定2"),
        Message(users=[county_admin], key="d:3", title="决定3", module="bulletins"),
    ]
    with CaptureQueriesContext(connection) as small:
        assert notify_many(messages) == 3  # county_admin d:1, principal d:2 (once), county_admin d:3
    many = [Message(users=[county_admin, principal], key=f"e:{i}", title=f"决定{i}") for i in range(40)]
    with CaptureQueriesContext(connection) as large:
        assert notify_many(many) == 80
    assert len(large.captured_queries) == len(small.captured_queries)  # not one round per message
    assert notify_many(messages + many) == 0  # everyone already told
    told = Notification.objects.get(user=county_admin, key="d:1")
    assert (told.title, told.url, told.level) == ("决定1", "/b/1/", 1)
    assert Notification.objects.get(user=township_officer, key="d:1").title == "旧"
    assert Notification.objects.get(user=county_admin, key="d:3").module == "bulletins"
    with pytest.raises(ValueError):
        notify_many([Message(users=[county_admin], key="k", title="")])
