"""The dropout case as a state machine: random sequences of legal and illegal calls to the real services, by
random personas, never reach an illegal state.

Invariants checked after every step:

* a refused call changes nothing: the case row, its steps, events, attempts, documents, the child's 学籍
  events and the audit log are exactly as before;
* an accepted call writes exactly one audit entry for the case (and one timeline event);
* every recorded status change is an edge of the documented graph (no state is skipped);
* 劝返中 has exactly one open step, the current one, and every earlier step of the round is completed or
  skipped with a reason; 销号 comes only from 巩固观察 after its end date, or from 不需劝返.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.dropout import services
from jiaoyun.dropout.choices import AttemptMethod, AttemptResult, CaseStatus, Outcome, Placement
from jiaoyun.dropout.models import CaseDocument, CaseEvent, CaseStep, DropoutCase, ReturnAttempt
from jiaoyun.people.models import EnrolmentEvent

S = CaseStatus
# The documented graph (services/cases.py), as (from, to); attempts and step advances stay in place.
EDGES = {
    ("", S.PENDING),
    (S.PENDING, S.VERIFIED),
    (S.PENDING, S.NO_RETURN),
    (S.PENDING, S.DISMISSED),
    (S.VERIFIED, S.RETURNING),
    (S.VERIFIED, S.RETURNED),
    (S.VERIFIED, S.PLACED),
    (S.VERIFIED, S.NO_RETURN),
    (S.RETURNING, S.RETURNED),
    (S.RETURNING, S.PLACED),
    (S.RETURNING, S.NO_RETURN),
    (S.RETURNED, S.OBSERVING),
    (S.PLACED, S.OBSERVING),
    (S.RETURNED, S.VERIFIED),
    (S.PLACED, S.VERIFIED),
    (S.OBSERVING, S.VERIFIED),
    (S.OBSERVING, S.CLOSED),
    (S.NO_RETURN, S.CLOSED),
}
PERSONAS = ["county_admin", "township_officer", "principal", "class_teacher", "county_leader", "outsider", "other"]
ACTIONS = ["verify", "start", "advance", "attempt", "return", "observe", "reopen", "no_return", "close"]
LEGAL_NEXT = {
    S.PENDING: ["verify"],
    S.VERIFIED: ["start", "return", "no_return", "attempt"],
    S.RETURNING: ["advance", "attempt", "return", "no_return"],
    S.RETURNED: ["observe", "reopen", "close"],
    S.PLACED: ["observe", "reopen"],
    S.OBSERVING: ["close", "reopen", "attempt"],
    S.NO_RETURN: ["close"],
    S.DISMISSED: ACTIONS,
    S.CLOSED: ACTIONS,
}
DETECTED = dt.date(2026, 9, 10)
REACHED: set[str] = set()  # statuses reached by accepted calls: the runs must not stay shallow


def evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


class CaseMachine(RuleBasedStateMachine):
    users: dict = {}
    student = None

    def __init__(self) -> None:
        super().__init__()
        self.sid = transaction.savepoint()
        self.case = services.case_open(actor=None, student=self.student, on=DETECTED, source="school_report")
        self.today = timezone.localdate()

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.sid)

    # -- helpers -------------------------------------------------------------------------------------------
    def _snapshot(self) -> tuple:
        c = DropoutCase.objects.get(pk=self.case.pk)
        return (
            tuple((f.attname, getattr(c, f.attname)) for f in DropoutCase._meta.concrete_fields),
            tuple(CaseStep.objects.filter(case=c).order_by("pk").values_list("pk", "completed_on", "skipped")),
            CaseEvent.objects.filter(case=c).count(),
            ReturnAttempt.objects.filter(case=c).count(),
            CaseDocument.objects.filter(case=c).count(),
            EnrolmentEvent.objects.filter(student=self.student).count(),
            AuditEntry.objects.count(),
        )

    def _case_audits(self) -> int:
        return AuditEntry.objects.filter(object_type="dropout.DropoutCase", object_id=str(self.case.pk)).count()

    def _do(self, service, persona: str, **kwargs) -> None:
        before, audits, events = self._snapshot(), self._case_audits(), CaseEvent.objects.filter(case=self.case).count()
        try:
            with transaction.atomic():
                result = service(actor=self.users[persona], case=self.case, **kwargs)
        except DomainError:
            assert self._snapshot() == before, f"{service.__name__} by {persona} was refused but changed something"
            return
        if isinstance(result, DropoutCase):
            self.case = result
        REACHED.add(DropoutCase.objects.get(pk=self.case.pk).status)
        new_events = CaseEvent.objects.filter(case=self.case).count() - events
        # One timeline event with its one audit entry; entering step 2 also issues the notice (its own event).
        issued = service is services.case_step_advance and self.case.stage == 2 and kwargs.get("issue_document")
        assert new_events == (2 if issued else 1), f"{service.__name__} wrote {new_events} timeline events"
        assert self._case_audits() == audits + new_events, f"{service.__name__}: not one audit entry per event"
        self.case.refresh_from_db()

    # -- rules -------------------------------------------------------------------------------------------
    # ``progress`` takes a legal next step with good arguments (so that runs go deep); ``chaos`` calls any
    # service, as any persona, with arguments drawn from good and bad values.
    def _call(self, action: str, persona: str, data, good: bool) -> None:
        def pick(good_value, *others):
            return good_value if good else data.draw(st.sampled_from([good_value, *others]))

        if action == "verify":
            outcome = pick(Outcome.CONFIRMED_DROPOUT, *Outcome.values, "nonsense")
            self._do(services.case_verify, persona, outcome=outcome, note=pick("经核实", ""), on=self.today,
                     evidence=pick(evidence(), None))  # fmt: skip
        elif action == "start":
            self._do(services.case_start_return, persona, on=self.today)
        elif action == "advance":
            nxt = (self.case.stage or 0) + 1
            self._do(services.case_step_advance, persona, to_stage=pick(nxt, 0, 1, 2, 3, 4, 5, nxt + 1), on=self.today,
                     skip_reason=pick("", "家长失联"), issue_document=pick(True, False), doc_number="")  # fmt: skip
        elif action == "attempt":
            self._do(services.case_attempt_log, persona, date=self.today, people=pick("班主任、村干部", ""),
                     method=pick(AttemptMethod.HOME_VISIT, "x"), result=pick(AttemptResult.AGREED, AttemptResult.REFUSED))  # fmt: skip
        elif action == "return":
            self._do(services.case_return, persona, placement=pick(Placement.SAME_SCHOOL, *Placement.values, "x"),
                     on=self.today)  # fmt: skip
        elif action == "observe":
            self._do(services.case_observe_start, persona, on=self.today)
        elif action == "reopen":
            self._do(services.case_reopen, persona, on=self.today, note=pick("再次辍学", ""))
        elif action == "no_return":
            outcome = pick(Outcome.OUT_OF_COUNTY, *Outcome.values)
            self._do(services.case_no_return, persona, outcome=outcome, note="外地就读", on=self.today,
                     evidence=pick(evidence(), None))  # fmt: skip
        elif action == "close":
            on = self.case.observe_until or self.today
            self._do(services.case_close, persona, on=pick(on, self.today))

    @rule(data=st.data())
    def progress(self, data):
        action = data.draw(st.sampled_from(LEGAL_NEXT[self.case.status]))
        self._call(action, data.draw(st.sampled_from(["county_admin", "township_officer"])), data, good=True)

    @rule(action=st.sampled_from(ACTIONS), persona=st.sampled_from(PERSONAS), data=st.data())
    def chaos(self, action, persona, data):
        self._call(action, persona, data, good=False)

    # -- invariants ------------------------------------------------------------------------------------------
    @invariant()
    def status_is_known_and_reached_by_an_edge(self):
        case = DropoutCase.objects.get(pk=self.case.pk)
        assert case.status in S.values
        for frm, to in CaseEvent.objects.filter(case=case).values_list("from_status", "to_status"):
            assert frm == to or (frm, to) in EDGES, f"illegal transition {frm} → {to}"

    @invariant()
    def steps_are_not_skipped(self):
        case = DropoutCase.objects.get(pk=self.case.pk)
        steps = list(CaseStep.objects.filter(case=case, round=case.reopen_count).order_by("stage"))
        for s in steps:
            assert not s.skipped or s.skip_reason.strip(), "a step was skipped without a reason"
        if case.status == S.RETURNING:
            assert case.stage in (1, 2, 3, 4)
            assert [s.stage for s in steps] == list(range(1, case.stage + 1)), "a step of the 四步法 is missing"
            open_steps = [s for s in steps if s.completed_on is None]
            assert [s.stage for s in open_steps] == [case.stage], "not exactly one open step, the current one"
            if case.stage >= 2:
                assert CaseDocument.objects.filter(case=case).exists() or any(s.doc_number for s in steps)

    @invariant()
    def closing_needs_the_required_steps(self):
        case = DropoutCase.objects.get(pk=self.case.pk)
        if case.status == S.CLOSED:
            last = CaseEvent.objects.filter(case=case, to_status=S.CLOSED).latest("pk")
            assert last.from_status in (S.OBSERVING, S.NO_RETURN)
            assert case.closed_on is not None
            if last.from_status == S.OBSERVING:
                assert case.observe_until is not None and case.closed_on >= case.observe_until
        if case.status == S.NO_RETURN:
            assert case.no_return_reason.strip()
        if case.status in (S.RETURNED, S.PLACED, S.OBSERVING):
            assert case.placement and case.returned_on is not None


def test_no_sequence_of_case_actions_reaches_an_illegal_state(
    db, settings, tmp_path, monkeypatch, student_in_class, county_admin, township_officer, principal,
    class_teacher, county_leader, outsider, school_b,
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    # Rendering the notice is tested in test_lifecycle; here it would only cost time.
    monkeypatch.setattr("jiaoyun.dropout.services.documents.render_official_pdf", lambda *a, **k: b"%PDF-1.4 notice")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    CaseMachine.student = student_in_class
    CaseMachine.users = {
        "county_admin": county_admin,
        "township_officer": township_officer,
        "principal": principal,
        "class_teacher": class_teacher,
        "county_leader": county_leader,
        "outsider": outsider,
        "other": UserFactory(username="principal_b", role="principal", school=school_b),
    }
    run_state_machine_as_test(
        CaseMachine,
        settings=hsettings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )

    assert {S.VERIFIED, S.RETURNING, S.RETURNED, S.OBSERVING, S.NO_RETURN, S.CLOSED} <= REACHED, REACHED


@pytest.fixture
def student_in_class(enrolled):
    return enrolled("石小龙")
