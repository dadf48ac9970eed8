"""Every read of the teachers module, filtered by the requesting user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, F, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Role
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import NOTHING, area_q, school_q, scope_for, teacher_q
from jiaoyun.core.types import User
from jiaoyun.people.choices import Subject
from jiaoyun.people.models import Teacher
from jiaoyun.schools.models import School
from jiaoyun.teachers.choices import VETO_SANCTIONS, MoveStatus, PlanStatus, RecordKind, Stage
from jiaoyun.teachers.filters import (
    ApplicationFilters,
    EthicsRecordFilters,
    MoveFilters,
    QuotaFilters,
    SubjectGapFilters,
)
from jiaoyun.teachers.models import (
    Appeal,
    Application,
    Appraisal,
    CountyQuota,
    EthicsRecord,
    HiringRound,
    Honour,
    Pledge,
    QuotaSnapshot,
    RotationMove,
    RotationPlan,
    RoundEvent,
    RoundPost,
    Sanction,
    Score,
    StaffingStandard,
    StandbyRecord,
    SubjectGap,
    TitlePromotion,
)
from jiaoyun.teachers.permissions import (
    can_view_ethics,
    can_view_quotas,
    can_view_rotation,
    in_personnel_chain,
    may_see_rounds,
)

__all__ = ["can_view_ethics"]  # the pages and the API ask the selectors (see permissions.py)

M = TypeVar("M", bound=Model)
# A page's ``request.GET`` or an API Query schema's ``dict(exclude_none=True)`` (see jiaoyun/teachers/filters.py).
Filters = Mapping[str, Any] | None


def townships(*, user: User) -> QuerySet[Area]:
    """The townships in the user's scope, for the filter forms."""
    return Area.objects.filter(area_q(user), level=AreaLevel.TOWNSHIP).order_by("sort", "code")


def staffing_standards() -> QuerySet[StaffingStandard]:
    """The 编制标准 per school level (county-wide figures, no personal data)."""
    return StaffingStandard.objects.all()


# ---------------------------------------------------------------- quotas


def quota_years() -> list[int]:
    return list(QuotaSnapshot.objects.values_list("year", flat=True).distinct().order_by("-year"))


def quota_year() -> int:
    """The latest year with computed quotas (this school year when there is none)."""
    years = quota_years()
    return years[0] if years else SchoolYear.current().start_year


def _school_year_rows(model: type[M], user: User, year: int) -> QuerySet[M]:
    """The rows of ``model`` (a per-school staffing figure) of the schools in the user's scope in ``year`` (none
    for a user who may not see the staffing pages: ``can_view_quotas``, for the pages and the API alike)."""
    if not can_view_quotas(user):
        return model._default_manager.none()
    return model._default_manager.filter(school_q(user, prefix="school__"), year=year)


def quota_list(*, user: User, year: int, filters: Filters = None) -> QuerySet[QuotaSnapshot]:
    qs = _school_year_rows(QuotaSnapshot, user, year).select_related("school", "school__township")
    return filter_by(QuotaFilters, filters, qs).order_by("-gap", "school__code")


def subject_gap_list(*, user: User, year: int, filters: Filters = None) -> QuerySet[SubjectGap]:
    qs = _school_year_rows(SubjectGap, user, year).select_related("school", "school__township")
    return filter_by(SubjectGapFilters, filters, qs).order_by("-gap", "school__code", "subject")


def quota_by_township(*, user: User, year: int) -> list[dict[str, Any]]:
    return list(
        _school_year_rows(QuotaSnapshot, user, year)
        .values("school__township_id", "school__township__name", "school__township__sort")
        .annotate(quota=Sum("quota"), actual=Sum("actual"), gap=Sum("gap"), students=Sum("students"))
        .order_by("school__township__sort", "school__township_id")
    )


