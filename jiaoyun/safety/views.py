"""Pages of the safety module: thin views over selectors and services."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.areas.models import Area
from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import serve as serve_file
from jiaoyun.core.models import User
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.safety import selectors, services
from jiaoyun.safety.choices import DeviceKind, HazardStatus, InspectionKind, Level, Severity, TemplateKind
from jiaoyun.safety.forms import (
    CanteenForm,
    DeviceForm,
    GuardForm,
    HazardOpenForm,
    JointActionForm,
    KitchenForm,
    MealForm,
    ProfileForm,
    RectifyForm,
    RiskForm,
    SampleForm,
    SixTForm,
    StaffForm,
    VerifyForm,
)
from jiaoyun.safety.models import Canteen, ChecklistTemplate, Rule
from jiaoyun.safety.permissions import can_manage, can_read, is_safety_section
from jiaoyun.web.paging import paginate
from jiaoyun.web.redirects import safe_next


def _require_read(request: HttpRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied("无权查看平安校园数据")


def _townships(request: HttpRequest) -> Any:
    return Area.objects.filter(level="township").order_by("sort", "code")


def _yn(v: bool) -> str:
    return "是" if v else "否"


def _responsible_qs(school: Any) -> Any:
    """Users who can be made responsible for a hazard at ``school``."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(school=school)
            | Q(role="township_officer", area_id=school.township_id)
            | Q(role__in=["county_admin"])
            | Q(role="bureau_staff", section="safety")
        )
        .order_by("role", "username")
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    data = selectors.dashboard(user=request.user)
    comp = data["compliance"]["townships"]
    chart_compliance = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["达标率", "保安配备", "封闭管理", "报警监控联网"]},
        "grid": {"left": 40, "right": 10, "bottom": 60},
        "xAxis": {"type": "category", "data": [r["township"] for r in comp], "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [
            {"name": "达标率", "type": "bar", "data": [r["rate"] for r in comp]},
            {"name": "保安配备", "type": "line", "data": [r["guards_rate"] for r in comp]},
            {"name": "封闭管理", "type": "line", "data": [r["closed_rate"] for r in comp]},
            {"name": "报警监控联网", "type": "line", "data": [r["linked_rate"] for r in comp]},
        ],
    }
    hz = data["hazards"]
    chart_hazards = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["未销号", "逾期"]},
        "grid": {"left": 40, "right": 10, "bottom": 60},
        "xAxis": {"type": "category", "data": [r["township"] for r in hz], "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value"},
        "series": [
            {"name": "未销号", "type": "bar", "data": [r["open"] for r in hz]},
            {"name": "逾期", "type": "bar", "data": [r["overdue"] for r in hz], "itemStyle": {"color": "#c0392b"}},
        ],
    }
    ct = data["canteens"]
    chart_canteens = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["六T检查平均分", "六T日检全项完成率"]},
        "grid": {"left": 40, "right": 10, "bottom": 60},
        "xAxis": {"type": "category", "data": [r["township"] for r in ct], "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "max": 100},
        "series": [
            {"name": "六T检查平均分", "type": "bar", "data": [r["score"] for r in ct]},
            {"name": "六T日检全项完成率", "type": "line", "data": [r["daily_rate"] for r in ct]},
        ],
    }
    hist = data["history"]
    chart_history = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [f"{r['date']:%Y-%m-%d}" for r in hist]},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [{"name": "达标率", "type": "line", "data": [r["rate"] for r in hist]}],
    }
    return render(
        request,
        "safety/dashboard.html",
        {
            **data,
            "chart_compliance": chart_compliance,
            "chart_hazards": chart_hazards,
            "chart_canteens": chart_canteens,
            "chart_history": chart_history,
        },
    )


def compliance(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    qs = selectors.compliance_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request,
            rows=qs,
            columns=[
                Column("乡镇", lambda s: s.school.township.name),
                Column("学校", lambda s: s.school.name),
                Column("师生员工数", lambda s: s.people),
                Column("应配保安员", lambda s: s.guards_required),
                Column("在岗保安员", lambda s: s.guards_on_duty),
                Column("达标", lambda s: _yn(s.compliant)),
                Column("差距", lambda s: "；".join(s.gaps)),
                Column("日期", lambda s: s.date),
            ],
            filename="平安校园达标情况",
            object_type="safety.ComplianceSnapshot",
            personal=False,
        )
    return render(
        request,
        "safety/compliance.html",
        {"page": paginate(request, qs), "filters": request.GET, "townships": _townships(request)},
    )


