"""No admin page links a stored file under ``/media/``: files are served only by the apps' scoped download views
(``dropout:evidence``, ``safety:hazard_file``, ``dropout:document``), which check the scope and audit.

Django's admin shows a ``FileField`` as a link to ``MEDIA_URL`` (the editable widget and the read-only display
alike), and ``/media/`` is not served. The test renders the change list and a change page of every registered
model, with stored files present, as a staff user holding every view and change permission."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_files(tmp_path, student_b, school_b, county_admin):
    from jiaoyun.dropout.models import ReturnAttempt
    from jiaoyun.dropout.services import case_open
    from jiaoyun.safety.models import Hazard, HazardEvent, HazardEvidence

    with override_settings(MEDIA_ROOT=str(tmp_path)):
        case = case_open(actor=None, student=student_b, on=dt.date(2021, 10, 8), source="school_report")
        event = case.events.order_by("pk").last()
        event.evidence.save("家访.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
        attempt = ReturnAttempt.objects.create(case=case, date=dt.date(2021, 10, 9), people="班主任", method="home_visit",
                                               result="refused")  # fmt: skip
        attempt.evidence.save("劝返.pdf", ContentFile(b"%PDF-1.4 attempt"), save=True)
        now = timezone.now()
        hazard = Hazard.objects.create(school=school_b, title="围墙破损", responsible=county_admin,
                                       deadline=timezone.localdate(), opened_at=now, opened_by=county_admin)  # fmt: skip
        hazard_event = HazardEvent.objects.create(hazard=hazard, at=now, actor=county_admin, action="rectify",
                                                  to_status=hazard.status, note="整改")  # fmt: skip
        evidence = HazardEvidence(event=hazard_event, name="围墙.jpg", uploaded_by=county_admin)
        evidence.file.save("围墙.jpg", ContentFile(b"\xff\xd8\xff\xe0 photo"), save=True)
        yield {"case": case, "hazard": hazard}


def _pages(model_admin) -> list[str]:
    opts = model_admin.model._meta
    urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
    obj = model_admin.model._default_manager.order_by("pk").first()
    if obj is not None:
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    return urls


def test_no_admin_page_links_a_file_under_media(client, county_admin, stored_files):
    county_admin.is_staff = True
    county_admin.save()
    county_admin.user_permissions.add(*Permission.objects.filter(codename__regex=r"^(view|change)_"))
    client.force_login(county_admin)
    shown: set[str] = set()
    for model_admin in admin.site._registry.values():
        for url in _pages(model_admin):
            response = client.get(url)
            assert response.status_code < 500, url
            if response.status_code == 200:
                shown.add(url)
                assert "/media/" not in response.content.decode(), url
    # the pages of the objects that own the files were rendered
    assert reverse("admin:dropout_dropoutcase_change", args=[stored_files["case"].pk]) in shown
    assert reverse("admin:safety_hazard_change", args=[stored_files["hazard"].pk]) in shown
