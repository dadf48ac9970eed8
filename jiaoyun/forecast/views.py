"""The forecast's pages: the county dashboard, a township's detail, Excel and PDF, the recompute button."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.types import AuthedRequest
from jiaoyun.forecast import permissions, selectors, services
from jiaoyun.forecast.model import LEVEL_LABELS, LEVELS
from jiaoyun.forecast.selectors import Line
from jiaoyun.reports.export import Column, export_response
from jiaoyun.reports.pdf import render_pdf
from jiaoyun.web.charts import COUNT, bar, category_chart, line
from jiaoyun.web.htmx import render_page

SHORT_COLOR = "#c0392b"


def _require(request: AuthedRequest) -> None:
    if not permissions.can_view(request.user):
        raise PermissionDenied("无权查看学位预测")


def _level(request: AuthedRequest) -> str:
    lv = request.GET.get("level", "primary")
    return lv if lv in LEVELS else "primary"


def trend_chart(ln: Line) -> dict[str, Any]:
    """Children (actual, then projected) against the seats, by year; projected years with too few seats in red
    (a series of their own, stacked on the same bar)."""
    rows = list(zip(ln.years, ln.children, ln.capacity, strict=True))
    return category_chart(
        [str(y) for y in ln.years],
        [
            bar("在校生（实际）", [c if y <= ln.base else None for y, c, _ in rows], color="#2e86c1", stack="n"),
            bar("预测（学位够）", [c if y > ln.base and c <= cap else None for y, c, cap in rows], color="#85c1e9",
                stack="n"),
            bar("预测（学位不足）", [c if y > ln.base and c > cap else None for y, c, cap in rows], color=SHORT_COLOR,
                stack="n"),
            line("学位（含在建项目）", ln.capacity, color="#1e8449", step="middle"),
        ],
        ordinal=True,
        unit=COUNT,
        rotate=None,
        grid=None,
    )  # fmt: skip


def focus_chart(rows: list[Line], level: str) -> dict[str, Any]:
    """Children in the focus year against seats, township by township, for one level; shortfalls in red."""
    mine = [r for r in rows if r.level == level]
    return category_chart(
        [r.name for r in mine],
        [
            bar("预测在校生（学位够）", [r.focus_children if r.gap <= 0 else None for r in mine], stack="n"),
            bar("预测在校生（学位不足）", [r.focus_children if r.gap > 0 else None for r in mine], color=SHORT_COLOR,
                stack="n"),
            bar("学位（含在建项目）", [r.focus_capacity for r in mine], color="#1e8449"),
        ],
        sort_by=None,
        unit=COUNT,
    )  # fmt: skip


def dashboard(request: AuthedRequest) -> HttpResponse:
    _require(request)
    run = selectors.latest_run()
    context: dict[str, Any] = {"run": run, "can_recompute": permissions.can_recompute(request.user)}
    if run is not None:
        data = selectors.overview(user=request.user, run=run)
        level = _level(request)
        context.update(data)
        context["level"] = level
        context["levels"] = [(lv, LEVEL_LABELS[lv]) for lv in LEVELS]
        context["chart_focus"] = focus_chart(data["rows"], level)
        trend = next((ln for ln in data["county"] if ln.level == level), None)
        if trend is None and data["rows"]:
            trend = next((ln for ln in data["rows"] if ln.level == level), None)
        context["trend"] = trend
        context["chart_trend"] = trend_chart(trend) if trend else None
    return render_page(request, "forecast/dashboard.html", context)


def township(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    allowed = permissions.township_ids(request.user)
    if allowed is not None and pk not in allowed:
        raise Http404("乡镇不存在或不在您的范围内")
    run = selectors.latest_run()
    if run is None:
        return redirect("forecast:dashboard")
    data = selectors.township_detail(user=request.user, run=run, township_id=pk)
    data["charts"] = [(ln, f"chart-{ln.level}", trend_chart(ln)) for ln in data["lines"]]
    return render_page(request, "forecast/township.html", data)


EXPORT_COLUMNS = [
    Column("乡镇", lambda r: r["township"]),
    Column("学段", lambda r: r["level_label"]),
    Column("学年", lambda r: f"{r['year']}-{r['year'] + 1}"),
    Column("实际/预测", lambda r: r["kind"]),
    Column("在校生", lambda r: r["children"]),
    Column("学位（含在建项目）", lambda r: r["capacity"]),
    Column("缺口", lambda r: r["gap"]),
    Column("状态", lambda r: r["status"]),
]


def export(request: AuthedRequest) -> HttpResponse:
    _require(request)
    run = selectors.latest_run()
    rows = selectors.export_rows(user=request.user, run=run) if run else []
    return export_response(
        request, rows=rows, columns=EXPORT_COLUMNS, filename="学位预测", object_type="forecast.ForecastRun",
        personal=False,
    )  # fmt: skip


def pdf(request: AuthedRequest) -> HttpResponse:
    _require(request)
    run = selectors.latest_run()
    if run is None:
        return redirect("forecast:dashboard")
    data = selectors.overview(user=request.user, run=run)
    data["printed"] = timezone.localtime()
    data["county_name"] = Area.objects.filter(level=AreaLevel.COUNTY).values_list("name", flat=True).first() or ""
    data["level_labels"] = [LEVEL_LABELS[lv] for lv in LEVELS]
    body = render_pdf("forecast/pdf.html", data, extra_css="@page { size: A4 landscape; margin: 12mm; }")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="forecast-{run.base_year}.pdf"'
    return response


@require_POST
def recompute(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_recompute(request.user):
        raise PermissionDenied("无权重新计算学位预测")
    run = services.forecast_compute(actor=request.user, triggered_by="manual")
    messages.success(request, f"已重新计算学位预测（基准{run.base_year}学年，用时{run.seconds:.1f}秒）")
    return redirect("forecast:dashboard")
