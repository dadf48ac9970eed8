"""xAPI clients: deactivation takes effect at once, failed authentication and client changes are audited, and the
admin pages are scoped and write through the services."""

from __future__ import annotations

import base64
import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import AuditEntry
from jiaoyun.learning.models import LrsClient
from jiaoyun.learning.services import lrs_client_create, lrs_client_deactivate, lrs_client_update
from jiaoyun.learning.tests.conftest import Xapi

pytestmark = pytest.mark.django_db


def failures() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("id"))


def test_deactivated_client_is_refused_on_its_next_request(xapi, lrs_client):
    assert xapi.get("statements").status_code == 200  # credentials seen (and, before, cached)
    lrs_client_deactivate(client=lrs_client)
    response = xapi.get("statements")
    assert response.status_code == 401
    assert response["WWW-Authenticate"]


def test_new_secret_or_reactivation_is_seen_at_once(xapi, lrs_client):
    LrsClient.objects.filter(pk=lrs_client.pk).update(is_active=False)
    assert xapi.get("statements").status_code == 401
    lrs_client_update(client=lrs_client, is_active=True)
    assert xapi.get("statements").status_code == 200


@pytest.mark.parametrize("case", ["unknown key", "wrong secret", "inactive"])
def test_failed_authentication_is_audited_with_the_address(lrs_client, case):
    key, secret = lrs_client.key, lrs_client.plain_secret
    if case == "unknown key":
        key = "0" * 20
    elif case == "wrong secret":
        secret = "not-the-secret"
    else:
        lrs_client_deactivate(client=lrs_client)
    response = Xapi(key, secret).get("statements", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 401
    (entry,) = failures()
    assert (entry.object_id, entry.ip) == (key, "203.0.113.9")
    assert entry.object_type == "learning.LrsClient"
    assert "xAPI" in entry.note
    assert lrs_client.plain_secret not in str(entry.changes) + entry.note + entry.object_repr


def test_failure_audit_is_rate_limited_per_key_and_address(lrs_client):
    bad = Xapi(lrs_client.key, "wrong")
    for _ in range(20):
        assert bad.get("statements", REMOTE_ADDR="198.51.100.1").status_code == 401
    assert len(failures()) == 1
    # another address, or another key, is recorded on its own
    bad.get("statements", REMOTE_ADDR="198.51.100.2")
    Xapi("f" * 20, "x").get("statements", REMOTE_ADDR="198.51.100.1")
    assert len(failures()) == 3
    # a minute later the same key and address are recorded again
    later = timezone.now() + dt.timedelta(seconds=61)
    with mock.patch("django.utils.timezone.now", return_value=later):
        bad.get("statements", REMOTE_ADDR="198.51.100.1")
    assert len(failures()) == 4


def test_missing_credentials_are_not_audited(lrs_client):
    response = Client().get("/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401
    assert failures() == []


def test_client_create_update_and_deactivate_are_audited(school_a, school_b, county_admin):
    client, _ = lrs_client_create(name="平台", school_ids=[school_a.pk], actor=county_admin)
    created = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="learning.LrsClient")
    assert created.object_id == str(client.pk) and created.actor == county_admin
    assert created.changes["schools"] == [school_a.pk]
    lrs_client_update(client=client, actor=county_admin, school_ids=[school_a.pk, school_b.pk], ip="192.0.2.7")
    lrs_client_deactivate(client=client, actor=county_admin)
    updates = list(AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(client.pk)).order_by("id"))
    assert [u.changes for u in updates] == [
        {"schools": [[school_a.pk], sorted([school_a.pk, school_b.pk])]},
        {"is_active": [True, False]},
    ]
    assert updates[0].ip == "192.0.2.7" and "停用" in updates[1].note
    lrs_client_update(client=client, actor=county_admin, is_active=False)  # no change, no entry
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(client.pk)).count() == 2


def test_xapi_client_command_deactivates_with_an_audit_entry(lrs_client):
    import io

    from django.core.management import call_command

    call_command("xapi_client", deactivate=lrs_client.key, stdout=io.StringIO())
    lrs_client.refresh_from_db()
    assert not lrs_client.is_active
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(lrs_client.pk)).exists()


# ---- admin --------------------------------------------------------------------------------------------------


def test_admin_change_goes_through_the_service_and_is_audited(county_admin, lrs_client, school_a):
    # The county's business administrator (no superuser: 三员分立) with the admin permissions for clients.
    county_admin.is_staff = True
    county_admin.save()
    county_admin.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_lrsclient", "change_lrsclient"], content_type__app_label="learning"
        )
    )
    admin_client = Client()
    admin_client.force_login(county_admin)
    url = f"/admin/learning/lrsclient/{lrs_client.pk}/change/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url, {"name": "新名称", "schools": [school_a.pk], "is_active": "", "all_schools": ""}, REMOTE_ADDR="192.0.2.8"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lrs_client.refresh_from_db()
    assert (lrs_client.name, lrs_client.is_active) == ("新名称", False)
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(lrs_client.pk))
    assert entry.changes["is_active"] == [True, False] and entry.ip == "192.0.2.8"
    # and the deactivated client is refused at once
    assert Xapi(lrs_client.key, lrs_client.plain_secret).get("statements").status_code == 401


def test_admin_client_list_is_scoped_and_read_only_below_the_county(principal, lrs_client, school_b):
    other, _ = lrs_client_create(name="老麦乡平台", school_ids=[school_b.pk])
    county, _ = lrs_client_create(name="县平台", all_schools=True)
    principal.is_staff = True
    principal.save()
    web = Client()
    web.force_login(principal)
    page = web.get("/admin/learning/lrsclient/")
    assert page.status_code == 200
    text = page.content.decode()
    assert lrs_client.name in text and other.name not in text and county.name not in text
    assert web.get(f"/admin/learning/lrsclient/{other.pk}/change/").status_code in (302, 404)
    response = web.post(f"/admin/learning/lrsclient/{lrs_client.pk}/change/", {"name": "x", "is_active": ""})
    assert response.status_code == 403
    lrs_client.refresh_from_db()
    assert lrs_client.is_active and lrs_client.name != "x"


def test_failed_auth_helper_never_stores_the_secret(lrs_client):
    header = "Basic " + base64.b64encode(f"{lrs_client.key}:s3cr3t-value".encode()).decode()
    Client().get("/xapi/statements", headers={"Authorization": header, "X-Experience-API-Version": "1.0.3"})
    assert "s3cr3t-value" not in repr(list(AuditEntry.objects.values()))