def gap_by_subject(*, user: User, year: int) -> list[dict[str, Any]]:
    return list(
        _school_year_rows(SubjectGap, user, year)
        .values("subject")
        .annotate(need=Sum("need"), actual=Sum("actual"), short=Sum("gap", filter=Q(gap__gt=0)))
        .order_by("subject")
    )


@dataclass(frozen=True)
class CountyTotals:
    year: int
    quota: int
    actual: int
    schools: int
    approved_staffing: int | None
    approved_posts: int | None

    @property
    def gap(self) -> int:
        return self.quota - self.actual

    @property
    def quota_vs_approved(self) -> int | None:
        return None if self.approved_staffing is None else self.approved_staffing - self.quota

    @property
    def actual_vs_posts(self) -> int | None:
        return None if self.approved_posts is None else self.approved_posts - self.actual


def county_totals(*, user: User, year: int) -> CountyTotals:
    agg = _school_year_rows(QuotaSnapshot, user, year).aggregate(
        quota=Sum("quota"), actual=Sum("actual"), schools=Count("id")
    )
    cq = CountyQuota.objects.filter(year=year).first() if scope_for(user).is_county else None
    return CountyTotals(
        year=year,
        quota=agg["quota"] or 0,
        actual=agg["actual"] or 0,
        schools=agg["schools"] or 0,
        approved_staffing=cq.approved_staffing if cq else None,
        approved_posts=cq.approved_posts if cq else None,
    )


# ---------------------------------------------------------------- rounds


def round_q(user: User) -> Q:
    """Rounds the user sees: every round for the personnel chain; a township officer the rounds of his township;
    a principal the county-wide rounds and those of the school's township; nobody else any."""
    if not may_see_rounds(user):
        return NOTHING
    if in_personnel_chain(user):
        return Q()
    scope = scope_for(user)
    if user.role == Role.TOWNSHIP_OFFICER:
        return Q(township_id=scope.township_id)
    return Q(township__isnull=True) | Q(township_id=scope.township_id)


def round_list(*, user: User) -> QuerySet[HiringRound]:
    if not may_see_rounds(user):
        return HiringRound.objects.none()
    posts = (
        RoundPost.objects.filter(round=OuterRef("pk")).order_by().values("round").annotate(n=Sum("count")).values("n")
    )
    apps = (
        Application.objects.filter(round=OuterRef("pk")).order_by().values("round").annotate(n=Count("id")).values("n")
    )
    return (
        HiringRound.objects.filter(round_q(user))
        .select_related("township")
        .annotate(n_applications=Subquery(apps), n_posts=Subquery(posts))
        .order_by("-year", "-id")
    )


def round_get(*, user: User, round_id: int) -> HiringRound:
    if not may_see_rounds(user):
        raise HiringRound.DoesNotExist
    return HiringRound.objects.select_related("township").get(round_q(user), pk=round_id)


def _application_q(user: User, round: HiringRound) -> Q:
    """Applications a user may see: all for the personnel chain; a township officer's those from or placed in his
    township; for a principal those from, placed at, or listing
    their school. ``choices`` is a JSON list, which SQLite cannot search, so the ids of applications listing
    the school are read from the (small, one-round) list of choices."""
    scope = scope_for(user)
    if scope.is_county and not scope.sees_all_people:  # a county leader: the linked schools' applications
        return teacher_q(scope, prefix="teacher__") if in_personnel_chain(user) else NOTHING
    if scope.is_county:
        return Q() if in_personnel_chain(user) else NOTHING
    if user.role == Role.TOWNSHIP_OFFICER and scope.township_id:
        return Q(origin_school__township_id=scope.township_id) | Q(placed_school__township_id=scope.township_id)
    sid = getattr(user, "school_id", None)
    if user.role == Role.PRINCIPAL and sid:
        listing = [
            pk
            for pk, choices in Application.objects.filter(round=round).values_list("pk", "choices")
            if sid in (choices or [])
        ]
        return Q(origin_school_id=sid) | Q(placed_school_id=sid) | Q(pk__in=listing)
    return NOTHING


