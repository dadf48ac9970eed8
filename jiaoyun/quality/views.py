"""Pages of the quality module: 综合素质评价, 1+X证书, 技能竞赛, 职普融合 (thin: selectors read, services write)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, ScopeLevel
from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import serve as serve_file
from jiaoyun.core.scope import scope_for
from jiaoyun.core.types import AuthedRequest
from jiaoyun.people.models import Student
from jiaoyun.quality import forms as F
from jiaoyun.quality import permissions as P
from jiaoyun.quality import selectors as sel
from jiaoyun.quality import services
from jiaoyun.quality.choices import PortfolioState
from jiaoyun.quality.models import Competition, EvaluationTerm
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.schools.models import School, SchoolClass
from jiaoyun.web.charts import COUNT, PERCENT, bar, category_chart, line, pie_chart
from jiaoyun.web.htmx import hx_redirect, render_page

S = PortfolioState


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _run(request: AuthedRequest, work: Callable[[], Any], done: str, then: str) -> HttpResponse:
    """Call one service; its refusal (DomainError) becomes the page's message. Back to ``then`` either way."""
    try:
        work()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return hx_redirect(request, then)


def _invalid(request: AuthedRequest, form: Any, then: str) -> HttpResponse:
    text = "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{'，'.join(v)}" for k, v in form.errors.items()
    )
    messages.error(request, text or "请检查填写的内容")
    return hx_redirect(request, then)


def _term(request: AuthedRequest) -> EvaluationTerm | None:
    raw = request.GET.get("term", "")
    if raw.isdigit():
        found = EvaluationTerm.objects.filter(pk=int(raw)).first()
        if found is not None:
            return found
    return sel.term_current()


def _choices(form: Any, name: str, choices: list[tuple[str, str]]) -> None:
    """Set the choices of a ChoiceField built per request (what the user may pick)."""
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


def _students_choices(user: Any, **filters: Any) -> list[tuple[str, str]]:
    rows = sel.students_to_pick(user, **filters)
    return [(str(s.pk), f"{s.name}（{s.current_school.name if s.current_school else '—'}）") for s in rows]


# -- 综合素质评价 -----------------------------------------------------------------------------------------------


PROGRESS_COLUMNS = [
    Column("单位", lambda r: r.label),
    Column("在校普高学生", lambda r: r.students),
    Column("写实记录", lambda r: r.of(S.RECORDING)),
    Column("已遴选", lambda r: r.of(S.SELECTED)),
    Column("公示中", lambda r: r.of(S.PUBLICITY)),
    Column("待审核确认", lambda r: r.of(S.REVIEW)),
    Column("已确认归档", lambda r: r.confirmed),
    Column("完成率（%）", lambda r: r.rate),
]


def evaluation(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_evaluation(user), "综合素质评价仅学校、班主任、学生本人和教育行政部门可查看")
    term = _term(request)
    if P.is_student(user):
        return _student_page(request, term)
    level = scope_for(user).level
    by = "class" if level in (ScopeLevel.SCHOOL, ScopeLevel.CLASS) else "school"
    rows = sel.progress(user, term, by=by)
    total = sel.completeness_total(rows)
    if wants_export(request):
        return export_response(request, rows=[*rows, total], columns=PROGRESS_COLUMNS,
                               filename=f"综合素质评价进度-{term or ''}", object_type="quality.Portfolio",
                               personal=False)  # fmt: skip
    chart = category_chart(
        [r.label for r in rows],
        [bar("完成率", [r.rate for r in rows])],
        unit=PERCENT,
    )
    states = pie_chart([(label, total.of(key)) for key, label in S.choices], radius=("35%", "65%"))
    context: dict[str, Any] = {
        "term": term, "terms": sel.terms(), "rows": rows, "total": total, "by": by, "chart": chart,
        "states": states, "state_choices": S.choices, "can_term": P.is_bureau_editor(user),
        "term_form": F.TermForm(),
    }  # fmt: skip
    if term is not None and level == ScopeLevel.CLASS:
        context["classes"] = _class_panels(request, term)
    if term is not None and level in (ScopeLevel.SCHOOL, ScopeLevel.CLASS):
        context["review"] = (
            sel.portfolios(user, term=term).filter(state=S.REVIEW).order_by("school_class", "student__name")
        )
        context["can_confirm"] = level == ScopeLevel.SCHOOL and user.can_write
    if term is not None:
        context["publicities"] = sel.publicity_visible(user).filter(term=term).order_by("school_class__name")[:50]
    return render_page(request, "quality/evaluation.html", context)


