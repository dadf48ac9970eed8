"""县管校聘 rounds: posts, applications, scores, the stage machine, placement, publication, appeals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, IllegalTransition, PermissionDenied
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked, require_state
from jiaoyun.people.choices import AssignmentKind, Staffing, Subject
from jiaoyun.people.models import Teacher
from jiaoyun.people.services import teacher_assign
from jiaoyun.schools.models import School
from jiaoyun.teachers import matching
from jiaoyun.teachers.choices import ROUND_ORDER, AppealStatus, RoundStatus, Stage, StandbyStatus
from jiaoyun.teachers.models import (
    Appeal,
    Application,
    CountyQuota,
    HiringRound,
    QuotaSnapshot,
    RoundEvent,
    RoundPost,
    Score,
    StandbyRecord,
)
from jiaoyun.teachers.permissions import (
    can_create_round,
    can_manage_round,
    is_personnel,
    is_principal_of,
    require_personnel,
)
from jiaoyun.teachers.services.ethics import employment_ended

MAX_CHOICES = 5
POST_EDIT_STATUSES = (RoundStatus.DRAFT, RoundStatus.APPLYING)
# Which scores may be entered in which status: own-school scores until the in-school stage closes,
# other schools' scores until the cross-school stage closes; the 人事股 may correct scores in review.
OWN_SCORE_STATUSES = (RoundStatus.APPLYING, RoundStatus.IN_SCHOOL, RoundStatus.REVIEW)
# Publication and execution (teachers' moves) are the county's decision, whoever runs the round.
PERSONNEL_ONLY_TARGETS = (RoundStatus.PUBLISHED, RoundStatus.APPLIED)
CROSS_SCORE_STATUSES = (RoundStatus.APPLYING, RoundStatus.IN_SCHOOL, RoundStatus.CROSS_SCHOOL, RoundStatus.REVIEW)


def _status_label(value: str) -> str:
    return str(RoundStatus(value).label)


def _status_refusal(action: str) -> Callable[[str, Collection[str]], str]:
    """The refusal of ``action`` in a round status outside ``allowed``, naming both."""
    return lambda current, allowed: (
        f"轮次处于“{_status_label(current)}”阶段，不能{action}（仅限{'、'.join(_status_label(s) for s in allowed)}阶段）"
    )


def _require_status(rnd: HiringRound, allowed: Collection[str], action: str) -> None:
    require_state(rnd.status, allowed, message=_status_refusal(action))


def _require_manager(actor: User, rnd: HiringRound) -> None:
    """The 人事股 runs every round; a township's round also its 中心校."""
    if rnd.township_id is None:
        require_personnel(actor)
    elif not can_manage_round(actor, rnd.township_id):
        raise PermissionDenied(f"仅县教育局人事股或{rnd.township}中心校可执行此操作")


def _require_in_township(rnd: HiringRound, school: School, field: str) -> None:
    """A township's round names only that township's schools."""
    if rnd.township_id is not None and school.township_id != rnd.township_id:
        raise DomainError(f"{school.name}不在{rnd.township}，本轮次仅限该乡镇学校", field=field)


@transaction.atomic
def round_create(
    *, actor: User, year: int, name: str, effective_date: dt.date, township: Area | None = None
) -> HiringRound:
    """Open a round: county-wide (``township`` None, the 人事股 only) or for one township's schools (the 人事股,
    or that township's 中心校)."""
    if not can_create_round(actor):
        raise PermissionDenied("仅县教育局人事股或中心校可新建县管校聘轮次")
    if township is not None and township.level != AreaLevel.TOWNSHIP:
        raise DomainError(f"{township.name}不是乡镇", field="乡镇")
    if not can_manage_round(actor, township.pk if township else None):
        raise PermissionDenied("中心校只能为本乡镇新建轮次")
    if not name.strip():
        raise DomainError("不能为空", field="名称")
    rnd = HiringRound.objects.create(
        year=year, name=name.strip(), effective_date=effective_date, township=township, created_by=actor
    )
    RoundEvent.objects.create(round=rnd, from_status="", to_status=RoundStatus.DRAFT, actor=actor, note="创建")
    audit_record(actor=actor, action=AuditAction.CREATE, obj=rnd, changes=snapshot(rnd))
    return rnd