def round_applications(*, user: User, round: HiringRound, filters: Filters = None) -> QuerySet[Application]:
    qs = (
        Application.objects.filter(_application_q(user, round), round=round)
        .select_related("teacher", "origin_school", "placed_school")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("school").order_by("id")))
    )
    return filter_by(ApplicationFilters, filters, qs).order_by("id")


def round_posts(*, user: User, round: HiringRound) -> QuerySet[RoundPost]:
    qs = RoundPost.objects.filter(round=round).select_related("school")
    if not scope_for(user).is_county:
        qs = qs.filter(school_q(user, prefix="school__"))
    return qs.order_by("school__code", "subject")


def round_application_get(*, user: User, round: HiringRound, application_id: int) -> Application | None:
    """One application of the round that the user may see (None otherwise)."""
    return Application.objects.filter(_application_q(user, round), round=round, pk=application_id).first()


def round_appeals(*, user: User, round: HiringRound) -> QuerySet[Appeal]:
    """The appeals of the round's applications that the user may see."""
    return Appeal.objects.filter(
        application__in=Application.objects.filter(_application_q(user, round), round=round)
    ).select_related("application__teacher")


def round_appeal_get(*, user: User, round: HiringRound, appeal_id: int) -> Appeal | None:
    return round_appeals(user=user, round=round).filter(pk=appeal_id).first()


def round_teachers(*, user: User, limit: int = 500) -> QuerySet[Teacher]:
    """Active teachers in the user's scope who may apply (they have a school)."""
    return (
        Teacher.objects.filter(teacher_q(user), is_active=True, school__isnull=False)
        .select_related("school")
        .order_by("school__code", "name")[:limit]
    )


def round_teacher_get(*, user: User, teacher_id: int) -> Teacher | None:
    return Teacher.objects.filter(teacher_q(user), pk=teacher_id).first()


def round_schools(*, user: User) -> QuerySet[School]:
    """The active schools in the user's scope that posts and reassignments may name."""
    return School.objects.filter(school_q(user), is_active=True).order_by("code")


def round_school_get(*, school_id: int) -> School | None:
    """A school named by a round's form (a post or a score; schools are not personal data, and the service
    decides who may act for which school)."""
    return School.objects.filter(pk=school_id).first()


def round_events(*, round: HiringRound) -> QuerySet[RoundEvent]:
    return round.events.select_related("actor")


def round_stage_counts(*, round: HiringRound) -> dict[str, int]:
    agg = Application.objects.filter(round=round).aggregate(
        total=Count("id"),
        s1=Count("id", filter=Q(stage=Stage.IN_SCHOOL)),
        s2=Count("id", filter=Q(stage=Stage.CROSS_SCHOOL)),
        s3=Count("id", filter=Q(stage=Stage.COUNTY)),
        s4=Count("id", filter=Q(stage=Stage.STANDBY)),
        moved=Count("id", filter=Q(placed_school__isnull=False) & ~Q(placed_school=F("origin_school"))),
    )
    posts = RoundPost.objects.filter(round=round).aggregate(posts=Sum("count"))
    agg["posts"] = posts["posts"] or 0
    agg["unplaced"] = agg["total"] - agg["s1"] - agg["s2"] - agg["s3"] - agg["s4"]
    return agg


def round_subject_stages(*, user: User, round: HiringRound) -> list[dict[str, Any]]:
    """Per subject: posts, applicants, and how many each stage placed (校内/跨校/组织调剂) or left 落聘待岗 —
    over the applications the user may see (posts: all of the round's posts of the subject)."""
    posts = dict(
        RoundPost.objects.filter(round=round).values("subject").annotate(n=Sum("count")).values_list("subject", "n")
    )
    rows = (
        Application.objects.filter(_application_q(user, round), round=round)
        .values("subject")
        .annotate(
            total=Count("id"),
            s1=Count("id", filter=Q(stage=Stage.IN_SCHOOL)),
            s2=Count("id", filter=Q(stage=Stage.CROSS_SCHOOL)),
            s3=Count("id", filter=Q(stage=Stage.COUNTY)),
            s4=Count("id", filter=Q(stage=Stage.STANDBY)),
        )
        .order_by("subject")
    )
    labels = dict(Subject.choices)
    return [{**r, "label": labels.get(r["subject"], r["subject"]), "posts": posts.get(r["subject"], 0)} for r in rows]


