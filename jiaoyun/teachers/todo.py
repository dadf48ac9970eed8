"""教师管理 待办 for the home pages of the 人事股 (and a principal's hiring-round steps): the open 县管校聘 rounds
and their appeals, the rotation plan, the schools short of 编制 and the 师德 violations not yet dealt with.
Each function takes a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import school_q, teacher_q
from jiaoyun.core.todo import TodoItem, with_query
from jiaoyun.core.types import User
from jiaoyun.teachers.choices import AppealStatus, MoveStatus, PlanStatus, RecordKind, RoundStatus, StandbyStatus
from jiaoyun.teachers.models import (
    Application,
    EthicsRecord,
    HiringRound,
    QuotaSnapshot,
    RotationPlan,
    Sanction,
    StandbyRecord,
)
from jiaoyun.teachers.permissions import may_see_rounds

MODULE = "教师管理"

# What a round waits for in each state (the next step the 人事股 takes).
ROUND_NEXT: dict[str, str] = {
    RoundStatus.DRAFT: "核定岗位后开放报名",
    RoundStatus.APPLYING: "报名结束后进入校内竞聘",
    RoundStatus.IN_SCHOOL: "学校评分后进入跨校竞聘",
    RoundStatus.CROSS_SCHOOL: "跨校竞聘后组织调剂",
    RoundStatus.COUNTY: "组织调剂后提交审核",
    RoundStatus.REVIEW: "审核通过后发布结果",
    RoundStatus.PUBLISHED: "公示期满后执行聘任",
}


def round_items(user: User, today: dt.date) -> list[TodoItem]:
    """The 县管校聘 rounds not yet executed, each with its stage, its next step and the date the placements take
    effect; their pending appeals counted."""
    if not may_see_rounds(user):
        return []
    rounds = list(
        HiringRound.objects.exclude(status=RoundStatus.APPLIED)
        .annotate(appeals=Count("applications__appeals", filter=Q(applications__appeals__status=AppealStatus.PENDING)))
        .order_by("effective_date", "id")
    )
    items = []
    for r in rounds:
        url = reverse("teachers:round", args=[r.pk])
        items.append(TodoItem(key=f"teachers.round.{r.status}", title=f"县管校聘：{r.get_status_display()}",
                              subject=r.name, deadline=r.effective_date, url=url, module=MODULE,
                              note=f"下一步：{ROUND_NEXT.get(r.status, '')}；聘任生效日期", today=today))  # fmt: skip
        if r.appeals:
            items.append(TodoItem(key="teachers.appeals", title="竞聘申诉待处理", count=r.appeals, subject=r.name,
                                  url=url, module=MODULE, today=today))  # fmt: skip
    return items


def rotation_items(user: User, today: dt.date) -> list[TodoItem]:
    """The current school year's rotation plan: to approve, or its moves not yet done by the start date."""
    year = SchoolYear.of(today).start_year
    plan = (
        RotationPlan.objects.filter(year=year)
        .annotate(planned=Count("moves", filter=Q(moves__status=MoveStatus.PLANNED)))
        .first()
    )
    if plan is None:
        return []
    url = with_query(reverse("teachers:rotation"), year=year)
    if plan.status == PlanStatus.PROPOSED:
        return [TodoItem(key="teachers.rotation_plan", title="交流轮岗计划待批准", subject=str(plan),
                         count=plan.planned, deadline=plan.start_date, url=url, module=MODULE,
                         note="批准后通知派出、接收学校", today=today)]  # fmt: skip
    if plan.status == PlanStatus.APPROVED and plan.planned:
        return [TodoItem(key="teachers.rotation_moves", title="交流轮岗教师尚未到岗", count=plan.planned,
                         subject=str(plan), deadline=plan.start_date, url=url, module=MODULE,
                         today=today)]  # fmt: skip
    return []


def quota_items(user: User, today: dt.date) -> list[TodoItem]:
    """The schools short of 编制 in the latest computed year (count and total shortfall)."""
    qs = QuotaSnapshot.objects.filter(school_q(user, prefix="school__"))
    latest = qs.order_by("-year").values_list("year", flat=True).first()
    if latest is None:
        return []
    short = qs.filter(year=latest, gap__gt=0).aggregate(n=Count("id"), total=Sum("gap"))
    if not short["n"]:
        return []
    return [TodoItem(key="teachers.quota_gap", title="缺编学校", count=short["n"],
                     subject=f"{latest}学年合计缺编{short['total']}人", module=MODULE,
                     url=with_query(reverse("teachers:dashboard"), year=latest),
                     note="通过招聘、交流轮岗或组织调剂补足", today=today)]  # fmt: skip


def ethics_items(user: User, today: dt.date) -> list[TodoItem]:
    """师德 violations on file without any 处理 recorded, and 落聘待岗 teachers still in training."""
    violations = (
        EthicsRecord.objects.filter(teacher_q(user, prefix="teacher__"), kind=RecordKind.VIOLATION)
        .exclude(Exists(Sanction.objects.filter(record=OuterRef("pk"))))
        .count()
    )
    standby = StandbyRecord.objects.filter(
        teacher_q(user, prefix="application__teacher__"), status=StandbyStatus.TRAINING
    ).count()
    items = []
    if violations:
        items.append(TodoItem(key="teachers.ethics", title="师德违规记录尚未处理", count=violations, module=MODULE,
                              url=reverse("teachers:ethics"), note="调查认定后登记处理决定", today=today))  # fmt: skip
    if standby:
        items.append(TodoItem(key="teachers.standby", title="落聘待岗教师培训中", count=standby, module=MODULE,
                              url=reverse("teachers:rounds"), note="培训考核后重新安排岗位", today=today))  # fmt: skip
    return items


# ---------------------------------------------------------------- per role


def section(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """人事股: rounds, rotation, 编制 gaps, 师德."""
    today = today or timezone.localdate()
    if not (user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section == Section.PERSONNEL)):
        return []
    return round_items(user, today) + rotation_items(user, today) + quota_items(user, today) + ethics_items(user, today)


def principal(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """A principal: the rounds in which the school's teachers apply (the school scores its applicants)."""
    today = today or timezone.localdate()
    if not may_see_rounds(user) or not user.school_id:
        return []
    active = (RoundStatus.IN_SCHOOL, RoundStatus.CROSS_SCHOOL)
    mine = Application.objects.filter(round=OuterRef("pk"), origin_school_id=user.school_id)
    rounds = HiringRound.objects.filter(Exists(mine), status__in=active).order_by("effective_date", "id")
    return [TodoItem(key="teachers.round_scores", title=f"县管校聘：{r.get_status_display()}评分", subject=r.name,
                     deadline=r.effective_date, url=reverse("teachers:round", args=[r.pk]), module=MODULE,
                     note="为本校报名教师评分", today=today) for r in rounds]  # fmt: skip
