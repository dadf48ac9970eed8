"""Pages of the 控辍保学 module: thin — parse, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.areas.models import Area
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied
from jiaoyun.core.files import serve as serve_file
from jiaoyun.core.scope import area_q, class_q, school_q
from jiaoyun.dropout import forms, selectors, services
from jiaoyun.dropout.choices import (
    CaseKind,
    CaseStatus,
    Line,
    Reason,
    SpecialGroup,
)
from jiaoyun.dropout.models import CaseDocument, DropoutCase
from jiaoyun.dropout.permissions import STAGE_ACT, is_authority, is_county, may_take
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.people.choices import StudentStatus
from jiaoyun.schools.models import School, SchoolClass
from jiaoyun.web.htmx import hx_redirect, render_page
from jiaoyun.web.paging import paginate


def _filter_options(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "townships": Area.objects.filter(area_q(user), level="township").order_by("sort", "code"),
        "villages": Area.objects.filter(area_q(user), level="village").order_by("code")[:500],
        "schools": School.objects.filter(school_q(user), is_active=True).order_by("township__sort", "code"),
        "reasons": Reason.choices,
        "groups": SpecialGroup.choices,
        "statuses": CaseStatus.choices,
        "kinds": CaseKind.choices,
        "filters": request.GET,
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(user=request.user)
    return render_page(
        request,
        "dropout/dashboard.html",
        {
            **data,
            "alerts": selectors.alert_list(user=request.user)[:10],
            "my_alerts": selectors.alert_list(user=request.user, mine=True)[:10],
            "todo": selectors.case_todo(user=request.user),
            "runs": selectors.match_runs(user=request.user),
            "can_run": is_county(request.user),
        },
    )


CASE_COLUMNS = [
    Column("姓名", lambda c: c.student.name),
    Column("性别", lambda c: c.student.get_sex_display()),
    Column("出生日期", lambda c: c.student.birth_date),
    Column("身份证号", lambda c: c.student.id_masked),
    Column("类别", lambda c: c.get_kind_display()),
    Column("状态", lambda c: c.get_status_display()),
    Column("乡镇", lambda c: c.township.name if c.township else ""),
    Column("村（社区）", lambda c: c.village.name if c.village else ""),
    Column("学校", lambda c: c.school.name if c.school else ""),
    Column("辍学原因", lambda c: c.get_reason_display()),
    Column("四步法阶段", lambda c: c.get_stage_display() if c.stage else ""),
    Column("安置方式", lambda c: c.get_placement_display()),
    Column("发现日期", lambda c: c.detected_on),
    Column("核实日期", lambda c: c.verified_on),
    Column("复学/安置日期", lambda c: c.returned_on),
    Column("脱贫/监测户", lambda c: c.priority),
]


def ledger(request: HttpRequest, ledger: str) -> HttpResponse:
    if ledger not in selectors.LEDGERS:
        raise Http404
    filters = {**request.GET.dict(), "ledger": ledger}
    qs = selectors.case_list(user=request.user, filters=filters)
    title = selectors.LEDGERS[ledger][0]
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=CASE_COLUMNS, filename=title.replace("/", "、"), object_type="dropout.DropoutCase"
        )
    return render_page(
        request,
        "dropout/ledger.html",
        {"page": paginate(request, qs), "title": title, "ledger": ledger, **_filter_options(request)},
    )


CHILD_COLUMNS = [
    Column("姓名", lambda s: s.name),
    Column("性别", lambda s: s.get_sex_display()),
    Column("出生日期", lambda s: s.birth_date),
    Column("身份证号", lambda s: s.id_masked),
    Column("户籍村（社区）", lambda s: s.hukou_village.name if s.hukou_village else ""),
    Column("现居住村（社区）", lambda s: s.residence_village.name if s.residence_village else ""),
    Column("学籍状态", lambda s: s.get_status_display()),
    Column("学校", lambda s: s.current_school.name if s.current_school else ""),
    Column("户籍名册在册", lambda s: s.on_roster),
    Column("脱贫/监测户", lambda s: s.get_poverty_display() if s.poverty else ""),
    Column("留守儿童", lambda s: s.left_behind),
    Column("残疾", lambda s: s.get_disability_display() if s.disability else ""),
    Column("孤儿/事实无人抚养", lambda s: s.get_orphan_display() if s.orphan else ""),
    Column("随迁子女", lambda s: s.migrant),
]


def children(request: HttpRequest) -> HttpResponse:
    qs = selectors.ledger_children(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=CHILD_COLUMNS, filename="适龄儿童台账", object_type="people.Student"
        )
    return render_page(
        request,
        "dropout/children.html",
        {"page": paginate(request, qs), "student_statuses": StudentStatus.choices, **_filter_options(request)},
    )


@require_POST
def case_new(request: HttpRequest, student_id: int) -> HttpResponse:
    """列入疑似: a child found out of school by a door-to-door search (村) or reported by a school."""
    from jiaoyun.core.choices import ScopeLevel
    from jiaoyun.core.scope import scope_for
    from jiaoyun.dropout.choices import Source

    student = selectors.ledger_children(user=request.user).filter(pk=student_id).first()
    if student is None:
        raise Http404("学生不存在或不在您的数据范围内")
    level = scope_for(request.user).level
    sources: dict[str, str] = {ScopeLevel.VILLAGE: Source.DOOR_TO_DOOR, ScopeLevel.SCHOOL: Source.SCHOOL_REPORT,
                               ScopeLevel.CLASS: Source.SCHOOL_REPORT}  # fmt: skip
    source = sources.get(level, Source.OTHER)
    try:
        case = services.case_open(actor=request.user, student=student, source=source,
                                  note=request.POST.get("note", "").strip())  # fmt: skip
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("dropout:children")
    return redirect("dropout:case", pk=case.pk)


# ---------------------------------------------------------------- case page and actions


def _case_forms(case: DropoutCase, user: Any) -> list[tuple[str, str, djforms.Form]]:
    s = case.status
    out: list[tuple[str, str, djforms.Form]] = []
    if s == CaseStatus.PENDING:
        out.append(("verify", "核实", forms.VerifyForm()))
    if s in (CaseStatus.VERIFIED, CaseStatus.RETURNING, CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING,
             CaseStatus.PENDING):  # fmt: skip
        out.append(("attempt", "登记劝返/回访记录", forms.AttemptForm()))
    if s == CaseStatus.VERIFIED:
        out.append(("start", "启动劝返（第1步 宣传教育）", forms.StartForm()))
    if s == CaseStatus.RETURNING and is_authority(user):
        initial = {"to_stage": min(4, (case.stage or 0) + 1)}
        out.append(("advance", "进入下一步", forms.AdvanceForm(initial=initial)))
        acts = may_take(user, STAGE_ACT[case.stage], case) if case.stage in STAGE_ACT else False
        if case.stage == 2 and acts:
            out.append(("document", "出具责令限期改正通知书", forms.DocumentForm()))
        if case.stage == 3 and acts:
            out.append(("penalty_notice", "出具行政处罚事先告知书", forms.PenaltyNoticeForm()))
            out.append(("answer", "记录当事人陈述申辩/听证", forms.AnswerForm()))
            out.append(("decision", "作出行政处罚决定书", forms.DecisionForm()))
        if case.stage == 4 and acts:
            out.append(("reminder", "出具催告书", forms.DateOnlyForm()))
            out.append(("court_application", "申请人民法院强制执行", forms.DateOnlyForm()))
            out.append(("complaint", "出具起诉状（诉讼材料）", forms.ComplaintForm()))
    if s in (CaseStatus.VERIFIED, CaseStatus.RETURNING):
        out.append(("return", "复学/分类安置", forms.ReturnForm(initial={"grade": case.grade})))
        if is_authority(user):
            out.append(("no_return", "认定不需劝返", forms.NoReturnForm()))
    if s in (CaseStatus.RETURNED, CaseStatus.PLACED):
        out.append(("observe", "转入巩固观察", forms.ObserveForm()))
    if s in (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING):
        out.append(("reopen", "登记复辍", forms.ReopenForm()))
    if s in (CaseStatus.OBSERVING, CaseStatus.NO_RETURN) and is_authority(user):
        out.append(("close", "销号", forms.CloseForm()))
    return out


def _get_case(request: HttpRequest, pk: int) -> DropoutCase:
    try:
        return selectors.case_get(user=request.user, case_id=pk)
    except DropoutCase.DoesNotExist:
        raise Http404("案件不存在或不在您的数据范围内")


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        timeline = selectors.case_timeline(user=request.user, case_id=pk)
    except DropoutCase.DoesNotExist:
        raise Http404("案件不存在或不在您的数据范围内")
    case_forms = _case_forms(timeline.case, request.user) if getattr(request.user, "can_write", False) else []
    return render_page(request, "dropout/case_detail.html", {"t": timeline, "case": timeline.case, "forms": case_forms})


ActionFn = Callable[[Any, DropoutCase, dict[str, Any], Any], Any]

ACTIONS: dict[str, tuple[type[djforms.Form], ActionFn]] = {
    "verify": (forms.VerifyForm, lambda u, c, d, f: services.case_verify(
        actor=u, case=c, outcome=d["outcome"], on=d["on"], reason=d["reason"], note=d["note"], evidence=f)),
    "start": (forms.StartForm, lambda u, c, d, f: services.case_start_return(
        actor=u, case=c, on=d["on"], deadline=d["deadline"], note=d["note"])),
    "advance": (forms.AdvanceForm, lambda u, c, d, f: services.case_step_advance(
        actor=u, case=c, to_stage=d["to_stage"], on=d["on"], deadline=d["deadline"], doc_number=d["doc_number"],
        outcome=d["outcome"], skip_reason=d["skip_reason"], document_kind=d["document_kind"], note=d["note"],
        evidence=f)),
    "document": (forms.DocumentForm, lambda u, c, d, f: services.case_document_issue(
        actor=u, case=c, kind=d["kind"], deadline=d["deadline"])),
    "penalty_notice": (forms.PenaltyNoticeForm, lambda u, c, d, f: services.penalty_notice_issue(
        actor=u, case=c, penalty=d["penalty"], fine=d["fine"], on=d["on"])),
    "answer": (forms.AnswerForm, lambda u, c, d, f: services.guardian_answer_record(
        actor=u, case=c, kind=d["kind"], text=d["text"], on=d["on"])),
    "decision": (forms.DecisionForm, lambda u, c, d, f: services.penalty_decision_issue(
        actor=u, case=c, on=d["on"], review=d["review"])),
    "reminder": (forms.DateOnlyForm, lambda u, c, d, f: services.reminder_issue(actor=u, case=c, on=d["on"])),
    "court_application": (forms.DateOnlyForm, lambda u, c, d, f: services.court_application_issue(
        actor=u, case=c, on=d["on"])),
    "complaint": (forms.ComplaintForm, lambda u, c, d, f: services.complaint_issue(
        actor=u, case=c, on=d["on"], procuratorate=d["procuratorate"])),
    "attempt": (forms.AttemptForm, lambda u, c, d, f: services.case_attempt_log(
        actor=u, case=c, date=d["date"], people=d["people"], method=d["method"], result=d["result"], note=d["note"],
        evidence=f)),
    "return": (forms.ReturnForm, lambda u, c, d, f: services.case_return(
        actor=u, case=c, placement=d["placement"], on=d["on"], school=d["school"], grade=d["grade"], note=d["note"],
        evidence=f)),
    "observe": (forms.ObserveForm, lambda u, c, d, f: services.case_observe_start(
        actor=u, case=c, on=d["on"], note=d["note"])),
    "reopen": (forms.ReopenForm, lambda u, c, d, f: services.case_reopen(
        actor=u, case=c, on=d["on"], note=d["note"], evidence=f)),
    "no_return": (forms.NoReturnForm, lambda u, c, d, f: services.case_no_return(
        actor=u, case=c, outcome=d["outcome"], note=d["note"], evidence=f, on=d["on"])),
    "close": (forms.CloseForm, lambda u, c, d, f: services.case_close(actor=u, case=c, on=d["on"], note=d["note"])),
}  # fmt: skip


@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case = _get_case(request, pk)
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        try:
            run(request.user, case, form.cleaned_data, request.FILES.get("evidence"))
        except DomainError as exc:
            error = str(exc)
        else:
            return hx_redirect(request, reverse("dropout:case", args=[pk]))
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(
            request,
            error
            or "；".join(
                f"{form.fields[k].label if k in form.fields else ''}{'，'.join(str(e) for e in v)}"
                for k, v in form.errors.items()
            ),
        )
        return redirect("dropout:case", pk=pk)
    return render_page(
        request, "dropout/partials/_action_form.html", {"case": case, "action": action, "form": form, "error": error},
        status=200,
    )  # fmt: skip


def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        document = selectors.document_get(user=request.user, document_id=pk)
    except CaseDocument.DoesNotExist:
        raise Http404
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=document, note="下载法律文书",
                 ip=request.META.get("REMOTE_ADDR"))  # fmt: skip
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{document.kind}-{document.pk}.pdf"'  # generated here, not uploaded
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def evidence(request: HttpRequest, owner: str, pk: int) -> HttpResponseBase:
    """An evidence file of a case (timeline event or 劝返 attempt): only if the case is in scope; audited."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        record = selectors.evidence_get(user=request.user, owner=owner, pk=pk)
    except ObjectDoesNotExist:
        raise Http404("佐证材料不存在或不在您的数据范围内")
    response = serve_file(request, record.evidence, filename=f"佐证材料-案件{record.case_id}-{owner}{record.pk}")
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=record.case,
                 object_repr=f"{record.case.student.name} 佐证材料", changes={"file": owner, "id": record.pk},
                 note="下载佐证材料", ip=request.META.get("REMOTE_ADDR"))  # fmt: skip
    return response


