"""``GET /api/forecast``: the latest forecast by township, level and year (the user's townships only)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Router, Schema

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.forecast import permissions, selectors

router = Router(tags=["forecast"])


class ForecastRowOut(Schema):
    township: str
    township_id: int | None
    level: str
    level_label: str
    year: int
    kind: str
    children: int
    capacity: int
    gap: int | None
    status: str


class ShortfallOut(Schema):
    township: str
    township_id: int | None
    level: str
    children: int
    capacity: int
    gap: int
    first_short_year: int | None


class ForecastOut(Schema):
    base_year: int
    focus_year: int
    computed_at: str
    window: list[int]
    shortfalls: list[ShortfallOut]
    rows: list[ForecastRowOut]


def _run(request: AuthedRequest) -> Any:
    if not permissions.can_view(request.user):
        raise PermissionDenied("无权查看学位预测")
    run = selectors.latest_run()
    if run is None:
        raise Http404("尚未计算学位预测")
    return run


@router.get("", response=ForecastOut, summary="学位预测（按乡镇、学段、学年）")
def forecast_get(request: AuthedRequest) -> dict[str, Any]:
    """The latest run: children and seats (with projects in progress) by township, level and year, and the
    shortfalls in the focus year. Township officers get their township only."""
    run = _run(request)
    data = selectors.overview(user=request.user, run=run)
    return {
        "base_year": run.base_year,
        "focus_year": data["focus"],
        "computed_at": run.created_at.isoformat(),
        "window": run.window,
        "shortfalls": [
            {
                "township": r.name,
                "township_id": r.township_id,
                "level": r.level,
                "children": r.focus_children,
                "capacity": r.focus_capacity,
                "gap": r.gap,
                "first_short_year": r.first_short,
            }
            for r in data["shortfalls"]
        ],  # fmt: skip
        "rows": selectors.export_rows(user=request.user, run=run),
    }