@transaction.atomic
def round_post_set(*, actor: User, round: HiringRound, school: School, subject: str, count: int) -> RoundPost | None:
    """Set the posts of a school in a subject (0 removes them)."""
    _require_manager(actor, round)
    round = locked(round)
    _require_in_township(round, school, "岗位学校")
    _require_status(round, POST_EDIT_STATUSES, "修改岗位")
    if subject not in Subject.values:
        raise DomainError(f"未知学科“{subject}”", field="学科")
    if count < 0:
        raise DomainError("岗位数不能为负数", field="岗位数")
    if count == 0:
        RoundPost.objects.filter(round=round, school=school, subject=subject).delete()
        post = None
    else:
        post, _ = RoundPost.objects.update_or_create(
            round=round, school=school, subject=subject, defaults={"count": count}
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=round,
        changes={"post": [school.pk, subject, count]},
        note=f"{school.name}{Subject(subject).label}岗位{count}个",
    )
    return post


@transaction.atomic
def application_submit(
    *,
    actor: User,
    round: HiringRound,
    teacher: Teacher,
    choices: Sequence[int],
    subject: str = "",
    in_school: bool = True,
) -> Application:
    """Enter (or replace) a teacher's application with up to ``MAX_CHOICES`` ranked schools."""
    if not (can_manage_round(actor, round.township_id) or is_principal_of(actor, teacher.school_id)):
        raise PermissionDenied("仅人事股、本乡镇中心校或本校校长可为教师报名")
    round = locked(round)
    _require_status(round, (RoundStatus.APPLYING,), "报名")
    if not teacher.is_active or teacher.school_id is None:
        raise DomainError(f"{teacher.name}不在职或无任职学校，不能报名", field="教师")
    ended = employment_ended(teacher=teacher, on=round.effective_date)
    if ended is not None:
        raise DomainError(
            f"{teacher.name}受“开除”处分（{ended.start}起），人事关系已终止，不能报名", field="教师", code="ethics_veto"
        )
    subject = subject or teacher.main_subject
    if subject not in Subject.values:
        raise DomainError("请填写竞聘学科", field="竞聘学科")
    ids = [int(c) for c in choices]
    if len(ids) != len(set(ids)):
        raise DomainError("志愿学校不能重复", field="志愿学校")
    if len(ids) > MAX_CHOICES:
        raise DomainError(f"最多填报{MAX_CHOICES}个志愿", field="志愿学校")
    schools = School.objects.filter(pk__in=ids, is_active=True)
    if round.township_id is not None:
        if teacher.school is None or teacher.school.township_id != round.township_id:
            raise DomainError(f"{teacher.name}不在{round.township}的学校任职，不能报名本乡镇轮次", field="教师")
        schools = schools.filter(township_id=round.township_id)
    known = set(schools.values_list("pk", flat=True))
    for rank, sid in enumerate(ids, start=1):
        if sid not in known:
            where = f"或不在{round.township}" if round.township_id is not None else ""
            raise DomainError(f"第{rank}志愿学校不存在{where}", field="志愿学校")
    app, created = Application.objects.update_or_create(
        round=round,
        teacher=teacher,
        defaults={"origin_school_id": teacher.school_id, "subject": subject, "in_school": in_school, "choices": ids},
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=app, changes=snapshot(app)
    )
    return app


@transaction.atomic
def score_set(*, actor: User, application: Application, school: School, score: Decimal | float | str) -> Score:
    """A school scores an applicant (0–100). Principals score for their own school only."""
    rnd = locked(application.round)
    township_manager = can_manage_round(actor, rnd.township_id) and school.township_id == rnd.township_id
    if not (is_personnel(actor) or township_manager or is_principal_of(actor, school.pk)):
        raise PermissionDenied("仅人事股、本乡镇中心校或该校校长可评分")
    own = school.pk == application.origin_school_id
    if own and not application.in_school and school.pk not in application.choices:
        raise DomainError(f"{application.teacher.name}未参加本校竞聘，也未填报本校", field="评分学校")
    if not own and school.pk not in application.choices:
        raise DomainError(f"{application.teacher.name}未填报{school.name}", field="评分学校")
    allowed = OWN_SCORE_STATUSES if own else CROSS_SCORE_STATUSES
    if rnd.status == RoundStatus.REVIEW and not is_personnel(actor):
        raise IllegalTransition("审核阶段仅人事股可更正评分")
    _require_status(rnd, allowed, "录入本校评分" if own else "录入跨校评分")
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise DomainError(f"得分“{score}”不是数字", field="得分") from None
    if not Decimal(0) <= value <= Decimal(100):
        raise DomainError("得分应在0到100之间", field="得分")
    row, _ = Score.objects.update_or_create(application=application, school=school, defaults={"score": value})
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=application,
        changes={"score": [school.pk, str(value)]},
        note=f"{school.name}评分{value}",
    )
    return row