# ---------------------------------------------------------------- jobs


@require_POST
def run_job(request: HttpRequest, job: str) -> HttpResponse:
    if not is_county(request.user):
        raise PermissionDenied("仅县教育体育局可执行")
    from jiaoyun.dropout import tasks

    if job == "crossmatch":
        result = tasks.crossmatch_task.enqueue(actor_id=request.user.pk)
        messages.success(request, f"四查三比对已提交后台执行（任务 {result.id}），完成后台账自动更新。")
    elif job == "deadlines":
        n = services.deadlines_check(on=timezone.localdate())
        services.stats_refresh(as_of=timezone.localdate())
        messages.success(request, f"期限检查完成，新增预警{n}条。")
    elif job == "stats":
        services.stats_refresh(as_of=timezone.localdate())
        messages.success(request, "统计已刷新。")
    else:
        raise Http404
    return redirect("dropout:dashboard")


# ---------------------------------------------------------------- absences (class teachers, phones)


def absences(request: HttpRequest) -> HttpResponse:
    students = selectors.class_students(user=request.user)
    error = ""
    if request.method == "POST":
        form = forms.AbsenceForm(request.POST)
        ids = [int(i) for i in request.POST.getlist("student") if i.isdigit()]
        chosen = list(students.filter(pk__in=ids))
        if not chosen:
            error = "请至少选择一名学生"
        elif form.is_valid():
            try:
                for student in chosen:
                    services.absence_record(actor=request.user, student=student, date=form.cleaned_data["date"],
                                            kind=form.cleaned_data["kind"], note=form.cleaned_data["note"])  # fmt: skip
            except DomainError as exc:
                error = str(exc)
            else:
                messages.success(request, f"已登记{len(chosen)}人缺勤")
                return redirect("dropout:absences")
    else:
        form = forms.AbsenceForm()
    return render_page(
        request,
        "dropout/absences.html",
        {"form": form, "students": students, "error": error,
         "page": paginate(request, selectors.absence_list(user=request.user, filters=request.GET))},
    )  # fmt: skip


