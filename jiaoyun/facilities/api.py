"""JSON API of 项目建设 (session auth; scope-filtered like the pages): the projects, one project, the roll-up."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.pagination import BoundedPageNumberPagination
from jiaoyun.core.types import AuthedRequest
from jiaoyun.facilities import selectors
from jiaoyun.facilities.models import Project
from jiaoyun.facilities.permissions import can_read

router = Router(tags=["facilities"])


class ProjectFilter(Schema):
    kind: str | None = None
    level: str | None = None
    township: int | None = None
    status: str | None = None
    late: bool | None = None
    target: str | None = None
    q: str | None = None


class ProjectOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    ownership: str
    township: str
    place: str
    status: str
    done: int
    late: bool
    late_milestone: str | None
    late_note: str | None
    seats: int
    budget: Decimal
    paid: Decimal

    @staticmethod
    def resolve_township(obj: Project) -> str:
        return obj.township.name

    @staticmethod
    def resolve_paid(obj: Project) -> Decimal:
        return Decimal(getattr(obj, "paid", 0) or 0).quantize(Decimal("0.01"))

    @staticmethod
    def resolve_late(obj: Project) -> bool:
        return bool(getattr(obj, "is_late", False))

    @staticmethod
    def resolve_late_milestone(obj: Project) -> str | None:
        late = getattr(obj, "late_milestones", None)
        return str(late[0].get_kind_display()) if late else None

    @staticmethod
    def resolve_late_note(obj: Project) -> str | None:
        late = getattr(obj, "late_milestones", None)
        return late[0].note if late else None


class MilestoneOut(Schema):
    kind: int
    label: str
    planned: dt.date | None
    actual: dt.date | None
    note: str
    late: bool


class MoneyOut(Schema):
    source: str
    label: str
    budget: Decimal
    paid: Decimal


class ContractOut(Schema):
    id: int
    title: str
    contractor: str
    amount: Decimal
    paid: Decimal


class ProjectDetailOut(ProjectOut):
    schedule: list[MilestoneOut]
    money: list[MoneyOut]
    contract_list: list[ContractOut]


class TownshipOut(Schema):
    township_id: int
    township: str
    total: int
    in_use: int
    late: int
    progress: int
    budget: Decimal
    paid: Decimal
    county_budget: Decimal
    county_paid: Decimal


def _read(request: AuthedRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied("项目建设仅县教育局、乡镇和学校负责人可查看")


@router.get("/projects", response=list[ProjectOut], summary="建设项目列表（按数据范围）")
@paginate(BoundedPageNumberPagination, page_size=50)
def facilities_projects(request: AuthedRequest, filters: Query[ProjectFilter]) -> Any:
    _read(request)
    f: dict[str, Any] = filters.dict(exclude_none=True)
    if f.get("late"):
        f["late"] = "1"
    return selectors.project_list(user=request.user, filters=f)


@router.get("/projects/{project_id}", response=ProjectDetailOut, summary="一个建设项目：节点、资金、合同")
def facilities_project(request: AuthedRequest, project_id: int) -> Any:
    _read(request)
    rows = selectors.project_list(user=request.user, filters={}).filter(pk=project_id)
    project = rows.first()
    if project is None:
        raise HttpError(404, "项目不存在或不在您的数据范围内")
    detail = selectors.project_detail(project=project)
    project.schedule = [  # type: ignore[attr-defined]
        {"kind": m.kind, "label": m.get_kind_display(), "planned": m.planned, "actual": m.actual, "note": m.note,
         "late": m.late} for m in detail["milestones"]
    ]  # fmt: skip
    project.money = [{k: r[k] for k in ("source", "label", "budget", "paid")} for r in detail["money"].rows()]  # type: ignore[attr-defined]
    project.contract_list = [  # type: ignore[attr-defined]
        {"id": c.pk, "title": c.title, "contractor": c.contractor, "amount": c.amount, "paid": c.paid}
        for c in detail["contracts"]
    ]
    return project


@router.get("/rollup", response=list[TownshipOut], summary="各乡镇项目进度与资金（按数据范围）")
def facilities_rollup(request: AuthedRequest) -> Any:
    _read(request)
    return [
        {**{k: t[k] for k in ("township_id", "township", "total", "in_use", "late", "progress")},
         "budget": t["money"].total_budget, "paid": t["money"].total_paid, "county_budget": t["money"].county_budget,
         "county_paid": t["money"].county_paid}
        for t in selectors.township_rollup(user=request.user)
    ]  # fmt: skip