def _class_panels(request: AuthedRequest, term: EvaluationTerm) -> list[dict[str, Any]]:
    user = request.user
    panels = []
    for klass in SchoolClass.objects.filter(pk__in=scope_for(user).class_ids).select_related("school").order_by("name"):
        items = sel.portfolios(user, term=term).filter(school_class=klass).order_by("student__name")
        panels.append({
            "klass": klass, "portfolios": items,
            "publicity": sel.publicity_visible(user).filter(school_class=klass, term=term).first(),
            "form": F.PublicityForm(initial={"school_class": klass.pk, "term": term.pk, "starts": timezone.localdate()}),
        })  # fmt: skip
    return panels


def _student_page(request: AuthedRequest, term: EvaluationTerm | None) -> HttpResponse:
    user = request.user
    student = sel.own_student(user)
    portfolio = sel.portfolios(user, term=term).first() if term else None
    context = {
        "student": student, "term": term, "portfolio": portfolio,
        "dimensions": sel.records_by_dimension(portfolio) if portfolio else [],
        "results": sel.results_of(user, student.pk) if student else [],
        "form": F.RecordForm(), "history": sel.portfolios(user).order_by("-term__school_year", "-term__term"),
        "publicity": sel.publicity_of(portfolio) if portfolio else None,
        "can_record": (portfolio is None or portfolio.state == S.RECORDING) and term is not None
        and timezone.localdate() <= term.record_deadline,
    }  # fmt: skip
    return render_page(request, "quality/student.html", context)


@require_POST
def record_new(request: AuthedRequest) -> HttpResponse:
    _require(P.is_student(request.user), "写实记录只能由学生本人填写")
    then = reverse("quality:evaluation")
    form = F.RecordForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, form, then)
    d = form.cleaned_data
    return _run(request, lambda: services.record_create(
        actor=request.user, dimension=d["dimension"], title=d["title"], date=d["date"], hours=d["hours"],
        description=d["description"], files=d["evidence"]), "写实记录已保存", then)  # fmt: skip


@require_POST
def record_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    record = sel.record_get(request.user, pk)
    return _run(request, lambda: services.record_delete(actor=request.user, record=record), "写实记录已删除",
                reverse("quality:evaluation"))  # fmt: skip


def portfolio(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_evaluation(user), "无权查看综合素质评价")
    p = sel.portfolio_get(user, pk)
    if request.method == "POST":
        action, then = request.POST.get("action", ""), reverse("quality:portfolio", args=[p.pk])
        if action == "select":
            ids = [int(i) for i in request.POST.getlist("records") if i.isdigit()]
            return _run(request, lambda: services.portfolio_select(actor=user, portfolio=p, record_ids=ids),
                        "已完成整理遴选", then)  # fmt: skip
        if action == "return":
            return _run(request, lambda: services.portfolio_return(actor=user, portfolio=p,
                                                                   note=request.POST.get("note", "")),
                        "已退回学生补充", then)  # fmt: skip
        if action == "confirm":
            return _run(
                request, lambda: services.portfolio_confirm(actor=user, portfolio=p), "已审核确认并形成档案", then
            )
        messages.error(request, "未知的操作")
        return hx_redirect(request, then)
    context = {
        "p": p, "dimensions": sel.records_by_dimension(p), "results": sel.results_of(user, p.student_id),
        "events": p.events.select_related("actor"), "publicity": sel.publicity_of(p),
        "can_select": P.teaches_class(user, p.school_class_id) and p.state == S.RECORDING,
        "can_return": P.teaches_class(user, p.school_class_id) and p.state == S.SELECTED,
        "can_confirm": P.is_principal_of(user, p.school_id) and p.state == S.REVIEW,
    }  # fmt: skip
    return render_page(request, "quality/portfolio.html", context)


