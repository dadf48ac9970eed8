"""The county overview: the dashboard, the compliance list, the compliance rules and the monthly bulletin."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied
from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.reports.export import Column
from jiaoyun.reports.forms import MonthPickForm, ended_months, month_choices
from jiaoyun.reports.selectors import issued_by_subject, issued_get
from jiaoyun.safety import selectors, services
from jiaoyun.safety.forms import BulletinForm, RuleForm
from jiaoyun.safety.models import Rule
from jiaoyun.safety.permissions import is_safety_section
from jiaoyun.safety.services.bulletin import bulletin_subject
from jiaoyun.safety.views._common import Action, act, require_read, yes_no
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.web.charts import COUNT, PERCENT, bar, category_chart, line
from jiaoyun.web.htmx import render_page
from jiaoyun.web.lists import ListPage


def _dots(name: str, data: list[Any]) -> dict[str, Any]:
    """A rate drawn as dots beside the bars of a horizontal chart (no line between townships)."""
    return line(name, data, lineStyle={"width": 0}, symbolSize=9)


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    """The four dashboard charts: compliance, hazards and canteens per township (sorted, largest first);
    compliance over time."""
    comp, hz, ct, hist = data["compliance"]["townships"], data["hazards"], data["canteens"], data["history"]
    return {
        "chart_compliance": category_chart(
            [r["township"] for r in comp],
            [
                bar("达标率", [r["rate"] for r in comp]),
                _dots("保安配备", [r["guards_rate"] for r in comp]),
                _dots("封闭管理", [r["closed_rate"] for r in comp]),
                _dots("报警监控联网", [r["linked_rate"] for r in comp]),
            ],
            unit=PERCENT,
        ),
        "chart_hazards": category_chart(
            [r["township"] for r in hz],
            [bar("未销号", [r["open"] for r in hz]), bar("逾期未整改", [r["overdue"] for r in hz], color="#c0392b")],
            unit=COUNT,
        ),
        "chart_canteens": category_chart(
            [r["township"] for r in ct],
            [
                bar("六T检查平均分", [r["score"] for r in ct]),
                _dots("六T日检全项完成率（%）", [r["daily_rate"] for r in ct]),
            ],
        ),
        "chart_history": category_chart(
            [f"{r['date']:%Y-%m-%d}" for r in hist],
            [line("达标率", [r["rate"] for r in hist])],
            ordinal=True,
            unit=PERCENT,
            rotate=None,
            grid=None,
        ),
    }


def dashboard(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    data = selectors.dashboard(user=request.user)
    return render_page(request, "safety/dashboard.html", {**data, **_charts(data)})


COMPLIANCE_COLUMNS = [
    Column("乡镇", lambda s: s.school.township.name),
    Column("学校", lambda s: s.school.name),
    Column("师生员工数", lambda s: s.people),
    Column("应配保安员", lambda s: s.guards_required),
    Column("在岗保安员", lambda s: s.guards_on_duty),
    Column("达标", lambda s: yes_no(s.compliant)),
    Column("差距", lambda s: "；".join(s.gaps)),
    Column("日期", lambda s: s.date),
]

COMPLIANCE_PAGE = ListPage(
    template="safety/compliance.html",
    columns=COMPLIANCE_COLUMNS,
    filename="平安校园达标情况",
    object_type="safety.ComplianceSnapshot",
    personal=False,
)


def compliance(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    rows = selectors.compliance_list(user=request.user, filters=request.GET)
    context = {"townships": township_choices(request.user)}
    return COMPLIANCE_PAGE(request, rows, context)


def _rule_update(user: User, _: None, data: dict[str, Any], files: Any) -> Rule:
    rule = data["rule"]
    try:
        return services.rule_update(
            actor=user, rule=rule, threshold=data["threshold"], parameters=data["parameters"],
            is_active=data["is_active"],
        )  # fmt: skip
    except DomainError as exc:
        raise DomainError(f"规则“{rule}”：{exc}") from exc


RULE_UPDATE = Action(RuleForm, _rule_update, lambda rule: f"已修改规则“{rule}”并重新计算达标结果")


def rules(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    editable = is_safety_section(request.user) and request.user.can_write
    if request.method == "POST":
        form = RuleForm(request.POST, rules=selectors.rule_list())
        if done := act(request, RULE_UPDATE, form, None, then=reverse("safety:rules")):
            return done
    rows = [(r, json.dumps(r.parameters, ensure_ascii=False)) for r in selectors.rule_list()]
    return render_page(request, "safety/rules.html", {"rows": rows, "editable": editable})


def bulletin(request: AuthedRequest) -> HttpResponse:
    """The monthly safety section on its own page (the 控辍保学 bulletin includes the same partial), and the
    official 平安校园 bulletin of a month that has ended: generated once by the safety section (GB/T 9704 layout,
    a 文号), then opened from its archive. The month to generate is picked, not typed."""
    require_read(request)
    today = timezone.localdate()
    form = BulletinForm(request.GET)
    form.is_valid()
    month = form.cleaned_data.get("month") or today.replace(day=1)
    if month > today:
        month = today.replace(day=1)
    if form.cleaned_data.get("format") == "pdf":
        issued = issued_get(bulletin_subject(month))
        if issued is None or not issued.pdf_sha256:
            messages.info(request, f"{month.year}年{month.month}月的平安校园通报尚未生成")
            return redirect(f"{reverse('safety:bulletin')}?month={month:%Y-%m}")
        response = HttpResponse(bytes(issued.pdf), "application/pdf")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(issued.title)}.pdf"
        return response
    months = ended_months(today)
    done = issued_by_subject([bulletin_subject(m) for m in [month, *months]])  # one query: the pick and the viewed
    issued = done.get(bulletin_subject(month))
    choices = month_choices(months, {m: r.number for m in months if (r := done.get(bulletin_subject(m)))})
    can_issue = is_safety_section(request.user) and request.user.can_write
    issue_form = MonthPickForm(request.POST if request.method == "POST" else None, months=choices)
    notice = None
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied("平安校园月度通报由县教育体育局安全股生成")
        if issue_form.is_valid():
            picked = dt.date.fromisoformat(f"{issue_form.cleaned_data['month']}-01")
            existing = done.get(bulletin_subject(picked))
            label = f"{picked.year}年{picked.month}月"
            if existing is not None:
                notice = {
                    "text": f"{label}的通报已生成（{existing.number}）。已归档的通报不能重新生成，如需更正请另行发文。",
                    "url": f"{reverse('safety:bulletin')}?month={picked:%Y-%m}&format=pdf",
                    "label": f"打开{label}的通报",
                }
            else:
                try:
                    record, _ = services.safety_bulletin_issue(actor=request.user, month=picked)
                except (DomainError, DomainPermissionDenied) as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, f"{label}的平安校园通报已生成并归档（{record.number}）")
                return redirect(f"{reverse('safety:bulletin')}?month={picked:%Y-%m}")
    section = selectors.bulletin_section(month=month)
    return render_page(
        request,
        "safety/bulletin.html",
        {"section": section, "issued": issued, "issue_form": issue_form, "can_issue": can_issue, "notice": notice,
         "this_month": f"{today:%Y-%m}"},
    )  # fmt: skip