def round_standby(*, user: User, round: HiringRound) -> QuerySet[StandbyRecord]:
    """The 落聘待岗 records of the round the user may see."""
    return (
        StandbyRecord.objects.filter(
            application__in=Application.objects.filter(_application_q(user, round), round=round)
        )
        .select_related("application__teacher", "application__origin_school", "reassigned_school")
        .order_by("application_id")
    )


def round_standby_get(*, user: User, round: HiringRound, standby_id: int) -> StandbyRecord | None:
    return round_standby(user=user, round=round).filter(pk=standby_id).first()


# ---------------------------------------------------------------- rotation


def rotation_plans() -> QuerySet[RotationPlan]:
    return RotationPlan.objects.annotate(
        n_moves=Count("moves", filter=~Q(moves__status=MoveStatus.CANCELLED)),
        n_done=Count("moves", filter=Q(moves__status=MoveStatus.DONE)),
        n_backbone=Count("moves", filter=Q(moves__backbone=True) & ~Q(moves__status=MoveStatus.CANCELLED)),
    ).order_by("-year")


def rotation_move_q(user: User) -> Q:
    """Moves visible to the user (pages, exports and the API alike): the personnel chain sees every move; a
    township officer or a principal the moves out of or into their township or school, and only once the plan
    is approved (a 拟定 plan names teachers who have not been told); everyone else none."""
    if not can_view_rotation(user):
        return NOTHING
    scope = scope_for(user)
    if in_personnel_chain(user) and scope.sees_all_people:
        return Q()
    if in_personnel_chain(user) and scope.is_county:
        # A county leader: the moves (drafts too) of the teachers of the linked schools, or out of or into them.
        linked = list(scope.linked_school_ids or ())
        return teacher_q(scope, prefix="teacher__") | Q(from_school_id__in=linked) | Q(to_school_id__in=linked)
    q = teacher_q(user, prefix="teacher__") | school_q(scope, prefix="from_school__")
    q |= school_q(scope, prefix="to_school__")
    return q & ~Q(plan__status=PlanStatus.PROPOSED)


def rotation_plan_for(*, year: int) -> RotationPlan | None:
    """The plan of a year (plan-level figures only: no teacher in it)."""
    return RotationPlan.objects.filter(year=year).first()


def rotation_move_get(*, user: User, move_id: int) -> RotationMove:
    """One move within the user's scope (``RotationMove.DoesNotExist`` otherwise)."""
    return (
        RotationMove.objects.filter(rotation_move_q(user))
        .select_related("plan", "teacher", "to_school")
        .get(pk=move_id)
    )


def rotation_moves(*, user: User, plan: RotationPlan, filters: Filters = None) -> QuerySet[RotationMove]:
    qs = RotationMove.objects.filter(rotation_move_q(user), plan=plan).select_related(
        "teacher", "from_school", "to_school", "to_school__township"
    )
    return filter_by(MoveFilters, filters, qs).order_by("id")


def rotation_by_township(*, user: User, plan: RotationPlan) -> list[dict[str, Any]]:
    return list(
        rotation_moves(user=user, plan=plan)
        .exclude(status=MoveStatus.CANCELLED)
        .values("to_school__township__name", "to_school__township__sort")
        .annotate(planned=Count("id"), done=Count("id", filter=Q(status=MoveStatus.DONE)))
        .order_by("to_school__township__sort", "to_school__township__name")
    )