def archive(request: AuthedRequest, pk: int) -> HttpResponseBase:
    p = sel.portfolio_get(request.user, pk)
    if not p.archive_sha256:
        raise PermissionDenied("该学生本学期的综合素质档案尚未形成（须审核确认后生成）")
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=p, note="下载综合素质档案PDF",
                 changes={"sha256": p.archive_sha256})  # fmt: skip
    return serve_file(request, p.archive, filename=f"综合素质档案-{p.student.name}-{p.term}.pdf")


def evidence(request: AuthedRequest, pk: int) -> HttpResponseBase:
    item = sel.evidence_get(request.user, pk)
    return serve_file(request, item.file, filename=item.name or f"佐证-{item.pk}")


@require_POST
def term_new(request: AuthedRequest) -> HttpResponse:
    _require(P.is_bureau_editor(request.user), "评价学期由县教育局基础教育股设置")
    then = reverse("quality:evaluation")
    form = F.TermForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, then)
    return _run(request, lambda: services.term_create(actor=request.user, **form.cleaned_data), "评价学期已设置", then)


@require_POST
def publicity_open(request: AuthedRequest) -> HttpResponse:
    user = request.user
    then = reverse("quality:evaluation")
    form = F.PublicityForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, then)
    d = form.cleaned_data
    _require(P.teaches_class(user, d["school_class"]), "只有本班班主任可以发起公示")
    klass = SchoolClass.objects.get(pk=d["school_class"])
    term = EvaluationTerm.objects.filter(pk=d["term"]).first()
    if term is None:
        messages.error(request, "评价学期不存在")
        return hx_redirect(request, then)
    return _run(request, lambda: services.publicity_open(actor=user, school_class=klass, term=term, starts=d["starts"]),
                "公示已发起", then)  # fmt: skip


def publicity(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_evaluation(user), "无权查看公示")
    pub = sel.publicity_get(user, pk)
    then = reverse("quality:publicity", args=[pub.pk])
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "close":
            return _run(
                request, lambda: services.publicity_close(actor=user, publicity=pub), "公示已结束，转入审核确认", then
            )
        if action == "objection":
            form = F.ObjectionForm(request.POST)
            if not form.is_valid():
                return _invalid(request, form, then)
            d = form.cleaned_data
            target = sel.portfolios(user, term=pub.term).filter(pk=d["portfolio"]).first()
            if target is None:
                messages.error(request, "涉及学生不在本次公示中")
                return hx_redirect(request, then)
            return _run(request, lambda: services.objection_add(actor=user, publicity=pub, portfolio=target,
                                                               raised_by=d["raised_by"], content=d["content"]),
                        "异议已登记", then)  # fmt: skip
        if action == "resolve":
            resolve = F.ResolveForm(request.POST)
            if not resolve.is_valid():
                return _invalid(request, resolve, then)
            objection = sel.objections_of(pub, user).filter(pk=resolve.cleaned_data["objection"]).first()
            if objection is None:
                messages.error(request, "异议不存在")
                return hx_redirect(request, then)
            withdraw = [int(i) for i in request.POST.getlist("withdraw") if i.isdigit()]
            return _run(request, lambda: services.objection_resolve(
                actor=user, objection=objection, resolution=resolve.cleaned_data["resolution"], withdraw=withdraw),
                "异议已处理", then)  # fmt: skip
        messages.error(request, "未知的操作")
        return hx_redirect(request, then)
    items = sel.portfolios(user, term=pub.term).filter(school_class_id=pub.school_class_id).order_by("student__name")
    records = {p.pk: sel.records_by_dimension(p, selected_only=True) for p in items}
    may = P.teaches_class(user, pub.school_class_id) or P.is_principal_of(user, pub.school_class.school_id)
    context = {
        "pub": pub, "items": [(p, records[p.pk]) for p in items], "objections": sel.objections_of(pub, user),
        "may_handle": may and pub.is_open, "closable": pub.is_open and timezone.localdate() > pub.ends,
        "objection_form": F.ObjectionForm(),
    }  # fmt: skip
    return render_page(request, "quality/publicity.html", context)


