"""Every write of the quality module: keyword-only, atomic, audited in the same transaction.

综合素质评价 is a state machine per student and term (``Portfolio.state``):

    写实记录 (the student) → 已遴选 (the class teacher) → 公示中 (the class, N working days) → 待审核确认
    → 已确认归档 (the school: the archive PDF is rendered, stored with its SHA-256 and never changed again)

Each transition locks the row (``core.workflow.locked``), checks the state it starts from, writes a
``PortfolioEvent`` and an audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.core.files import check_upload
from jiaoyun.core.services import model_create
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked, require_state
from jiaoyun.people.choices import EventKind, StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.quality import conf, workdays
from jiaoyun.quality.choices import Dimension, EntrantRole, Outcome, PortfolioState, Track
from jiaoyun.quality.models import (
    ActivityRecord,
    Certificate,
    Competition,
    CreditRecognition,
    Entry,
    EvaluationTerm,
    Evidence,
    HoldingTarget,
    Objection,
    PilotClass,
    Portfolio,
    PortfolioEvent,
    Progression,
    Publicity,
    StudentAccount,
    TrackTransfer,
    VocationalStudent,
)
from jiaoyun.quality.permissions import (
    is_bureau_editor,
    is_principal_of,
    is_student,
    own_student_id,
    require,
    school_editor,
    teaches_class,
)
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School, SchoolClass

S = PortfolioState
SENIOR_KINDS = (SchoolKind.SENIOR, SchoolKind.COMPLETE_SECONDARY)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _refused(act: str):  # type: ignore[no-untyped-def]
    def message(current: str, allowed: Any) -> str:
        return f"该学生本学期的综合素质评价当前为“{S(current).label}”，不能{act}"

    return message


def _step(portfolio: Portfolio, actor: User | None, to_state: str, note: str = "") -> None:
    """Move ``portfolio`` (locked by the caller) to ``to_state``; the event row and the audit entry."""
    from_state = portfolio.state
    portfolio.state = to_state
    portfolio.save(update_fields=["state", "selected_at", "selected_by", "confirmed_at", "confirmed_by",
                                  "archive", "archive_sha256"])  # fmt: skip
    PortfolioEvent.objects.create(portfolio=portfolio, at=timezone.now(), actor=actor if actor else None,
                                  from_state=from_state, to_state=to_state, note=note[:200])  # fmt: skip
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=portfolio,
                 changes={"state": [from_state, to_state]}, note=note[:500])  # fmt: skip


def is_senior_student(student: Student) -> bool:
    """In school at a 普通高中 (a senior or complete secondary school), grade 10–12."""
    school = student.current_school
    return (
        student.status == StudentStatus.IN_SCHOOL
        and school is not None
        and school.kind in SENIOR_KINDS
        and (student.current_grade or 0) >= 10
    )


def term_for(day: dt.date) -> EvaluationTerm | None:
    return EvaluationTerm.objects.filter(starts__lte=day, ends__gte=day).first()


# -- accounts and terms -------------------------------------------------------------------------------------


@transaction.atomic
def student_account_link(*, actor: User | None, user: User, student: Student) -> StudentAccount:
    """Link a login of role 学生 to its student (the bureau or a system job)."""
    from jiaoyun.core.choices import Role

    if actor is not None:
        require(is_bureau_editor(actor), "学生账号由县教育局开通")
    if user.role != Role.STUDENT:
        raise DomainError("只有角色为“学生”的账号可以关联学生", field="账号")
    return model_create(actor=actor, obj=StudentAccount(user=user, student=student))


@transaction.atomic
def term_create(*, actor: User | None, school_year: int, term: int, starts: dt.date, ends: dt.date,
                record_deadline: dt.date, select_deadline: dt.date, confirm_deadline: dt.date) -> EvaluationTerm:  # fmt: skip
    if actor is not None:
        require(is_bureau_editor(actor), "评价学期由县教育局基础教育股设置")
    obj = EvaluationTerm(school_year=school_year, term=term, starts=starts, ends=ends, record_deadline=record_deadline,
                         select_deadline=select_deadline, confirm_deadline=confirm_deadline)  # fmt: skip
    return model_create(actor=actor, obj=obj)


# -- 写实记录 ------------------------------------------------------------------------------------------------


def portfolio_open(*, student: Student, term: EvaluationTerm) -> Portfolio:
    """The student's portfolio of ``term`` (created on the first record, in the student's class of then)."""
    found = Portfolio.objects.filter(student=student, term=term).first()
    if found is not None:
        return found
    if not is_senior_student(student) or student.current_school_id is None:
        raise DomainError("综合素质评价仅适用于在校的普通高中学生", field="学生")
    return Portfolio.objects.create(student=student, term=term, school_id=student.current_school_id,
                                    school_class_id=student.current_class_id)  # fmt: skip


@transaction.atomic
def record_create(*, actor: User, dimension: str, title: str, date: dt.date, hours: Decimal | None = None,
                  description: str = "", files: Sequence[Any] = (), today: dt.date | None = None) -> ActivityRecord:  # fmt: skip
    """A 写实记录 by the student themself, with evidence files (photos, PDF)."""
    require(is_student(actor) and actor.can_write, "写实记录只能由学生本人填写")
    today = _today(today)
    if dimension not in Dimension.values:
        raise DomainError(f"未知的评价维度“{dimension}”", field="维度")
    if not title.strip():
        raise DomainError("请填写活动名称", field="活动名称")
    term = term_for(today)
    if term is None:
        raise DomainError(f"{today}不在任何评价学期内，暂不能填写写实记录", field="日期")
    if today > term.record_deadline:
        raise DomainError(f"{term}的写实记录已于{term.record_deadline}截止", field="日期")
    if date > today:
        raise DomainError("活动日期不能晚于今天", field="日期")
    if date < term.starts:
        raise DomainError(f"活动日期早于本学期开始日期{term.starts}", field="日期")
    if hours is not None and (hours <= 0 or hours > 500):
        raise DomainError("时长须大于0且不超过500小时", field="时长（小时）")
    student = Student.objects.select_related("current_school").get(pk=own_student_id(actor) or 0)
    portfolio = locked(portfolio_open(student=student, term=term))
    require_state(portfolio.state, (S.RECORDING,), message=_refused("再添加写实记录（已提交遴选）"))
    record = ActivityRecord(portfolio=portfolio, dimension=dimension, title=title.strip()[:100], date=date,
                            hours=hours, description=description.strip(), created_by=actor)  # fmt: skip
    record.full_clean(exclude=["portfolio", "created_by"])
    record.save()
    names = [_evidence_add(record=record, upload=f, actor=actor) for f in files]
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, object_repr=f"{student.name} 写实记录：{record.title}",
                 changes={**snapshot(record), "evidence": names})  # fmt: skip
    return record


def _evidence_add(*, record: ActivityRecord, upload: Any, actor: User) -> str:
    original = check_upload(upload, use="evidence", field="佐证材料")
    evidence = Evidence(record=record, name=original[:200], uploaded_by=actor)
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    return original


@transaction.atomic
def record_delete(*, actor: User, record: ActivityRecord) -> None:
    require(is_student(actor) and record.portfolio.student_id == own_student_id(actor), "只能删除本人的写实记录")
    portfolio = locked(record.portfolio)
    require_state(portfolio.state, (S.RECORDING,), message=_refused("删除写实记录"))
    audit_record(actor=actor, action=AuditAction.DELETE, obj=record, changes=snapshot(record))
    for evidence in record.evidence.all():
        evidence.file.delete(save=False)
    record.delete()


# -- 整理遴选 ------------------------------------------------------------------------------------------------


@transaction.atomic
def portfolio_select(*, actor: User, portfolio: Portfolio, record_ids: Iterable[int], note: str = "") -> Portfolio:
    """The class teacher selects the representative records (the others stay, not selected)."""
    require(teaches_class(actor, portfolio.school_class_id), "只有本班班主任可以整理遴选")
    portfolio = locked(portfolio)
    require_state(portfolio.state, (S.RECORDING,), message=_refused("整理遴选"))
    wanted = {int(i) for i in record_ids}
    own = set(portfolio.records.values_list("pk", flat=True))
    if wanted - own:
        raise DomainError("所选记录不属于该学生", field="写实记录")
    if not wanted:
        raise DomainError("请至少选择一条写实记录", field="写实记录")
    portfolio.records.update(selected=False)
    portfolio.records.filter(pk__in=wanted).update(selected=True)
    portfolio.selected_at, portfolio.selected_by = timezone.now(), actor
    _step(portfolio, actor, S.SELECTED, note or f"遴选{len(wanted)}条记录")
    return portfolio


@transaction.atomic
def portfolio_return(*, actor: User, portfolio: Portfolio, note: str) -> Portfolio:
    """Back to the student (已遴选 → 写实记录), e.g. to add a missing record before the 公示."""
    require(teaches_class(actor, portfolio.school_class_id), "只有本班班主任可以退回")
    portfolio = locked(portfolio)
    require_state(portfolio.state, (S.SELECTED,), message=_refused("退回学生"))
    if not note.strip():
        raise DomainError("请填写退回原因", field="原因")
    portfolio.selected_at, portfolio.selected_by = None, None
    _step(portfolio, actor, S.RECORDING, note)
    return portfolio


# -- 公示 ----------------------------------------------------------------------------------------------------


@transaction.atomic
def publicity_open(*, actor: User, school_class: SchoolClass, term: EvaluationTerm, starts: dt.date,
                   today: dt.date | None = None) -> Publicity:  # fmt: skip
    """Publish the class's selected records for ``QUALITY_PUBLICITY_WORKING_DAYS`` working days."""
    require(teaches_class(actor, school_class.pk), "只有本班班主任可以发起公示")
    today = _today(today)
    if starts < today:
        raise DomainError("公示开始日期不能早于今天", field="公示开始")
    if Publicity.objects.filter(school_class=school_class, term=term).exists():
        raise DomainError(f"{school_class}本学期已公示", field="班级")
    portfolios = list(Portfolio.objects.select_for_update().filter(school_class=school_class, term=term))
    waiting = [p for p in portfolios if p.state == S.RECORDING]
    if waiting:
        raise DomainError(f"还有{len(waiting)}名学生的写实记录未整理遴选，遴选完成后再公示", field="班级")
    ready = [p for p in portfolios if p.state == S.SELECTED]
    if not ready:
        raise DomainError("本班没有已遴选的学生，无法公示", field="班级")
    days = int(conf.get("QUALITY_PUBLICITY_WORKING_DAYS"))
    publicity = Publicity.objects.create(school_class=school_class, term=term, starts=starts,
                                         ends=workdays.period_end(starts, days), working_days=days, opened_by=actor)  # fmt: skip
    audit_record(actor=actor, action=AuditAction.CREATE, obj=publicity, changes=snapshot(publicity))
    for p in ready:
        _step(p, actor, S.PUBLICITY, f"公示{publicity.starts}至{publicity.ends}（{days}个工作日）")
    return publicity


