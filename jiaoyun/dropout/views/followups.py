"""预防性跟进台账: the preventive follow-ups of 辍学预警 as a ledger of 控辍保学 (read through ``warning.selectors``,
written only by ``warning.services``, ADR 0047), its audited export, and the one click that opens a case from a
follow-up that found the child has left school."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.dropout import selectors as dropout_selectors
from jiaoyun.reports.export import Column
from jiaoyun.web.lists import list_page

FOLLOWUP_COLUMNS = [
    Column("姓名", lambda f: f.student.name),
    Column("性别", lambda f: f.student.get_sex_display()),
    Column("乡镇", lambda f: f.township.name if f.township else ""),
    Column("学校", lambda f: f.school.name if f.school else ""),
    Column("班级", lambda f: str(f.school_class) if f.school_class else ""),
    Column("预警因素", lambda f: f.reason),
    Column("责任人（班主任）", lambda f: f.responsible_name),
    Column("发起日期", lambda f: f.opened_on),
    Column("期限", lambda f: f.deadline),
    Column("状态", lambda f: f.get_status_display()),
    Column("反馈日期", lambda f: f.feedback_on),
    Column("情况记录", lambda f: f.note),
    Column("转入案件", lambda f: f"#{f.case_id}" if f.case_id else ""),
]


def followups(request: AuthedRequest) -> HttpResponse:
    from jiaoyun.warning import selectors, services
    from jiaoyun.warning.models import FollowupStatus

    today = timezone.localdate()
    rows = selectors.followup_ledger(user=request.user, filters=request.GET, today=today)
    places = dropout_selectors.filter_places(user=request.user)
    return list_page(
        request,
        rows=rows,
        template="dropout/followups.html",
        columns=FOLLOWUP_COLUMNS,
        filename="预防性跟进台账",
        object_type="warning.Followup",
        context={
            "townships": places["townships"], "schools": places["schools"], "today": today,
            "statuses": FollowupStatus.choices, "dues": selectors.LEDGER_DUE.items(),
            "closed": services.CLOSED, "may_open_case": services.followup_case_refusal(request.user, None) == "",
        },
    )  # fmt: skip


@require_POST
def followup_case(request: AuthedRequest, pk: int) -> HttpResponse:
    """已离校，转入控辍保学: a case on the 疑似 ledger, linked to the follow-up (``warning.services``)."""
    from jiaoyun.warning import selectors, services

    followup = selectors.followup_get_for_case(user=request.user, pk=pk)
    if followup is None:
        raise Http404("该跟进不存在，或不在您的数据范围内")
    try:
        case = services.followup_case_open(actor=request.user, followup=followup, note=request.POST.get("note", ""),
                                           on=timezone.localdate())  # fmt: skip
    except DomainPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("dropout:followups")
    messages.success(request, f"已将{followup.student.name}列入疑似辍学台账，请按劝返流程核实办理")
    return redirect("dropout:case", pk=case.pk)
