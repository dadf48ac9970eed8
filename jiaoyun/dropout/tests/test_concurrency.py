"""Two people acting on the same case at once: each transition locks the case row and re-checks its state
inside the transaction, so exactly one of two racing transitions is accepted and nothing is written twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout.models import CaseEvent, CaseStep, DropoutCase
from jiaoyun.dropout.services import case_open, case_start_return, case_verify

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and concurrent transactions need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(case, *calls):
    """Run the calls in threads, each on its own connection; all load the case before any writes."""
    barrier, results = threading.Barrier(len(calls)), [""] * len(calls)

    def run(i, call):
        try:
            loaded = DropoutCase.objects.get(pk=case.pk)
            barrier.wait(timeout=10)
            call(loaded)
            results[i] = "ok"
        except DomainError as exc:
            results[i] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_officers_verifying_the_same_case_at_once(enrolled, county_admin, township_officer):
    case = case_open(actor=None, student=enrolled("石小龙"), source="school_report")
    audits = AuditEntry.objects.filter(object_type="dropout.DropoutCase", object_id=str(case.pk)).count()
    results = _race(
        case,
        lambda c: case_verify(actor=county_admin, case=c, outcome="confirmed_dropout", note="县局核实"),
        lambda c: case_verify(actor=township_officer, case=c, outcome="confirmed_dropout", note="乡镇核实"),
    )
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert any("不能核实" in r for r in results if r != "ok")
    case.refresh_from_db()
    assert case.status == "verified"
    assert CaseEvent.objects.filter(case=case, from_status="pending").count() == 1
    assert AuditEntry.objects.filter(object_type="dropout.DropoutCase", object_id=str(case.pk)).count() == audits + 1
    assert case.student.events.filter(kind="drop_out").count() == 1  # the 学籍 event is written once


def test_starting_the_return_twice_at_once_opens_one_step(enrolled, county_admin, township_officer):
    case = case_open(actor=None, student=enrolled("石小虎"), source="school_report")
    case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", note="核实")
    results = _race(
        case,
        lambda c: case_start_return(actor=county_admin, case=c),
        lambda c: case_start_return(actor=township_officer, case=c),
    )
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert CaseStep.objects.filter(case=case).count() == 1
