"""The 县管校聘 round as a state machine: random sequences of the real services (posts, applications, scores,
advancing, recomputing, appeals), by random personas, with good and bad arguments — and sometimes with a
copy of the round loaded long ago, as a page opened in another tab would send — never reach an illegal state.

Invariants checked after every step:

* a refused call changes nothing (round, posts, applications, scores, appeals, events, assignments, audit);
* an accepted call writes exactly one audit entry (advancing: exactly one for the round, plus one per
  teacher moved when the round is applied);
* the round moves one stage at a time, in order (no stage is skipped);
* posts change only before the in-school stage; applications only while applying; a round is published
  and applied only with no appeal pending; an applied round has moved every placed teacher.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.people.models import Teacher, TeacherAssignment
from jiaoyun.teachers import services
from jiaoyun.teachers.choices import ROUND_ORDER, AppealStatus, RoundStatus
from jiaoyun.teachers.models import Appeal, Application, HiringRound, RoundEvent, RoundPost, Score
from jiaoyun.teachers.tests.conftest import make_teacher

R = RoundStatus
PERSONAS = ["personnel", "principal", "principal_b", "county_leader", "township_officer", "outsider"]
ACTIONS = ["post", "apply", "score", "advance", "recompute", "appeal", "decide"]
REACHED: set[str] = set()


class RoundMachine(RuleBasedStateMachine):
    users: dict = {}
    schools: list = []
    teachers: list = []

    def __init__(self) -> None:
        super().__init__()
        self.sid = transaction.savepoint()
        self.round = services.round_create(actor=self.users["personnel"], year=2026, name="2026年县管校聘",
                                           effective_date=dt.date(2026, 9, 1))  # fmt: skip
        self.stale = HiringRound.objects.get(pk=self.round.pk)  # a copy loaded now and never refreshed

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.sid)

    def _snapshot(self) -> tuple:
        r = HiringRound.objects.get(pk=self.round.pk)
        return (
            r.status,
            tuple(RoundPost.objects.filter(round=r).order_by("pk").values_list("pk", "school_id", "subject", "count")),
            tuple(
                Application.objects.filter(round=r)
                .order_by("pk")
                .values_list("pk", "choices", "placed_school_id", "stage", "applied")
            ),  # fmt: skip
            tuple(Score.objects.filter(application__round=r).order_by("pk").values_list("pk", "score")),
            tuple(Appeal.objects.filter(application__round=r).order_by("pk").values_list("pk", "status")),
            RoundEvent.objects.filter(round=r).count(),
            tuple(Teacher.objects.order_by("pk").values_list("pk", "school_id")),
            TeacherAssignment.objects.count(),
            AuditEntry.objects.count(),
        )

    def _do(self, service, persona: str, **kwargs) -> None:
        before = self._snapshot()
        status_before = HiringRound.objects.get(pk=self.round.pk).status
        pending = Appeal.objects.filter(application__round=self.round, status=AppealStatus.PENDING).exists()
        audits = AuditEntry.objects.count()
        round_audits = AuditEntry.objects.filter(object_type="teachers.HiringRound", object_id=str(self.round.pk))
        n_round = round_audits.count()
        moves = TeacherAssignment.objects.count()
        try:
            with transaction.atomic():
                service(actor=self.users[persona], **kwargs)
        except DomainError:
            assert self._snapshot() == before, f"{service.__name__} by {persona} was refused but changed something"
            return
        after = self._snapshot()
        status = HiringRound.objects.get(pk=self.round.pk).status
        REACHED.add(status)
        if service is services.round_advance:
            assert round_audits.count() == n_round + 1, "advancing wrote not exactly one audit entry for the round"
            assert AuditEntry.objects.count() == audits + 1 + (TeacherAssignment.objects.count() - moves)
            assert ROUND_ORDER.index(status) == ROUND_ORDER.index(status_before) + 1
            if status in (R.PUBLISHED, R.APPLIED):
                assert not pending, f"the round became {status} with an appeal pending"
        else:
            assert AuditEntry.objects.count() == audits + 1, f"{service.__name__} wrote not exactly one audit entry"
            assert status == status_before
        if after[1] != before[1]:
            assert status_before in (R.DRAFT, R.APPLYING), f"posts changed while {status_before}"
        if [a[:2] for a in after[2]] != [a[:2] for a in before[2]] and service is not services.round_advance:
            assert status_before == R.APPLYING, f"applications changed while {status_before}"
        self.round.refresh_from_db()

    def _call(self, action: str, persona: str, data, good: bool) -> None:
        def pick(good_value, *others):
            return good_value if good else data.draw(st.sampled_from([good_value, *others]))

        rnd = self.round if good else data.draw(st.sampled_from([self.round, self.stale, self.stale]))
        apps = list(Application.objects.filter(round=self.round).order_by("pk"))
        if action == "post":
            school = data.draw(st.sampled_from(self.schools))
            self._do(services.round_post_set, persona, round=rnd, school=school, subject=pick("math", "nonsense"),
                     count=pick(data.draw(st.integers(1, 2)), 0, -1))  # fmt: skip
        elif action == "apply":
            teacher = data.draw(st.sampled_from(self.teachers))
            ids = [s.pk for s in self.schools]
            choices = pick([ids[1]], [], [ids[0], ids[0]], [999999], ids * 3)
            self._do(services.application_submit, persona, round=rnd, teacher=teacher, choices=choices)
        elif action == "score" and apps:
            app = data.draw(st.sampled_from(apps))
            school = app.origin_school if good else data.draw(st.sampled_from(self.schools))
            self._do(services.score_set, persona, application=app, school=school,
                     score=pick(data.draw(st.integers(50, 100)), -1, 101, "abc"))  # fmt: skip
        elif action == "advance":
            self._do(services.round_advance, persona, round=rnd)
        elif action == "recompute":
            self._do(services.round_recompute, persona, round=rnd, note=pick("更正评分", ""))
        elif action == "appeal" and apps:
            self._do(services.appeal_file, persona, application=data.draw(st.sampled_from(apps)),
                     reason=pick("评分有误", ""))  # fmt: skip
        elif action == "decide":
            appeals = list(Appeal.objects.filter(application__round=self.round).order_by("pk"))
            if appeals:
                self._do(services.appeal_decide, persona, appeal=data.draw(st.sampled_from(appeals)),
                         upheld=data.draw(st.booleans()), outcome=pick("维持", ""))  # fmt: skip

    @rule(data=st.data())
    def progress(self, data):
        status = self.round.status
        has_posts = RoundPost.objects.filter(round=self.round).exists()
        has_apps = Application.objects.filter(round=self.round).exists()
        if status == R.DRAFT:
            choices = ["post", "advance", "advance"] if has_posts else ["post"]
        elif status == R.APPLYING:
            choices = ["apply", "score", "advance", "advance"] if has_apps else ["apply"]
        elif status in (R.IN_SCHOOL, R.CROSS_SCHOOL, R.COUNTY):
            choices = ["score", "advance", "advance", "advance"]
        elif status == R.REVIEW:
            choices = ["appeal", "decide", "recompute", "advance", "advance"]
        else:
            choices = ["appeal", "decide", "decide", "advance", "advance"]
        self._call(data.draw(st.sampled_from(choices)), "personnel", data, good=True)

    @rule(action=st.sampled_from(ACTIONS), persona=st.sampled_from(PERSONAS + ["personnel"] * 4), data=st.data())
    def chaos(self, action, persona, data):
        self._call(action, persona, data, good=False)

    @invariant()
    def stages_in_order(self):
        r = HiringRound.objects.get(pk=self.round.pk)
        assert r.status in R.values
        statuses = [
            e.to_status for e in RoundEvent.objects.filter(round=r).order_by("pk") if e.from_status != e.to_status
        ]
        assert statuses == ROUND_ORDER[: len(statuses)], f"stages out of order: {statuses}"
        assert statuses[-1] == r.status

    @invariant()
    def applied_round_moved_every_placed_teacher(self):
        r = HiringRound.objects.get(pk=self.round.pk)
        if r.status == R.APPLIED:
            for app in Application.objects.filter(round=r, placed_school__isnull=False).select_related("teacher"):
                assert app.applied and app.teacher.school_id == app.placed_school_id


def test_no_sequence_of_round_actions_reaches_an_illegal_state(
    db, settings, personnel, principal, principal_b, county_leader, township_officer, outsider, school_a, school_b
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    RoundMachine.users = {
        "personnel": personnel,
        "principal": principal,
        "principal_b": principal_b,
        "county_leader": county_leader,
        "township_officer": township_officer,
        "outsider": outsider,
    }
    RoundMachine.schools = [school_a, school_b]
    RoundMachine.teachers = [
        make_teacher(school, name=name, main_subject="math", school_since=dt.date(2015, 9, 1))
        for school, name in ((school_a, "张一"), (school_a, "李二"), (school_b, "王三"))
    ]
    run_state_machine_as_test(
        RoundMachine,
        settings=hsettings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    assert {R.APPLYING, R.IN_SCHOOL, R.REVIEW, R.PUBLISHED, R.APPLIED} <= REACHED, REACHED
