"""The set-based 四查三比对 (ADR 0045) decides and writes as the one-record-at-a-time pass did: roster records
in the roster's order (a child created for an earlier record is a candidate for the later ones), and cases
opened at once with the place, the 包保责任人, the 发现 event and the audit entries ``case_open`` gives."""

import datetime as dt

from jiaoyun.core import idcard
from jiaoyun.core.audit import chain_verify
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout import services
from jiaoyun.dropout.choices import CaseStatus, MatchRule
from jiaoyun.dropout.models import CaseEvent, DropoutCase, HukouRecord, MatchHit
from jiaoyun.dropout.services.matching import school_days
from jiaoyun.dropout.services.responsibility import candidates_for
from jiaoyun.dropout.tests.test_crossmatch import absent, roster
from jiaoyun.people.models import Student

D = dt.date


def test_roster_records_are_decided_in_roster_order_against_children_created_before(
    db, village_a1, as_of, county_admin
):
    birth = D(2012, 4, 4)
    first = roster(name="李娟", birth=birth, village=village_a1, number=idcard.make("530521", birth, 11))
    no_id = roster(name="李娟", birth=birth, village=village_a1)  # only the child created for `first` matches
    other = roster(name="李娟", birth=birth, village=village_a1, number=idcard.make("530521", birth, 13))
    late = roster(name="李娟", birth=birth, village=village_a1)  # two children of that name and birth by now

    run = services.crossmatch_run(actor=county_admin, as_of=as_of)

    created = list(Student.objects.filter(name="李娟").order_by("id"))
    assert len(created) == 2
    assert [c.id_hash for c in created] == [first.id_hash, other.id_hash]
    assert idcard.decrypt(created[0].id_cipher) == idcard.make("530521", birth, 11)
    for rec in (first, no_id, other, late):
        rec.refresh_from_db()
    assert (first.student, no_id.student, other.student, late.student) == (created[0], created[0], created[1], None)
    assert no_id.match_note == "姓名、出生日期一致（一方无身份证号），请核对"
    assert late.match_note == "有2名同名同生日学生，请人工核对"
    assert run.figures["roster_only"] == 2 and run.figures["linked_by_name"] == 1 and run.figures["ambiguous"] == 1
    # one audit entry per roster student, in the chain
    audited = AuditEntry.objects.filter(object_type="people.Student", action=AuditAction.CREATE)
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in created)
    assert chain_verify().ok


def test_a_child_created_earlier_in_the_run_is_a_near_miss_hint(db, village_a1, as_of, county_admin):
    birth = D(2013, 6, 6)
    roster(name="王明", birth=birth, village=village_a1, number=idcard.make("530521", birth, 21))
    roster(name="王明明", birth=birth, village=village_a1, number=idcard.make("530521", birth, 23))
    services.crossmatch_run(actor=county_admin, as_of=as_of)
    assert MatchHit.objects.get(case__student__name="王明").hint == ""
    assert "王明" in MatchHit.objects.get(case__student__name="王明明").hint


def test_cases_opened_at_once_are_what_case_open_makes(
    enrolled, make_student, responsibles, village_a1, township_a, school_a, class_a1, as_of, county_admin
):
    pupil = enrolled("缺勤生")
    absent(pupil, school_days(as_of, 5))
    never = make_student("未入学生", birth=D(2014, 2, 2))
    roster(never, village=village_a1, group="一组")

    services.crossmatch_run(actor=county_admin, as_of=as_of)

    case = DropoutCase.objects.get(student=pupil)
    assert (case.township, case.village, case.school, case.school_class, case.grade) == (
        township_a, village_a1, school_a, class_a1, 1
    )  # fmt: skip
    assert case.kind == "dropout" and case.status == CaseStatus.PENDING and case.source == "crossmatch"
    assert DropoutCase.objects.get(student=never).kind == "out_of_school"
    for c in DropoutCase.objects.all():
        group = "一组" if c.student_id == never.pk else ""
        expected = {(line, level): p.pk for (line, level), p in candidates_for(c, group_name=group).items()}
        assert {(r.line, r.level): r.person_id for r in c.responsibles.all()} == expected
    assert len(DropoutCase.objects.get(student=pupil).responsibles.all()) == 8
    assert DropoutCase.objects.get(student=never).responsibles.get(line="admin", level=4).name == "组长丁"
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.from_status, event.to_status, event.actor_name) == ("发现", "", "pending", "系统")
    assert event.note.startswith("四查三比对发现：") and "连续5个上课日无故缺勤" in event.note
    entry = AuditEntry.objects.get(object_type="dropout.DropoutCase", object_id=str(case.pk))
    assert entry.action == AuditAction.TRANSITION and entry.object_repr == "缺勤生 发现"
    assert entry.changes == {"action": "发现", "status": ["", "pending"]} and entry.note == event.note
    assert set(MatchHit.objects.filter(case=case).values_list("rule", flat=True)) == {MatchRule.ABSENT}
    assert HukouRecord.objects.get(student=never).match_note == "身份证号一致"
    assert chain_verify().ok
