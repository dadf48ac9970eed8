"""等保 2.0 level-3 identity controls (GB/T 22239-2019 8.1.4.1 身份鉴别) and the three administrators
(8.1.4.2 访问控制, 三员分立): lockout under concurrency and per address, the security policy, password change and
expiry, validators on every path, dormant accounts, the absolute session lifetime, TOTP for the administrative
roles, and the audit of logins on every path."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from jiaoyun.core import accounts
from jiaoyun.core.models import AuditEntry, LoginFailure, SecurityPolicy, TotpDevice, User
from jiaoyun.core.security_policy import policy_get, policy_update
from jiaoyun.core.tests.factories import PASSWORD, UserFactory

NEW = "Xinmima2024zz"


def login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("web:login"), {"username": username, "password": password}, **extra)


def staff(role, username=None):
    return UserFactory(username=username or role, role=role, is_staff=True)


@pytest.fixture
def secadmin(db):
    return staff("security_admin", "secadmin")


@pytest.fixture
def sysadmin(db):
    return staff("system_admin", "sysadmin")


@pytest.fixture
def auditor(db):
    return staff("audit_admin", "auditor")


def set_policy(secadmin, **values):
    return policy_update(actor=secadmin, values=values)


def totp_code(user, at=None):
    secret = accounts.totp_secret(TotpDevice.objects.get(user=user))
    return pyotp.TOTP(secret).at(at or timezone.now())


# ---- 登录失败处理: atomic per-account count, per-address throttle ------------------------------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_each_count(secadmin):
    set_policy(secadmin, lockout_limit=10, ip_failure_limit=1000)
    victim = UserFactory(username="victim", role="principal")
    n = 12
    # The limit is 10: the 12 attempts race past the lock check together, and every one of them must count.
    barrier = threading.Barrier(n)
    statuses: list[int] = []

    def attempt(i: int) -> None:
        try:
            client = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
            barrier.wait()
            statuses.append(login(client, "victim", "wrong-password1").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    victim.refresh_from_db()
    assert statuses == [200] * n
    failed = AuditEntry.objects.filter(action="login_failed", object_id=str(victim.pk))
    locked_refusals = failed.filter(note="账号已锁定").count()
    assert victim.failed_logins + locked_refusals == n
    assert failed.count() == n and LoginFailure.objects.filter(username="victim").count() == n
    assert victim.locked_until is not None and victim.locked_until > timezone.now()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_below_the_limit_count_exactly(secadmin):
    set_policy(secadmin, lockout_limit=10, ip_failure_limit=1000)
    victim = UserFactory(username="victim", role="principal")
    n = 8
    barrier = threading.Barrier(n)

    def attempt() -> None:
        try:
            client = Client()
            barrier.wait()
            login(client, "victim", "wrong-password1")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    victim.refresh_from_db()
    assert victim.failed_logins == n and victim.locked_until is None
    notes = sorted(AuditEntry.objects.filter(action="login_failed").values_list("note", flat=True))
    assert notes == sorted(f"密码错误（连续第{i}次）" for i in range(1, n + 1))


def test_many_user_names_from_one_address_are_throttled(client, secadmin, principal):
    set_policy(secadmin, ip_failure_limit=5, ip_window_minutes=15)
    for i in range(5):
        login(client, f"guess{i}", "wrong-password1", REMOTE_ADDR="203.0.113.9")
    # The address is now refused, even with a right password, before any password is checked.
    response = login(client, "principal", PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200 and "此地址登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed", note__contains="来源地址").count() == 1
    principal.refresh_from_db()
    assert principal.failed_logins == 0  # the account itself is not punished for the address
    # Another address logs in; and once the window has passed, the first one may try again.
    assert login(Client(), "principal", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert login(Client(), "principal", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_lockout_limit_comes_from_the_policy(client, secadmin, principal):
    set_policy(secadmin, lockout_limit=3, lockout_minutes=60)
    for _ in range(3):
        login(client, "principal", "wrong-password1")
    response = login(client, "principal", PASSWORD)
    assert "账号已锁定60分钟" in response.content.decode()


# ---- 三员分立 --------------------------------------------------------------------------------------------------


def test_only_the_system_administrator_manages_accounts(client, sysadmin, secadmin, auditor, county_admin):
    county_admin.is_staff = True
    county_admin.save()
    root = UserFactory(username="root", role="none", is_staff=True, is_superuser=True)
    for user in (county_admin, secadmin, auditor, root):
        client.force_login(user)
        assert client.get(reverse("admin:core_user_changelist")).status_code == 403, user.role
        assert client.get(reverse("admin:core_user_add")).status_code == 403, user.role
    client.force_login(sysadmin)
    assert client.get(reverse("admin:core_user_changelist")).status_code == 200
    assert client.get(reverse("admin:core_user_add")).status_code == 200


def test_system_administrator_sees_no_people_or_audit(client, sysadmin, students):
    client.force_login(sysadmin)
    assert client.get(reverse("admin:people_student_changelist")).status_code == 403
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:core_securitypolicy_changelist")).status_code == 403
    assert client.get(reverse("web:audit")).status_code == 403


def test_audit_administrator_reads_the_audit_log_only(client, auditor, students):
    client.force_login(auditor)
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    assert client.get(reverse("web:audit")).status_code == 200
    assert client.get(reverse("admin:core_user_changelist")).status_code == 403
    assert client.get(reverse("admin:core_securitypolicy_changelist")).status_code == 403
    assert client.get(reverse("admin:people_student_changelist")).status_code == 403


def test_no_business_role_reads_the_audit_log(client, county_admin):
    county_admin.is_staff = True
    county_admin.save()
    client.force_login(county_admin)
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 403
    assert client.get(reverse("web:audit")).status_code == 403


def test_the_superuser_flag_gives_no_data_scope(db):
    root = UserFactory(username="root", role="none", is_superuser=True)
    assert root.scope_level == "none"


def test_system_administrator_cannot_make_a_superuser_nor_change_their_own_role(client, sysadmin, township_a):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:core_user_add"),
        {"username": "officer9", "password1": "Shidian2021x", "password2": "Shidian2021x", "usable_password": "true",
         "display_name": "乡镇九", "role": "township_officer", "section": "", "area": township_a.pk,
         "is_superuser": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(username="officer9")
    assert not created.is_superuser
    assert created.password_changed_at is None  # set by an administrator: changed by its owner at first login
    form = client.get(reverse("admin:core_user_change", args=[sysadmin.pk])).context["adminform"].form
    assert "role" not in form.fields and "is_active" not in form.fields


def test_admin_password_forms_apply_the_validators(client, sysadmin, principal):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:core_user_add"),
        {"username": "weak1", "password1": "abc123", "password2": "abc123", "usable_password": "true",
         "display_name": "弱", "role": "principal", "section": ""},
    )  # fmt: skip
    assert response.status_code == 200 and not User.objects.filter(username="weak1").exists()
    url = reverse("admin:auth_user_password_change", args=[principal.pk])
    response = client.post(url, {"password1": "password", "password2": "password", "usable_password": "true"})
    assert response.status_code == 200
    principal.refresh_from_db()
    assert principal.check_password(PASSWORD)
    # A valid reset works, is audited, and forces the owner to change it at the next login.
    assert client.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"}).status_code == 302
    principal.refresh_from_db()
    assert principal.password_changed_at is None
    assert AuditEntry.objects.filter(note="管理员重置密码", object_id=str(principal.pk), actor=sysadmin).exists()
    other = Client()
    assert login(other, "principal", NEW).status_code == 302
    assert other.get(reverse("web:home"))["Location"] == reverse("web:password_change")


def test_user_admin_actions_are_audited(client, sysadmin, principal):
    User.objects.filter(pk=principal.pk).update(failed_logins=5, locked_until=timezone.now() + dt.timedelta(hours=1))
    client.force_login(sysadmin)
    changelist = reverse("admin:core_user_changelist")
    client.post(changelist, {"action": "unlock", "_selected_action": [principal.pk]})
    client.post(changelist, {"action": "deactivate", "_selected_action": [principal.pk, sysadmin.pk]})
    principal.refresh_from_db()
    sysadmin.refresh_from_db()
    assert principal.locked_until is None and principal.failed_logins == 0 and not principal.is_active
    assert sysadmin.is_active  # not their own account
    notes = set(AuditEntry.objects.filter(object_id=str(principal.pk)).values_list("note", flat=True))
    assert {"解除登录锁定", "停用账号"} <= notes


def test_security_administrator_edits_the_policy_and_it_is_audited(client, secadmin, sysadmin, county_admin):
    for user in (sysadmin, county_admin):
        user.is_staff = True
        user.save()
        client.force_login(user)
        assert client.get(reverse("admin:core_securitypolicy_add")).status_code == 403
    client.force_login(secadmin)
    response = client.get(reverse("admin:core_securitypolicy_changelist"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:core_securitypolicy_add")
    data = {"password_min_length": 12, "password_min_classes": 3, "password_max_age_days": 60, "lockout_limit": 5,
            "lockout_minutes": 30, "ip_failure_limit": 20, "ip_window_minutes": 15, "session_idle_minutes": 15,
            "session_max_hours": 8, "dormant_days": 60, "second_factor_roles": ["system_admin", "security_admin",
            "audit_admin", "county_admin"]}  # fmt: skip
    response = client.post(reverse("admin:core_securitypolicy_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    policy = SecurityPolicy.objects.get()
    assert (policy.password_min_length, policy.session_max_hours, policy.dormant_days) == (12, 8, 60)
    entry = AuditEntry.objects.get(object_type="core.SecurityPolicy")
    assert entry.actor == secadmin and entry.changes["password_min_length"] == [8, 12]
    # Out of range: refused on the form, nothing saved or audited.
    url = reverse("admin:core_securitypolicy_change", args=[policy.pk])
    response = client.post(url, {**data, "lockout_limit": 50})
    assert response.status_code == 200 and "连续失败锁定次数须在" in response.content.decode()
    assert AuditEntry.objects.filter(object_type="core.SecurityPolicy").count() == 1
    assert client.get(reverse("admin:core_securitypolicy_delete", args=[policy.pk])).status_code == 403
    # Values replace the settings at run time: a 10-character password no longer passes.
    with pytest.raises(ValidationError):
        validate_password("Abcdefgh12")
    validate_password("Abcdefgh1234")


def test_policy_update_refuses_everyone_but_the_security_administrator(sysadmin):
    from jiaoyun.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        policy_update(actor=sysadmin, values={"lockout_limit": 3})
    assert not SecurityPolicy.objects.exists()


# ---- 口令: change page, periodic change, validators on every path ------------------------------------------------


def test_password_change_page(client, principal):
    login(client, "principal")
    url = reverse("web:password_change")
    assert client.get(url).status_code == 200
    wrong_old = client.post(url, {"old_password": "nope", "new_password1": NEW, "new_password2": NEW})
    assert wrong_old.status_code == 200 and wrong_old.context["form"].errors.get("old_password")
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"})
    assert weak.status_code == 200 and weak.context["form"].errors.get("new_password2")
    same = client.post(url, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "新密码不能与当前密码相同" in same.content.decode()
    before = User.objects.get(pk=principal.pk).password_changed_at
    ok = client.post(url, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert ok.status_code == 302
    principal.refresh_from_db()
    assert principal.check_password(NEW) and principal.password_changed_at > before
    assert client.get(reverse("web:home")).status_code == 200  # the session stays valid
    assert AuditEntry.objects.filter(note="本人修改密码", actor=principal).count() == 1


def test_an_expired_password_must_be_changed_before_anything_else(client, principal):
    User.objects.filter(pk=principal.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    assert login(client, "principal").status_code == 302
    for url in (reverse("web:home"), reverse("web:audit"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("web:password_change"), url
    assert client.get("/api/schools/").status_code == 403  # the session API too
    page = client.get(reverse("web:password_change"))
    assert page.context["expired"]
    client.post(reverse("web:password_change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert client.get(reverse("web:home")).status_code == 200


def test_password_max_age_zero_means_never(client, secadmin, principal):
    set_policy(secadmin, password_max_age_days=0)
    User.objects.filter(pk=principal.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=900))
    login(client, "principal")
    home = client.get(reverse("web:home"))
    assert home.status_code == 200  # an expired password would redirect to the password change page
    assert "web/workplace/home.html" in [t.name for t in home.templates]  # the principal's own home page


def test_createsuperuser_validates_the_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "abc")
    with pytest.raises(CommandError):
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.com")
    assert not User.objects.filter(username="root").exists()


def test_admin_account_command(db, monkeypatch):
    monkeypatch.setenv("JIAOYUN_ADMIN_PASSWORD", "short1")
    with pytest.raises(CommandError):
        call_command("admin_account", "sec1", "--role", "security_admin")
    monkeypatch.setenv("JIAOYUN_ADMIN_PASSWORD", NEW)
    call_command("admin_account", "sec1", "--role", "security_admin", stdout=io.StringIO())
    user = User.objects.get(username="sec1")
    assert user.role == "security_admin" and user.is_staff and not user.is_superuser and user.check_password(NEW)
    assert AuditEntry.objects.filter(object_id=str(user.pk), action="create").exists()


# ---- dormant accounts ----------------------------------------------------------------------------------------


def test_dormant_accounts_are_deactivated_and_audited(db, secadmin):
    old = timezone.now() - dt.timedelta(days=120)
    sleeper = UserFactory(username="sleeper", role="principal", last_login=old)
    never = UserFactory(username="never", role="principal")
    User.objects.filter(pk=never.pk).update(date_joined=old)
    fresh = UserFactory(username="fresh", role="principal", last_login=timezone.now() - dt.timedelta(days=10))
    out = io.StringIO()
    call_command("disable_dormant_accounts", stdout=out)
    assert "已停用 2" in out.getvalue()
    active = dict(User.objects.filter(pk__in=[sleeper.pk, never.pk, fresh.pk]).values_list("username", "is_active"))
    assert active == {"sleeper": False, "never": False, "fresh": True}
    assert AuditEntry.objects.filter(note__contains="未登录，自动停用").count() == 2
    assert accounts.dormant_accounts_disable() == 0
    set_policy(secadmin, dormant_days=0)
    User.objects.filter(pk=fresh.pk).update(last_login=old)
    assert accounts.dormant_accounts_disable() == 0


def test_dormant_job_is_scheduled():
    from jiaoyun.core import schedule

    job = schedule.job_get("accounts_dormant")
    assert "jiaoyun.core.accounts.dormant_accounts_disable" in job.calls


# ---- session lifetime ----------------------------------------------------------------------------------------


def test_absolute_session_lifetime_ends_an_active_session(client, principal):
    login(client, "principal")
    assert client.get(reverse("web:home")).status_code == 200
    session = client.session
    session[accounts.S_START] = time.time() - 12 * 3600 - 60  # logged in 12 h ago, active a moment ago
    session.save()
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert AuditEntry.objects.filter(action="logout", actor=principal, note="会话超过最长时长，自动退出").count() == 1


def test_idle_timeout_from_the_policy(client, secadmin, principal):
    set_policy(secadmin, session_idle_minutes=5)
    login(client, "principal")
    session = client.session
    session[accounts.S_SEEN] = time.time() - 6 * 60
    session.save()
    assert client.get(reverse("web:home")).status_code == 302


# ---- second factor -------------------------------------------------------------------------------------------


def test_county_administrator_enrols_and_logs_in_with_totp(client, county_admin):
    response = login(client, "county_admin")
    assert response.status_code == 302 and response["Location"] == reverse("web:login_totp")
    assert "_auth_user_id" not in client.session  # no session before the second factor
    assert client.get(reverse("web:home")).status_code == 302
    page = client.get(reverse("web:login_totp"))
    secret = page.context["secret"]
    assert page.context["enrolling"] and secret in page.context["uri"] and "otpauth://totp/" in page.context["uri"]
    # on the phone that holds the authenticator, the link opens it (one cannot scan one's own screen)
    assert f'href="{escape(page.context["uri"])}"' in page.content.decode()
    assert TotpDevice.objects.get(user=county_admin).secret != secret  # stored encrypted
    bad = client.post(
        reverse("web:login_totp"), {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"}
    )
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    county_admin.refresh_from_db()
    assert county_admin.failed_logins == 1
    code = pyotp.TOTP(secret).now()
    assert client.post(reverse("web:login_totp"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(county_admin.pk)
    assert TotpDevice.objects.get(user=county_admin).confirmed_at is not None
    assert AuditEntry.objects.filter(action="login", actor=county_admin).count() == 1
    # The same code cannot be replayed by someone who learnt the password.
    other = Client()
    login(other, "county_admin")
    page = other.get(reverse("web:login_totp"))
    assert not page.context["enrolling"] and "secret" not in page.context
    assert other.post(reverse("web:login_totp"), {"code": code}).status_code == 200
    assert "_auth_user_id" not in other.session
    # The next time step's code works.
    nxt = pyotp.TOTP(secret).at(timezone.now() + dt.timedelta(seconds=30))
    assert other.post(reverse("web:login_totp"), {"code": nxt}).status_code == 302


def test_totp_step_times_out_and_needs_the_password_first(client, county_admin):
    response = client.get(reverse("web:login_totp"))
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    login(client, "county_admin")
    session = client.session
    pending = session[accounts.S_PENDING]
    pending["at"] = time.time() - 600
    session[accounts.S_PENDING] = pending
    session.save()
    assert client.get(reverse("web:login_totp"))["Location"] == reverse("web:login")


def test_roles_outside_the_policy_log_in_with_the_password(client, secadmin, county_admin, principal):
    assert login(client, "principal").status_code == 302 and client.session.get("_auth_user_id")
    set_policy(secadmin, second_factor_roles=["system_admin", "security_admin", "audit_admin"])
    other = Client()
    assert login(other, "county_admin")["Location"] == reverse("web:home")


def test_admin_site_login_goes_through_the_second_factor(client, sysadmin):
    response = client.get("/admin/login/?next=/admin/core/user/")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login") + "?next=%2Fadmin%2Fcore%2Fuser%2F"
    # Posting the password straight to the admin's login opens no session.
    client.post("/admin/login/", {"username": "sysadmin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    client.post(reverse("web:login"), {"username": "sysadmin", "password": PASSWORD, "next": "/admin/"})
    response = client.get(reverse("web:login_totp"))
    code = pyotp.TOTP(response.context["secret"]).now()
    response = client.post(reverse("web:login_totp"), {"code": code})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/core/user/").status_code == 200


def test_totp_reset_by_the_system_administrator(client, sysadmin, county_admin):
    accounts.totp_begin(user=county_admin)
    client.force_login(sysadmin)
    client.post(reverse("admin:core_user_changelist"), {"action": "reset_second_factor",
                                                        "_selected_action": [county_admin.pk]})  # fmt: skip
    assert not TotpDevice.objects.filter(user=county_admin).exists()
    assert AuditEntry.objects.filter(note="重置动态口令", actor=sysadmin).count() == 1


# ---- audit of logins on every path ---------------------------------------------------------------------------


def test_each_login_and_logout_is_audited_once_on_every_path(client, principal, auditor):
    login(client, "principal")
    client.post(reverse("web:logout"))
    auditor_client = Client()
    login(auditor_client, "auditor")  # second factor, then the admin site's logout
    code = pyotp.TOTP(auditor_client.get(reverse("web:login_totp")).context["secret"]).now()
    auditor_client.post(reverse("web:login_totp"), {"code": code})
    auditor_client.post("/admin/logout/")
    rows = list(AuditEntry.objects.filter(action__in=["login", "logout"]).order_by("id").values_list("actor__username", "action"))  # fmt: skip
    assert rows == [("principal", "login"), ("principal", "logout"), ("auditor", "login"), ("auditor", "logout")]


def test_policy_defaults_come_from_settings(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 7
    assert policy_get().lockout_limit == 7 and policy_get().pk == 1


def test_only_the_system_administrator_unlocks_or_deactivates_an_account(db, principal):
    # given a locked principal and a security administrator (who manages policy, not accounts: 三员分立)
    from jiaoyun.core.accounts import account_deactivate, account_unlock
    from jiaoyun.core.errors import PermissionDenied

    User.objects.filter(pk=principal.pk).update(failed_logins=5, locked_until=timezone.now())
    secadmin = UserFactory(username="sec2", role="security_admin")
    sysadmin = UserFactory(username="sys2", role="system_admin")
    # when the security administrator tries: refused, nothing changed
    with pytest.raises(PermissionDenied):
        account_unlock(actor=secadmin, user=principal)
    with pytest.raises(PermissionDenied):
        account_deactivate(actor=secadmin, user=principal)
    principal.refresh_from_db()
    assert principal.failed_logins == 5 and principal.is_active
    # then the system administrator unlocks and deactivates, each audited once; nobody deactivates themself
    assert account_unlock(actor=sysadmin, user=principal) and not account_unlock(actor=sysadmin, user=principal)
    assert account_deactivate(actor=sysadmin, user=principal)
    assert not account_deactivate(actor=sysadmin, user=sysadmin)
    principal.refresh_from_db()
    sysadmin.refresh_from_db()
    assert principal.failed_logins == 0 and not principal.is_active and sysadmin.is_active
    notes = list(AuditEntry.objects.filter(object_id=str(principal.pk)).values_list("note", flat=True))
    assert notes.count("解除登录锁定") == 1 and notes.count("停用账号") == 1