# ---------------------------------------------------------------- responsible persons


def responsibles(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        form = forms.ResponsibleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.responsible_create(
                    actor=request.user, line=d["line"], level=d["level"], name=d["name"], post=d["post"],
                    phone=d["phone"], group_name=d["group_name"],
                    area=Area.objects.filter(area_q(request.user), pk=d["area"]).first() if d["area"] else None,
                    school=School.objects.filter(school_q(request.user), pk=d["school"]).first() if d["school"] else None,
                    school_class=SchoolClass.objects.filter(class_q(request.user), pk=d["school_class"]).first()
                    if d["school_class"] else None,
                )  # fmt: skip
            except DomainError as exc:
                error = str(exc)
            else:
                messages.success(request, "已添加责任人")
                return redirect("dropout:responsibles")
    else:
        form = forms.ResponsibleForm()
    qs = selectors.responsible_list(user=request.user, filters=request.GET)
    if wants_export(request):
        columns = [
            Column("责任线", lambda p: p.get_line_display()),
            Column("层级", lambda p: p.level_label),
            Column("姓名", lambda p: p.name),
            Column("职务", lambda p: p.post),
            Column("电话", lambda p: p.phone),
            Column("区域", lambda p: p.area.name if p.area else ""),
            Column("村民小组", lambda p: p.group_name),
            Column("学校", lambda p: p.school.name if p.school else ""),
            Column("班级", lambda p: str(p.school_class) if p.school_class else ""),
        ]
        return export_response(
            request, rows=qs, columns=columns, filename="包保责任人", object_type="dropout.ResponsiblePerson"
        )
    from jiaoyun.core.schoolyear import SchoolYear

    return render_page(
        request,
        "dropout/responsibles.html",
        {
            "form": form, "error": error, "page": paginate(request, qs), "lines": Line.choices,
            "areas": Area.objects.filter(area_q(request.user)).order_by("level", "code")[:800],
            "school_list": School.objects.filter(school_q(request.user), is_active=True),
            "class_list": SchoolClass.objects.filter(class_q(request.user), school_year=SchoolYear.current().start_year)
            .select_related("school")[:800],
            **_filter_options(request),
        },
    )  # fmt: skip


# ---------------------------------------------------------------- 户籍 roster


def hukou(request: HttpRequest) -> HttpResponse:
    from jiaoyun.people.choices import PovertyStatus

    if not is_county(request.user):
        raise PermissionDenied("户籍名册仅县教育体育局可查看和导入")
    form = forms.HukouUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.roster.hukou_upload(
                actor=request.user, upload=form.cleaned_data["file"], batch=form.cleaned_data["batch"]
            )
        except DomainError as exc:
            messages.error(request, f"导入失败（未写入任何数据）：{exc}")
            status = 400
        else:
            messages.success(request, f"导入完成：新增{result['created']}条，更新{result['updated']}条")
            return redirect("dropout:hukou")
    elif request.method == "POST":
        problems = "；".join(
            f"{form.fields[k].label if k in form.fields else ''}：{'，'.join(str(e) for e in v)}"
            for k, v in form.errors.items()
        )
        messages.error(request, f"导入失败（未写入任何数据）：{problems}")
        status = 400
    qs = selectors.hukou_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=qs, columns=HUKOU_COLUMNS, filename="户籍名册", object_type="dropout.HukouRecord"
        )
    return render_page(
        request,
        "dropout/hukou.html",
        {"form": form, "page": paginate(request, qs), "columns": services.roster.HUKOU_COLUMNS,
         "povertys": PovertyStatus.choices, "batches": selectors.hukou_batches(user=request.user),
         **_filter_options(request)},
        status=status,
    )  # fmt: skip


