"""Pages of the indicators module: county dashboard, township/village and school pages, drill-down, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.indicators import selectors as sel
from jiaoyun.indicators.definitions import BY_CODE, HEADLINE_CODES, INDICATORS
from jiaoyun.indicators.forms import DrillForm, RankingForm, ReferenceForm, RefreshForm, TargetForm, YearForm
from jiaoyun.indicators.models import IndicatorValue, Reference
from jiaoyun.indicators.services import EDITOR_ROLES, indicators_refresh, reference_set, target_set
from jiaoyun.indicators.tasks import indicators_refresh_soon
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.reports.pdf import render_pdf
from jiaoyun.reports.xlsx import write_xlsx
from jiaoyun.web.htmx import hx_redirect, render_page
from jiaoyun.web.paging import paginate

Level = IndicatorValue.AreaLevel


def _year(request: AuthedRequest) -> SchoolYear:
    return YearForm(request.GET).school_year()


def _can_edit(user: User) -> bool:
    return user.role in EDITOR_ROLES and user.can_write


def _county() -> Area:
    county = sel.county_get()
    if county is None:
        raise Http404("尚未建立县级区域")
    return county


def _year_choices() -> list[int]:
    current = SchoolYear.current().start_year
    return sorted({y.start_year for y in sel.available_years()} | {current}, reverse=True)


def _year_context(year: SchoolYear) -> dict[str, Any]:
    return {
        "year": year.start_year,
        "year_label": year.label,
        "years": _year_choices(),
        "drill_url": reverse("indicators:drill"),
    }


def dashboard(request: AuthedRequest) -> HttpResponse:
    form = RankingForm(request.GET)
    year, code = form.school_year(), form.indicator_code()
    county = _county()
    targets = sel.Targets()
    as_of = sel.latest_as_of(year=year)
    rows = sel.indicator_rows(year=year, area=county, targets=targets, as_of=as_of)
    schools = paginate(request, sel.school_page_list(), per_page=30)
    context = {
        **_year_context(year),
        "as_of": as_of,
        "county": county,
        "rows": rows,
        "headline": [r for r in rows if r.code in HEADLINE_CODES],
        "code": code,
        "ranking_indicator": BY_CODE[code],
        "ranking": sel.ranking(year=year, code=code, level=Level.TOWNSHIP, as_of=as_of, targets=targets),
        "indicators": INDICATORS,
        "chart": sel.trend_chart(area=county, targets=targets),
        "schools": schools,
        "page": schools,
        "school_rows": sel.school_table(schools=schools.object_list, year=year, as_of=as_of),
        "school_headers": sel.school_table_headers(),
        "last_run": sel.last_run(),
        "can_edit": _can_edit(request.user),
    }
    return render_page(request, "indicators/dashboard.html", context)


def area_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    area = sel.area_page_get(pk=pk)
    if area is None:
        raise Http404("找不到该乡镇或村（社区）")
    form = RankingForm(request.GET)
    year, code = form.school_year(), form.indicator_code()
    township = area.level == AreaLevel.TOWNSHIP
    context: dict[str, Any] = {
        **_year_context(year),
        "area": area,
        "as_of": sel.latest_as_of(year=year),
        "rows": sel.indicator_rows(year=year, area=area),
        "code": code,
        "indicators": [i for i in INDICATORS if Level.VILLAGE in i.levels],
        "chart": sel.trend_chart(area=area) if township else None,
    }
    if township:
        schools = paginate(request, sel.school_page_list(township=area), per_page=30)
        context.update(
            villages=sel.ranking(year=year, code=code, level=Level.VILLAGE, parent=area)
            if Level.VILLAGE in BY_CODE[code].levels
            else [],
            ranking_indicator=BY_CODE[code],
            schools=schools,
            page=schools,
            school_rows=sel.school_table(schools=schools.object_list, year=year),
            school_headers=sel.school_table_headers(),
        )
    return render_page(request, "indicators/area.html", context)


def school_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    school = sel.school_page_get(pk=pk)
    if school is None:
        raise Http404("找不到该学校")
    year = _year(request)
    context = {
        **_year_context(year),
        "school": school,
        "as_of": sel.latest_as_of(year=year),
        "rows": sel.indicator_rows(year=year, school=school),
        "visible": sel.school_visible(user=request.user, school=school),
    }
    return render_page(request, "indicators/school.html", context)


def _drill_target(request: AuthedRequest) -> tuple[sel.DrillTarget, sel.DrillSums, str]:
    """The figure a drill-down lists, its composition (and by-school breakdown), and a notice if its 学籍 data changed since it was
    computed (then the period's recompute is queued for the task worker, not run in this request)."""
    form = DrillForm(request.GET)
    if not form.is_valid():
        raise DomainError("；".join(str(e) for errors in form.errors.values() for e in errors), field="统计日")
    d = form.cleaned_data
    ind = BY_CODE.get(d["code"])
    target = sel.drill_target(
        code=d["code"],
        measure=d["measure"] or (ind.numerator_measures()[0] if ind else ""),
        year=form.school_year(),
        as_of=d["as_of"],
        area_id=d["area"],
        school_id=d["school"],
    )
    ind = target.indicator
    sums = sel.drill_sums(
        target, by_school=ind.attribution == "population" and target.measure in ind.numerator_measures()
    )
    changed = sel.drill_changed(target, {m: n for _, m, _, n in sums.composition})
    if changed is None:
        return target, sums, ""
    year = target.period.year.start_year
    indicators_refresh_soon(from_year=year, to_year=year, as_of=target.period.as_of.isoformat(), triggered_by="drill")
    notice = (
        f"该数字计算后学籍数据有变动：统计值{changed[0]:g}，按当前数据为{changed[1]:g}。"
        "下面的名单按当前数据列出，已排队重新计算。"
    )
    return target, sums, notice


def _members(user: User, target: sel.DrillTarget) -> tuple[Any, list[Column]]:
    """The members of a drill-down within the user's scope, and their export columns."""
    kind = target.member_kind
    if kind == "population":
        return sel.drill_population(user=user, target=target), [
            Column("乡镇", lambda c: c.area.parent.name if c.area.parent else ""),
            Column("村（社区）", lambda c: c.area.name),
            Column("年份", lambda c: c.year),
            Column("年龄", lambda c: c.age),
            Column("性别", lambda c: c.get_sex_display()),
            Column("口径", lambda c: c.get_source_display()),
            Column("人数", lambda c: c.count),
        ]
    if kind == "classes":
        return sel.drill_classes(user=user, target=target), [
            Column("学校", lambda c: c.school.name),
            Column("学年", lambda c: c.school_year),
            Column("班级", lambda c: str(c)),
        ]
    if kind == "teachers":
        return sel.drill_teachers(user=user, target=target), [
            Column("姓名", lambda t: t.name),
            Column("学校", lambda t: t.school.name if t.school else ""),
            Column("主教学科", lambda t: t.get_main_subject_display()),
        ]
    on_day = sel.state_date(target)
    return sel.drill_students(user=user, target=target), [
        Column("姓名", lambda s: s.name),
        Column("性别", lambda s: s.get_sex_display()),
        Column("出生日期", lambda s: s.birth_date),
        Column("身份证号", lambda s: s.id_masked),
        Column("户籍村（社区）", lambda s: str(s.hukou_village or "")),
        Column(f"{on_day:%Y-%m-%d}学籍状态", lambda s: sel.state_label(s.on_kind)),
        Column(f"{on_day:%Y-%m-%d}学校", lambda s: s.on_school_name or s.on_external or ""),
        Column(f"{on_day:%Y-%m-%d}年级", lambda s: sel.grade_label(s.on_grade)),
        Column("当前学校", lambda s: str(s.current_school or "")),
        Column("当前年级", lambda s: s.get_current_grade_display() if s.current_grade is not None else ""),
        Column("当前学籍状态", lambda s: s.get_status_display()),
    ]


def drill(request: AuthedRequest) -> HttpResponse:
    """The members (students, population cells, classes, teachers) behind one figure, within the user's scope."""
    try:
        target, sums, stale_notice = _drill_target(request)
    except DomainError as exc:
        return render_page(request, "indicators/drill.html", {"error": str(exc)}, status=400)
    kind = target.member_kind
    qs, columns = _members(request.user, target)
    place = str(target.school or target.area)
    if wants_export(request):
        return export_response(
            request,
            rows=qs,
            columns=columns,
            filename=f"{place}{target.indicator.name}{target.label}",
            object_type="people.Student" if kind in ("students", "teachers") else "indicators.Member",
            personal=kind in ("students", "teachers"),
        )
    page = paginate(request, qs)
    if kind == "students":  # the state on the figure's date, as labels
        page.object_list = list(page.object_list)
        for s in page.object_list:
            s.on_state = sel.state_label(s.on_kind)
            s.on_grade_text = sel.grade_label(s.on_grade)
    ind = target.indicator
    context = {
        "target": target,
        "place": place,
        "kind": kind,
        "page": page,
        "tabs": sel.drill_measures(ind),
        "base_query": _drill_base(request),
        "total_population": sum(c.count for c in page.object_list) if kind == "population" else None,
        "stale_notice": stale_notice,
        "on_day": sel.state_date(target),
        "composition": [(part, label, sel.number(n)) for part, _, label, n in sums.composition],
        "by_school": [(name, sel.number(n)) for name, n in sums.by_school],
        "counted_at": sums.counted_at,
        "over_100_note": sel.OVER_100_NOTES.get(ind.code, ""),
        "stored": target.stored,
    }
    return render_page(request, "indicators/drill.html", context)


def _drill_base(request: AuthedRequest) -> str:
    params = request.GET.copy()
    for key in ("measure", "page", "format"):
        params.pop(key, None)
    return params.urlencode()


@require_POST
def refresh(request: AuthedRequest) -> HttpResponse:
    if not _can_edit(request.user):
        raise PermissionDenied("仅县局管理员和局股室工作人员可重新计算指标")
    form = RefreshForm(request.POST)
    year = _year(request)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        if form.cleaned_data["year"] is not None:
            year = SchoolYear(form.cleaned_data["year"])
        try:
            run = indicators_refresh(from_year=year, to_year=year, triggered_by=f"web:{request.user}")
            messages.success(request, f"已重新计算{year.label}指标（{run.rows}项，用时{run.seconds}秒）")
        except DomainError as exc:
            messages.error(request, str(exc))
    return hx_redirect(request, f"{reverse('indicators:dashboard')}?year={year.start_year}")


def references(request: AuthedRequest) -> HttpResponse:
    """City (保山市) values and targets: lists, and forms for county staff (one form per POST, by its prefix)."""
    can_edit = _can_edit(request.user)
    ref_form = ReferenceForm(prefix="ref")
    target_form = TargetForm(prefix="tgt")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("仅县局管理员和局股室工作人员可维护目标值和参照值")
        try:
            if "ref-code" in request.POST:
                ref_form = ReferenceForm(request.POST, prefix="ref")
                if ref_form.is_valid():
                    d = ref_form.cleaned_data
                    reference_set(
                        actor=request.user,
                        code=d["code"],
                        scope=Reference.Scope.CITY,
                        year=d["year"],
                        value=d["value"],
                        source=d["source"],
                    )
                    messages.success(request, "已保存保山市参照值")
                    return hx_redirect(request, reverse("indicators:references"))
            else:
                target_form = TargetForm(request.POST, prefix="tgt")
                if target_form.is_valid():
                    d = target_form.cleaned_data
                    target_set(
                        actor=request.user,
                        code=d["code"],
                        area=d["area"],
                        school_year=SchoolYear(d["school_year"]),
                        value=d["value"],
                        source=d["source"],
                    )
                    messages.success(request, "已保存目标值")
                    return hx_redirect(request, reverse("indicators:references"))
        except DomainError as exc:
            messages.error(request, str(exc))
    context = {
        "can_edit": can_edit,
        "ref_form": ref_form,
        "target_form": target_form,
        "references": sel.reference_rows(),
        "targets": sel.target_rows(),
    }
    return render_page(request, "indicators/references.html", context)


def export_xlsx(request: AuthedRequest) -> HttpResponse:
    """All stored figures of a school year: county, townships, villages and schools, one sheet each."""
    year = _year(request)
    sheets = sel.figure_sheets(year=year)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="indicators.IndicatorValue",
        object_repr=f"{year.label}指标汇总",
        changes={"year": year.start_year},
        ip=request.META.get("REMOTE_ADDR"),
    )
    response = HttpResponse(
        write_xlsx(sheets), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="indicators-{year.start_year}.xlsx"'
    return response


def summary_pdf(request: AuthedRequest) -> HttpResponse:
    """A printable one-page summary: headline targets, all county figures, township ranking."""
    year = _year(request)
    county = _county()
    rows = sel.indicator_rows(year=year, area=county)
    context = {
        "county": county,
        "year_label": year.label,
        "as_of": sel.latest_as_of(year=year),
        "headline": [r for r in rows if r.code in HEADLINE_CODES],
        "rows": rows,
        "halves": [rows[: (len(rows) + 1) // 2], rows[(len(rows) + 1) // 2 :]],
        "rankings": [(BY_CODE[c], sel.ranking(year=year, code=c)) for c in HEADLINE_CODES],
        "printed": timezone.localtime(),
    }
    pdf = render_pdf("indicators/pdf/summary.html", context, extra_css="@page { size: A4; margin: 10mm 10mm; }")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="indicators-summary-{year.start_year}.pdf"'
    return response
