"""Reads of projects, always through the scope (``project_q``), and the roll-ups by project, township and county.

The contract functions other modules call: ``seats_in_progress``, ``project_points`` and ``township_progress``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, DecimalField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.choices import ScopeLevel
from jiaoyun.core.scope import NOTHING, school_q, scope_for
from jiaoyun.core.types import User
from jiaoyun.facilities import conf
from jiaoyun.facilities.choices import FundingSource, MilestoneKind, PlanTarget, ProjectStatus
from jiaoyun.facilities.models import Contract, Milestone, Payment, Project, ProjectFile, ProjectFunding
from jiaoyun.facilities.permissions import can_read

Viewer = User | AnonymousUser | None
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def project_q(user: Viewer, prefix: str = "") -> Q:
    """The projects ``user`` may read: the county all; a township its own; a principal its school's."""
    if not can_read(user):
        return NOTHING
    s = scope_for(user)
    if s.level == ScopeLevel.COUNTY:
        return Q()
    if s.level == ScopeLevel.TOWNSHIP:
        return Q(**{f"{prefix}township_id": s.township_id})
    if s.level == ScopeLevel.SCHOOL:
        return Q(**{f"{prefix}school__isnull": False}) & school_q(user, prefix=f"{prefix}school__")
    return NOTHING


def late_q(today: dt.date) -> Exists:
    return Exists(Milestone.objects.filter(project=OuterRef("pk"), planned__lt=today, actual__isnull=True))


def _annotated(qs: QuerySet[Project], today: dt.date) -> QuerySet[Project]:
    done = (
        Milestone.objects.filter(project=OuterRef("pk"), actual__isnull=False)
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    paid = (
        Payment.objects.filter(contract__project=OuterRef("pk"))
        .values("contract__project")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return qs.annotate(
        is_late=late_q(today),
        done=Coalesce(Subquery(done), 0),
        paid=Coalesce(Subquery(paid), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)),
    )


def projects_in_scope(user: Viewer, *, today: dt.date | None = None) -> QuerySet[Project]:
    today = today or timezone.localdate()
    return _annotated(Project.objects.filter(project_q(user)), today)


FILTERS = ("kind", "level", "township", "status", "late", "target", "q", "year")


def project_list(*, user: Viewer, filters: QueryDict | dict[str, Any] | None = None,
                 today: dt.date | None = None) -> QuerySet[Project]:  # fmt: skip
    """The projects in scope, filtered (kind, level, township, status, late=1, target, q, year); each with
    ``is_late``, ``done`` (milestones done), its first late milestone (``late_milestones``) and money."""
    today = today or timezone.localdate()
    f = filters or {}
    qs = projects_in_scope(user, today=today)
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("level"):
        qs = qs.filter(level=f["level"])
    if str(f.get("township") or "").isdigit():
        qs = qs.filter(township_id=int(str(f["township"])))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("target") == "plan":
        qs = qs.exclude(target="")
    elif f.get("target"):
        qs = qs.filter(target=f["target"])
    if str(f.get("year") or "").isdigit():
        qs = qs.filter(plan_year=int(str(f["year"])))
    if f.get("late") in ("1", "true", "yes", True):
        qs = qs.filter(is_late=True)  # type: ignore[misc]  # an annotation
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(site_name__icontains=f["q"]) | Q(school__name__icontains=f["q"]))
    late = Milestone.objects.filter(planned__lt=today, actual__isnull=True).order_by("kind")
    return (
        qs.select_related("township", "village", "school", "owner")
        .prefetch_related(Prefetch("milestones", queryset=late, to_attr="late_milestones"), "funding")
        .order_by("township__sort", "township__code", "name", "id")
    )


def project_get(*, user: Viewer, pk: int) -> Project:
    """One project in scope (``Project.DoesNotExist`` otherwise)."""
    return projects_in_scope(user).select_related("township", "village", "school", "owner").get(pk=pk)


def project_file_get(*, user: Viewer, pk: int) -> ProjectFile:
    return ProjectFile.objects.select_related("project").get(pk=pk, project__in=Project.objects.filter(project_q(user)))


def contract_get(*, user: Viewer, pk: int) -> Contract:
    return Contract.objects.select_related("project").get(pk=pk, project__in=Project.objects.filter(project_q(user)))


def milestone_get(*, user: Viewer, project: Project, kind: int) -> Milestone:
    return Milestone.objects.get(project=project, kind=kind)


# -- one project ------------------------------------------------------------------------------------------------


