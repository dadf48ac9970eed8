"""The case state machine. Every transition is a service: it checks the current state, writes the change,
a timeline event (actor, time, note, evidence) and an audit entry, in one transaction.

    待核实 ─verify→ 已核实辍学 ─start→ 劝返中 (四步法 1→2→3→4) ─return→ 已复学/已安置 ─observe→ 巩固观察 ─close→ 销号
       │                 │                │                                    └─reopen (复辍)→ 已核实辍学
       ├→ 不需劝返 ─close→ 销号          └──────── no_return ───────────→ 不需劝返
       └→ 核实排除
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.core.files import check_upload
from jiaoyun.dropout import conf
from jiaoyun.dropout.permissions import STAGE_ACT, check_may_take
from jiaoyun.dropout.choices import (
    ENROLMENT_PLACEMENTS,
    OUTCOME_STATUS,
    RETURN_PLACEMENTS,
    STAGE_LEVEL,
    AttemptMethod,
    AttemptResult,
    CaseKind,
    CaseStatus,
    DocumentKind,
    Line,
    Outcome,
    Placement,
    Reason,
    Source,
    Stage,
)
from jiaoyun.dropout.models import CaseStep, DropoutCase, ReturnAttempt
from jiaoyun.dropout.services.common import (
    add_months,
    check_can_act,
    check_can_edit_enrolment,
    record_event,
    today,
)
from jiaoyun.dropout.services.responsibility import responsible_assign
from jiaoyun.people.choices import EventKind, StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.people.services import enrolment_record
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School

S = CaseStatus


def _label(status: str) -> str:
    return str(CaseStatus(status).label)


def _require(case: DropoutCase, allowed: tuple[str, ...], doing: str) -> None:
    if case.status not in allowed:
        wanted = "、".join(f"“{_label(s)}”" for s in allowed)
        raise IllegalTransition(
            f"案件当前状态为“{_label(case.status)}”，不能{doing}；只有{wanted}状态的案件可以{doing}。"
        )


def _lock(case: DropoutCase) -> DropoutCase:
    return (
        DropoutCase.objects.select_for_update(of=("self",))
        .select_related("student", "township", "school")
        .get(pk=case.pk)
    )


def _current_step(case: DropoutCase) -> CaseStep | None:
    return (
        case.steps.filter(round=case.reopen_count, completed_on__isnull=True, skipped=False).order_by("-stage").first()
    )


def _step_responsible(case: DropoutCase, stage: int) -> Any:
    level = STAGE_LEVEL[stage]
    for line in (Line.ADMIN, Line.EDUCATION):
        found = case.responsibles.filter(line=line, level=level).select_related("person").first()
        if found is not None:
            return found.person
    return None


@transaction.atomic
def case_open(
    *,
    actor: Any,
    student: Student,
    on: dt.date | None = None,
    source: str = Source.OTHER,
    reason: str = "",
    note: str = "",
    group_name: str = "",
) -> DropoutCase:
    """Put a child on the 疑似 ledger (待核实) — from the cross-match, a door-to-door search or a school report."""
    on = on or today()
    if source not in Source.values:
        raise DomainError(f"未知发现途径{source!r}", field="发现途径")
    if reason and reason not in Reason.values:
        raise DomainError(f"未知辍学原因{reason!r}", field="辍学原因")
    if DropoutCase.objects.filter(student=student).exclude(status__in=(S.DISMISSED, S.CLOSED)).exists():
        raise DomainError(f"{student.name}已有未销号的案件，请在原案件中办理", field="学生")
    village = student.hukou_village or student.residence_village
    township_id = village.parent_id if village is not None else None
    if township_id is None and student.current_school_id:
        township_id = student.current_school.township_id  # type: ignore[union-attr]
    case = DropoutCase(
        student=student,
        kind=CaseKind.OUT_OF_SCHOOL if student.status == StudentStatus.NOT_ENROLLED else CaseKind.DROPOUT,
        status=S.PENDING,
        source=source,
        reason=reason,
        township_id=township_id,
        village=village,
        school_id=student.current_school_id,
        grade=student.current_grade,
        school_class_id=student.current_class_id,
        priority=bool(student.poverty),
        detected_on=on,
    )
    if actor is not None:
        # A person opening a case must be able to see the child.
        from jiaoyun.core.errors import PermissionDenied
        from jiaoyun.core.scope import student_q

        if not Student.objects.filter(student_q(actor), pk=student.pk).exists():
            raise PermissionDenied("该学生不在您的数据范围内")
    case.full_clean(exclude=["student", "township", "village", "school", "school_class"])  # taken from saved rows
    case.save()
    responsible_assign(case=case, group_name=group_name)
    record_event(
        case=case, actor=actor, action="发现", on=on, note=note or f"经{Source(source).label}发现，列入疑似台账"
    )
    return case


@transaction.atomic
def case_verify(
    *,
    actor: Any,
    case: DropoutCase,
    outcome: str,
    on: dt.date | None = None,
    reason: str = "",
    note: str = "",
    evidence: UploadedFile | None = None,
) -> DropoutCase:
    """核实: record the verification outcome; the outcome decides the next state."""
    on = on or today()
    case = _lock(case)
    check_can_act(actor, case)
    _require(case, (S.PENDING,), "核实")
    if outcome not in OUTCOME_STATUS:
        raise DomainError(f"未知核实结论{outcome!r}", field="核实结论")
    if reason and reason not in Reason.values:
        raise DomainError(f"未知辍学原因{reason!r}", field="辍学原因")
    target = OUTCOME_STATUS[outcome]
    if target == S.NO_RETURN and (not note.strip() or evidence is None):
        raise DomainError(f"核实为“{Outcome(outcome).label}”（不需劝返）须填写理由并上传佐证材料", field="佐证材料")
    if target == S.DISMISSED and not note.strip():
        raise DomainError("排除疑似须写明核实情况", field="说明")
    if on < case.detected_on:
        raise DomainError(f"核实日期不能早于发现日期{case.detected_on}", field="日期")
    before = case.status
    case.status, case.outcome, case.verified_on = target, outcome, on
    if reason:
        case.reason = reason
    if target == S.NO_RETURN:
        case.no_return_reason = note.strip()[:300]
    student = case.student
    if target == S.VERIFIED and student.status == StudentStatus.IN_SCHOOL:
        # 名在人不在: the register catches up with reality.
        check_can_edit_enrolment(actor, student, "核实辍学")
        enrolment_record(
            actor=actor,
            student=student,
            kind=EventKind.DROP_OUT,
            date=on,
            reason=Reason(case.reason).label if case.reason else "核实辍学",
        )
    case.save()
    record_event(
        case=case,
        actor=actor,
        action=f"核实：{Outcome(outcome).label}",
        on=on,
        from_status=before,
        note=note,
        evidence=evidence,
        data={"outcome": outcome},
    )
    return case


def _open_step(case: DropoutCase, stage: int, on: dt.date, deadline: dt.date | None, doc_number: str = "") -> CaseStep:
    days = conf.get("DROPOUT_STEP_DAYS")
    person = _step_responsible(case, stage)
    step = CaseStep(
        case=case,
        round=case.reopen_count,
        stage=stage,
        started_on=on,
        deadline=deadline or on + dt.timedelta(days=int(days.get(stage, days.get(str(stage), 15)))),
        doc_number=doc_number,
        responsible=person,
        responsible_name=person.name if person is not None else "",
    )
    step.full_clean(exclude=["case", "responsible"])
    step.save()
    return step


@transaction.atomic
def case_start_return(
    *, actor: Any, case: DropoutCase, on: dt.date | None = None, deadline: dt.date | None = None, note: str = ""
) -> DropoutCase:
    """启动劝返: 四步法 step 1 (宣传教育) opens with its deadline."""
    on = on or today()
    case = _lock(case)
    check_can_act(actor, case)
    _require(case, (S.VERIFIED,), "启动劝返")
    if case.outcome == Outcome.SEND_TEACHING:
        raise IllegalTransition(
            "核实为“因病因残送教/不具备学习能力”的儿童应直接分类安置（送教上门、特教学校等），不走劝返程序。"
        )
    before = case.status
    case.status, case.stage = S.RETURNING, Stage.EDUCATION
    case.save()
    step = _open_step(case, Stage.EDUCATION, on, deadline)
    record_event(
        case=case, actor=actor, action="启动劝返：宣传教育", on=on, from_status=before, note=note,
        data={"stage": 1, "deadline": step.deadline.isoformat() if step.deadline else None},
    )  # fmt: skip
    return case


@transaction.atomic
def case_step_advance(
    *,
    actor: Any,
    case: DropoutCase,
    to_stage: int,
    on: dt.date | None = None,
    deadline: dt.date | None = None,
    doc_number: str = "",
    outcome: str = "",
    skip_reason: str = "",
    document_kind: str = "",
    note: str = "",
    evidence: UploadedFile | None = None,
    issue_document: bool = True,
) -> DropoutCase:
    """Move to a later step of the 四步法. Skipping a step needs a reason; step 2 issues a notice (unless
    ``issue_document`` is off because the notice was issued on paper and ``doc_number`` names it)."""
    on = on or today()
    case = _lock(case)
    check_can_act(actor, case)
    _require(case, (S.RETURNING,), "进入下一步")
    current = case.stage or 0
    if to_stage not in Stage.values:
        raise DomainError("四步法阶段应为1～4", field="阶段")
    if to_stage in STAGE_ACT:
        check_may_take(actor, STAGE_ACT[to_stage], case)
    if to_stage <= current:
        raise IllegalTransition(
            f"案件已处于第{current}步“{Stage(current).label}”，不能回到或重复第{to_stage}步“{Stage(to_stage).label}”。"
        )
    if to_stage > current + 1 and not skip_reason.strip():
        skipped = "、".join(Stage(s).label for s in range(current + 1, to_stage))
        raise IllegalTransition(f"从第{current}步直接进入第{to_stage}步须填写跳过“{skipped}”的理由。")
    if to_stage == Stage.PENALTY:
        # 行政处罚 only after a 责令限期改正 whose period has run out (义务教育法 §58).
        correction = case.steps.filter(round=case.reopen_count, stage=Stage.CORRECTION, skipped=False).first()
        if correction is None or not correction.doc_number:
            raise IllegalTransition("行政处罚须以责令限期改正为前提：请先进入第2步并出具《责令限期改正通知书》。")
        if correction.deadline and on <= correction.deadline:
            raise IllegalTransition(f"责令改正期限至{correction.deadline}，期满仍未改正方可进入行政处罚。")
    if deadline is not None and deadline <= on:
        raise DomainError("期限应晚于办理日期", field="期限")
    step = _current_step(case)
    if step is not None:
        step.completed_on, step.outcome = on, outcome or "限期内未复学，依法进入下一步"
        step.save(update_fields=["completed_on", "outcome"])
    for skipped_stage in range(current + 1, to_stage):
        CaseStep.objects.create(
            case=case, round=case.reopen_count, stage=skipped_stage, started_on=on, completed_on=on,
            skipped=True, skip_reason=skip_reason.strip()[:300], outcome="跳过",
        )  # fmt: skip
    before_stage = current
    case.stage = to_stage
    case.save(update_fields=["stage", "updated_at"])
    new_step = _open_step(case, to_stage, on, deadline, doc_number=doc_number.strip())
    record_event(
        case=case,
        actor=actor,
        action=f"进入第{to_stage}步：{Stage(to_stage).label}",
        on=on,
        from_status=case.status,
        note=note or (f"跳过理由：{skip_reason}" if skip_reason else ""),
        evidence=evidence,
        data={"from_stage": before_stage, "stage": to_stage, "skip_reason": skip_reason, "doc_number": doc_number},
    )
    if to_stage == Stage.CORRECTION and not issue_document and not doc_number.strip():
        raise DomainError("未在系统中出具通知书时须填写纸质通知书的文号", field="文书编号")
    if to_stage == Stage.CORRECTION and issue_document:
        from jiaoyun.dropout.services.documents import case_document_issue

        case_document_issue(
            actor=actor,
            case=case,
            kind=document_kind or DocumentKind.CORRECTION_NOTICE,
            deadline=new_step.deadline,
            on=on,
            step=new_step,
        )
    return case


@transaction.atomic
def case_attempt_log(
    *,
    actor: Any,
    case: DropoutCase,
    date: dt.date,
    people: str,
    method: str,
    result: str,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> ReturnAttempt:
    """Record one 劝返 attempt (or a follow-up visit during 巩固观察)."""
    case = _lock(case)
    check_can_act(actor, case)
    if case.status in (S.DISMISSED, S.CLOSED, S.NO_RETURN):
        raise IllegalTransition(f"案件已“{_label(case.status)}”，不能再登记劝返记录。")
    if method not in AttemptMethod.values:
        raise DomainError(f"未知劝返方式{method!r}", field="方式")
    if result not in AttemptResult.values:
        raise DomainError(f"未知劝返结果{result!r}", field="结果")
    if not people.strip():
        raise DomainError("请填写参加劝返的人员", field="参加人员")
    if date > today() or date < case.detected_on:
        raise DomainError(f"日期{date}应在发现日期{case.detected_on}与今天之间", field="日期")
    attempt = ReturnAttempt(
        case=case,
        stage=case.stage if case.status == S.RETURNING else None,
        date=date,
        people=people.strip()[:200],
        method=method,
        result=result,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if evidence is not None:
        check_upload(evidence, use="evidence", field="佐证材料")
        attempt.evidence = evidence
    attempt.full_clean(exclude=["case", "recorded_by", "evidence"])
    attempt.save()
    record_event(
        case=case,
        actor=actor,
        action=f"劝返记录：{AttemptMethod(method).label}",
        on=date,
        from_status=case.status,
        note=f"{people}；{AttemptResult(result).label}。{note}".strip(),
        data={"attempt": attempt.pk},
    )
    return attempt


def _placement_register(
    actor: Any,
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
    actor: Any,
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
    case = _lock(case)
    check_can_act(actor, case)
    _require(case, (S.VERIFIED, S.RETURNING), "办理复学或安置")
    if placement not in Placement.values:
        raise DomainError(f"未知安置方式{placement!r}", field="安置方式")
    student = case.student
    if placement in ENROLMENT_PLACEMENTS or placement == Placement.SUSPENDED:
        school, grade = _placement_register(actor, case, student, placement, on, school, grade)
    step = _current_step(case)
    if step is not None:
        step.completed_on, step.outcome = on, f"已{Placement(placement).label}"
        step.save(update_fields=["completed_on", "outcome"])
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
def case_observe_start(*, actor: Any, case: DropoutCase, on: dt.date | None = None, note: str = "") -> DropoutCase:
    """巩固观察: follow-up for DROPOUT_OBSERVE_MONTHS months after the return."""
    on = on or today()
    case = _lock(case)
    check_can_act(actor, case)
    _require(case, (S.RETURNED, S.PLACED), "转入巩固观察")
    before = case.status
    case.status = S.OBSERVING
    case.observe_until = add_months(case.returned_on or on, int(conf.get("DROPOUT_OBSERVE_MONTHS")))
    case.save()
    record_event(case=case, actor=actor, action="转入巩固观察", on=on, from_status=before,
                 note=note or f"观察至{case.observe_until}", data={"observe_until": case.observe_until.isoformat()})  # fmt: skip
    return case


@transaction.atomic
def case_reopen(
    *, actor: Any, case: DropoutCase, on: dt.date | None = None, note: str = "", evidence: UploadedFile | None = None
) -> DropoutCase:
    """复辍: a returned child is out again — the case reopens (new round of the 四步法)."""
    on = on or today()
    case = _lock(case)
    check_can_act(actor, case)
    _require(case, (S.RETURNED, S.PLACED, S.OBSERVING), "登记复辍")
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
    actor: Any,
    case: DropoutCase,
    outcome: str,
    note: str,
    evidence: UploadedFile | None,
    on: dt.date | None = None,
) -> DropoutCase:
    """不需劝返 (死亡、出国、超龄、外地在读、失踪经公安认定…): needs a reason and evidence."""
    on = on or today()
    case = _lock(case)
    check_can_act(actor, case, authority=True)
    _require(case, (S.VERIFIED, S.RETURNING), "认定为不需劝返")
    if OUTCOME_STATUS.get(outcome) != S.NO_RETURN:
        allowed = "、".join(str(o.label) for o in Outcome if OUTCOME_STATUS[o] == S.NO_RETURN)
        raise DomainError(f"不需劝返的理由应为：{allowed}", field="理由")
    if not note.strip() or evidence is None:
        raise DomainError(
            "认定不需劝返须写明情况并上传佐证材料（如死亡证明、出国证明、外地学校在读证明）", field="佐证材料"
        )
    step = _current_step(case)
    if step is not None:
        step.completed_on, step.outcome = on, f"不需劝返：{Outcome(outcome).label}"
        step.save(update_fields=["completed_on", "outcome"])
    before = case.status
    case.status, case.outcome, case.no_return_reason = S.NO_RETURN, outcome, note.strip()[:300]
    case.save()
    record_event(case=case, actor=actor, action=f"不需劝返：{Outcome(outcome).label}", on=on, from_status=before,
                 note=note, evidence=evidence, data={"outcome": outcome})  # fmt: skip
    return case


@transaction.atomic
def case_close(*, actor: Any, case: DropoutCase, on: dt.date | None = None, note: str = "") -> DropoutCase:
    """销号: after the observation period, or for a case that needs no return."""
    on = on or today()
    case = _lock(case)
    check_can_act(actor, case, authority=True)
    _require(case, (S.OBSERVING, S.NO_RETURN), "销号")
    if case.status == S.OBSERVING and case.observe_until and on < case.observe_until:
        raise IllegalTransition(f"巩固观察期至{case.observe_until}，期满后方可销号（如已稳定在校，请继续登记回访）。")
    before = case.status
    case.status, case.closed_on, case.stage = S.CLOSED, on, None
    case.save()
    record_event(case=case, actor=actor, action="销号", on=on, from_status=before, note=note)
    return case