def school(request: HttpRequest, school_id: int) -> HttpResponse:
    _require_read(request)
    ctx = selectors.profile_get(user=request.user, school_id=school_id)
    school = ctx["school"]
    editable = can_manage(request.user, school)
    form = ProfileForm(instance=ctx["profile"])
    guard_form = GuardForm()
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("无权维护该学校的平安校园数据")
        try:
            if request.POST.get("form") == "canteen":
                cform = CanteenForm(request.POST)
                if cform.is_valid():
                    c = services.canteen_create(
                        actor=request.user,
                        school=school,
                        name=cform.cleaned_data["name"],
                        bright_kitchen=cform.cleaned_data["bright_kitchen"],
                    )
                    return redirect("safety:canteen", canteen_id=c.pk)
            elif request.POST.get("form") == "guard":
                guard_form = GuardForm(request.POST)
                if guard_form.is_valid():
                    services.guard_add(actor=request.user, school=school, **guard_form.cleaned_data)
                    services.compliance_compute(school_ids=[school.pk])
                    messages.success(request, "已添加保安员")
                    return redirect("safety:school", school_id=school.pk)
            elif request.POST.get("form") == "guard_off":
                guard = next(g for g in ctx["guards"] if str(g.pk) == request.POST.get("guard"))
                services.guard_update(actor=request.user, guard=guard, data={"on_duty": not guard.on_duty})
                services.compliance_compute(school_ids=[school.pk])
                return redirect("safety:school", school_id=school.pk)
            else:
                form = ProfileForm(request.POST, instance=ctx["profile"])
                if form.is_valid():
                    services.profile_update(actor=request.user, school=school, data=form.cleaned_data)
                    services.compliance_compute(school_ids=[school.pk])
                    messages.success(request, "已保存平安校园档案并重新计算达标情况")
                    return redirect("safety:school", school_id=school.pk)
        except (DomainError, StopIteration) as exc:
            messages.error(request, str(exc) or "操作失败")
    return render(
        request,
        "safety/school.html",
        {**ctx, "form": form, "guard_form": guard_form, "canteen_form": CanteenForm(), "editable": editable},
    )


HAZARD_COLUMNS = [
    Column("乡镇", lambda h: h.school.township.name),
    Column("学校", lambda h: h.school.name),
    Column("隐患", lambda h: h.title),
    Column("等级", lambda h: h.get_severity_display()),
    Column("责任人", lambda h: str(h.responsible)),
    Column("整改期限", lambda h: h.deadline),
    Column("状态", lambda h: h.get_status_display()),
    Column("督办层级", lambda h: h.get_level_display()),
]


def hazards(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    qs = selectors.hazard_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=HAZARD_COLUMNS, filename="安全隐患", object_type="safety.Hazard", personal=False
        )
    return render(
        request,
        "safety/hazards.html",
        {
            "page": paginate(request, qs),
            "filters": request.GET,
            "townships": _townships(request),
            "statuses": HazardStatus.choices,
            "severities": Severity.choices,
            "levels": Level.choices,
            "today": timezone.localdate(),
        },
    )


def hazard(request: HttpRequest, hazard_id: int) -> HttpResponse:
    _require_read(request)
    h = selectors.hazard_get(user=request.user, hazard_id=hazard_id)
    rectify_form, verify_form = RectifyForm(), VerifyForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rectify":
                rectify_form = RectifyForm(request.POST, request.FILES)
                if rectify_form.is_valid():
                    services.hazard_rectify(
                        hazard=h,
                        actor=request.user,
                        note=rectify_form.cleaned_data["note"],
                        files=rectify_form.cleaned_data["evidence"],
                    )
                    messages.success(request, "已提交整改，等待复查")
                    return redirect("safety:hazard", hazard_id=h.pk)
                messages.error(request, "请填写整改情况并上传佐证")
            elif action == "verify":
                verify_form = VerifyForm(request.POST)
                if verify_form.is_valid():
                    services.hazard_verify(hazard=h, actor=request.user, **verify_form.cleaned_data)
                    messages.success(request, "已记录复查结论")
                    return redirect("safety:hazard", hazard_id=h.pk)
            elif action == "close":
                services.hazard_close(hazard=h, actor=request.user, note=request.POST.get("note", ""))
                messages.success(request, "隐患已销号")
                return redirect("safety:hazard", hazard_id=h.pk)
        except DomainError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "safety/hazard.html",
        {
            "h": h,
            "rectify_form": rectify_form,
            "verify_form": verify_form,
            "can_manage": can_manage(request.user, h.school),
            "is_responsible": request.user.pk == h.responsible_id,
            "overdue": h.status in selectors.UNFIXED_STATES and h.deadline < timezone.localdate(),
        },
    )