@dataclass
class Money:
    """Budget and paid by funding source (元)."""

    budget: dict[str, Decimal] = field(default_factory=dict)
    paid: dict[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:  # SQLite sums decimals with more places: back to fen
        self.budget = {k: Decimal(v or 0).quantize(CENT) for k, v in self.budget.items()}
        self.paid = {k: Decimal(v or 0).quantize(CENT) for k, v in self.paid.items()}

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for source, label in FundingSource.choices:
            b, p = self.budget.get(source, ZERO), self.paid.get(source, ZERO)
            if b or p:
                out.append({"source": source, "label": label, "budget": b, "paid": p,
                            "rate": round(float(p / b * 100), 1) if b else None})  # fmt: skip
        return out

    @property
    def total_budget(self) -> Decimal:
        return sum(self.budget.values(), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum(self.paid.values(), ZERO)

    @property
    def county_budget(self) -> Decimal:
        return self.budget.get(FundingSource.COUNTY, ZERO)

    @property
    def county_paid(self) -> Decimal:
        return self.paid.get(FundingSource.COUNTY, ZERO)

    @property
    def rate(self) -> float | None:
        return round(float(self.total_paid / self.total_budget * 100), 1) if self.total_budget else None


def money_of(projects: QuerySet[Project] | list[int]) -> Money:
    ids = projects if isinstance(projects, list) else projects.values("pk")
    budget = ProjectFunding.objects.filter(project__in=ids).values("source").annotate(s=Sum("amount"))
    paid = Payment.objects.filter(contract__project__in=ids).values("source").annotate(s=Sum("amount"))
    return Money({r["source"]: r["s"] for r in budget}, {r["source"]: r["s"] for r in paid})


def project_detail(*, project: Project, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the project page shows: the milestones (each with ``late``/``days_late``), money by source,
    contracts with their payments and the rest to pay, files."""
    today = today or timezone.localdate()
    milestones = list(project.milestones.all())
    for m in milestones:
        m.late = m.actual is None and m.planned is not None and m.planned < today  # type: ignore[attr-defined]
        m.days_late = (today - m.planned).days if m.planned is not None and m.late else 0  # type: ignore[attr-defined]
    contracts = list(
        project.contracts.annotate(paid=Sum("payments__amount")).prefetch_related("payments").order_by("id")
    )
    for c in contracts:
        c.paid = Decimal(c.paid or 0).quantize(CENT)  # type: ignore[attr-defined]
        c.left = c.amount - c.paid  # type: ignore[attr-defined]
    done = sum(1 for m in milestones if m.actual is not None)
    return {
        "milestones": milestones,
        "done": done,
        "progress": round(done * 100 / len(MilestoneKind.values)),
        "late": [m for m in milestones if m.late],  # type: ignore[attr-defined]
        "money": money_of([project.pk]),
        "contracts": contracts,
        "files": list(project.files.select_related("uploaded_by")),
    }


# -- roll-ups ---------------------------------------------------------------------------------------------------


def summary(*, user: Viewer, filters: QueryDict | dict[str, Any] | None = None,
            today: dt.date | None = None) -> dict[str, Any]:  # fmt: skip
    """The strip above the list, for the rows the filters select: projects, started, finished, in use, late,
    budget and paid (and the 县级配套 budget and paid)."""
    today = today or timezone.localdate()
    qs = project_list(user=user, filters=filters, today=today)
    ids = list(qs.values_list("pk", flat=True))
    base = Project.objects.filter(pk__in=ids)
    counts = base.aggregate(
        total=Count("pk"),
        started=Count(
            "pk", filter=Q(status__in=[ProjectStatus.BUILDING, ProjectStatus.COMPLETED, ProjectStatus.IN_USE])
        ),
        finished=Count("pk", filter=Q(status__in=[ProjectStatus.COMPLETED, ProjectStatus.IN_USE])),
        in_use=Count("pk", filter=Q(status=ProjectStatus.IN_USE)),
        late=Count("pk", filter=Q(late_q(today))),
        seats=Sum("seats"),
    )
    counts["seats"] = counts["seats"] or 0
    return {**counts, "money": money_of(ids)}


def plan_targets(*, user: Viewer, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The 2021 plan's counted groups (四(一)) against the target: projects, started, finished, in use, late."""
    today = today or timezone.localdate()
    targets = conf.get("FACILITIES_PLAN_TARGETS")
    qs = Project.objects.filter(project_q(user)).exclude(target="")
    rows = {
        r["target"]: r
        for r in qs.values("target").annotate(
            total=Count("pk"),
            private=Count("pk", filter=~Q(ownership="public")),
            started=Count(
                "pk", filter=Q(status__in=[ProjectStatus.BUILDING, ProjectStatus.COMPLETED, ProjectStatus.IN_USE])
            ),
            finished=Count("pk", filter=Q(status__in=[ProjectStatus.COMPLETED, ProjectStatus.IN_USE])),
            in_use=Count("pk", filter=Q(status=ProjectStatus.IN_USE)),
            late=Count("pk", filter=Q(late_q(today))),
        )
    }
    out = []
    for key, label in PlanTarget.choices:
        if not key:
            continue
        r = rows.get(key, {})
        out.append({
            "key": key, "label": label, "target": int(targets.get(key, 0)), "total": r.get("total", 0),
            "private": r.get("private", 0), "private_target": int(targets.get(f"{key}_private", 0)),
            "started": r.get("started", 0), "finished": r.get("finished", 0), "in_use": r.get("in_use", 0),
            "late": r.get("late", 0),
        })  # fmt: skip
    return out


def township_rollup(*, user: Viewer, today: dt.date | None = None) -> list[dict[str, Any]]:
    """By township (in scope): projects, in use, late, progress (milestones done of all), budget, paid, 县级配套."""
    today = today or timezone.localdate()
    qs = Project.objects.filter(project_q(user))
    rows = {
        r["township_id"]: r
        for r in qs.values("township_id", "township__name", "township__sort", "township__code").annotate(
            total=Count("pk"),
            in_use=Count("pk", filter=Q(status=ProjectStatus.IN_USE)),
            late=Count("pk", filter=Q(late_q(today))),
        )
    }
    done = dict(
        Milestone.objects.filter(project__in=qs, actual__isnull=False)
        .values("project__township_id")
        .annotate(n=Count("pk"))
        .values_list("project__township_id", "n")
    )
    budget: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for r in (
        ProjectFunding.objects.filter(project__in=qs).values("project__township_id", "source").annotate(s=Sum("amount"))
    ):
        budget[r["project__township_id"]][r["source"]] = r["s"]
    paid: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for r in (
        Payment.objects.filter(contract__project__in=qs)
        .values("contract__project__township_id", "source")
        .annotate(s=Sum("amount"))
    ):
        paid[r["contract__project__township_id"]][r["source"]] = r["s"]
    out = []
    for tid, r in sorted(rows.items(), key=lambda kv: (kv[1]["township__sort"], kv[1]["township__code"])):
        m = Money(budget.get(tid, {}), paid.get(tid, {}))
        out.append({
            "township_id": tid, "township": r["township__name"], "total": r["total"], "in_use": r["in_use"],
            "late": r["late"], "progress": round(done.get(tid, 0) * 100 / (r["total"] * len(MilestoneKind.values))),
            "money": m,
        })  # fmt: skip
    return out


def late_projects(*, user: Viewer, today: dt.date | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Each late project with its first late milestone, days late and note (the longest late first)."""
    today = today or timezone.localdate()
    late = (
        Milestone.objects.filter(project__in=Project.objects.filter(project_q(user)), planned__lt=today,
                                 actual__isnull=True)
        .select_related("project__township", "project__school")
        .order_by("project_id", "kind")
    )  # fmt: skip
    first: dict[int, Milestone] = {}
    for m in late:
        first.setdefault(m.project_id, m)
    rows: list[dict[str, Any]] = [
        {"project": m.project, "milestone": m, "days": (today - m.planned).days, "note": m.note}
        for m in first.values()
        if m.planned is not None
    ]
    rows.sort(key=lambda r: (-r["days"], r["project"].name))
    return rows[:limit] if limit else rows


# -- contract functions (other modules call these) --------------------------------------------------------------


def seats_in_progress(*, level: str, by: dt.date | None = None) -> dict[int, int]:
    """Township id → seats that projects of ``level`` will add and that are not yet 投入使用 (with ``by``: only
    those planned to be in use on or before ``by``)."""
    qs = Project.objects.filter(level=level).exclude(status=ProjectStatus.IN_USE).filter(seats__gt=0)
    if by is not None:
        qs = qs.filter(milestones__kind=MilestoneKind.IN_USE, milestones__planned__lte=by)
    return {r["township_id"]: r["n"] for r in qs.values("township_id").annotate(n=Sum("seats")) if r["n"]}


def project_points(user: Viewer) -> list[dict[str, Any]]:
    """The projects in ``user``'s scope that have coordinates (their own, or their school's)."""
    today = timezone.localdate()
    out = []
    for p in projects_in_scope(user, today=today).select_related("school").order_by("pk"):
        lat = p.latitude if p.latitude is not None else (p.school.latitude if p.school else None)
        lng = p.longitude if p.longitude is not None else (p.school.longitude if p.school else None)
        if lat is None or lng is None:
            continue
        out.append({
            "name": p.name, "lat": float(lat), "lng": float(lng), "kind": p.get_kind_display(),
            "status": p.get_status_display(), "late": bool(p.is_late),  # type: ignore[attr-defined]
            "url": reverse("facilities:project", args=[p.pk]),
        })  # fmt: skip
    return out


def township_progress(*, on: dt.date) -> dict[int, dict[str, int]]:
    """Township id → {"total", "in_use", "late"} of all projects, as of ``on`` (county-wide, no person)."""
    out: dict[int, dict[str, int]] = {}
    qs = Project.objects.values("township_id").annotate(
        total=Count("pk", distinct=True),
        in_use=Count("pk", filter=Q(milestones__kind=MilestoneKind.IN_USE, milestones__actual__lte=on), distinct=True),
    )
    for r in qs:
        out[r["township_id"]] = {"total": r["total"], "in_use": r["in_use"], "late": 0}
    late = (
        Project.objects.filter(Exists(Milestone.objects.filter(project=OuterRef("pk"), planned__lt=on).filter(
            Q(actual__isnull=True) | Q(actual__gt=on))))
        .values("township_id").annotate(n=Count("pk"))
    )  # fmt: skip
    for r in late:
        out.setdefault(r["township_id"], {"total": 0, "in_use": 0, "late": 0})["late"] = r["n"]
    return out