def build_problem(rnd: HiringRound) -> matching.Problem:
    """The round as plain data for ``matching.place`` (a fixed number of queries)."""
    apps = list(Application.objects.filter(round=rnd).select_related("teacher").order_by("id"))
    posts = list(RoundPost.objects.filter(round=rnd))
    scores = {
        (school_id, app_id): float(value)
        for app_id, school_id, value in Score.objects.filter(application__round=rnd).values_list(
            "application_id", "school_id", "score"
        )
    }
    school_ids = {p.school_id for p in posts} | {a.origin_school_id for a in apps}
    for a in apps:
        school_ids.update(a.choices)
    schools = School.objects.filter(pk__in=school_ids).values_list("pk", "name", "latitude", "longitude")
    names = {pk: name for pk, name, _lat, _lon in schools}
    positions = {pk: (float(lat), float(lon)) for pk, _n, lat, lon in schools if lat is not None and lon is not None}
    quota = CountyQuota.objects.filter(year=rnd.year).first()
    post_schools = {p.school_id for p in posts}
    quotas = dict(
        QuotaSnapshot.objects.filter(year=rnd.year, school_id__in=post_schools).values_list("school_id", "quota")
    )
    in_round = [a.teacher_id for a in apps]
    staying = dict(
        Teacher.objects.filter(school_id__in=post_schools, is_active=True, staffing=Staffing.ESTABLISHED)
        .exclude(pk__in=in_round)
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    limits = {sid: (q - staying.get(sid, 0), q, staying.get(sid, 0)) for sid, q in quotas.items()}
    applicants = [
        matching.Applicant(
            id=a.pk,
            teacher_id=a.teacher_id,
            subject=a.subject,
            origin=a.origin_school_id,
            choices=tuple(int(c) for c in a.choices),
            in_school=a.in_school,
            hire_ordinal=a.teacher.hire_date.toordinal() if a.teacher.hire_date else 0,
            name=a.teacher.name,
        )
        for a in apps
    ]
    return matching.Problem(
        applicants=applicants,
        capacity={(p.school_id, p.subject): p.count for p in posts},
        scores=scores,
        positions=positions,
        school_names=names,
        subject_names=dict(Subject.choices),
        approved_posts=quota.approved_posts if quota else None,
        school_limits=limits,
    )


def round_feasibility(*, round: HiringRound) -> list[str]:
    return matching.check_feasibility(build_problem(round))


def round_oversubscription(*, round: HiringRound) -> list[str]:
    """Subjects with more applicants than posts and how many will end in 落聘待岗 (information)."""
    return matching.oversubscription(build_problem(round))


def round_checks(*, round: HiringRound) -> tuple[list[str], list[str]]:
    """Both of the above from one read of the round: (reasons it cannot start, oversubscribed subjects)."""
    problem = build_problem(round)
    return matching.check_feasibility(problem), matching.oversubscription(problem)


def _store(rnd: HiringRound, upto: int) -> matching.Result:
    problem = build_problem(rnd)
    result = matching.place(problem, upto=upto)
    if result.infeasible:
        raise DomainError("轮次无法完成安置：" + "；".join(result.infeasible), code="infeasible")
    apps = list(Application.objects.filter(round=rnd))
    for a in apps:
        pl = result.placements.get(a.pk)
        a.placed_school_id = pl.school if pl else None
        a.stage = pl.stage if pl else None
        a.preference_rank = pl.rank if pl else None
        a.explanation = result.explanations.get(a.pk, [])
    Application.objects.bulk_update(apps, ["placed_school", "stage", "preference_rank", "explanation"], batch_size=500)
    posts = list(RoundPost.objects.filter(round=rnd))
    for p in posts:
        cell = (p.school_id, p.subject)
        p.filled = result.filled.get(cell, 0)
        cut = result.cutoffs.get(cell)
        p.cutoff = Decimal(str(cut)).quantize(Decimal("0.01")) if cut is not None else None
    RoundPost.objects.bulk_update(posts, ["filled", "cutoff"], batch_size=500)
    return result


def _apply(rnd: HiringRound, actor: User) -> int:
    moved = 0
    apps = Application.objects.filter(round=rnd, placed_school__isnull=False, applied=False).select_related(
        "teacher", "placed_school"
    )
    for a in apps:
        if a.teacher.school_id != a.placed_school_id:
            teacher_assign(
                actor=actor,
                teacher=a.teacher,
                school=a.placed_school,  # type: ignore[arg-type]
                start=rnd.effective_date,
                kind=AssignmentKind.HIRING_ROUND,
                note=f"{rnd.name}（{Stage(a.stage).label if a.stage else ''}）",
            )
            moved += 1
    Application.objects.filter(round=rnd, placed_school__isnull=False).update(applied=True)
    standby = Application.objects.filter(round=rnd, stage=Stage.STANDBY, standby__isnull=True)
    StandbyRecord.objects.bulk_create(
        [StandbyRecord(application=a, updated_by=actor) for a in standby.order_by("id")], batch_size=500
    )
    return moved


@transaction.atomic
def round_advance(*, actor: User, round: HiringRound, note: str = "") -> HiringRound:
    """Move the round to its next stage, doing what closing the current stage requires. A township's 中心校 runs
    its round up to 审核; publication and execution are the 人事股's (``PERSONNEL_ONLY_TARGETS``)."""
    _require_manager(actor, round)
    rnd = locked(round)
    require_state(rnd.status, ROUND_ORDER[:-1], message=lambda current, allowed: "轮次已执行完毕，不能再推进")
    idx = ROUND_ORDER.index(rnd.status)
    target = ROUND_ORDER[idx + 1]
    if target in PERSONNEL_ONLY_TARGETS and not is_personnel(actor):
        raise PermissionDenied(f"“{_status_label(target)}”须由县教育局人事股办理")
    extra = ""
    if target == RoundStatus.APPLYING and not RoundPost.objects.filter(round=rnd).exists():
        raise IllegalTransition("尚未设置任何岗位，不能开始报名")
    if target == RoundStatus.IN_SCHOOL:
        if not Application.objects.filter(round=rnd).exists():
            raise IllegalTransition("尚无教师报名，不能开始校内竞聘")
        reasons = round_feasibility(round=rnd)
        if reasons:
            raise DomainError("轮次不可行，请调整岗位或报名：" + "；".join(reasons), code="infeasible")
    if target == RoundStatus.CROSS_SCHOOL:
        r = _store(rnd, 1)
        extra = f"校内竞聘留聘{sum(1 for p in r.placements.values() if p.stage == 1)}人"
    if target == RoundStatus.COUNTY:
        r = _store(rnd, 2)
        extra = f"跨校竞聘录用{sum(1 for p in r.placements.values() if p.stage == 2)}人"
    if target == RoundStatus.REVIEW:
        r = _store(rnd, 3)
        n3 = sum(1 for p in r.placements.values() if p.stage == Stage.COUNTY)
        n4 = sum(1 for p in r.placements.values() if p.stage == Stage.STANDBY)
        extra = f"组织调剂{n3}人；落聘待岗{n4}人"
    if (
        target == RoundStatus.PUBLISHED
        and Appeal.objects.filter(application__round=rnd, status=AppealStatus.PENDING).exists()
    ):
        raise IllegalTransition("尚有未处理的申诉，处理后才能发布")
    if target == RoundStatus.APPLIED:
        if Appeal.objects.filter(application__round=rnd, status=AppealStatus.PENDING).exists():
            raise IllegalTransition("尚有未处理的申诉，处理后才能执行")
        moved = _apply(rnd, actor)
        n4 = Application.objects.filter(round=rnd, stage=Stage.STANDBY).count()
        extra = f"调动{moved}人；落聘待岗{n4}人转入待岗培训"
    before = rnd.status
    rnd.status = target
    rnd.save(update_fields=["status"])
    round.status = target
    text = "；".join(t for t in (note.strip(), extra) if t)
    RoundEvent.objects.create(round=rnd, from_status=before, to_status=target, actor=actor, note=text[:500])
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=rnd, changes={"status": [before, target]}, note=text)
    return rnd