def hazard_file(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    """A rectification photo or file, served as an attachment if the hazard is in scope."""
    _require_read(request)
    evidence = selectors.hazard_evidence_get(user=request.user, evidence_id=evidence_id)
    return serve_file(request, evidence.file, filename=evidence.name or f"整改佐证-{evidence.pk}")


def inspections(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    qs = selectors.inspection_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request,
            rows=qs,
            columns=[
                Column("日期", lambda i: i.date),
                Column("学校", lambda i: i.school.name),
                Column("食堂", lambda i: i.canteen.name if i.canteen else ""),
                Column("检查类型", lambda i: i.get_kind_display()),
                Column("检查表", lambda i: i.template.name),
                Column("得分", lambda i: float(i.score)),
                Column("不合格项", lambda i: i.failed_count),
                Column("检查人", lambda i: str(i.inspector)),
            ],
            filename="安全检查",
            object_type="safety.Inspection",
            personal=False,
        )
    return render(
        request,
        "safety/inspections.html",
        {"page": paginate(request, qs), "filters": request.GET, "kinds": InspectionKind.choices},
    )


def inspection_new(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    schools = selectors.school_list(user=request.user).filter(
        Q(pk__in=[]) if not getattr(request.user, "can_write", False) else Q()
    )
    school_id = request.GET.get("school") or request.POST.get("school")
    template_id = request.GET.get("template") or request.POST.get("template")
    school_obj = schools.filter(pk=school_id).first() if school_id else None
    templates = ChecklistTemplate.objects.filter(is_active=True)
    template = templates.filter(pk=template_id).first() if template_id else templates.filter(kind="campus").first()
    items = list(template.items.all()) if template else []
    canteens = list(Canteen.objects.filter(school=school_obj)) if school_obj else []
    if request.method == "POST" and school_obj and template:
        outcomes = [
            services.ItemOutcome(
                i.pk, passed=request.POST.get(f"item_{i.pk}") == "pass", note=request.POST.get(f"note_{i.pk}", "")
            )
            for i in items
            if request.POST.get(f"item_{i.pk}") in ("pass", "fail")
        ]
        responsible = _responsible_qs(school_obj).filter(pk=request.POST.get("responsible") or 0).first()
        deadline = request.POST.get("deadline") or None
        canteen = next((c for c in canteens if str(c.pk) == request.POST.get("canteen")), None)
        try:
            insp = services.inspection_record(
                actor=request.user,
                school=school_obj,
                template=template,
                kind=request.POST.get("kind", ""),
                date=dt.date.fromisoformat(request.POST.get("date") or timezone.localdate().isoformat()),
                outcomes=outcomes,
                canteen=canteen,
                note=request.POST.get("note", ""),
                open_hazards=request.POST.get("open_hazards") == "1",
                responsible=responsible,
                deadline=dt.date.fromisoformat(deadline) if deadline else None,
                severity=request.POST.get("severity") or Severity.LOW,
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存检查记录，得分{insp.score}")
            return redirect("safety:inspection", inspection_id=insp.pk)
    return render(
        request,
        "safety/inspection_new.html",
        {
            "schools": schools,
            "school": school_obj,
            "templates": templates,
            "template": template,
            "items": items,
            "canteens": canteens,
            "kinds": InspectionKind.choices,
            "severities": Severity.choices,
            "responsibles": _responsible_qs(school_obj) if school_obj else [],
            "today": timezone.localdate(),
            "post": request.POST,
        },
    )


def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    _require_read(request)
    insp = selectors.inspection_get(user=request.user, inspection_id=inspection_id)
    editable = can_manage(request.user, insp.school)
    form = HazardOpenForm(responsible_qs=_responsible_qs(insp.school))
    if request.method == "POST":
        result = next((r for r in insp.results.all() if str(r.pk) == request.POST.get("result")), None)
        form = HazardOpenForm(request.POST, responsible_qs=_responsible_qs(insp.school))
        if result is None:
            messages.error(request, "检查项不存在")
        elif form.is_valid():
            try:
                h = services.hazard_open(
                    actor=request.user, school=insp.school, inspection_result=result, **form.cleaned_data
                )
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已登记隐患")
                return redirect("safety:hazard", hazard_id=h.pk)
    return render(
        request,
        "safety/inspection.html",
        {"insp": insp, "editable": editable, "form": form, "today": timezone.localdate()},
    )


DEVICE_COLUMNS = [
    Column("乡镇", lambda d: d.school.township.name),
    Column("学校", lambda d: d.school.name),
    Column("类型", lambda d: d.get_kind_display()),
    Column("名称", lambda d: d.name),
    Column("设备编号", lambda d: d.serial),
    Column("在线", lambda d: _yn(d.is_online)),
    Column(
        "最近心跳", lambda d: timezone.localtime(d.last_seen_at).strftime("%Y-%m-%d %H:%M") if d.last_seen_at else ""
    ),
]


def devices(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    qs = selectors.device_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=DEVICE_COLUMNS, filename="安防设备", object_type="safety.Device", personal=False
        )
    manageable = selectors.school_list(user=request.user)
    if not (
        getattr(request.user, "can_write", False)
        and (is_safety_section(request.user) or getattr(request.user, "role", "") in ("principal", "township_officer"))
    ):
        manageable = manageable.none()
    form = DeviceForm(schools=manageable)
    token = None
    if request.method == "POST":
        form = DeviceForm(request.POST, schools=manageable)
        if form.is_valid():
            try:
                device, token = services.device_register(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已登记设备{device.serial}。令牌只显示这一次，请立即配置到设备上。")
                form = DeviceForm(schools=manageable)
    return render(
        request,
        "safety/devices.html",
        {
            "page": paginate(request, qs),
            "filters": request.GET,
            "kinds": DeviceKind.choices,
            "townships": _townships(request),
            "form": form,
            "can_register": manageable.exists(),
            "token": token,
            "alerts": selectors.alert_list(user=request.user)[:20],
        },
    )


@require_POST
def alert_ack(request: HttpRequest, alert_id: int) -> HttpResponse:
    _require_read(request)
    alert = selectors.alert_list(user=request.user).filter(pk=alert_id).first()
    if alert is not None:
        try:
            services.alert_acknowledge(actor=request.user, alert=alert)
        except DomainError as exc:
            messages.error(request, str(exc))
    return redirect(safe_next(request, request.POST.get("next"), reverse("safety:devices")))


def rules(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    editable = is_safety_section(request.user) and getattr(request.user, "can_write", False)
    if request.method == "POST":
        rule = Rule.objects.filter(pk=request.POST.get("rule") or 0).first()
        if rule is None:
            messages.error(request, "规则不存在")
        else:
            try:
                raw = request.POST.get("threshold", "").strip()
                params = json.loads(request.POST.get("parameters") or "{}")
                if not isinstance(params, dict):
                    raise DomainError("参数应为JSON对象", field="参数")
                services.rule_update(
                    actor=request.user,
                    rule=rule,
                    threshold=int(raw) if raw else None,
                    parameters=params,
                    is_active=request.POST.get("is_active") == "1",
                )
            except (DomainError, ValueError) as exc:
                messages.error(request, f"规则“{rule}”：{exc}")
            else:
                messages.success(request, f"已修改规则“{rule}”并重新计算达标结果")
                return redirect("safety:rules")
    rows = [(r, json.dumps(r.parameters, ensure_ascii=False)) for r in Rule.objects.order_by("sort", "code")]
    return render(request, "safety/rules.html", {"rows": rows, "editable": editable})


def risks(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    qs = selectors.risk_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request,
            rows=qs,
            columns=[
                Column("报告日期", lambda r: r.reported_on),
                Column("学校", lambda r: r.school.name),
                Column("类别", lambda r: r.get_category_display()),
                Column("风险等级", lambda r: r.get_level_display()),
                Column("情况描述", lambda r: r.description),
                Column(
                    "联合处置",
                    lambda r: "；".join(
                        f"{a.date:%Y-%m-%d} {a.department}：{a.action} {a.result}" for a in r.actions.all()
                    ),
                ),
                Column("状态", lambda r: r.get_status_display()),
            ],
            filename="校园周边风险",
            object_type="safety.RiskReport",
            personal=False,
        )
    manageable = selectors.school_list(user=request.user)
    manageable = manageable.filter(pk__in=[s.pk for s in manageable if can_manage(request.user, s)])
    form = RiskForm(schools=manageable)
    if request.method == "POST":
        kind = request.POST.get("form")
        try:
            if kind == "report":
                form = RiskForm(request.POST, schools=manageable)
                if form.is_valid():
                    services.risk_report_create(actor=request.user, **form.cleaned_data)
                    messages.success(request, "已登记周边风险")
                    return redirect("safety:risks")
            elif kind in ("action", "resolve"):
                report = qs.filter(pk=request.POST.get("report") or 0).first()
                if report is None:
                    raise DomainError("风险记录不存在")
                if kind == "resolve":
                    services.risk_report_resolve(actor=request.user, report=report, note=request.POST.get("note", ""))
                    messages.success(request, "已标记为已消除")
                    return redirect("safety:risks")
                action_form = JointActionForm(request.POST)
                if not action_form.is_valid():
                    raise DomainError("请填写联动部门、日期和措施")
                services.joint_action_log(actor=request.user, report=report, **action_form.cleaned_data)
                messages.success(request, "已登记联合处置")
                return redirect("safety:risks")
        except DomainError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "safety/risks.html",
        {
            "page": paginate(request, qs),
            "filters": request.GET,
            "form": form,
            "can_report": manageable.exists(),
            "manageable_ids": set(manageable.values_list("pk", flat=True)),
            "today": timezone.localdate(),
        },
    )


CANTEEN_FORMS = {"sixt": SixTForm, "meal": MealForm, "sample": SampleForm, "staff": StaffForm, "kitchen": KitchenForm}


def _canteen_write(user: Any, c: Canteen, kind: str, data: dict[str, Any]) -> str:
    if kind == "sixt":
        done = {k: data[k] for k in services.SIXT_FIELDS}
        services.sixt_check_record(
            actor=user, canteen=c, date=data["date"], done=done, checker=data["checker"], note=data["note"]
        )
        return "已保存六T日检"
    if kind == "meal":
        services.accompaniment_record(actor=user, canteen=c, **data)
        return "已保存陪餐记录"
    if kind == "sample":
        services.sample_record(actor=user, canteen=c, **data)
        return "已保存留样记录"
    if kind == "staff":
        services.canteen_staff_add(actor=user, canteen=c, **data)
        return "已添加从业人员"
    services.canteen_update(actor=user, canteen=c, bright_kitchen=data["bright_kitchen"], online=data["online"])
    return "已更新明厨亮灶状态"


def canteen(request: HttpRequest, canteen_id: int) -> HttpResponse:
    _require_read(request)
    c = selectors.canteen_get(user=request.user, canteen_id=canteen_id)
    editable = can_manage(request.user, c.school)
    today = timezone.localdate()
    forms_ = {k: f(initial={"date": today}) for k, f in CANTEEN_FORMS.items()}
    forms_["kitchen"] = KitchenForm(initial={"bright_kitchen": c.bright_kitchen, "online": c.bright_kitchen_online})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("无权维护该食堂的记录")
        kind = request.POST.get("form", "")
        if kind in CANTEEN_FORMS:
            form = CANTEEN_FORMS[kind](request.POST)
            forms_[kind] = form
            if form.is_valid():
                try:
                    done = _canteen_write(request.user, c, kind, form.cleaned_data)
                except DomainError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, done)
                    return redirect("safety:canteen", canteen_id=c.pk)
            else:
                messages.error(request, "请检查填写内容")
    since = today - dt.timedelta(days=30)
    return render(
        request,
        "safety/canteen.html",
        {
            "c": c,
            "editable": editable,
            "forms": forms_,
            "checks": c.sixt_checks.filter(date__gte=since).order_by("-date"),
            "samples": c.samples.filter(date__gte=since).order_by("-date", "meal")[:60],
            "meals": c.accompaniments.filter(date__gte=since).order_by("-date", "meal")[:60],
            "staff": selectors.canteen_staff(user=request.user, canteen=c),
            "inspections": c.inspections.order_by("-date")[:10],
            "today": today,
            "template_id": ChecklistTemplate.objects.filter(kind=TemplateKind.CANTEEN)
            .values_list("pk", flat=True)
            .first(),
        },
    )


def bulletin(request: HttpRequest) -> HttpResponse:
    """The monthly safety section on its own page (the bulletin includes the same partial)."""
    _require_read(request)
    raw = request.GET.get("month", "")
    try:
        month = dt.date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        month = timezone.localdate().replace(day=1)
    section = selectors.bulletin_section(month=month)
    if request.GET.get("format") == "pdf":
        from urllib.parse import quote

        from jiaoyun.reports.pdf import render_pdf

        response = HttpResponse(render_pdf("safety/pdf/bulletin.html", {"section": section}), "application/pdf")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(section['title'])}.pdf"
        return response
    return render(request, "safety/bulletin.html", {"section": section})
