"""After the 劝返: 复学 or 分类安置 (with the 学籍 event each placement means), 巩固观察, 复辍, 不需劝返 and 销号.

已核实辍学/劝返中 ─return→ 已复学/已安置 ─observe→ 巩固观察 ─close→ 销号
                              └─reopen (复辍)→ 已核实辍学;  已核实辍学/劝返中 ─no_return→ 不需劝返 ─close→ 销号
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.core.types import User
from jiaoyun.dropout import conf
from jiaoyun.dropout.choices import (
    ENROLMENT_PLACEMENTS,
    OUTCOME_STATUS,
    RETURN_PLACEMENTS,
    CaseStatus,
    Outcome,
    Placement,
)
from jiaoyun.dropout.models import DropoutCase
from jiaoyun.dropout.services.common import (
    add_months,
    case_locked,
    check_can_edit_enrolment,
    current_step_complete,
    record_event,
    today,
)
from jiaoyun.people.choices import EventKind, StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.people.services import enrolment_record
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School

S = CaseStatus


def _placement_register(
    actor: User | None,
    case: DropoutCase,
    student: Student,
    placement: str,
    on: dt.date,
    school: School | None,
    grade: int | None,
) -> tuple[School, int]:
    """Write the 学籍 event a placement means, so that the register, the indicators and the case agree: every
    placement that puts the child back in a school (复学, 转学, 随班就读, 特教学校, 送教上门 — registered at the
    school that sends the teachers —, 职业学校) records 复学/入学/转入 there; 休学 records 复学 then 休学."""
    label = Placement(placement).label
    if placement == Placement.SAME_SCHOOL:
        school = school or case.school or student.current_school
        if school is None:
            raise DomainError("从未入学的儿童没有原学校，请选择“转学复学”并指定学校", field="学校")
    if school is None:
        raise DomainError(f"{label}须指定接收（学籍所在）学校", field="学校")
    if placement == Placement.SPECIAL_SCHOOL and school.kind != SchoolKind.SPECIAL:
        raise DomainError(f"{school.name}不是特殊教育学校", field="学校")
    if placement == Placement.INCLUSIVE and school.kind == SchoolKind.SPECIAL:
        raise DomainError("随班就读应安置在普通学校", field="学校")
    grade = grade if grade is not None else (student.current_grade or case.grade)
    if grade is None:
        raise DomainError("请填写复学年级", field="年级")
    status = student.status
    elsewhere = status == StudentStatus.IN_SCHOOL and student.current_school_id != school.pk
    if status != StudentStatus.IN_SCHOOL or elsewhere or placement == Placement.SUSPENDED:
        check_can_edit_enrolment(actor, student, f"办理{label}")
    reason = f"控辍保学：{label}"
    if status in (StudentStatus.DROPPED_OUT, StudentStatus.SUSPENDED):
        enrolment_record(actor=actor, student=student, kind=EventKind.RESUME, date=on, school=school, grade=grade,
                         reason=reason)  # fmt: skip
    elif status in (StudentStatus.NOT_ENROLLED, StudentStatus.TRANSFERRED_OUT):
        enrolment_record(actor=actor, student=student, kind=EventKind.ENROL, date=on, school=school, grade=grade,
                         reason=reason)  # fmt: skip
    elif elsewhere:
        enrolment_record(actor=actor, student=student, kind=EventKind.TRANSFER_IN, date=on, school=school,
                         grade=grade, reason=reason)  # fmt: skip
    if placement == Placement.SUSPENDED:
        student.refresh_from_db()
        enrolment_record(actor=actor, student=student, kind=EventKind.SUSPEND, date=on, reason=reason)
    return school, grade


@transaction.atomic
def case_return(
    *,
    actor: User | None,
    case: DropoutCase,
    placement: str,
    on: dt.date | None = None,
    school: School | None = None,
    grade: int | None = None,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> DropoutCase:
    """复学 or 分类安置. Every placement that puts the child back in school records the 学籍 event (复学, 入学
    for a child never enrolled, 转入); 休学 records 休学; 延缓入学 records none (the child is not in school)."""
    on = on or today()
    case = case_locked(actor, case, (S.VERIFIED, S.RETURNING), "办理复学或安置")
    if placement not in Placement.values:
        raise DomainError(f"未知安置方式“{placement}”", field="安置方式")
    student = case.student
    if placement in ENROLMENT_PLACEMENTS or placement == Placement.SUSPENDED:
        school, grade = _placement_register(actor, case, student, placement, on, school, grade)
    current_step_complete(case, on, f"已{Placement(placement).label}")
    before = case.status
    case.status = S.RETURNED if placement in RETURN_PLACEMENTS else S.PLACED
    case.placement, case.placement_school, case.returned_on = placement, school, on
    case.save()
    record_event(
        case=case, actor=actor, action=Placement(placement).label, on=on, from_status=before, note=note,
        evidence=evidence, data={"placement": placement, "school": school.pk if school else None, "grade": grade},
    )  # fmt: skip
    return case


@transaction.atomic
def case_observe_start(
    *, actor: User | None, case: DropoutCase, on: dt.date | None = None, note: str = ""
) -> DropoutCase:
    """巩固观察: follow-up for DROPOUT_OBSERVE_MONTHS months after the return."""
    on = on or today()
    case = case_locked(actor, case, (S.RETURNED, S.PLACED), "转入巩固观察")
    before = case.status
    case.status = S.OBSERVING
    case.observe_until = add_months(case.returned_on or on, int(conf.get("DROPOUT_OBSERVE_MONTHS")))
    case.save()
    record_event(case=case, actor=actor, action="转入巩固观察", on=on, from_status=before,
                 note=note or f"观察至{case.observe_until}", data={"observe_until": case.observe_until.isoformat()})  # fmt: skip
    return case


@transaction.atomic
def case_reopen(
    *,
    actor: User | None,
    case: DropoutCase,
    on: dt.date | None = None,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> DropoutCase:
    """复辍: a returned child is out again — the case reopens (new round of the 四步法)."""
    on = on or today()
    case = case_locked(actor, case, (S.RETURNED, S.PLACED, S.OBSERVING), "登记复辍")
    if not note.strip():
        raise DomainError("请写明再次辍学的情况", field="说明")
    before = case.status
    student = case.student
    if student.status == StudentStatus.IN_SCHOOL:
        check_can_edit_enrolment(actor, student, "登记复辍")
        enrolment_record(actor=actor, student=student, kind=EventKind.DROP_OUT, date=on, reason="复学后再次辍学")
    case.status, case.stage, case.placement = S.VERIFIED, None, ""
    case.returned_on, case.observe_until, case.placement_school = None, None, None
    case.reopen_count += 1
    case.verified_on = on
    case.save()
    record_event(case=case, actor=actor, action="复辍，案件重新打开", on=on, from_status=before, note=note,
                 evidence=evidence, data={"round": case.reopen_count})  # fmt: skip
    return case


@transaction.atomic
def case_no_return(
    *,
    actor: User | None,
    case: DropoutCase,
    outcome: str,
    note: str,
    evidence: UploadedFile | None,
    on: dt.date | None = None,
) -> DropoutCase:
    """不需劝返 (死亡、出国、超龄、外地在读、失踪经公安认定…): needs a reason and evidence."""
    on = on or today()
    case = case_locked(actor, case, (S.VERIFIED, S.RETURNING), "认定为不需劝返", authority=True)
    if OUTCOME_STATUS.get(outcome) != S.NO_RETURN:
        allowed = "、".join(str(o.label) for o in Outcome if OUTCOME_STATUS[o] == S.NO_RETURN)
        raise DomainError(f"不需劝返的理由应为：{allowed}", field="理由")
    if not note.strip() or evidence is None:
        raise DomainError(
            "认定不需劝返须写明情况并上传佐证材料（如死亡证明、出国证明、外地学校在读证明）", field="佐证材料"
        )
    current_step_complete(case, on, f"不需劝返：{Outcome(outcome).label}")
    before = case.status
    case.status, case.outcome, case.no_return_reason = S.NO_RETURN, outcome, note.strip()[:300]
    case.save()
    record_event(case=case, actor=actor, action=f"不需劝返：{Outcome(outcome).label}", on=on, from_status=before,
                 note=note, evidence=evidence, data={"outcome": outcome})  # fmt: skip
    return case


@transaction.atomic
def case_close(*, actor: User | None, case: DropoutCase, on: dt.date | None = None, note: str = "") -> DropoutCase:
    """销号: after the observation period, or for a case that needs no return."""
    on = on or today()
    case = case_locked(actor, case, (S.OBSERVING, S.NO_RETURN), "销号", authority=True)
    if case.status == S.OBSERVING and case.observe_until and on < case.observe_until:
        raise IllegalTransition(f"巩固观察期至{case.observe_until}，期满后方可销号（如已稳定在校，请继续登记回访）。")
    before = case.status
    case.status, case.closed_on, case.stage = S.CLOSED, on, None
    case.save()
    record_event(case=case, actor=actor, action="销号", on=on, from_status=before, note=note)
    return case