# -- 1+X ------------------------------------------------------------------------------------------------------


CERT_COLUMNS = [
    Column("学校", lambda c: c.student.current_school.name if c.student.current_school else ""),
    Column("学生", lambda c: c.student.name),
    Column("证书名称", lambda c: c.name),
    Column("等级", lambda c: c.get_level_display()),
    Column("发证机构", lambda c: c.organisation),
    Column("发证日期", lambda c: c.issued_on),
    Column("证书编号", lambda c: c.number),
    Column("状态", lambda c: "已撤销" if c.revoked else "有效"),
]


def _graduating_year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    from jiaoyun.core.schoolyear import SchoolYear

    return SchoolYear.of(timezone.localdate()).start_year + 1


def certificates(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_quality(user), "1+X证书仅学校和教育行政部门可查看")
    if wants_export(request):
        return export_response(request, rows=sel.certificates(user), columns=CERT_COLUMNS, filename="1+X证书",
                               object_type="quality.Certificate")  # fmt: skip
    year = _graduating_year(request)
    by_major = sel.holding_by_major(user, year=year)
    by_year = sel.holding_by_year(user)
    target = sel.targets().get(year)
    major_chart = category_chart([r.label for r in by_major], [bar("持证率", [r.rate for r in by_major])], unit=PERCENT)
    if target is not None and by_major:
        major_chart["series"][0]["markLine"] = {"symbol": "none", "data": [{"xAxis": float(target), "name": "目标"}],
                                                "label": {"formatter": f"目标 {target}%"}}  # fmt: skip
    year_chart = category_chart(
        [r.label for r in by_year],
        [bar("持证率", [r.rate for r in by_year]), line("目标", [float(r.target) if r.target is not None else None
                                                                for r in by_year])],
        ordinal=True, unit=PERCENT, rotate=None,
    )  # fmt: skip
    context = {
        "year": year, "target": target, "by_major": by_major, "by_school": sel.holding_by_school(user, year=year),
        "by_grade": sel.holding_by_grade(user), "by_year": by_year, "major_chart": major_chart,
        "year_chart": year_chart, "majors": sel.majors(user), "recent": sel.certificates(user)[:30],
        "can_target": P.is_bureau_editor(user), "target_form": F.TargetForm(initial={"year": year}),
        "can_enter": user.can_write and scope_for(user).level in (ScopeLevel.COUNTY, ScopeLevel.SCHOOL),
    }  # fmt: skip
    return render_page(request, "quality/certificates.html", context)


def certificate_new(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_quality(user) and user.can_write, "无权登记1+X证书")
    form = F.CertificateForm(request.POST or None)
    _choices(form, "student", _students_choices(user, current_school__kind="vocational"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        student = sel.student_in_scope(user, int(d["student"]))
        try:
            if student is None:
                raise DomainError("学生不在您的数据范围内", field="学生")
            services.certificate_create(actor=user, student=student, name=d["name"], level=d["level"],
                                        organisation=d["organisation"], issued_on=d["issued_on"], number=d["number"])  # fmt: skip
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "1+X证书已登记")
            return hx_redirect(request, reverse("quality:certificates"))
    return render_page(request, "quality/form.html", {"form": form, "title": "登记1+X证书", "module": "quality",
                                                       "back": reverse("quality:certificates")})  # fmt: skip


@require_POST
def target_set(request: AuthedRequest) -> HttpResponse:
    _require(P.is_bureau_editor(request.user), "持证率目标由县教育局设定")
    then = reverse("quality:certificates")
    form = F.TargetForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, then)
    d = form.cleaned_data
    return _run(request, lambda: services.target_set(actor=request.user, year=d["year"], rate=d["rate"]),
                f"{d['year']}届目标持证率已设为{d['rate']}%", f"{then}?year={d['year']}")  # fmt: skip


