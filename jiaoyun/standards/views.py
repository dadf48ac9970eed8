"""Pages of the standards module: 优质均衡 (with the what-if and the self-assessment report), 办学条件达标 and
示范校创建. Views are thin: selectors read, services write, ``balance`` computes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import serve as serve_file
from jiaoyun.core.types import AuthedRequest
from jiaoyun.standards import balance as B
from jiaoyun.standards import permissions as perm
from jiaoyun.standards import reports, selectors, services
from jiaoyun.standards.choices import CheckGroup, CheckStatus, DemoLevel, Part
from jiaoyun.standards.models import CheckItem, ConditionStandard, DemoCheck
from jiaoyun.web.charts import PERCENT, bar, category_chart, line
from jiaoyun.web.htmx import hx_redirect, render_page


def _require_read(request: AuthedRequest) -> None:
    if not perm.can_read(request.user):
        raise PermissionDenied("无权查看办学标准与均衡数据")


def _year(request: AuthedRequest) -> int:
    years = selectors.years()
    try:
        y = int(request.GET.get("year") or 0)
    except ValueError:
        y = 0
    if y in years:
        return y
    return years[0] if years else timezone.localdate().year - (1 if timezone.localdate().month < 9 else 0)


def _part(request: AuthedRequest) -> str:
    p = request.GET.get("part") or Part.PRIMARY
    return p if p in Part.values else Part.PRIMARY


def _fail(request: AuthedRequest, exc: DomainError) -> None:
    messages.error(request, str(exc))


# -- 优质均衡 ------------------------------------------------------------------------------------------------


def _balance_charts(result: B.PartResult, townships: list[dict[str, Any]], trend: list[dict[str, Any]], part: str
                    ) -> dict[str, Any]:  # fmt: skip
    labels = [B.BY_CODE[c].short for c in B.CODES]
    cvs = [round(result.coefficients[c].cv, 3) for c in B.CODES]
    limit = B.cv_limit(part)
    chart_cv = category_chart(
        labels,
        [bar("差异系数", cvs), line("上限", [limit] * len(labels), color="#c0392b", symbol="none")],
        ordinal=True, rotate=None,
    )  # fmt: skip
    chart_townships = category_chart(
        [t["township"] for t in townships], [bar("达标学校占比", [t["rate"] for t in townships])], unit=PERCENT
    )
    chart_trend = category_chart(
        [str(t["year"]) for t in trend],
        [line(B.BY_CODE[c].short, [t[part]["coefficients"].get(c, 0) for t in trend]) for c in B.CODES]
        + [line("上限", [limit] * len(trend), color="#c0392b", symbol="none", lineStyle={"type": "dashed"})],
        ordinal=True, rotate=None,
    )  # fmt: skip
    return {"chart_cv": chart_cv, "chart_townships": chart_townships, "chart_trend": chart_trend}


def balance(request: AuthedRequest) -> HttpResponse:
    _require_read(request)
    year, part = _year(request), _part(request)
    data = selectors.balance(year=year, user=request.user)
    result = data.parts[part]
    if request.GET.get("format") == "xlsx":
        return reports.balance_xlsx(request, data)
    schools = data.schools(part)
    only = request.GET.get("only")
    if only == "failing":
        schools = [s for s in schools if not s.passes]
    townships = data.townships(part)
    trend = selectors.trend()
    context = {
        "year": year, "years": selectors.years(), "part": part, "parts": Part.choices, "result": result,
        "other": data.parts[Part.JUNIOR if part == Part.PRIMARY else Part.PRIMARY],
        "indicators": B.INDICATORS, "thresholds": {c: B.threshold(c, part) for c in B.CODES},
        "coefficients": [result.coefficients[c] for c in B.CODES], "schools": schools, "only": only,
        "cv_limit": B.cv_limit(part), "townships": townships,
        "county_reader": perm.is_county_reader(request.user), "section": perm.is_section(request.user),
        "checklist": selectors.checklist_counts(year=year), "groups": CheckGroup.choices,
        **_balance_charts(result, townships, trend, part),
    }  # fmt: skip
    return render_page(request, "standards/balance.html", context)


def school(request: AuthedRequest, school_id: int) -> HttpResponse:
    _require_read(request)
    history = selectors.school_history(user=request.user, school_id=school_id)
    if not history:
        from jiaoyun.schools.models import School

        name = get_object_or_404(School, pk=school_id).name
    else:
        name = history[0].row.name
    latest = history[-1] if history else None
    charts: dict[str, Any] = {}
    if latest is not None:
        charts["chart_share"] = category_chart(
            [B.BY_CODE[c].short for c in B.CODES],
            [bar("达到标准的比例", [round(100 * latest.share[c], 1) for c in B.CODES]),
             line("85%", [85] * 7, color="#c0392b", symbol="none")],
            ordinal=True, rotate=None, unit=PERCENT,
        )  # fmt: skip
        years = [h for h in history if h.row.part == latest.row.part]
        charts["chart_history"] = category_chart(
            [str(h.year) for h in years],  # type: ignore[attr-defined]
            [line(B.BY_CODE[c].short, [round(100 * h.share[c], 1) for h in years]) for c in B.CODES],
            ordinal=True, rotate=None, unit=PERCENT,
        )  # fmt: skip
    return render_page(request, "standards/school.html", {
        "name": name, "history": list(reversed(history)), "latest": latest, "indicators": B.INDICATORS,
        "school_id": school_id, **charts,
    })  # fmt: skip


def _decimal(raw: str, label: str) -> float:
    raw = (raw or "").strip()
    if not raw:
        return 0.0
    try:
        v = Decimal(raw)
    except InvalidOperation:
        raise DomainError(f"“{raw}”不是数字", field=label)
    if abs(v) > 10**9:
        raise DomainError("数值过大", field=label)
    return float(v)


def whatif(request: AuthedRequest) -> HttpResponse:
    """ "Add 3 PE teachers and 800 ㎡ of sports ground at school X" → the new values and coefficients; and the
    cheapest changes that lift the county over each line. Computed in memory: nothing is written."""
    _require_read(request)
    if not perm.is_county_reader(request.user):
        raise PermissionDenied("模拟测算面向县级用户")
    year = _year(request)
    rows = selectors.county_rows(year=year)
    choices = sorted({(r.school_id, r.part, r.name) for r in rows}, key=lambda t: (t[2], t[1]))
    key = request.GET.get("target") or ""
    changes: list[B.Change] = []
    target: B.Row | None = None
    if key:
        try:
            sid, tpart = key.split(":")
            target = next(r for r in rows if r.school_id == int(sid) and r.part == tpart)
        except (ValueError, StopIteration):
            messages.error(request, "请选择学校")
            target = None
    if target is not None:
        try:
            for ind in B.INDICATORS:
                amount = _decimal(request.GET.get(ind.code, ""), ind.short)
                if amount:
                    changes.append(
                        B.Change(
                            target.school_id,
                            target.part,
                            ind.code,
                            amount,
                            B.unit_cost(ind.code) * Decimal(str(amount)),
                            "模拟",
                            target.name,
                        )
                    )
        except DomainError as exc:
            _fail(request, exc)
            changes = []
    before = {p: B.assess(rows, p) for p in Part.values}
    after_rows = B.apply(rows, changes)
    after = {p: B.assess(after_rows, p) for p in Part.values}
    compare = []
    school_before: B.SchoolResult | None = None
    school_after: B.SchoolResult | None = None
    if target is not None:
        b = B.assess_school(target)
        a = B.assess_school(next(r for r in after_rows if r.school_id == target.school_id and r.part == target.part))
        part = target.part
        compare = [
            {"ind": ind, "before": b.values[ind.code], "after": a.values[ind.code], "threshold": B.threshold(ind.code, part),
             "met": a.met[ind.code], "cv_before": before[part].coefficients[ind.code].cv,
             "cv_after": after[part].coefficients[ind.code].cv}
            for ind in B.INDICATORS
        ]  # fmt: skip
        school_before, school_after = b, a
    plans = [B.cheapest_plan(rows, p) for p in Part.values] if request.GET.get("plan") else []
    return render_page(request, "standards/whatif.html", {
        "year": year, "years": selectors.years(), "choices": choices, "target": target, "key": key,
        "indicators": B.INDICATORS, "values": {i.code: request.GET.get(i.code, "") for i in B.INDICATORS},
        "compare": compare, "changes": changes, "cost": sum((c.cost for c in changes), Decimal(0)),
        "school_before": school_before, "school_after": school_after,
        "summary": [(Part(p).label, before[p], after[p]) for p in Part.values], "plans": plans,
        "unit_costs": [(B.BY_CODE[c].short, B.unit_cost(c), B.BY_CODE[c].step_label) for c in B.CODES],
    })  # fmt: skip


@require_POST
def sync(request: AuthedRequest) -> HttpResponse:
    if not perm.is_section(request.user):
        raise PermissionDenied("仅县教育体育局督导室、基础教育股可同步")
    try:
        year = int(request.POST.get("year") or 0)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        messages.error(request, "学年：请选择学年")
    else:
        n = services.sync_from_registry(actor=request.user, year=year)
        messages.success(request, f"已从学籍与教职工库同步{year}学年在校生数和教师数（{n}条）")
    return hx_redirect(request, reverse("standards:balance") + f"?year={year}")


@require_http_methods(["GET", "POST"])
def checklist(request: AuthedRequest) -> HttpResponse:
    _require_read(request)
    if not perm.is_county_reader(request.user):
        raise PermissionDenied("自评清单由县级用户查看")
    year = _year(request)
    if request.method == "POST":
        item = get_object_or_404(CheckItem, pk=request.POST.get("item") or 0)
        try:
            year = int(request.POST.get("year") or year)
            services.check_save(
                actor=request.user, item=item, year=year, status=request.POST.get("status", ""),
                value=request.POST.get("value", ""), note=request.POST.get("note", ""),
                files=request.FILES.getlist("files"),
            )  # fmt: skip
            messages.success(request, f"已保存：{item}")
        except DomainError as exc:
            messages.error(request, f"{item}：{exc}")
        return hx_redirect(request, reverse("standards:checklist") + f"?year={year}#item-{item.pk}")
    rows = selectors.checklist(year=year)
    groups = [(label, [r for r in rows if r["item"].group == g]) for g, label in CheckGroup.choices]
    return render_page(request, "standards/checklist.html", {
        "year": year, "years": selectors.years(), "groups": groups, "statuses": CheckStatus.choices,
        "section": perm.is_section(request.user),
    })  # fmt: skip


def evidence(request: AuthedRequest, evidence_id: int) -> HttpResponseBase:
    _require_read(request)
    ev = selectors.evidence_get(user=request.user, evidence_id=evidence_id)
    return serve_file(request, ev.file, filename=ev.name or f"佐证材料-{ev.pk}")


def report_pdf(request: AuthedRequest) -> HttpResponse:
    """The county's 优质均衡 self-assessment (自评报告) in the official layout, as the 督导室 prints it."""
    _require_read(request)
    if not perm.is_county_reader(request.user):
        raise PermissionDenied("自评报告由县级用户打印")
    return reports.self_assessment_pdf(request, year=_year(request))


