"""Archiving audit entries past the keeping period: file + manifest written and checked, rows deleted, the
chain still verifies across the cut."""

import datetime as dt
import gzip
import json
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from jiaoyun.core.audit import audit_record, chain_verify
from jiaoyun.core.audit_archive import archives_verify, audit_archive, keep_days
from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditArchive, AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def archive_dir(tmp_path, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "AUDIT_ARCHIVE_DIR": str(tmp_path / "archive"), "AUDIT_KEEP_DAYS": 180}
    return tmp_path / "archive"


@pytest.fixture
def aged(archive_dir):
    """Six entries, the first four older than 180 days; written with their real dates so they hash right."""
    from jiaoyun.core import audit

    entries = []
    for n, days in enumerate([400, 300, 200, 181, 100, 1]):
        real_now = audit.timezone.now
        audit.timezone.now = lambda d=days: NOW - dt.timedelta(days=d)  # type: ignore[assignment]
        try:
            entries.append(audit_record(actor=None, action="login", object_type="core.User", object_id=str(n)))
        finally:
            audit.timezone.now = real_now  # type: ignore[assignment]
    assert chain_verify().ok
    return entries


def test_old_entries_are_archived_verified_and_deleted(aged, archive_dir):
    archive = audit_archive(now=NOW)
    assert archive is not None and archive.count == 4
    assert archive.first_id == aged[0].pk and archive.last_id == aged[3].pk
    # The rows left: the two recent ones, plus the entry recording the archive itself.
    left = list(AuditEntry.objects.order_by("id"))
    assert [e.pk for e in left[:2]] == [aged[4].pk, aged[5].pk] and left[2].object_type == "core.AuditArchive"
    head = AuditChainHead.objects.get()
    assert head.anchor_id == aged[3].pk and head.anchor_hash == aged[3].entry_hash
    report = chain_verify()
    assert report.ok and report.checked == 3
    # The file: four JSON lines with the chain hashes, manifest with the checksum, both owner-only.
    path = archive_dir / archive.file_name
    lines = [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode().splitlines()]
    assert [line["id"] for line in lines] == [e.pk for e in aged[:4]]
    assert lines[-1]["entry_hash"] == aged[3].entry_hash
    manifest = json.loads((archive_dir / (archive.file_name + ".manifest.json")).read_text())
    assert manifest["count"] == 4 and manifest["sha256"] == archive.sha256
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(archive_dir.stat().st_mode) == 0o700
    assert archives_verify() == []
    call_command("audit_verify", "--archives", stdout=__import__("io").StringIO())
    # Nothing more to archive today.
    assert audit_archive(now=NOW) is None


def test_a_second_archive_continues_from_the_anchor(aged, archive_dir):
    first = audit_archive(now=NOW)
    second = audit_archive(now=NOW + dt.timedelta(days=120))
    assert second is not None and second.first_prev_hash == first.last_hash
    assert chain_verify().ok and archives_verify() == []


def test_a_tampered_archive_file_is_found(aged, archive_dir):
    archive = audit_archive(now=NOW)
    path = archive_dir / archive.file_name
    lines = gzip.decompress(path.read_bytes()).decode().replace('"object_id":"1"', '"object_id":"9"')
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(lines)
    assert any("校验和不符" in fault for fault in archives_verify())
    with pytest.raises(CommandError, match="校验和不符"):
        call_command("audit_verify", "--archives")


def test_deleting_rows_after_the_anchor_is_still_found(aged, archive_dir):
    audit_archive(now=NOW)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [aged[4].pk])
    report = chain_verify()
    assert not report.ok and report.broken.entry_id == aged[5].pk


def test_a_broken_chain_is_not_archived(aged, archive_dir):
    AuditEntry.objects.filter(pk=aged[1].pk).update(note="改过")
    with pytest.raises(DomainError, match=f"#{aged[1].pk}"):
        audit_archive(now=NOW)
    assert AuditEntry.objects.count() == 6 and not AuditArchive.objects.exists()
    assert not list(archive_dir.glob("*.gz"))


def test_keeping_less_than_180_days_is_refused(settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "AUDIT_KEEP_DAYS": 90}
    with pytest.raises(ImproperlyConfigured, match="180"):
        keep_days()
    from jiaoyun.core.apps import check_configuration

    with pytest.raises(ImproperlyConfigured, match="180"):
        check_configuration()


def test_the_archive_job_is_scheduled():
    from jiaoyun.core import schedule

    assert schedule.job_get("audit_archive").calls == ("jiaoyun.core.audit_archive.audit_archive_run",)
