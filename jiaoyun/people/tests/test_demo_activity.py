"""The demo's audit activity: written through the real services, so the auditor's and the security administrator's
home pages have entries to review in a fresh demo."""

import datetime as dt
import io
import random

import pytest

from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import AuditEntry, LoginFailure
from jiaoyun.people import demo


@pytest.mark.django_db
def test_the_demo_reveals_with_a_reason_exports_and_counts_a_failed_login(
    principal, township_officer, class_teacher, student_a
):
    demo.generate(rng=random.Random(1), scale=1, stdout=io.StringIO(), today=dt.date(2021, 10, 11))

    reveal = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert reveal.actor_id == principal.pk and reveal.object_id == str(student_a.pk)
    assert reveal.note in demo.REVEAL_REASONS  # the reason is kept with the reveal
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.actor_id == township_officer.pk and export.changes["rows"] >= 1
    class_teacher.refresh_from_db()
    assert class_teacher.failed_logins == 1 and class_teacher.locked_until is None  # counted, not locked
    assert LoginFailure.objects.filter(username=class_teacher.username).exists()


@pytest.mark.django_db
def test_without_the_demo_accounts_nothing_is_written():
    out = io.StringIO()
    demo.generate(rng=random.Random(1), scale=1, stdout=out, today=dt.date(2021, 10, 11))
    assert AuditEntry.objects.count() == 0 and "跳过" in out.getvalue()