def rotation_eligible_count(*, on: dt.date) -> dict[str, int]:
    from jiaoyun.teachers.services.rotation import backbone_levels, eligible_teachers

    return eligible_teachers(on).aggregate(
        total=Count("id"), backbone=Count("id", filter=Q(backbone__in=backbone_levels()))
    )


# ---------------------------------------------------------------- ethics


def ethics_teacher_q(user: User, prefix: str = "") -> Q:
    """Teachers whose 师德档案 the user may read: all for the 人事股/county admin, own staff for a principal."""
    if not can_view_ethics(user):
        return NOTHING
    if user.role == Role.PRINCIPAL:
        return teacher_q(user, prefix=prefix)
    return Q()


def ethics_record_list(*, user: User, filters: Filters = None) -> QuerySet[EthicsRecord]:
    qs = EthicsRecord.objects.filter(ethics_teacher_q(user, prefix="teacher__")).select_related(
        "teacher", "teacher__school"
    )
    return filter_by(EthicsRecordFilters, filters, qs).prefetch_related("sanctions").order_by("-date", "-id")


def ethics_by_principle(*, user: User) -> list[dict[str, Any]]:
    return list(
        EthicsRecord.objects.filter(ethics_teacher_q(user, prefix="teacher__"), kind=RecordKind.VIOLATION)
        .values("principle")
        .annotate(n=Count("id"))
        .order_by("principle")
    )


def ethics_teacher_get(*, user: User, teacher_id: int) -> Teacher:
    return Teacher.objects.select_related("school").get(ethics_teacher_q(user), pk=teacher_id)


def ethics_teachers(*, user: User) -> QuerySet[Teacher]:
    return Teacher.objects.filter(ethics_teacher_q(user), is_active=True).select_related("school").order_by("name")


def sanctioned_now(*, user: User, on: dt.date) -> QuerySet[Sanction]:
    return (
        Sanction.objects.filter(
            ethics_teacher_q(user, prefix="record__teacher__"), type__in=list(VETO_SANCTIONS), start__lte=on
        )
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("record", "record__teacher", "record__teacher__school")
    )


@dataclass
class EthicsFile:
    """Everything the ethics page of one teacher shows."""

    records: QuerySet[EthicsRecord]
    sanctions: QuerySet[Sanction]
    appraisals: QuerySet[Appraisal]
    promotions: QuerySet[TitlePromotion]
    honours: QuerySet[Honour]


def ethics_teacher_file(*, user: User, teacher: Teacher) -> EthicsFile:
    """The ethics records, sanctions, appraisals, title promotions and honours of a teacher the user may see."""
    q = ethics_teacher_q(user, prefix="teacher__")
    return EthicsFile(
        records=EthicsRecord.objects.filter(q, teacher=teacher).prefetch_related("sanctions"),
        sanctions=Sanction.objects.filter(ethics_teacher_q(user, prefix="record__teacher__"), record__teacher=teacher)
        .order_by("-start"),
        appraisals=Appraisal.objects.filter(q, teacher=teacher).order_by("-year"),
        promotions=TitlePromotion.objects.filter(q, teacher=teacher),
        honours=Honour.objects.filter(q, teacher=teacher),
    )  # fmt: skip


def ethics_record_get(*, user: User, teacher: Teacher, record_id: int) -> EthicsRecord:
    """One ethics record of the teacher (``EthicsRecord.DoesNotExist`` when not visible)."""
    return EthicsRecord.objects.get(ethics_teacher_q(user, prefix="teacher__"), teacher=teacher, pk=record_id)


def teacher_pledges(*, user: User, teacher: Teacher) -> QuerySet[Pledge]:
    return Pledge.objects.filter(ethics_teacher_q(user, prefix="teacher__"), teacher=teacher)


def as_decimal(value: Any) -> Decimal:
    return Decimal(str(value or 0))
