"""The case state machine, from detection through the 四步法 (the placement and closing transitions are in
``placement``). Every transition is a service: it checks the current state, writes the change,
a timeline event (actor, time, note, evidence) and an audit entry, in one transaction.

    待核实 ─verify→ 已核实辍学 ─start→ 劝返中 (四步法 1→2→3→4) ─return→ 已复学/已安置 ─observe→ 巩固观察 ─close→ 销号
       │                 │                │                                    └─reopen (复辍)→ 已核实辍学
       ├→ 不需劝返 ─close→ 销号          └──────── no_return ───────────→ 不需劝返
       └→ 核实排除
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.core.files import check_upload
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked
from jiaoyun.dropout import conf
from jiaoyun.dropout.choices import (
    OUTCOME_STATUS,
    STAGE_LEVEL,
    AttemptMethod,
    AttemptResult,
    CaseKind,
    CaseStatus,
    DocumentKind,
    Line,
    Outcome,
    Reason,
    Source,
    Stage,
)
from jiaoyun.dropout.models import CaseStep, DropoutCase, ResponsiblePerson, ReturnAttempt
from jiaoyun.dropout.permissions import STAGE_ACT, check_may_take
from jiaoyun.dropout.services.common import (
    case_locked,
    check_can_act,
    check_can_edit_enrolment,
    current_step_complete,
    record_event,
    status_label,
    today,
)
from jiaoyun.dropout.services.responsibility import responsible_assign
from jiaoyun.people.choices import EventKind, StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.people.services import enrolment_record

S = CaseStatus


def _step_responsible(case: DropoutCase, stage: int) -> ResponsiblePerson | None:
    level = STAGE_LEVEL[stage]
    for line in (Line.ADMIN, Line.EDUCATION):
        found = case.responsibles.filter(line=line, level=level).select_related("person").first()
        if found is not None:
            return found.person
    return None


@transaction.atomic
def case_open(
    *,
    actor: User | None,
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
        raise DomainError(f"未知发现途径“{source}”", field="发现途径")
    if reason and reason not in Reason.values:
        raise DomainError(f"未知辍学原因“{reason}”", field="辍学原因")
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
    actor: User | None,
    case: DropoutCase,
    outcome: str,
    on: dt.date | None = None,
    reason: str = "",
    note: str = "",
    evidence: UploadedFile | None = None,
) -> DropoutCase:
    """核实: record the verification outcome; the outcome decides the next state."""
    on = on or today()
    case = case_locked(actor, case, (S.PENDING,), "核实")
    if outcome not in OUTCOME_STATUS:
        raise DomainError(f"未知核实结论“{outcome}”", field="核实结论")
    if reason and reason not in Reason.values:
        raise DomainError(f"未知辍学原因“{reason}”", field="辍学原因")
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
    *, actor: User | None, case: DropoutCase, on: dt.date | None = None, deadline: dt.date | None = None, note: str = ""
) -> DropoutCase:
    """启动劝返: 四步法 step 1 (宣传教育) opens with its deadline."""
    on = on or today()
    case = case_locked(actor, case, (S.VERIFIED,), "启动劝返")
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
    actor: User | None,
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
    case = case_locked(actor, case, (S.RETURNING,), "进入下一步")
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
    current_step_complete(case, on, outcome or "限期内未复学，依法进入下一步")
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
    actor: User | None,
    case: DropoutCase,
    date: dt.date,
    people: str,
    method: str,
    result: str,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> ReturnAttempt:
    """Record one 劝返 attempt (or a follow-up visit during 巩固观察)."""
    case = locked(case, "student", "township", "school")
    check_can_act(actor, case)
    if case.status in (S.DISMISSED, S.CLOSED, S.NO_RETURN):
        raise IllegalTransition(f"案件已“{status_label(case.status)}”，不能再登记劝返记录。")
    if method not in AttemptMethod.values:
        raise DomainError(f"未知劝返方式“{method}”", field="方式")
    if result not in AttemptResult.values:
        raise DomainError(f"未知劝返结果“{result}”", field="结果")
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