HUKOU_COLUMNS = [
    Column("姓名", lambda r: r.name),
    Column("性别", lambda r: r.get_sex_display() if r.sex else ""),
    Column("出生日期", lambda r: r.birth_date),
    Column("身份证号", lambda r: r.id_masked),
    Column("乡镇", lambda r: r.hukou_village.parent.name if r.hukou_village.parent else ""),
    Column("户籍村（社区）", lambda r: r.hukou_village.name),
    Column("村民小组", lambda r: r.group_name),
    Column("户主", lambda r: r.household_head),
    Column("脱贫户/监测户", lambda r: r.get_poverty_display() if r.poverty else ""),
    Column("对应学生", lambda r: r.student.name if r.student else ""),
    Column("就读学校", lambda r: r.student.current_school.name if r.student and r.student.current_school else ""),
    Column("比对说明", lambda r: r.match_note),
    Column("导入批次", lambda r: r.batch),
]


# ---------------------------------------------------------------- reports and bulletins


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise DomainError(f"月份“{text}”格式应为YYYY-MM", field="月份")


def reports(request: HttpRequest) -> HttpResponse:
    schools = School.objects.filter(school_q(request.user), is_active=True)
    report_form = forms.MonthlyReportForm(request.POST if request.POST.get("form") == "report" else None)
    review_form = forms.ReviewForm(request.POST if request.POST.get("form") == "review" else None)
    report_form.fields["school"].queryset = schools  # type: ignore[attr-defined]
    review_form.fields["school"].queryset = schools  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            if report_form.is_bound and report_form.is_valid():
                d = report_form.cleaned_data
                services.monthly_report_submit(
                    actor=request.user, school=d["school"], month=_month(d["month"]), note=d["note"]
                )
                messages.success(request, "月报告已提交并锁定")
            elif review_form.is_bound and review_form.is_valid():
                d = review_form.cleaned_data
                services.quarterly_review_mark(actor=request.user, school=d["school"], year=d["year"],
                                               quarter=d["quarter"], result=d["result"], note=d["note"])  # fmt: skip
                messages.success(request, "季度复核已记录")
            else:
                messages.error(request, "表单填写有误")
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect("dropout:reports")
    qs = selectors.monthly_report_list(user=request.user, filters=request.GET)
    if wants_export(request):
        return export_response(request, rows=qs, columns=REPORT_COLUMNS, filename="学校月报告",
                               object_type="dropout.SchoolMonthlyReport", personal=False)  # fmt: skip
    return render_page(
        request,
        "dropout/reports.html",
        {"report_form": report_form, "review_form": review_form, "can_review": is_county(request.user),
         "page": paginate(request, qs), "missing": selectors.monthly_report_missing(user=request.user,
                                                                                   filters=request.GET),
         "reviews": selectors.review_list(user=request.user)[:50], **_filter_options(request)},
    )  # fmt: skip