def _may_handle(actor: User, publicity: Publicity) -> bool:
    return teaches_class(actor, publicity.school_class_id) or is_principal_of(actor, publicity.school_class.school_id)


@transaction.atomic
def objection_add(*, actor: User, publicity: Publicity, portfolio: Portfolio, raised_by: str, content: str,
                  raised_on: dt.date | None = None) -> Objection:  # fmt: skip
    require(_may_handle(actor, publicity), "只有本班班主任或校长可以登记异议")
    publicity = locked(publicity)
    if not publicity.is_open:
        raise IllegalTransition("公示已结束，不能再登记异议")
    if portfolio.school_class_id != publicity.school_class_id or portfolio.term_id != publicity.term_id:
        raise DomainError("该学生不在本次公示中", field="涉及学生")
    if not content.strip() or not raised_by.strip():
        raise DomainError("请填写反映人和异议内容", field="异议内容")
    obj = Objection(publicity=publicity, portfolio=portfolio, raised_by=raised_by.strip(), content=content.strip(),
                    raised_on=raised_on or timezone.localdate(), recorded_by=actor)  # fmt: skip
    return model_create(actor=actor, obj=obj)


@transaction.atomic
def objection_resolve(*, actor: User, objection: Objection, resolution: str, withdraw: Iterable[int] = ()) -> Objection:
    """Record how an objection was resolved; records found not true are withdrawn from the selection."""
    require(_may_handle(actor, objection.publicity), "只有本班班主任或校长可以处理异议")
    objection = locked(objection)
    if objection.resolved_at is not None:
        raise IllegalTransition("该异议已处理")
    if not resolution.strip():
        raise DomainError("请填写处理结果", field="处理结果")
    ids = [int(i) for i in withdraw]
    if ids:
        portfolio = locked(objection.portfolio)
        require_state(portfolio.state, (S.PUBLICITY,), message=_refused("撤下记录"))
        portfolio.records.filter(pk__in=ids).update(selected=False)
    objection.resolution, objection.resolved_at, objection.resolved_by = resolution.strip(), timezone.now(), actor
    objection.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=objection,
                 changes={"resolution": resolution.strip(), "withdrawn": ids})  # fmt: skip
    return objection