# -- competitions ------------------------------------------------------------------------------------------------


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def competitions(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_quality(user), "技能竞赛仅学校和教育行政部门可查看")
    year = _year(request)
    if request.method == "POST":
        then = reverse("quality:competitions")
        form = F.CompetitionForm(request.POST)
        if not form.is_valid():
            return _invalid(request, form, then)
        return _run(request, lambda: services.competition_create(actor=user, **form.cleaned_data), "竞赛已登记", then)
    figures = sel.competition_figures(user, year=year)
    chart = category_chart(
        [r["label"] for r in figures["townships"]],
        [bar("学生获奖", [r["student_awards"] for r in figures["townships"]], stack="a"),
         bar("教师获奖", [r["teacher_awards"] for r in figures["townships"]], stack="a")],
        unit=COUNT,
    )  # fmt: skip
    context = {
        "year": year, "figures": figures, "chart": chart,
        "events": Competition.objects.filter(date__year=year).order_by("-date")[:100],
        "entries": sel.entries(user).filter(competition__date__year=year).order_by("-competition__date")[:100],
        "can_create": P.is_bureau_editor(user) or P.is_principal_of(user, user.school_id),
        "form": F.CompetitionForm(),
    }  # fmt: skip
    return render_page(request, "quality/competitions.html", context)


def competition(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_quality(user), "无权查看竞赛")
    event = Competition.objects.filter(pk=pk).first()
    if event is None:
        from django.http import Http404

        raise Http404("没有这项竞赛")
    form = F.EntryForm(request.POST or None)
    picked = sel.students_to_pick(user, 300, status="in_school", current_grade__gte=7)
    people = [(f"s{s.pk}", f"学生：{s.name}") for s in picked]
    people += [(f"t{t.pk}", f"教师：{t.name}") for t in sel.teachers_to_pick(user)]
    _choices(form, "person", people)
    if request.method == "POST":
        then = reverse("quality:competition", args=[event.pk])
        if not form.is_valid():
            return _invalid(request, form, then)
        d = form.cleaned_data
        kind, pid = d["person"][0], int(d["person"][1:])
        student = sel.student_in_scope(user, pid) if kind == "s" else None
        teacher = sel.teacher_in_scope(user, pid) if kind == "t" else None
        school_id = student.current_school_id if student else (teacher.school_id if teacher else None)
        school = School.objects.filter(pk=school_id).first() if school_id else None
        if school is None:
            messages.error(request, "所选人员不在您的数据范围内")
            return hx_redirect(request, then)
        return _run(request, lambda: services.entry_add(actor=user, competition=event, school=school, role=d["role"],
                                                       award=d["award"], student=student, teacher=teacher,
                                                       event=d["event"]), "参赛与获奖已登记", then)  # fmt: skip
    context = {"event": event, "entries": sel.entries(user).filter(competition=event), "form": form,
               "can_enter": user.can_write and scope_for(user).level in (ScopeLevel.COUNTY, ScopeLevel.SCHOOL)}  # fmt: skip
    return render_page(request, "quality/competition.html", context)


# -- 职普融合 and 中高职衔接 ------------------------------------------------------------------------------------------


