"""The case pages of 控辍保学: dashboard, ledgers, the children ledger, a case and its actions, its files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, ScopeLevel
from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import serve as serve_file
from jiaoyun.core.scope import scope_for
from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.dropout import forms, selectors, services, tasks
from jiaoyun.dropout.choices import CaseStatus, Source
from jiaoyun.dropout.models import CaseDocument, DropoutCase
from jiaoyun.dropout.permissions import STAGE_ACT, is_authority, is_county, may_take
from jiaoyun.dropout.views.common import filter_options
from jiaoyun.people.choices import StudentStatus
from jiaoyun.reports.export import Column
from jiaoyun.web.htmx import hx_redirect, render_page
from jiaoyun.web.lists import list_page


def dashboard(request: AuthedRequest) -> HttpResponse:
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
    Column("当前期限", lambda c: getattr(c, "next_deadline", None)),
    Column("安置方式", lambda c: c.get_placement_display()),
    Column("发现日期", lambda c: c.detected_on),
    Column("核实日期", lambda c: c.verified_on),
    Column("复学/安置日期", lambda c: c.returned_on),
    Column("脱贫/监测户", lambda c: c.priority),
]


def ledger(request: AuthedRequest, ledger: str) -> HttpResponse:
    if ledger not in selectors.LEDGERS:
        raise Http404
    filters = {**request.GET.dict(), "ledger": ledger}
    qs = selectors.case_list(user=request.user, filters=filters)
    title = selectors.LEDGERS[ledger][0]
    return list_page(
        request,
        rows=qs,
        template="dropout/ledger.html",
        columns=CASE_COLUMNS,
        filename=title.replace("/", "、"),
        object_type="dropout.DropoutCase",
        context={"title": title, "ledger": ledger, **filter_options(request)},
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


def children(request: AuthedRequest) -> HttpResponse:
    return list_page(
        request,
        rows=selectors.ledger_children(user=request.user, filters=request.GET),
        template="dropout/children.html",
        columns=CHILD_COLUMNS,
        filename="适龄儿童台账",
        object_type="people.Student",
        context={"student_statuses": StudentStatus.choices, **filter_options(request)},
    )


@require_POST
def case_new(request: AuthedRequest, student_id: int) -> HttpResponse:
    """列入疑似: a child found out of school by a door-to-door search (村) or reported by a school."""
    student = selectors.ledger_children(user=request.user).filter(pk=student_id).first()
    if student is None:
        raise Http404("学生不存在或不在您的数据范围内")
    level = scope_for(request.user).level
    sources: dict[str, str] = {ScopeLevel.VILLAGE: Source.DOOR_TO_DOOR, ScopeLevel.SCHOOL: Source.SCHOOL_REPORT,
                               ScopeLevel.CLASS: Source.SCHOOL_REPORT}  # fmt: skip
    source = sources.get(level, Source.OTHER)
    form = forms.CaseNewForm(request.POST)
    form.is_valid()  # the note is optional: an unreadable one is left out
    try:
        case = services.case_open(actor=request.user, student=student, source=source,
                                  note=form.cleaned_data.get("note", ""))  # fmt: skip
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("dropout:children")
    return redirect("dropout:case", pk=case.pk)


# ---------------------------------------------------------------- case page and actions


def _case_forms(case: DropoutCase, user: User) -> list[tuple[str, str, djforms.Form]]:
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


def _get_case(request: AuthedRequest, pk: int) -> DropoutCase:
    try:
        return selectors.case_get(user=request.user, case_id=pk)
    except DropoutCase.DoesNotExist:
        raise Http404("案件不存在或不在您的数据范围内")


def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        timeline = selectors.case_timeline(user=request.user, case_id=pk)
    except DropoutCase.DoesNotExist:
        raise Http404("案件不存在或不在您的数据范围内")
    case_forms = _case_forms(timeline.case, request.user) if request.user.can_write else []
    from jiaoyun.warning.selectors import followups_of_case

    return render_page(request, "dropout/case_detail.html", {"t": timeline, "case": timeline.case, "forms": case_forms,
                                                             "preventive": followups_of_case(case_id=pk)})  # fmt: skip


ActionFn = Callable[[User, DropoutCase, dict[str, Any], UploadedFile | None], object]

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
def case_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
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


def document_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
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


def evidence(request: AuthedRequest, owner: str, pk: int) -> HttpResponseBase:
    """An evidence file of a case (timeline event or 劝返 attempt): only if the case is in scope; audited."""
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
def run_job(request: AuthedRequest, job: str) -> HttpResponse:
    if not is_county(request.user):
        raise PermissionDenied("仅县教育体育局可执行")
    if job == "crossmatch":
        tasks.crossmatch_task.enqueue(actor_id=request.user.pk)
        messages.success(request, "四查三比对已提交后台执行，完成后台账自动更新，结果见本页“最近的四查三比对”。")
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
