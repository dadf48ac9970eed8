"""Two managers acting on the same hazard at once: each transition locks the hazard row and re-checks its
status, so of two racing re-inspections (one passing, one failing it) exactly one is recorded."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from jiaoyun.core.errors import DomainError
from jiaoyun.safety.models import Hazard, HazardEvent
from jiaoyun.safety.services import hazard_open, hazard_rectify, hazard_verify

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and concurrent transactions need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_reinspections_of_the_same_hazard_at_once(principal, vice_principal, safety_staff, school_a, soon, photo):
    hazard = hazard_open(actor=principal, school=school_a, title="围墙破损", severity="low", responsible=principal,
                         deadline=soon)  # fmt: skip
    hazard_rectify(hazard=hazard, actor=principal, note="已修复", files=[photo])
    barrier, results = threading.Barrier(2), {}

    def run(name, user, passed):
        try:
            loaded = Hazard.objects.get(pk=hazard.pk)
            barrier.wait(timeout=10)
            hazard_verify(hazard=loaded, actor=user, passed=passed, note="复查")
            results[name] = "ok"
        except DomainError as exc:
            results[name] = str(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("pass", vice_principal, True)),
        threading.Thread(target=run, args=("fail", safety_staff, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(r == "ok" for r in results.values()) == [False, True], results
    hazard.refresh_from_db()
    winner = next(k for k, r in results.items() if r == "ok")
    assert hazard.status == ("verified" if winner == "pass" else "open")
    assert HazardEvent.objects.filter(hazard=hazard, from_status="rectified").count() == 1