def pathways(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_quality(user), "职普融合仅学校和教育行政部门可查看")
    figures = sel.progression_figures(user)
    chart = category_chart(
        [f"{r['graduation_year']}届" for r in figures],
        [bar("升学率", [r["study_rate"] for r in figures]), bar("就业率", [r["employed_rate"] for r in figures])],
        ordinal=True, unit=PERCENT, rotate=None,
    )  # fmt: skip
    context = {
        "pilots": sel.pilot_classes(user), "transfers": sel.transfers(user)[:50], "credits": sel.credits(user)[:50],
        "credit_total": sel.credit_total(user), "figures": figures, "chart": chart,
        "progressions": sel.progressions(user)[:50],
        "can_enter": user.can_write and scope_for(user).level in (ScopeLevel.COUNTY, ScopeLevel.SCHOOL),
    }  # fmt: skip
    return render_page(request, "quality/pathways.html", context)


def _pathway_form(
    request: AuthedRequest, form: Any, title: str, save: Callable[[dict[str, Any]], Any]
) -> HttpResponseBase:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{title}已登记")
            return hx_redirect(request, reverse("quality:pathways"))
    return render_page(
        request, "quality/form.html", {"form": form, "title": title, "back": reverse("quality:pathways")}
    )


def _student_in_scope(user: Any, raw: str) -> Student:
    found = sel.student_in_scope(user, int(raw))
    if found is None:
        raise DomainError("学生不在您的数据范围内", field="学生")
    return found


def transfer_new(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_quality(user) and user.can_write, "无权办理普职转学")
    form = F.TransferForm(request.POST or None)
    _choices(form, "student", _students_choices(user, status="in_school", current_grade__gte=10))
    _choices(form, "to_school", [(str(s.pk), s.name) for s in School.objects.filter(
        kind__in=("senior", "complete_secondary", "vocational"), is_active=True).order_by("name")])  # fmt: skip

    def save(d: dict[str, Any]) -> Any:
        school = School.objects.get(pk=int(d["to_school"]))
        return services.track_transfer(actor=user, student=_student_in_scope(user, d["student"]), to_school=school,
                                       date=d["date"], grade=d["grade"], reason=d["reason"])  # fmt: skip

    return _pathway_form(request, form, "普职转学", save)


def credit_new(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_quality(user) and user.can_write, "无权登记学分互认")
    form = F.CreditForm(request.POST or None)
    _choices(form, "student", _students_choices(user, status="in_school", current_grade__gte=10))
    return _pathway_form(request, form, "学分互认", lambda d: services.credit_recognise(
        actor=user, student=_student_in_scope(user, d["student"]), from_track=d["from_track"], to_track=d["to_track"],
        course=d["course"], credits=d["credits"], recognised_on=d["recognised_on"]))  # fmt: skip


def progression_new(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    _require(P.can_view_quality(user) and user.can_write, "无权登记毕业生去向")
    form = F.ProgressionForm(request.POST or None)
    _choices(form, "student", _students_choices(user, status="graduated", current_school__kind="vocational"))
    return _pathway_form(request, form, "毕业生去向", lambda d: services.progression_record(
        actor=user, student=_student_in_scope(user, d["student"]), outcome=d["outcome"],
        destination=d["destination"], bridge=d["bridge"]))  # fmt: skip


def pilot_new(request: AuthedRequest) -> HttpResponseBase:
    from jiaoyun.core.scope import class_q

    user = request.user
    _require(P.can_view_quality(user) and user.can_write, "无权登记试点班")
    form = F.PilotForm(request.POST or None)
    _choices(form, "school_class", [(str(c.pk), f"{c.school.name} {c}") for c in SchoolClass.objects.filter(
        class_q(user), grade__gte=10).select_related("school").order_by("school__name", "-school_year", "grade")[:300]])  # fmt: skip

    def save(d: dict[str, Any]) -> Any:
        klass = SchoolClass.objects.filter(class_q(user), pk=int(d["school_class"])).first()
        if klass is None:
            raise DomainError("班级不在您的数据范围内", field="班级")
        return services.pilot_class_set(actor=user, school_class=klass, kind=d["kind"], partner=d["partner"],
                                        since=d["since"])  # fmt: skip

    return _pathway_form(request, form, "试点班", save)