REPORT_COLUMNS = [
    Column("月份", lambda r: f"{r.month:%Y-%m}"),
    Column("乡镇", lambda r: r.school.township.name if r.school.township else ""),
    Column("学校", lambda r: r.school.name),
    Column("新增疑似", lambda r: r.figures.get("suspected_new", 0)),
    Column("新确认", lambda r: r.figures.get("confirmed_new", 0)),
    Column("复学", lambda r: r.figures.get("returned", 0)),
    Column("未返校", lambda r: r.figures.get("still_out", 0)),
    Column("劝返次数", lambda r: r.figures.get("attempts", 0)),
    Column("情况说明", lambda r: r.note),
    Column("报告人", lambda r: str(r.submitted_by) if r.submitted_by else ""),
    Column("提交时间", lambda r: timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")),
]


def bulletins(request: HttpRequest) -> HttpResponse:
    form = forms.BulletinForm(request.POST or None)
    if request.method == "POST":
        if not is_county(request.user):
            raise PermissionDenied("月度通报由县教育体育局生成")
        if form.is_valid():
            try:
                bulletin = services.bulletin_generate(actor=request.user, month=_month(form.cleaned_data["month"]))
            except (DomainError, DomainPermissionDenied) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"{bulletin}已生成并归档")
        return redirect("dropout:bulletins")
    return render_page(
        request,
        "dropout/bulletins.html",
        {"form": form, "page": paginate(request, selectors.bulletin_list(user=request.user)),
         "can_generate": is_county(request.user)},
    )  # fmt: skip


def bulletin_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from jiaoyun.dropout.models import Bulletin

    try:
        bulletin = selectors.bulletin_get(user=request.user, bulletin_id=pk)
    except Bulletin.DoesNotExist:
        raise Http404
    if fmt == "pdf":
        response = HttpResponse(bytes(bulletin.pdf), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            bytes(bulletin.xlsx), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.month:%Y-%m}.{fmt}"'
    return response
