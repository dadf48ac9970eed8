"""Reads of the supervision app: the plan and its roll-ups, links, areas, 整改 — each through the data scope.

An item's status on a day is derived from its milestones (``item_status``); 逾期 of a 整改 likewise
(``Rectification.overdue_on``). Nothing here writes. ``overdue_tasks`` and ``overdue_rectifications`` are the
county-wide lists the bulletin and the alerts read (no personal data: tasks name 股室, 整改 name schools).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Section
from jiaoyun.core.scope import NOTHING, school_q
from jiaoyun.core.types import User
from jiaoyun.schools.models import School
from jiaoyun.supervision.choices import OVERDUE, RECT_ACTIVE, ItemStatus, Part, RectStatus
from jiaoyun.supervision.models import (
    ChecklistItem,
    Link,
    LinkVisit,
    Milestone,
    Plan,
    PlanItem,
    ProgressEvidence,
    ProgressReport,
    Rectification,
    RectificationEvent,
    VisitAnswer,
    Zone,
    ZoneVisit,
)
from jiaoyun.supervision.permissions import can_view, can_view_rectifications, is_county, township_of

# ---------------------------------------------------------------- the plan


def plan_years() -> list[int]:
    return list(Plan.objects.order_by("-year").values_list("year", flat=True))


def plan_get(*, year: int | None = None) -> Plan | None:
    qs = Plan.objects.all()
    return (qs.filter(year=year) if year else qs.order_by("-year")).first()


def item_status(item: PlanItem, on: dt.date) -> str:
    """未开始, 推进中, 逾期 (a milestone past due and not done) or 已完成 (every milestone done; with none, 100%)."""
    stones = list(item.milestones.all())
    if any(m.done_on is None and m.due < on for m in stones):
        return ItemStatus.LATE
    if (stones and all(m.done_on is not None for m in stones)) or (not stones and item.percent >= 100):
        return ItemStatus.DONE
    if item.percent == 0 and not any(m.done_on for m in stones):
        return ItemStatus.NOT_STARTED
    return ItemStatus.ON_TRACK


def _item_q(user: User) -> Q:
    """Items a user reads: the county every item; a township the items naming it or one of its schools."""
    if is_county(user):
        return Q()
    township = township_of(user)
    if township is None:
        return NOTHING
    return Q(townships=township) | Q(schools__township_id=township)


def plan_items(*, user: User, plan: Plan) -> QuerySet[PlanItem]:
    ids = PlanItem.objects.filter(_item_q(user), plan=plan).values("pk")
    return (
        PlanItem.objects.filter(pk__in=ids)
        .prefetch_related(
            "milestones", "townships", Prefetch("schools", queryset=School.objects.only("id", "name", "township_id"))
        )
        .order_by("part", "number", "id")
    )


def item_get(*, user: User, pk: int) -> PlanItem:
    ids = PlanItem.objects.filter(_item_q(user), pk=pk).values("pk")
    return (
        PlanItem.objects.select_related("plan")
        .prefetch_related("milestones", "townships", "schools", Prefetch(
            "reports", queryset=ProgressReport.objects.select_related("reported_by", "milestone").prefetch_related("files")))
        .get(pk__in=ids)
    )  # fmt: skip


def evidence_get(*, user: User, pk: int) -> ProgressEvidence:
    """An evidence file of a progress report, only when its item is readable (``DoesNotExist`` otherwise)."""
    if not can_view(user):
        raise ProgressEvidence.DoesNotExist
    items = PlanItem.objects.filter(_item_q(user)).values("pk")
    return ProgressEvidence.objects.select_related("report").get(pk=pk, report__item__in=items)


def _townships_of(item: PlanItem) -> set[int]:
    return {t.pk for t in item.townships.all()} | {s.township_id for s in item.schools.all()}


def _late_milestones(item: PlanItem, on: dt.date) -> list[Milestone]:
    return [m for m in item.milestones.all() if m.done_on is None and m.due < on]


def _count(rows: Iterable[str]) -> dict[str, int]:
    out = {s.value: 0 for s in ItemStatus}
    for status in rows:
        out[status] += 1
    out["total"] = sum(out[s.value] for s in ItemStatus)
    return out


def rollup(items: Iterable[PlanItem], on: dt.date) -> dict[str, Any]:
    """Counts by status: per part, per lead 股室, per township (an item counts for every township it names, its
    schools' included), and in all."""
    by_part: dict[str, list[str]] = defaultdict(list)
    by_section: dict[str, list[str]] = defaultdict(list)
    by_township: dict[int, list[str]] = defaultdict(list)
    every: list[str] = []
    for item in items:
        status = item_status(item, on)
        every.append(status)
        by_part[item.part].append(status)
        by_section[item.section].append(status)
        for t in _townships_of(item):
            by_township[t].append(status)
    parts = dict(Part.choices)
    sections = dict(Section.choices)
    names = dict(Area.objects.filter(pk__in=list(by_township)).values_list("pk", "name"))
    return {
        "all": _count(every),
        "parts": [{"key": k, "label": parts[k], **_count(v)} for k, v in sorted(by_part.items(), key=lambda kv: list(parts).index(kv[0]))],
        "sections": [{"key": k, "label": sections.get(k, k), **_count(v)} for k, v in sorted(by_section.items())],
        "townships": [{"key": k, "label": names.get(k, ""), **_count(v)} for k, v in sorted(by_township.items(), key=lambda kv: names.get(kv[0], ""))],
    }  # fmt: skip


def plan_board(*, user: User, plan: Plan, on: dt.date, filters: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The director's page: every item with its status, the late ones with their owners, the roll-ups."""
    filters = filters or {}
    items = list(plan_items(user=user, plan=plan))
    rows: list[dict[str, Any]] = []
    for item in items:
        status = item_status(item, on)
        late = _late_milestones(item, on)
        next_due = next((m for m in item.milestones.all() if m.done_on is None), None)
        rows.append({"item": item, "status": status, "status_label": ItemStatus(status).label, "late": late,
                     "days_late": max(((on - m.due).days for m in late), default=0), "next": next_due})  # fmt: skip
    shown = [
        r for r in rows
        if (not filters.get("status") or r["status"] == filters["status"])
        and (not filters.get("part") or r["item"].part == filters["part"])
        and (not filters.get("section") or r["item"].section == filters["section"])
    ]  # fmt: skip
    late_rows = sorted((r for r in rows if r["late"]), key=lambda r: -r["days_late"])
    return {"rows": shown, "late": late_rows, "rollup": rollup(items, on)}


def overdue_tasks(*, on: dt.date) -> list[dict[str, Any]]:
    """The plan's milestones past due and not done on ``on``, county-wide, the longest overdue first.

    Each: ``item_id``, ``code``, ``title``, ``part`` (label), ``section`` (code), ``section_label``, ``co_owners``
    (codes), ``milestone``, ``milestone_id``, ``due``, ``days_overdue``, ``url`` (the item's page)."""
    parts, sections = dict(Part.choices), dict(Section.choices)
    rows = (
        Milestone.objects.filter(done_on__isnull=True, due__lt=on, item__plan__year=on.year)
        .select_related("item")
        .order_by("due", "item__part", "item__number", "id")
    )
    return [
        {"item_id": m.item_id, "code": m.item.code, "title": m.item.title, "part": parts.get(m.item.part, m.item.part),
         "section": m.item.section, "section_label": sections.get(m.item.section, m.item.section),
         "co_owners": list(m.item.co_owners or []), "milestone": m.title, "milestone_id": m.pk, "due": m.due,
         "days_overdue": (on - m.due).days, "url": reverse("supervision:item", args=[m.item_id])}
        for m in rows
    ]  # fmt: skip


# ---------------------------------------------------------------- 挂钩联系


def linked_school_ids(user_id: int) -> list[int]:
    """The schools linked to a county leader's account (the scope provider, ``core.scope``)."""
    return list(Link.objects.filter(leader_id=user_id, active=True).values_list("school_id", flat=True))


def _school_scope_q(user: User, prefix: str) -> Q:
    if is_county(user):
        return Q()
    township = township_of(user)
    if township is not None:
        return Q(**{f"{prefix}township_id": int(township)})
    return NOTHING


def link_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Link]:
    qs = Link.objects.filter(_school_scope_q(user, "school__")).select_related("school", "school__township", "leader")
    filters = filters or {}
    if filters.get("township"):
        qs = qs.filter(school__township_id=int(filters["township"]) if str(filters["township"]).isdigit() else 0)
    if filters.get("mine") and user.pk:
        qs = qs.filter(leader_id=user.pk)
    return qs.order_by("school__township__sort", "school__code", "id")


def link_get(*, user: User, pk: int) -> Link:
    return (
        Link.objects.filter(_school_scope_q(user, "school__"))
        .select_related("school", "leader")
        .prefetch_related(Prefetch("visits", queryset=LinkVisit.objects.select_related("recorded_by")))
        .get(pk=pk)
    )


# ---------------------------------------------------------------- 督学责任区


def zone_list(*, user: User) -> QuerySet[Zone]:
    if is_county(user):
        qs = Zone.objects.all()
    elif (township := township_of(user)) is not None:
        qs = Zone.objects.filter(pk__in=Zone.objects.filter(schools__township_id=township).values("pk"))
    else:
        return Zone.objects.none()
    return (
        qs.select_related("inspector")
        .prefetch_related(Prefetch("schools", queryset=School.objects.select_related("township").order_by("code")))
        .order_by("name")
    )


def zone_get(*, user: User, pk: int) -> Zone:
    return zone_list(user=user).get(pk=pk)


def zones_of_inspector(user: User) -> QuerySet[Zone]:
    return Zone.objects.filter(inspector_id=user.pk).prefetch_related("schools")


def zone_visits(*, user: User, zone: Zone) -> QuerySet[ZoneVisit]:
    qs = ZoneVisit.objects.filter(zone=zone).filter(_school_scope_q(user, "school__"))
    return qs.select_related("school", "inspector").prefetch_related("rectifications").order_by("-date", "-id")


def visit_get(*, user: User, pk: int) -> ZoneVisit:
    return (
        ZoneVisit.objects.filter(_school_scope_q(user, "school__"))
        .select_related("zone", "school", "inspector")
        .prefetch_related(Prefetch("answers", queryset=VisitAnswer.objects.select_related("item")), "rectifications")
        .get(pk=pk)
    )  # fmt: skip


def checklist() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(active=True).order_by("sort", "id")


def checklist_all() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.order_by("-active", "sort", "id")


def zone_rows(*, user: User, month: dt.date) -> list[dict[str, Any]]:
    """The areas a user reads, each with the schools not yet visited in ``month`` (one query for all areas)."""
    zones = list(zone_list(user=user))
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    visited = set(ZoneVisit.objects.filter(zone__in=zones, date__gte=month, date__lt=end)
                  .values_list("zone_id", "school_id"))  # fmt: skip
    return [{"zone": z, "due": [s for s in z.schools.all() if (z.pk, s.pk) not in visited],
             "mine": z.inspector_id == user.pk} for z in zones]  # fmt: skip


def visits_due(*, zone: Zone, month: dt.date) -> list[School]:
    """The area's schools without a visit in ``month`` (first day): the 督学's visits still due."""
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    visited = set(
        ZoneVisit.objects.filter(zone=zone, date__gte=month, date__lt=end).values_list("school_id", flat=True)
    )
    return [s for s in zone.schools.all() if s.pk not in visited]


# ---------------------------------------------------------------- 整改


def rect_q(user: User, prefix: str = "") -> Q:
    """整改 a user reads: the county every one; a township its schools'; a principal the school's."""
    if not can_view_rectifications(user):
        return NOTHING
    return Q() if is_county(user) else school_q(user, prefix=f"{prefix}school__")


def rectification_list(*, user: User, on: dt.date, filters: Mapping[str, str] | None = None) -> QuerySet[Rectification]:
    qs = Rectification.objects.filter(rect_q(user)).select_related(
        "school", "school__township", "responsible", "verifier"
    )
    filters = filters or {}
    status = filters.get("status", "")
    if status == OVERDUE:
        qs = qs.filter(status__in=RECT_ACTIVE, deadline__lt=on)
    elif status in RectStatus.values:
        qs = qs.filter(status=status)
    elif status == "active":
        qs = qs.filter(status__in=RECT_ACTIVE)
    if filters.get("township"):
        qs = qs.filter(school__township_id=int(filters["township"]) if str(filters["township"]).isdigit() else 0)
    if filters.get("mine") and user.pk:
        qs = qs.filter(Q(verifier_id=user.pk) | Q(responsible_id=user.pk))
    return qs.order_by("deadline", "id")


def rectification_get(*, user: User, pk: int) -> Rectification:
    return (
        Rectification.objects.filter(rect_q(user))
        .select_related("school", "school__township", "responsible", "verifier", "visit", "visit__zone")
        .prefetch_related(Prefetch("events", queryset=RectificationEvent.objects.select_related("actor")))
        .get(pk=pk)
    )


def rect_file_get(*, user: User, pk: int) -> RectificationEvent:
    return RectificationEvent.objects.select_related("rectification").get(
        pk=pk, rectification__in=Rectification.objects.filter(rect_q(user)).values("pk")
    )


def overdue_rectifications(*, on: dt.date) -> list[dict[str, Any]]:
    """整改 past their deadline and not 已销号 on ``on``, county-wide, the longest overdue first.

    Each: ``id``, ``school`` (name), ``school_id``, ``township`` (name), ``township_id``, ``finding``, ``deadline``,
    ``days_overdue``, ``status`` (label), ``url``."""
    rows = (
        Rectification.objects.filter(status__in=RECT_ACTIVE, deadline__lt=on)
        .select_related("school", "school__township")
        .order_by("deadline", "id")
    )
    return [
        {"id": r.pk, "school": r.school.name, "school_id": r.school_id, "township": r.school.township.name,
         "township_id": r.school.township_id, "finding": r.finding, "deadline": r.deadline,
         "days_overdue": (on - r.deadline).days, "status": r.get_status_display(),
         "url": reverse("supervision:rectification", args=[r.pk])}
        for r in rows
    ]  # fmt: skip


def rectification_rollup(*, on: dt.date, since: dt.date | None = None) -> list[dict[str, Any]]:
    """By township: 整改 opened (since ``since``), closed, closed on time, still open, overdue — on ``on``."""
    qs = Rectification.objects.filter(opened_on__lte=on).select_related("school__township")
    if since:
        qs = qs.filter(Q(opened_on__gte=since) | Q(status__in=RECT_ACTIVE))
    out: dict[int, dict[str, Any]] = {}
    for r in qs:
        t = r.school.township
        row = out.setdefault(t.pk, {"township_id": t.pk, "township": t.name, "sort": t.sort, "total": 0, "closed": 0,
                                    "on_time": 0, "open": 0, "overdue": 0})  # fmt: skip
        row["total"] += 1
        closed = r.status == RectStatus.CLOSED and r.closed_on is not None and r.closed_on <= on
        if closed:
            row["closed"] += 1
            row["on_time"] += int(r.closed_on <= r.deadline)  # type: ignore[operator]
        else:
            row["open"] += 1
            row["overdue"] += int(r.deadline < on)
    return sorted(out.values(), key=lambda r: (r["sort"], r["township"]))
