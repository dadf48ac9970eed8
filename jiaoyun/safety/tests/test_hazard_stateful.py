"""The hazard rectification loop (隐患整改闭环) as a state machine: random sequences of rectify / verify / close
calls to the real services, by random personas and with good and bad arguments, never reach an illegal state.

Invariants checked after every step:

* a refused call changes nothing (hazard row, events, evidence files, audit log);
* an accepted call writes exactly one audit entry for the hazard and one event;
* every status change is an edge of the loop: open → rectified → verified → closed, rectified → open;
* a hazard is verified and closed only after a re-inspection by someone other than the fixer; a rectified
  hazard has evidence.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.safety.choices import HazardStatus as H
from jiaoyun.safety.models import Hazard, HazardEvent, HazardEvidence
from jiaoyun.safety.services import hazard_close, hazard_open, hazard_rectify, hazard_verify

EDGES = {("", H.OPEN), (H.OPEN, H.RECTIFIED), (H.RECTIFIED, H.VERIFIED), (H.RECTIFIED, H.OPEN), (H.VERIFIED, H.CLOSED)}
PERSONAS = ["responsible", "principal", "vice_principal", "safety_staff", "township_officer", "outsider",
            "principal_b", "county_leader"]  # fmt: skip
REACHED: set[str] = set()


def files(kind: str) -> list[SimpleUploadedFile]:
    if kind == "none":
        return []
    if kind == "html":
        return [SimpleUploadedFile("fix.html", b"<script>alert(1)</script>", content_type="text/html")]
    return [SimpleUploadedFile("gate.jpg", b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg")]


class HazardMachine(RuleBasedStateMachine):
    users: dict = {}
    school = None
    deadline = None

    def __init__(self) -> None:
        super().__init__()
        self.sid = transaction.savepoint()
        self.hazard = hazard_open(actor=self.users["principal"], school=self.school, title="围墙破损", severity="low",
                                  responsible=self.users["responsible"], deadline=self.deadline)  # fmt: skip

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.sid)

    def _snapshot(self) -> tuple:
        h = Hazard.objects.get(pk=self.hazard.pk)
        return (
            tuple((f.attname, getattr(h, f.attname)) for f in Hazard._meta.concrete_fields),
            HazardEvent.objects.filter(hazard=h).count(),
            HazardEvidence.objects.filter(event__hazard=h).count(),
            AuditEntry.objects.count(),
        )

    def _audits(self) -> int:
        return AuditEntry.objects.filter(object_type="safety.Hazard", object_id=str(self.hazard.pk)).count()

    def _do(self, service, persona: str, **kwargs) -> None:
        before, audits = self._snapshot(), self._audits()
        events = HazardEvent.objects.filter(hazard=self.hazard).count()
        try:
            with transaction.atomic():
                service(hazard=self.hazard, actor=self.users[persona], **kwargs)
        except DomainError:
            assert self._snapshot() == before, f"{service.__name__} by {persona} was refused but changed something"
            return
        assert self._audits() == audits + 1, f"{service.__name__} wrote not exactly one audit entry"
        assert HazardEvent.objects.filter(hazard=self.hazard).count() == events + 1
        self.hazard.refresh_from_db()
        REACHED.add(self.hazard.status)

    # ``progress`` takes a legal next step (fixer fixes, another manager verifies or rejects, a manager closes);
    # ``chaos`` calls any service as any persona with good or bad arguments.
    @rule(data=st.data())
    def progress(self, data):
        status = self.hazard.status
        if status == H.OPEN:
            self._do(hazard_rectify, data.draw(st.sampled_from(["responsible", "principal"])), note="已修复",
                     files=files("photo"))  # fmt: skip
        elif status == H.RECTIFIED:
            others = [p for p in ("principal", "vice_principal") if self.users[p].pk != self.hazard.fixed_by_id]
            passed = data.draw(st.booleans())
            self._do(hazard_verify, data.draw(st.sampled_from(others)), passed=passed, note="复查意见")
        elif status == H.VERIFIED:
            self._do(hazard_close, data.draw(st.sampled_from(["principal", "vice_principal"])))

    @rule(persona=st.sampled_from(PERSONAS), note=st.sampled_from(["", "已修复"]),
          kind=st.sampled_from(["photo", "none", "html"]))  # fmt: skip
    def rectify(self, persona, note, kind):
        self._do(hazard_rectify, persona, note=note, files=files(kind))

    @rule(persona=st.sampled_from(PERSONAS), passed=st.booleans(), note=st.sampled_from(["", "复查意见"]))
    def verify(self, persona, passed, note):
        self._do(hazard_verify, persona, passed=passed, note=note)

    @rule(persona=st.sampled_from(PERSONAS))
    def close(self, persona):
        self._do(hazard_close, persona)

    @invariant()
    def only_edges_of_the_loop(self):
        h = Hazard.objects.get(pk=self.hazard.pk)
        assert h.status in H.values
        for frm, to in HazardEvent.objects.filter(hazard=h).values_list("from_status", "to_status"):
            assert (frm, to) in EDGES, f"illegal transition {frm} → {to}"

    @invariant()
    def closing_needs_a_verification_by_someone_else(self):
        h = Hazard.objects.get(pk=self.hazard.pk)
        if h.status in (H.VERIFIED, H.CLOSED):
            assert h.verified_by_id is not None and h.fixed_by_id is not None
            assert h.verified_by_id != h.fixed_by_id, "verified by the fixer"
        if h.status == H.CLOSED:
            assert h.closed_at is not None
            assert HazardEvent.objects.filter(hazard=h, from_status=H.RECTIFIED, to_status=H.VERIFIED).exists()
        if h.status == H.RECTIFIED:
            last = HazardEvent.objects.filter(hazard=h, to_status=H.RECTIFIED).latest("pk")
            assert HazardEvidence.objects.filter(event=last).exists(), "rectified without evidence"


def test_no_sequence_of_hazard_actions_reaches_an_illegal_state(
    db, tmp_path, settings, school_a, school_b, principal, vice_principal, safety_staff, township_officer, outsider,
    county_leader, class_a1, soon,
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    responsible = UserFactory(username="teacher_fix", role="class_teacher", school=school_a, display_name="后勤王老师")
    HazardMachine.school, HazardMachine.deadline = school_a, soon
    HazardMachine.users = {
        "responsible": responsible,
        "principal": principal,
        "vice_principal": vice_principal,
        "safety_staff": safety_staff,
        "township_officer": township_officer,
        "outsider": outsider,
        "county_leader": county_leader,
        "principal_b": UserFactory(username="principal_b", role="principal", school=school_b),
    }
    run_state_machine_as_test(
        HazardMachine,
        settings=hsettings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    assert {H.RECTIFIED, H.VERIFIED, H.OPEN, H.CLOSED} <= REACHED, REACHED
