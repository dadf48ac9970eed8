"""The finance pages: the dashboard of the legal checks over years (and its Excel export), the year entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse

from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import AuthedRequest
from jiaoyun.finance import conf, permissions, selectors, services
from jiaoyun.finance.checks import CENT, Check, YearRow, growth, wan
from jiaoyun.finance.forms import FinanceYearForm
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.web.charts import bar, category_chart, line
from jiaoyun.web.htmx import hx_redirect, render_page


def require_read(request: AuthedRequest) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied("无权查看教育经费数据：仅计划财务股、县局管理员和县领导可查看")


def _f(x: Any) -> float | None:
    """A Decimal for a chart only (the page and the checks keep Decimal)."""
    return None if x is None else float(x)


def _rate(x: Any) -> float | None:
    return None if x is None else float(x.quantize(CENT))


GRID = {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True}


def _charts(rows: list[YearRow]) -> dict[str, Any]:
    years = [str(r.year) for r in rows]
    prev = {r.year: r for r in rows}
    g_e = [_rate(growth(r.education_expenditure, prev[r.year - 1].education_expenditure)) if r.year - 1 in prev
           else None for r in rows]  # fmt: skip
    g_r = [_rate(growth(r.recurrent_revenue, prev[r.year - 1].recurrent_revenue)) if r.year - 1 in prev else None
           for r in rows]  # fmt: skip
    levels = sorted({lv.level for r in rows for lv in r.levels if lv.per_student_public is not None})
    public_series = []
    for level in levels:
        label = next(lv.label for r in rows for lv in r.levels if lv.level == level)
        public_series.append(
            bar(label, [_f(r.level(level).per_student_public) if r.level(level) else None for r in rows])  # type: ignore[union-attr]
        )
        if conf.benchmark(level, rows[-1].year) is not None:
            public_series.append(line(f"{label}基准定额", [_f(conf.benchmark(level, r.year)) for r in rows],
                                      lineStyle={"type": "dashed"}))  # fmt: skip
    return {
        "chart_growth": category_chart(
            years, [line("一般公共预算教育支出增长率", g_e), line("财政经常性收入增长率", g_r)],
            ordinal=True, rotate=None, grid=GRID, y_name="%",
        ),
        "chart_spending": category_chart(
            years, [bar("一般公共预算教育支出（万元）", [_f(r.education_expenditure / 10000) for r in rows])],
            ordinal=True, rotate=None, grid=GRID,
        ),
        "chart_per_student": category_chart(
            years, [line("生均一般公共预算教育支出（元）", [_f(r.per_student) for r in rows])],
            ordinal=True, rotate=None, grid=GRID,
        ),
        "chart_pay": category_chart(
            years,
            [line("教师年平均工资（元）", [_f(r.teacher_pay) for r in rows]),
             line("当地公务员年平均工资（元）", [_f(r.civil_servant_pay) for r in rows])],
            ordinal=True, rotate=None, grid=GRID,
        ),
        "chart_public": category_chart(years, public_series, ordinal=True, rotate=None, grid=GRID, y_name="元/生/年"),
    }  # fmt: skip


def _export(request: AuthedRequest, overview: selectors.Overview) -> HttpResponse:
    checks: list[tuple[YearRow, Check]] = [(r, c) for r in overview.rows for c in overview.checks[r.year]]
    columns = [
        Column("年度", lambda rc: rc[0].year),
        Column("一般公共预算教育支出（元）", lambda rc: rc[0].education_expenditure),
        Column("财政经常性收入（元）", lambda rc: rc[0].recurrent_revenue),
        Column("在校生数（填报）", lambda rc: rc[0].students_entered),
        Column("在校生数（学籍）", lambda rc: rc[0].students_registry),
        Column("生均一般公共预算教育支出（元）", lambda rc: rc[0].per_student),
        Column("教师年平均工资（元）", lambda rc: rc[0].teacher_pay),
        Column("公务员年平均工资（元）", lambda rc: rc[0].civil_servant_pay),
        Column("检查类别", lambda rc: rc[1].group),
        Column("检查项", lambda rc: rc[1].title),
        Column("依据", lambda rc: rc[1].basis),
        Column("结果", lambda rc: rc[1].status),
        Column("说明", lambda rc: rc[1].text),
    ]
    return export_response(request, rows=checks, columns=columns, filename="教育经费三个增长与两个只增不减",
                           object_type="finance.FinanceYear", personal=False)  # fmt: skip


def dashboard(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    overview = selectors.finance_overview(user=request.user)
    if wants_export(request):
        return _export(request, overview)
    rows = overview.rows
    years = [(r, overview.checks[r.year], overview.failing(r.year)) for r in reversed(rows)]
    failing_years = [(r.year, len(overview.failing(r.year))) for r in rows if overview.failing(r.year)]
    latest_checks = overview.latest_checks
    context: dict[str, Any] = {
        "overview": overview,
        "failing_years": failing_years,
        "latest_spending": wan(rows[-1].education_expenditure) if rows else "",
        "latest_passed": sum(1 for c in latest_checks if c.passed),
        "latest_computed": sum(1 for c in latest_checks if c.passed is not None),
        "years": years,
        "latest": overview.latest,
        "latest_checks": overview.latest_checks,
        "can_write": permissions.can_write(request.user),
    }
    if rows:
        context.update(_charts(rows))
    return render_page(request, "finance/dashboard.html", context)


def entry(request: AuthedRequest) -> HttpResponse:
    """Enter or correct one budget year (``?year=`` opens a stored year)."""
    if not permissions.can_write(request.user):
        raise PermissionDenied("仅县教育局计划财务股可填报教育经费数据")
    if request.method == "POST":
        form = FinanceYearForm(request.POST)
        if form.is_valid():
            try:
                fy = services.finance_year_save(
                    actor=request.user, year=form.cleaned_data["year"], figures=form.figures(), levels=form.levels()
                )
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已保存{fy.year}年度教育经费数据")
                return hx_redirect(request, reverse("finance:dashboard") + f"#year-{fy.year}")
        else:
            messages.error(request, "请检查标红的项目")
    else:
        year = request.GET.get("year", "")
        stored = selectors.finance_year_get(user=request.user, year=int(year)) if year.isdigit() else None
        form = FinanceYearForm(initial=FinanceYearForm.initial_of(stored) if stored else {})
    return render_page(request, "finance/entry.html", {"form": form})
