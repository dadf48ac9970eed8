"""Teacher exchange and rotation (交流轮岗): eligibility, plan generation, approval and completion."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from jiaoyun.areas.choices import UrbanRural
from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User
from jiaoyun.core.workflow import require_state
from jiaoyun.people.choices import AssignmentKind, PostType, Subject
from jiaoyun.people.models import Teacher
from jiaoyun.people.services import teacher_assign
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.teachers import conf
from jiaoyun.teachers.choices import MoveStatus, PlanStatus
from jiaoyun.teachers.models import RotationMove, RotationPlan, SubjectGap
from jiaoyun.teachers.permissions import require_personnel

# Segments of schooling: a teacher only rotates to a school teaching the same segment.
SEGMENTS: dict[str, frozenset[str]] = {
    SchoolKind.KINDERGARTEN: frozenset({"pre"}),
    SchoolKind.PRIMARY: frozenset({"pri"}),
    SchoolKind.TEACHING_POINT: frozenset({"pri"}),
    SchoolKind.NINE_YEAR: frozenset({"pri", "sec"}),
    SchoolKind.JUNIOR: frozenset({"sec"}),
    SchoolKind.COMPLETE_SECONDARY: frozenset({"sec"}),
    SchoolKind.SENIOR: frozenset({"sec"}),
    SchoolKind.VOCATIONAL: frozenset({"voc"}),
    SchoolKind.SPECIAL: frozenset({"spe"}),
}


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def eligibility_q(on: dt.date) -> Q:
    """Teachers who must rotate on ``on``: 在编 full-time, ≥ N years at the current school, and not within
    the exempt years before retirement (retirement ages by sex)."""
    years = int(conf.get("TEACHERS_ROTATION_MIN_YEARS"))
    exempt = int(conf.get("TEACHERS_ROTATION_EXEMPT_YEARS_BEFORE_RETIREMENT"))
    ages: dict[str, int] = conf.get("TEACHERS_RETIREMENT_AGE")
    young = Q()
    for sex, age in ages.items():
        young |= Q(sex=sex, birth_date__gt=_years_before(on, age - exempt))
    return (
        Q(
            is_active=True,
            post_type=PostType.FULL_TIME,
            staffing__in=list(conf.get("TEACHERS_ROTATION_STAFFING")),
            school__isnull=False,
            school_since__lte=_years_before(on, years),
        )
        & young
        & ~Q(main_subject="")
    )


def backbone_levels() -> list[str]:
    """The 骨干 levels that count toward the backbone share (setting ``TEACHERS_ROTATION_BACKBONE_LEVELS``)."""
    return [str(level) for level in conf.get("TEACHERS_ROTATION_BACKBONE_LEVELS") if level]


def counts_as_backbone(level: str) -> bool:
    return bool(level) and level in backbone_levels()


def eligible_teachers(on: dt.date) -> QuerySet[Teacher]:
    return Teacher.objects.filter(eligibility_q(on))


def plan_problems(plan: RotationPlan) -> list[str]:
    """The rules a plan breaks (empty when it meets ≥10% of eligible teachers and ≥20% 骨干)."""
    moves = plan.moves.exclude(status=MoveStatus.CANCELLED)
    n = moves.count()
    backbone = moves.filter(backbone=True).count()
    rate = Decimal(str(conf.get("TEACHERS_ROTATION_MIN_RATE")))
    brate = Decimal(str(conf.get("TEACHERS_ROTATION_MIN_BACKBONE_RATE")))
    problems = []
    need = math.ceil(Decimal(plan.eligible_count) * rate)
    if n < need:
        problems.append(f"交流人数{n}人，低于符合条件教师{plan.eligible_count}人的{_pct(rate)}%（至少{need}人）")
    need_b = math.ceil(Decimal(n) * brate)
    if backbone < need_b:
        problems.append(f"骨干教师{backbone}人，低于交流人数{n}人的{_pct(brate)}%（至少{need_b}人）")
    return problems


@transaction.atomic
def rotation_plan_generate(*, actor: User, year: int, start_date: dt.date, on: dt.date | None = None) -> RotationPlan:
    """Propose the year's plan: move eligible teachers toward the largest subject gaps.

    Guarantees: at least ⌈rate × eligible⌉ moves and at least ⌈backbone rate × moves⌉ 骨干; if the eligible
    pool cannot meet them, refuses and says why. Greedy: each step takes the (subject, destination) with the
    largest remaining gap that an available teacher can fill — from the school with the largest surplus in that
    subject, urban schools first, longest at the school first — then updates both schools' gaps. The first
    steps take only 骨干 until their minimum is met.
    """
    require_personnel(actor)
    on = on or start_date
    existing = RotationPlan.objects.filter(year=year).first()
    if existing:
        require_state(
            existing.status,
            (PlanStatus.PROPOSED,),
            message=lambda current, allowed: f"{year}学年计划已{existing.get_status_display()}，不能重新生成",
        )
    gap_year = SubjectGap.objects.filter(year__lte=year).order_by("-year").values_list("year", flat=True).first()
    if gap_year is None:
        raise DomainError(f"尚未核算{year}学年及以前的编制与学科缺口，请先核算编制")
    pool: list[dict[str, Any]] = [
        dict(row)
        for row in eligible_teachers(on)
        .values("id", "name", "school_id", "main_subject", "backbone", "school_since", "school__kind",
                "school__urban_rural")
        .order_by("id")
    ]  # fmt: skip
    for t in pool:
        t["backbone"] = counts_as_backbone(t["backbone"])
    n_eligible = len(pool)
    if n_eligible == 0:
        raise DomainError("没有符合交流条件的教师（同校任教满年限且未临近退休）")
    rate = Decimal(str(conf.get("TEACHERS_ROTATION_MIN_RATE")))
    brate = Decimal(str(conf.get("TEACHERS_ROTATION_MIN_BACKBONE_RATE")))
    k = math.ceil(Decimal(n_eligible) * rate)
    b = math.ceil(Decimal(k) * brate)
    n_backbone = sum(1 for t in pool if t["backbone"])
    if n_backbone < b:
        raise DomainError(
            f"符合交流条件的骨干教师仅{n_backbone}人，交流{k}人须含骨干至少{b}人（{_pct(brate)}%），无法满足；"
            f"请核实骨干教师认定或放宽交流条件"
        )
    gaps: dict[tuple[int, str], Decimal] = {}
    kinds: dict[int, str] = {}
    rural: dict[int, bool] = {}
    for sid, subject, gap, kind, ur in SubjectGap.objects.filter(year=gap_year).values_list(
        "school_id", "subject", "gap", "school__kind", "school__urban_rural"
    ):
        gaps[(sid, subject)] = gap
        kinds[sid] = kind
        rural[sid] = ur == UrbanRural.RURAL
    dests: dict[str, list[int]] = defaultdict(list)
    for sid, subject in gaps:
        dests[subject].append(sid)
    for t in pool:
        kinds.setdefault(t["school_id"], t["school__kind"])

    def seg(sid: int) -> frozenset[str]:
        return SEGMENTS.get(kinds.get(sid, ""), frozenset())

    def best_dest(t: dict[str, Any]) -> int | None:
        origin_seg = seg(t["school_id"])
        best: tuple[Decimal, bool, int] | None = None
        for sid in dests.get(t["main_subject"], []):
            if sid == t["school_id"] or not (seg(sid) & origin_seg):
                continue
            cand = (gaps[(sid, t["main_subject"])], rural.get(sid, False), -sid)
            if best is None or cand > best:
                best = cand
        return -best[2] if best else None

    def source_rank(t: dict[str, Any]) -> tuple[Decimal, int, dt.date, int]:
        surplus = gaps.get((t["school_id"], t["main_subject"]), Decimal(0))  # negative = surplus
        urban = 0 if t["school__urban_rural"] != UrbanRural.RURAL else 1
        return (surplus, urban, t["school_since"], t["id"])

    chosen: list[tuple[dict[str, Any], int, Decimal]] = []
    taken: set[int] = set()
    for phase, quota in (("backbone", b), ("any", k - b)):
        for _ in range(quota):
            best_pick: tuple[tuple[Decimal, bool, int], dict[str, Any], int] | None = None
            # Best candidate per subject (source order), then the subject whose best destination gap is largest.
            by_subject: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for t in pool:
                if t["id"] in taken or (phase == "backbone" and not t["backbone"]):
                    continue
                by_subject[t["main_subject"]].append(t)
            for _subject, cands in by_subject.items():
                for t in sorted(cands, key=source_rank):
                    dest = best_dest(t)
                    if dest is None:
                        continue
                    score = (gaps[(dest, t["main_subject"])], rural.get(dest, False), -t["id"])
                    if best_pick is None or score > best_pick[0]:
                        best_pick = (score, t, dest)
                    break
            if best_pick is None:
                if phase == "backbone":
                    raise DomainError(
                        f"交流{k}人须含骨干至少{b}人，但只有{len(chosen)}名符合条件的骨干教师的学科在同学段其他学校"
                        f"有岗位（符合条件骨干共{n_backbone}人）；请核实骨干教师认定或学科缺口"
                    )
                raise DomainError(
                    f"可交流的教师不足：须交流{k}人，已安排{len(chosen)}人，其余符合条件教师的学科在同学段其他学校无岗位"
                )
            _score, t, dest = best_pick
            subject = t["main_subject"]
            before = gaps[(dest, subject)]
            chosen.append((t, dest, before))
            taken.add(t["id"])
            gaps[(dest, subject)] = before - 1
            if (t["school_id"], subject) in gaps:
                gaps[(t["school_id"], subject)] += 1

    if existing:
        existing.moves.all().delete()
        plan = existing
        plan.eligible_count = n_eligible
        plan.eligible_backbone = n_backbone
        plan.start_date = start_date
    else:
        plan = RotationPlan(
            year=year, eligible_count=n_eligible, eligible_backbone=n_backbone, start_date=start_date, created_by=actor
        )
    n_b = sum(1 for t, _d, _g in chosen if t["backbone"])
    plan.note = (
        f"符合交流条件{n_eligible}人（骨干{n_backbone}人）；拟交流{len(chosen)}人"
        f"（{Decimal(len(chosen) * 100) / n_eligible:.1f}%），其中骨干{n_b}人（{Decimal(n_b * 100) / len(chosen):.1f}%）；"
        f"依据{gap_year}学年学科缺口"
    )
    plan.save()
    labels = dict(Subject.choices)
    RotationMove.objects.bulk_create(
        [
            RotationMove(
                plan=plan,
                teacher_id=t["id"],
                from_school_id=t["school_id"],
                to_school_id=dest,
                subject=t["main_subject"],
                backbone=bool(t["backbone"]),
                gap_before=gap,
                reason=f"接收学校{labels.get(t['main_subject'], '')}缺口{gap:g}人"
                + ("（骨干教师）" if t["backbone"] else ""),
            )
            for t, dest, gap in chosen
        ]
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=plan, changes=snapshot(plan), note=plan.note)
    return plan


@transaction.atomic
def rotation_plan_approve(*, actor: User, plan: RotationPlan) -> RotationPlan:
    require_personnel(actor)
    require_state(
        plan.status,
        (PlanStatus.PROPOSED,),
        message=lambda current, allowed: f"计划已{plan.get_status_display()}，不能再批准",
    )
    problems = plan_problems(plan)
    if problems:
        raise DomainError("计划不符合交流比例要求：" + "；".join(problems))
    plan.status = PlanStatus.APPROVED
    plan.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=plan,
        changes={"status": [PlanStatus.PROPOSED, PlanStatus.APPROVED]},
    )
    return plan


def _maybe_complete(plan: RotationPlan, actor: User) -> None:
    if not plan.moves.filter(status=MoveStatus.PLANNED).exists():
        plan.status = PlanStatus.COMPLETED
        plan.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=plan,
            changes={"status": [PlanStatus.APPROVED, PlanStatus.COMPLETED]},
        )


@transaction.atomic
def rotation_move_complete(*, actor: User, move: RotationMove, date: dt.date) -> RotationMove:
    """The teacher has taken up the post: record the assignment (kind 交流轮岗)."""
    require_personnel(actor)
    plan = move.plan
    require_state(
        plan.status,
        (PlanStatus.APPROVED,),
        message=lambda current, allowed: f"计划处于“{plan.get_status_display()}”状态，批准后才能登记到岗",
    )
    require_state(
        move.status, (MoveStatus.PLANNED,), message=lambda current, allowed: f"该交流已{move.get_status_display()}"
    )
    teacher_assign(
        actor=actor,
        teacher=move.teacher,
        school=move.to_school,
        start=date,
        kind=AssignmentKind.ROTATION,
        note=f"{plan.year}学年交流轮岗",
    )
    move.status = MoveStatus.DONE
    move.done_date = date
    move.save(update_fields=["status", "done_date"])
    audit_record(
        actor=actor, action=AuditAction.TRANSITION, obj=move, changes={"status": [MoveStatus.PLANNED, MoveStatus.DONE]}
    )
    _maybe_complete(plan, actor)
    return move


@transaction.atomic
def rotation_move_cancel(*, actor: User, move: RotationMove, reason: str) -> RotationMove:
    require_personnel(actor)
    require_state(
        move.status,
        (MoveStatus.PLANNED,),
        message=lambda current, allowed: f"该交流已{move.get_status_display()}，不能取消",
    )
    if not reason.strip():
        raise DomainError("不能为空", field="取消原因")
    move.status = MoveStatus.CANCELLED
    move.reason = f"{move.reason}；取消：{reason.strip()}"[:300]
    move.save(update_fields=["status", "reason"])
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=move,
        changes={"status": [MoveStatus.PLANNED, MoveStatus.CANCELLED]},
    )
    if move.plan.status == PlanStatus.APPROVED:
        _maybe_complete(move.plan, actor)
    return move