@transaction.atomic
def round_recompute(*, actor: User, round: HiringRound, note: str) -> HiringRound:
    """In review, recompute all three stages (after score corrections, e.g. an upheld appeal)."""
    require_personnel(actor)
    round = locked(round)
    _require_status(round, (RoundStatus.REVIEW,), "重新计算安置")
    if not note.strip():
        raise DomainError("请说明重新计算的原因", field="说明")
    _store(round, 3)
    RoundEvent.objects.create(
        round=round, from_status=round.status, to_status=round.status, actor=actor, note=f"重新计算：{note}"[:500]
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=round, note=f"重新计算安置：{note}")
    return round


@transaction.atomic
def appeal_file(*, actor: User, application: Application, reason: str) -> Appeal:
    """Record a teacher's appeal (entered by the 人事股 or the teacher's principal) once results are out."""
    if not (is_personnel(actor) or is_principal_of(actor, application.origin_school_id)):
        raise PermissionDenied("仅人事股或本校校长可登记申诉")
    rnd = locked(application.round)
    _require_status(rnd, (RoundStatus.REVIEW, RoundStatus.PUBLISHED), "登记申诉")
    if not reason.strip():
        raise DomainError("不能为空", field="申诉理由")
    appeal = Appeal.objects.create(application=application, reason=reason.strip())
    audit_record(actor=actor, action=AuditAction.CREATE, obj=appeal, changes=snapshot(appeal))
    return appeal


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, upheld: bool, outcome: str) -> Appeal:
    require_personnel(actor)
    appeal = locked(appeal)
    require_state(appeal.status, (AppealStatus.PENDING,), message=lambda current, allowed: "该申诉已处理")
    if not outcome.strip():
        raise DomainError("不能为空", field="处理结果")
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.outcome = outcome.strip()
    appeal.decided_at = timezone.now()
    appeal.decided_by = actor
    appeal.save()
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=appeal,
        changes={"status": [AppealStatus.PENDING, appeal.status]},
        note=outcome,
    )
    return appeal


