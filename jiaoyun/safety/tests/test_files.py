"""Hazard rectification files: checked uploads, scoped attachment downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiaoyun.core.errors import DomainError
from jiaoyun.safety import services
from jiaoyun.safety.models import HazardEvidence

PERSONAS = ("county_admin", "township_officer", "principal", "class_teacher", "village_cadre", "outsider",
            "safety_staff")  # fmt: skip
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 32


def _rectified(actor, school, soon, files):
    h = services.hazard_open(actor=actor, school=school, title="围墙裂缝", severity="high", responsible=actor,
                             deadline=soon)  # fmt: skip
    services.hazard_rectify(hazard=h, actor=actor, note="已修补", files=files)
    return h


@pytest.fixture
def principal_b(school_b):
    from jiaoyun.core.tests.factories import UserFactory

    return UserFactory(username="principal_b", role="principal", school=school_b)


@pytest.fixture
def two_files(principal, principal_b, school_a, school_b, soon):
    _rectified(principal, school_a, soon, [SimpleUploadedFile("整改后.jpg", JPEG, "text/html")])
    _rectified(principal_b, school_b, soon, [SimpleUploadedFile("修好了.jpg", JPEG)])
    return HazardEvidence.objects.get(name="整改后.jpg"), HazardEvidence.objects.get(name="修好了.jpg")


def test_hazard_file_download_follows_the_hazard_scope(client, two_files, request):
    seen = {}
    for persona in PERSONAS:
        client.force_login(request.getfixturevalue(persona))
        for ev in two_files:
            page = client.get(reverse("safety:hazard", args=[ev.event.hazard_id])).status_code
            got = client.get(reverse("safety:hazard_file", args=[ev.pk])).status_code
            assert got == page, (persona, ev.name)  # a file is reachable exactly when its hazard is
            seen[(persona, ev.name)] = got
    assert seen[("county_admin", "修好了.jpg")] == 200 and seen[("safety_staff", "修好了.jpg")] == 200
    assert seen[("principal", "整改后.jpg")] == 200 and seen[("principal", "修好了.jpg")] == 404
    assert seen[("township_officer", "整改后.jpg")] == 200 and seen[("township_officer", "修好了.jpg")] == 404
    assert seen[("outsider", "整改后.jpg")] in (403, 404) and seen[("outsider", "修好了.jpg")] in (403, 404)


def test_hazard_file_is_an_attachment_with_a_whitelisted_type(client, two_files, principal):
    ev, _ = two_files
    assert ev.file.name.startswith("safety/hazards/") and "整改" not in ev.file.name  # random stored name
    client.force_login(principal)
    response = client.get(reverse("safety:hazard_file", args=[ev.pk]))
    assert response["Content-Type"] == "image/jpeg"  # not the text/html the uploader claimed
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%95%B4%E6%94%B9%E5%90%8E.jpg" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == JPEG
    page = client.get(reverse("safety:hazard", args=[ev.event.hazard_id])).content.decode()
    assert reverse("safety:hazard_file", args=[ev.pk]) in page and "/media/" not in page


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("report.html", b"<html><script>alert(1)</script></html>", "类型不支持"),
        ("photo.svg", b"<svg onload=alert(1)/>", "类型不支持"),
        ("report.pdf", b"<!doctype html><html>%PDF-1.4", "内容与扩展名"),
        ("photo.jpg", b"GIF89a", "内容与扩展名"),
    ],
)
def test_dangerous_or_disguised_files_are_refused(principal, school_a, soon, name, data, reason):
    h = services.hazard_open(actor=principal, school=school_a, title="灭火器过期", severity="low",
                             responsible=principal, deadline=soon)  # fmt: skip
    ok = SimpleUploadedFile("ok.jpg", JPEG)
    with pytest.raises(DomainError, match=reason):
        services.hazard_rectify(hazard=h, actor=principal, note="已换", files=[ok, SimpleUploadedFile(name, data)])
    h.refresh_from_db()
    assert h.status == "open" and not HazardEvidence.objects.exists()


def test_oversize_file_is_refused(principal, school_a, soon, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "UPLOAD_MAX_BYTES": 1024 * 1024}
    h = services.hazard_open(actor=principal, school=school_a, title="灯坏", severity="low", responsible=principal,
                             deadline=soon)  # fmt: skip
    with pytest.raises(DomainError, match="超过上限1 MB"):
        services.hazard_rectify(hazard=h, actor=principal, note="已修",
                                files=[SimpleUploadedFile("big.jpg", JPEG + b"0" * (2 * 1024 * 1024))])  # fmt: skip