# -- 达标 -------------------------------------------------------------------------------------------------


def project_link(gap: selectors.Gap) -> str | None:
    """The facilities project form prefilled with the school, the kind and the gap ("缺什么、补什么")."""
    try:
        base = reverse("facilities:project_new")
    except NoReverseMatch:
        return None
    r = gap.resources
    query = {"school": r.school_id, "kind": gap.standard.project_kind or "other", "level": r.part,
             "note": f"{r.year}学年{gap.standard.label}未达标：{gap.text}"}  # fmt: skip
    return f"{base}?{urlencode(query)}"


@require_http_methods(["GET", "POST"])
def compliance(request: AuthedRequest) -> HttpResponse:
    _require_read(request)
    if request.method == "POST":
        standard = get_object_or_404(ConditionStandard, pk=request.POST.get("standard") or 0)
        try:
            services.standard_update(
                actor=request.user, standard=standard, value=Decimal(_decimal(request.POST.get("value", ""), "标准值")),
                is_active=request.POST.get("is_active") == "on",
            )  # fmt: skip
            messages.success(request, f"已修改标准：{standard}")
        except DomainError as exc:
            messages.error(request, f"{standard}：{exc}")
        return hx_redirect(request, reverse("standards:compliance"))
    year = _year(request)
    try:
        township = int(request.GET.get("township") or 0) or None
    except ValueError:
        township = None
    rows = selectors.compliance(user=request.user, year=year, township=township)
    total, compliant = len(rows), sum(1 for r in rows if r["compliant"])
    if request.GET.get("only") == "gaps":
        rows = [r for r in rows if r["gaps"]]
    if request.GET.get("format") == "xlsx":
        return reports.compliance_xlsx(request, rows, year)
    for r in rows:
        r["links"] = [(g, project_link(g)) for g in r["gaps"]]
    by_code: dict[str, int] = {}
    for r in rows:
        for g in r["gaps"]:
            by_code[g.standard.label] = by_code.get(g.standard.label, 0) + 1
    chart = category_chart(list(by_code), [bar("未达标学校（学部）", list(by_code.values()))])
    from jiaoyun.schools.choices_in_scope import township_choices

    return render_page(request, "standards/compliance.html", {
        "year": year, "years": selectors.years(), "rows": rows, "standards": ConditionStandard.objects.all(),
        "section": perm.is_section(request.user), "chart_gaps": chart, "only": request.GET.get("only", ""),
        "townships": township_choices(request.user), "township": township,
        "total": total, "compliant": compliant,
    })  # fmt: skip