@transaction.atomic
def publicity_close(*, actor: User, publicity: Publicity, today: dt.date | None = None) -> Publicity:
    """End the 公示 after its last working day, every objection resolved: the class goes to 审核确认."""
    require(_may_handle(actor, publicity), "只有本班班主任或校长可以结束公示")
    today = _today(today)
    publicity = locked(publicity)
    if not publicity.is_open:
        raise IllegalTransition("公示已结束")
    if today <= publicity.ends:
        raise DomainError(f"公示期为{publicity.starts}至{publicity.ends}（{publicity.working_days}个工作日），"
                          f"{publicity.ends}之后方可结束公示", field="公示结束")  # fmt: skip
    pending = publicity.objections.filter(resolved_at__isnull=True).count()
    if pending:
        raise DomainError(f"还有{pending}条异议未处理，处理后方可结束公示", field="异议")
    publicity.closed_at, publicity.closed_by = timezone.now(), actor
    publicity.save(update_fields=["closed_at", "closed_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=publicity, changes={"closed": True})
    for p in Portfolio.objects.select_for_update().filter(school_class_id=publicity.school_class_id,
                                                          term_id=publicity.term_id, state=S.PUBLICITY):  # fmt: skip
        _step(p, actor, S.REVIEW, "公示期满，无未处理异议")
    return publicity


# -- 审核确认 and 形成档案 -----------------------------------------------------------------------------------


def archive_render(portfolio: Portfolio) -> bytes:
    """The archive PDF of a confirmed portfolio, from stored data only (so it renders the same bytes again)."""
    from jiaoyun.quality.selectors import archive_context
    from jiaoyun.reports.pdf import render_pdf

    return render_pdf("quality/pdf/archive.html", archive_context(portfolio))


@transaction.atomic
def portfolio_confirm(*, actor: User, portfolio: Portfolio) -> Portfolio:
    """The school confirms after the 公示: the archive PDF is rendered and stored with its SHA-256, for good."""
    require(is_principal_of(actor, portfolio.school_id), "审核确认由学校（校长）进行")
    portfolio = locked(portfolio)
    require_state(portfolio.state, (S.REVIEW,), message=_refused("审核确认"))
    if portfolio.archive_sha256:
        raise IllegalTransition("档案已生成，不能重新生成")
    portfolio.confirmed_at, portfolio.confirmed_by = timezone.now().replace(microsecond=0), actor
    pdf = archive_render(portfolio)
    portfolio.archive_sha256 = hashlib.sha256(pdf).hexdigest()
    portfolio.archive.save(f"{portfolio.pk}.pdf", ContentFile(pdf), save=False)
    _step(portfolio, actor, S.CONFIRMED, f"形成档案 SHA-256 {portfolio.archive_sha256}")
    return portfolio


def archive_verify(portfolio: Portfolio) -> bool:
    """Whether the stored archive is intact and the data still renders it byte for byte."""
    if not portfolio.archive_sha256 or not portfolio.archive:
        return False
    with portfolio.archive.open("rb") as fh:
        stored = hashlib.sha256(fh.read()).hexdigest()
    return stored == portfolio.archive_sha256 == hashlib.sha256(archive_render(portfolio)).hexdigest()


# -- 1+X ----------------------------------------------------------------------------------------------------


@transaction.atomic
def certificate_create(*, actor: User | None, student: Student, name: str, level: str, organisation: str,
                       issued_on: dt.date, number: str) -> Certificate:  # fmt: skip
    if actor is not None:
        require(school_editor(actor, student.current_school_id), "1+X证书由学生所在学校或县教育局登记")
    if not VocationalStudent.objects.filter(student=student).exists():
        raise DomainError(f"{student.name}不是登记了专业的中职学生", field="学生")
    if issued_on > timezone.localdate():
        raise DomainError("发证日期不能晚于今天", field="发证日期")
    obj = Certificate(student=student, name=name.strip(), level=level, organisation=organisation.strip(),
                      issued_on=issued_on, number=number.strip(), created_by=actor)  # fmt: skip
    return model_create(actor=actor, obj=obj)


@transaction.atomic
def target_set(*, actor: User | None, year: int, rate: Decimal) -> HoldingTarget:
    if actor is not None:
        require(is_bureau_editor(actor), "持证率目标由县教育局设定")
    if not (Decimal(0) <= rate <= Decimal(100)):
        raise DomainError("目标持证率须在0到100之间", field="目标持证率（%）")
    target = HoldingTarget.objects.select_for_update().filter(year=year).first()
    if target is None:
        return model_create(actor=actor, obj=HoldingTarget(year=year, rate=rate, set_by=actor))
    before = target.rate
    target.rate, target.set_by = rate, actor
    target.save(update_fields=["rate", "set_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=target, changes={"rate": [str(before), str(rate)]})
    return target


# -- competitions -------------------------------------------------------------------------------------------


@transaction.atomic
def competition_create(*, actor: User | None, name: str, kind: str, level: str, organiser: str,
                       date: dt.date) -> Competition:  # fmt: skip
    if actor is not None:
        require(is_bureau_editor(actor) or is_principal_of(actor, actor.school_id), "竞赛由县教育局或学校登记")
    obj = Competition(name=name.strip(), kind=kind, level=level, organiser=organiser.strip(), date=date,
                      created_by=actor)  # fmt: skip
    return model_create(actor=actor, obj=obj)


@transaction.atomic
def entry_add(*, actor: User | None, competition: Competition, school: School, role: str, award: str,
              student: Student | None = None, teacher: Any = None, event: str = "") -> Entry:  # fmt: skip
    if actor is not None:
        require(school_editor(actor, school.pk), "参赛与获奖由所在学校或县教育局登记")
    if role == EntrantRole.STUDENT:
        if student is None or teacher is not None:
            raise DomainError("学生参赛须选择学生", field="学生")
        if student.current_school_id != school.pk:
            raise DomainError(f"{student.name}不是{school.name}的学生", field="学生")
    else:
        if teacher is None or student is not None:
            raise DomainError("教师参赛或指导须选择教师", field="教师")
        if teacher.school_id != school.pk:
            raise DomainError(f"{teacher.name}不是{school.name}的教师", field="教师")
    obj = Entry(competition=competition, school=school, role=role, award=award, student=student, teacher=teacher,
                event=event.strip(), created_by=actor)  # fmt: skip
    return model_create(actor=actor, obj=obj)


# -- 职普融合 and 中高职衔接 -----------------------------------------------------------------------------------


def track_of(school: School) -> str | None:
    if school.kind == SchoolKind.VOCATIONAL:
        return Track.VOCATIONAL
    if school.kind in SENIOR_KINDS:
        return Track.SENIOR
    return None


@transaction.atomic
def pilot_class_set(*, actor: User | None, school_class: SchoolClass, kind: str, partner: str,
                    since: dt.date) -> PilotClass:  # fmt: skip
    if actor is not None:
        require(school_editor(actor, school_class.school_id), "试点班由学校或县教育局登记")
    if school_class.grade < 10:
        raise DomainError("试点班须为高中阶段班级", field="班级")
    return model_create(actor=actor, obj=PilotClass(school_class=school_class, kind=kind, partner=partner.strip(),
                                                    since=since))  # fmt: skip


@transaction.atomic
def credit_recognise(*, actor: User | None, student: Student, from_track: str, to_track: str, course: str,
                     credits: Decimal, recognised_on: dt.date) -> CreditRecognition:  # fmt: skip
    if actor is not None:
        require(school_editor(actor, student.current_school_id), "学分互认由学生所在学校或县教育局登记")
    if from_track == to_track:
        raise DomainError("学分互认须在普通高中与中职之间", field="认定学段")
    if not (Decimal("0") < credits <= Decimal("20")):
        raise DomainError("认定学分须大于0且不超过20", field="认定学分")
    obj = CreditRecognition(student=student, from_track=from_track, to_track=to_track, course=course.strip(),
                            credits=credits, recognised_on=recognised_on, recorded_by=actor)  # fmt: skip
    return model_create(actor=actor, obj=obj)


@transaction.atomic
def track_transfer(*, actor: User | None, student: Student, to_school: School, date: dt.date, grade: int,
                   school_class: SchoolClass | None = None, reason: str = "") -> TrackTransfer:  # fmt: skip
    """A move between 普高 and 中职: one 学籍 转入 event (people's enrolment service), so the student is counted
    once, at the new school, in every indicator (高中阶段毛入学率 counts 普高 and 中职 alike)."""
    from jiaoyun.people.services import enrolment_record

    student = Student.objects.select_related("current_school").get(pk=student.pk)
    from_school = student.current_school
    if student.status != StudentStatus.IN_SCHOOL or from_school is None:
        raise DomainError(f"{student.name}当前不在校，不能办理普职转学", field="学生")
    if actor is not None:
        require(school_editor(actor, from_school.pk) or school_editor(actor, to_school.pk),
                "普职转学由转出或转入学校、县教育局办理")  # fmt: skip
    from_track, to_track = track_of(from_school), track_of(to_school)
    if from_track is None or to_track is None or from_track == to_track:
        raise DomainError("普职转学须在普通高中与中职学校之间进行", field="转入学校")
    event = enrolment_record(actor=actor, student=student, kind=EventKind.TRANSFER_IN, date=date, school=to_school,
                             grade=grade, school_class=school_class, reason=reason or "普职融通转学")  # fmt: skip
    return model_create(actor=actor, obj=TrackTransfer(student=student, from_school=from_school, to_school=to_school,
                                                       from_track=from_track, to_track=to_track, date=date,
                                                       event=event, reason=reason))  # fmt: skip


@transaction.atomic
def progression_record(*, actor: User | None, student: Student, outcome: str, destination: str = "",
                       bridge: bool = False, graduation_year: int | None = None) -> Progression:  # fmt: skip
    """Where a 中职 graduate went; one row per graduate (a later record replaces it, audited)."""
    school = student.current_school
    if student.status != StudentStatus.GRADUATED or school is None or school.kind != SchoolKind.VOCATIONAL:
        raise DomainError(f"{student.name}不是中职毕业生", field="学生")
    if actor is not None:
        require(school_editor(actor, school.pk), "毕业生去向由毕业学校或县教育局登记")
    if outcome not in Outcome.values:
        raise DomainError(f"未知的去向“{outcome}”", field="去向")
    year = graduation_year or (
        student.events.filter(kind=EventKind.GRADUATE).order_by("-date").values_list("date__year", flat=True).first()
    )
    if year is None:
        raise DomainError("没有毕业学籍记录", field="学生")
    found = Progression.objects.select_for_update().filter(student=student).first()
    if found is None:
        return model_create(actor=actor, obj=Progression(student=student, school=school, graduation_year=year,
                                                         outcome=outcome, destination=destination.strip(),
                                                         bridge=bridge, recorded_by=actor))  # fmt: skip
    before = snapshot(found)
    found.outcome, found.destination, found.bridge, found.graduation_year = outcome, destination.strip(), bridge, year
    found.recorded_by, found.recorded_on = actor, timezone.localdate()
    found.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=found, changes={"before": before, "after": snapshot(found)}
    )
    return found


# -- imports (the exchange kinds call these set-based writers; rows were checked by the kind) ------------------


def results_bulk_write(*, new: Sequence[Any], updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
    from jiaoyun.core.services import bulk_write
    from jiaoyun.quality.models import AcademicResult

    bulk_write(AcademicResult, new=new, updates=updates)


def certificates_bulk_write(*, new: Sequence[Any], updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
    from jiaoyun.core.services import bulk_write

    bulk_write(Certificate, new=new, updates=updates)
