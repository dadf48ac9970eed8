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