# -- 示范校 ------------------------------------------------------------------------------------------------


def _this_year() -> int:
    return timezone.localdate().year


@require_http_methods(["GET", "POST"])
def demonstration(request: AuthedRequest) -> HttpResponse:
    _require_read(request)
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or _this_year())
    except ValueError:
        year = _this_year()
    if request.method == "POST":
        try:
            if request.POST.get("do") == "target":
                services.target_set(actor=request.user, township_id=int(request.POST.get("township") or 0), year=year,
                                    count=int(request.POST.get("count") or 0))  # fmt: skip
                messages.success(request, "已保存创建目标")
            else:
                app = services.application_create(
                    actor=request.user, school_id=int(request.POST.get("school") or 0), year=year,
                    level=request.POST.get("level") or DemoLevel.CITY, note=request.POST.get("note", ""),
                )  # fmt: skip
                messages.success(request, f"已确定培育对象：{app.school}")
        except (DomainError, ValueError) as exc:
            messages.error(request, str(exc) if isinstance(exc, DomainError) else "请填写整数")
        return hx_redirect(request, reverse("standards:demonstration") + f"?year={year}")
    targets = selectors.targets(year=year)
    apps = list(selectors.applications(user=request.user, year=year))
    chart = category_chart(
        [t["township"].name for t in targets],
        [bar("目标", [t["target"] for t in targets]), bar("已认定", [t["recognised"] for t in targets]),
         bar("创建中", [t["active"] for t in targets])],
        sort_by=None,
    )  # fmt: skip
    from jiaoyun.schools.models import School

    section = perm.is_section(request.user)
    candidates = (
        School.objects.filter(is_active=True, kind__in=list(services.KIND_PARTS)).exclude(kind="teaching_point")
        .select_related("township")
        .order_by("township__sort", "code") if section else School.objects.none()
    )  # fmt: skip
    return render_page(request, "standards/demonstration.html", {
        "year": year, "years": range(_this_year() - 3, _this_year() + 3), "targets": targets, "applications": apps,
        "chart": chart, "section": section, "candidates": candidates, "levels": DemoLevel.choices,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def demonstration_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_read(request)
    app = selectors.application_get(user=request.user, pk=pk)
    here = reverse("standards:demonstration_detail", args=[app.pk])
    if request.method == "POST":
        try:
            if request.POST.get("check"):
                check = get_object_or_404(DemoCheck, pk=request.POST.get("check"), application=app)
                services.demo_check_save(
                    actor=request.user,
                    check=check,
                    status=request.POST.get("status", ""),
                    note=request.POST.get("note", ""),
                    files=request.FILES.getlist("files"),
                )
                messages.success(request, f"已保存第{check.criterion.number}项自评")
            else:
                action = request.POST.get("action", "")
                services.application_transition(
                    actor=request.user, application=app, action=action, note=request.POST.get("note", "")
                )
                messages.success(request, f"已{services.ACTION_LABELS.get(action, '办理')}")
        except DomainError as exc:
            messages.error(request, str(exc))
        return hx_redirect(request, here)
    checks = list(app.checks.select_related("criterion").prefetch_related("evidence"))
    may_fill = perm.can_apply(request.user, app.school_id, app.school.township_id) and app.status in (
        "candidate", "returned")  # fmt: skip
    return render_page(request, "standards/demonstration_detail.html", {
        "app": app, "checks": checks, "events": app.events.select_related("actor"),
        "actions": services.actions_for(request.user, app), "may_fill": may_fill, "statuses": CheckStatus.choices,
        "met": sum(1 for c in checks if c.status == CheckStatus.MET),
    })  # fmt: skip
