"""等保 2.0 controls: lockout after repeated failures, password rules, idle session timeout, audit log access."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from jiaoyun.core.models import AuditEntry, User
from jiaoyun.core.tests.factories import UserFactory


def login(client, username, password):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_account_locks_after_the_failure_limit_and_unlocks_later(client, county_admin):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = login(client, "county_admin", "wrong-password1")
        assert response.status_code == 200
    # Now even the right password is refused, with the lockout message.
    response = login(client, "county_admin", "Jiaoyun2021")
    assert response.status_code == 200 and "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed", object_id=str(county_admin.pk)).count() == 6
    # When the lock has expired the right password works again and the counter is reset.
    User.objects.filter(pk=county_admin.pk).update(locked_until=timezone.now() - dt.timedelta(minutes=1))
    response = login(client, "county_admin", "Jiaoyun2021")
    assert response.status_code == 302
    county_admin.refresh_from_db()
    assert county_admin.failed_logins == 0 and county_admin.locked_until is None


def test_admin_login_is_locked_too(client, county_admin):
    User.objects.filter(pk=county_admin.pk).update(
        is_staff=True, locked_until=timezone.now() + dt.timedelta(minutes=10)
    )
    client.post(reverse("admin:login"), {"username": "county_admin", "password": "Jiaoyun2021"})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("password", "message"),
    [("abc12", "8"), ("abcdefghij", "字母和数字"), ("1234567890", "字母和数字"), ("password1", "常见")],
)
def test_weak_passwords_are_refused(db, password, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert any(message in m for m in exc.value.messages)


def test_a_strong_password_passes(db):
    assert validate_password("Shidian2021edu") is None  # a weak one raises ValidationError (above)


def test_idle_session_expires(client, principal):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert login(client, "principal", "Jiaoyun2021").status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    # 31 minutes without a request: the server-side session has expired.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_each_request_extends_the_session(client, principal):
    login(client, "principal", "Jiaoyun2021")
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    client.get(reverse("web:home"))
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > dt.timedelta(minutes=29)


def test_login_and_logout_are_audited(client, principal):
    login(client, "principal", "Jiaoyun2021")
    client.post(reverse("web:logout"))
    assert list(AuditEntry.objects.filter(actor=principal).values_list("action", flat=True).order_by("id")) == [
        "login",
        "logout",
    ]


def test_audit_page_for_audit_roles_only(client, county_admin, township_officer, students):
    auditor = UserFactory(username="auditor", role="audit_admin")
    client.force_login(auditor)
    response = client.get(reverse("web:audit"), {"object_type": "people.Student"})
    assert response.status_code == 200
    assert {e.object_type for e in response.context["page"]} == {"people.Student"}
    client.force_login(township_officer)
    assert client.get(reverse("web:audit")).status_code == 403
    # 三员分立: no business role reads the audit log, the county administrator included.
    client.force_login(county_admin)
    assert client.get(reverse("web:audit")).status_code == 403


def test_audit_page_query_count(client, county_admin, students, django_assert_max_num_queries):
    client.force_login(UserFactory(username="auditor", role="audit_admin"))
    # 8 for the page, plus one per model the entries name by id (ADR 0030: names looked up once per page —
    # here areas, schools, classes and students of the enrolment entries), not per entry.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("web:audit")).status_code == 200


def test_failed_logins_are_audited_with_ip_and_reason(client, county_admin):
    login(client, "county_admin", "wrong-password1")
    login(client, "nobody", "wrong-password1")
    notes = list(
        AuditEntry.objects.filter(action="login_failed").order_by("id").values_list("note", "ip", "object_repr")
    )
    assert notes == [("密码错误（连续第1次）", "127.0.0.1", str(county_admin)), ("用户名不存在", "127.0.0.1", "nobody")]
