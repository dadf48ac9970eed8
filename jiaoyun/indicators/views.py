"""Pages of the indicators module: county dashboard, township/village and school pages, drill-down, exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.areas.models import Area
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import school_q
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.indicators import selectors as sel
from jiaoyun.indicators.definitions import BY_CODE, HEADLINE_CODES, INDICATORS
from jiaoyun.indicators.forms import ReferenceForm, TargetForm
from jiaoyun.indicators.models import IndicatorValue, Reference, Target
from jiaoyun.indicators.services import (
    EDITOR_ROLES,
    indicators_refresh,
    reference_set,
    target_set,
)
from jiaoyun.indicators.tasks import indicators_refresh_soon
from jiaoyun.reports.pdf import render_pdf
from jiaoyun.reports.xlsx import write_xlsx
from jiaoyun.schools.models import School
from jiaoyun.web.paging import paginate


def _drill_url() -> str:
    from django.urls import reverse

    return reverse("indicators:drill")


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or SchoolYear.current().start_year)
    except ValueError:
        return SchoolYear.current().start_year


def _can_edit(user: Any) -> bool:
    return getattr(user, "role", None) in EDITOR_ROLES and getattr(user, "can_write", False)


def _county() -> Area:
    county = Area.objects.filter(level="county").first()
    if county is None:
        raise Http404("尚未建立县级区域")
    return county


def _year_choices() -> list[int]:
    current = SchoolYear.current().start_year
    return sorted(set(sel.available_years()) | {current}, reverse=True)


def dashboard(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    county = _county()
    code = request.GET.get("code") or HEADLINE_CODES[0]
    if code not in BY_CODE:
        code = HEADLINE_CODES[0]
    targets = sel.Targets()
    as_of = sel.latest_as_of(year=year)
    rows = sel.indicator_rows(year=year, area=county, targets=targets, as_of=as_of)
    headline = [r for r in rows if r.code in HEADLINE_CODES]
    schools = paginate(request, School.objects.filter(is_active=True).select_related("township"), per_page=30)
    context = {
        "year": year,
        "year_label": SchoolYear(year).label,
        "years": _year_choices(),
        "as_of": as_of,
        "county": county,
        "rows": rows,
        "headline": headline,
        "code": code,
        "ranking_indicator": BY_CODE[code],
        "ranking": sel.ranking(year=year, code=code, level="township", as_of=as_of, targets=targets),
        "indicators": INDICATORS,
        "chart": sel.trend_chart(area=county, targets=targets),
        "schools": schools,
        "page": schools,
        "school_rows": sel.school_table(schools=schools.object_list, year=year, as_of=as_of),
        "school_headers": sel.school_table_headers(),
        "last_run": sel.last_run(),
        "drill_url": _drill_url(),
        "can_edit": _can_edit(request.user),
    }
    return render(request, "indicators/dashboard.html", context)


def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(Area, pk=pk, level__in=("township", "village"))
    year = _year(request)
    code = request.GET.get("code") or HEADLINE_CODES[0]
    if code not in BY_CODE:
        code = HEADLINE_CODES[0]
    context: dict[str, Any] = {
        "area": area,
        "year": year,
        "year_label": SchoolYear(year).label,
        "years": _year_choices(),
        "as_of": sel.latest_as_of(year=year),
        "rows": sel.indicator_rows(year=year, area=area),
        "code": code,
        "indicators": [i for i in INDICATORS if "village" in i.levels],
        "chart": sel.trend_chart(area=area) if area.level == "township" else None,
        "drill_url": _drill_url(),
    }
    if area.level == "township":
        schools = paginate(request, School.objects.filter(township=area, is_active=True), per_page=30)
        context.update(
            villages=sel.ranking(year=year, code=code, level="village", parent=area)
            if "village" in BY_CODE[code].levels
            else [],
            ranking_indicator=BY_CODE[code],
            schools=schools,
            page=schools,
            school_rows=sel.school_table(schools=schools.object_list, year=year),
            school_headers=sel.school_table_headers(),
        )
    return render(request, "indicators/area.html", context)


def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_object_or_404(School.objects.select_related("township"), pk=pk)
    year = _year(request)
    context = {
        "school": school,
        "year": year,
        "year_label": SchoolYear(year).label,
        "years": _year_choices(),
        "as_of": sel.latest_as_of(year=year),
        "rows": sel.indicator_rows(year=year, school=school),
        "visible": School.objects.filter(school_q(request.user), pk=school.pk).exists(),
        "drill_url": _drill_url(),
    }
    return render(request, "indicators/school.html", context)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def drill(request: HttpRequest) -> HttpResponse:
    """The members (students, population cells, classes, teachers) behind one figure, within the user's scope."""
    g = request.GET
    try:
        as_of = dt.date.fromisoformat(g["as_of"]) if g.get("as_of") else None
        code = g.get("code", "")
        ind = BY_CODE.get(code)
        measure = g.get("measure") or (ind.numerator_measures()[0] if ind else "")
        target = sel.drill_target(
            code=code,
            measure=measure,
            year=_year(request),
            as_of=as_of,
            area_id=_int(g.get("area")),
            school_id=_int(g.get("school")),
        )
        stale_notice = ""
        composition = sel.drill_composition(target)
        changed = sel.drill_changed(target, {m: n for _, m, _, n in composition})
        if changed is not None:
            # 学籍 records changed after the figure was computed: list today's members and queue the period's
            # recompute for the task worker (not in this request).
            indicators_refresh_soon(
                from_year=target.period.year.start_year,
                to_year=target.period.year.start_year,
                as_of=target.period.as_of.isoformat(),
                triggered_by="drill",
            )
            stale_notice = (
                f"该数字计算后学籍数据有变动：统计值{changed[0]:g}，按当前数据为{changed[1]:g}。"
                "下面的名单按当前数据列出，已排队重新计算。"
            )
    except (DomainError, ValueError) as exc:
        return render(request, "indicators/drill.html", {"error": str(exc)}, status=400)
    kind = target.member_kind
    on_day = sel.state_date(target)
    qs: Any
    columns: list[Column]
    if kind == "population":
        qs = sel.drill_population(user=request.user, target=target)
        columns = [
            Column("乡镇", lambda c: c.area.parent.name if c.area.parent else ""),
            Column("村（社区）", lambda c: c.area.name),
            Column("年份", lambda c: c.year),
            Column("年龄", lambda c: c.age),
            Column("性别", lambda c: c.get_sex_display()),
            Column("口径", lambda c: c.get_source_display()),
            Column("人数", lambda c: c.count),
        ]
    elif kind == "classes":
        qs = sel.drill_classes(user=request.user, target=target)
        columns = [
            Column("学校", lambda c: c.school.name),
            Column("学年", lambda c: c.school_year),
            Column("班级", lambda c: str(c)),
        ]
    elif kind == "teachers":
        qs = sel.drill_teachers(user=request.user, target=target)
        columns = [
            Column("姓名", lambda t: t.name),
            Column("学校", lambda t: t.school.name if t.school else ""),
            Column("主教学科", lambda t: t.get_main_subject_display()),
        ]
    else:
        qs = sel.drill_students(user=request.user, target=target)
        columns = [
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
    context = {
        "target": target,
        "place": place,
        "kind": kind,
        "page": page,
        "tabs": sel.drill_measures(target.indicator),
        "base_query": _drill_base(request),
        "total_population": sum(c.count for c in page.object_list) if kind == "population" else None,
        "stale_notice": stale_notice,
        "on_day": on_day,
        "composition": [(part, label, sel.number(n)) for part, _, label, n in composition],
        "by_school": (
            [(name, sel.number(n)) for name, n in sel.drill_by_school(target)]
            if target.indicator.attribution == "population" and target.measure in target.indicator.numerator_measures()
            else []
        ),
        "over_100_note": sel.OVER_100_NOTES.get(target.indicator.code, ""),
        "stored": target.stored,
    }
    return render(request, "indicators/drill.html", context)


def _drill_base(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in ("measure", "page", "format"):
        params.pop(key, None)
    return params.urlencode()


@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    if not _can_edit(request.user):
        raise PermissionDenied("仅县局管理员和局股室工作人员可重新计算指标")
    year = _year(request) if request.POST.get("year") is None else int(request.POST["year"])
    try:
        run = indicators_refresh(from_year=year, to_year=year, triggered_by=f"web:{request.user}")
        messages.success(request, f"已重新计算{SchoolYear(year).label}指标（{run.rows}项，用时{run.seconds}秒）")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(f"{_reverse('indicators:dashboard')}?year={year}")


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def references(request: HttpRequest) -> HttpResponse:
    """City (保山市) values and targets: lists, and forms for county staff."""
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
                    return redirect("indicators:references")
            else:
                target_form = TargetForm(request.POST, prefix="tgt")
                if target_form.is_valid():
                    d = target_form.cleaned_data
                    target_set(
                        actor=request.user,
                        code=d["code"],
                        area=d["area"],
                        school_year=d["school_year"],
                        value=d["value"],
                        source=d["source"],
                    )
                    messages.success(request, "已保存目标值")
                    return redirect("indicators:references")
        except DomainError as exc:
            messages.error(request, str(exc))
    context = {
        "can_edit": can_edit,
        "ref_form": ref_form,
        "target_form": target_form,
        "references": [
            (BY_CODE[r.code].name if r.code in BY_CODE else r.code, r)
            for r in Reference.objects.order_by("code", "scope", "-year").select_related("entered_by")
        ],
        "targets": [
            (BY_CODE[t.code].name if t.code in BY_CODE else t.code, t)
            for t in Target.objects.select_related("area").order_by("code", "area__code", "school_year")
        ],
    }
    return render(request, "indicators/references.html", context)


def export_xlsx(request: HttpRequest) -> HttpResponse:
    """All stored figures of a school year: county, townships, villages and schools, one sheet each."""
    year = _year(request)
    as_of = sel.latest_as_of(year=year)
    targets = sel.Targets()
    headers = [
        "指标代码",
        "指标",
        "区域/学校",
        "学年",
        "统计日",
        "值",
        "分子",
        "分母",
        "目标",
        "状态",
        "缺口",
        "保山市",
        "全国",
        "补充",
        "统计期间",
    ]
    sheets = []
    for level, title in IndicatorValue.AreaLevel.choices:
        rows = sel.indicator_rows(year=year, level=level, as_of=as_of, targets=targets)
        data = [
            [
                r.code, r.indicator.name, r.name, SchoolYear(year).label, r.as_of,
                None if r.value is None else round(r.value, 2), r.numerator, r.denominator,
                r.target, r.status_label, r.gap, r.city, r.national, r.extra_text, r.period_text,
            ]
            for r in rows
        ]  # fmt: skip
        sheets.append((str(title), headers, data))
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="indicators.IndicatorValue",
        object_repr=f"{SchoolYear(year).label}指标汇总",
        changes={"year": year},
        ip=request.META.get("REMOTE_ADDR"),
    )
    response = HttpResponse(
        write_xlsx(sheets), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="indicators-{year}.xlsx"'
    return response


def summary_pdf(request: HttpRequest) -> HttpResponse:
    """A printable one-page summary: headline targets, all county figures, township ranking."""
    year = _year(request)
    county = _county()
    rows = sel.indicator_rows(year=year, area=county)
    context = {
        "county": county,
        "year_label": SchoolYear(year).label,
        "as_of": sel.latest_as_of(year=year),
        "headline": [r for r in rows if r.code in HEADLINE_CODES],
        "rows": rows,
        "halves": [rows[: (len(rows) + 1) // 2], rows[(len(rows) + 1) // 2 :]],
        "rankings": [(BY_CODE[c], sel.ranking(year=year, code=c)) for c in HEADLINE_CODES],
        "printed": timezone.localtime(),
    }
    pdf = render_pdf("indicators/pdf/summary.html", context, extra_css="@page { size: A4; margin: 10mm 10mm; }")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="indicators-summary-{year}.pdf"'
    return response