def _standby_for_update(standby: StandbyRecord) -> StandbyRecord:
    row = locked(standby, "application__teacher")
    open_states = [s for s in StandbyStatus.values if s != StandbyStatus.REASSIGNED]
    require_state(
        row.status, open_states, message=lambda current, allowed: f"{row.application.teacher.name}已重新安排岗位"
    )
    return row


@transaction.atomic
def standby_training_record(
    *, actor: User, standby: StandbyRecord, training: str, start: dt.date, end: dt.date, passed: bool, note: str = ""
) -> StandbyRecord:
    """Record the 待岗培训 of a 落聘待岗 teacher and its assessment (合格 opens the reassignment)."""
    require_personnel(actor)
    row = _standby_for_update(standby)
    if not training.strip():
        raise DomainError("不能为空", field="培训内容")
    if end < start:
        raise DomainError("培训结束日期不能早于开始日期", field="培训结束")
    before = snapshot(row)
    row.training, row.training_start, row.training_end = training.strip(), start, end
    row.training_passed = passed
    row.status = StandbyStatus.TRAINED if passed else StandbyStatus.TRAINING
    row.note = note.strip()[:500]
    row.updated_by = actor
    row.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=row, changes={"before": before, "after": snapshot(row)})
    standby.refresh_from_db()
    return row


@transaction.atomic
def standby_reassign(
    *, actor: User, standby: StandbyRecord, school: School, date: dt.date, note: str = ""
) -> StandbyRecord:
    """Reassign a trained 落聘待岗 teacher to a post (组织调剂 after training); writes the assignment."""
    require_personnel(actor)
    row = _standby_for_update(standby)
    teacher = row.application.teacher
    require_state(
        row.status,
        (StandbyStatus.TRAINED,),
        message=lambda current, allowed: f"{teacher.name}尚未完成待岗培训或培训考核不合格，不能重新安排岗位",
    )
    if not school.is_active:
        raise DomainError(f"{school.name}已停用", field="学校")
    if row.training_end and date < row.training_end:
        raise DomainError("到岗日期不能早于培训结束日期", field="到岗日期")
    if teacher.school_id != school.pk:
        teacher_assign(
            actor=actor,
            teacher=teacher,
            school=school,
            start=date,
            kind=AssignmentKind.HIRING_ROUND,
            note=f"落聘待岗培训后重新安排（{row.application.round.name}）",
        )
    row.status = StandbyStatus.REASSIGNED
    row.reassigned_school, row.reassigned_on = school, date
    row.note = note.strip()[:500] or row.note
    row.updated_by = actor
    row.save()
    audit_record(
        actor=actor, action=AuditAction.TRANSITION, obj=row, changes=snapshot(row), note=f"重新安排至{school.name}"
    )
    standby.refresh_from_db()
    return row
