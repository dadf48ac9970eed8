"""Inspections: the list, recording a checklist inspection, and one inspection (登记隐患 on a failed item)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.reports.export import Column
from jiaoyun.safety import selectors, services
from jiaoyun.safety.choices import InspectionKind, Severity
from jiaoyun.safety.forms import HazardOpenForm, InspectionForm, InspectionPickForm
from jiaoyun.safety.models import Inspection
from jiaoyun.safety.permissions import can_manage
from jiaoyun.safety.views._common import Action, act, require_read
from jiaoyun.web.htmx import render_page
from jiaoyun.web.lists import ListPage

INSPECTION_COLUMNS = [
    Column("日期", lambda i: i.date),
    Column("学校", lambda i: i.school.name),
    Column("食堂", lambda i: i.canteen.name if i.canteen else ""),
    Column("检查类型", lambda i: i.get_kind_display()),
    Column("检查表", lambda i: i.template.name),
    Column("得分", lambda i: float(i.score)),
    Column("不合格项", lambda i: i.failed_count),
    Column("检查人", lambda i: str(i.inspector)),
]

INSPECTION_PAGE = ListPage(
    template="safety/inspections.html",
    columns=INSPECTION_COLUMNS,
    filename="安全检查",
    object_type="safety.Inspection",
    personal=False,
)


def inspections(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    rows = selectors.inspection_list(user=request.user, filters=request.GET)
    context = {"kinds": InspectionKind.choices}
    return INSPECTION_PAGE(request, rows, context)


def _record(user: User, form: InspectionForm, data: dict[str, Any], files: Any) -> Inspection:
    return services.inspection_record(
        actor=user,
        school=form.school,
        template=form.template,
        kind=data["kind"],
        date=data["date"] or timezone.localdate(),
        outcomes=[services.ItemOutcome(pk, passed=passed, note=note) for pk, passed, note in form.outcomes()],
        canteen=data["canteen"],
        note=data["note"],
        open_hazards=data["open_hazards"],
        responsible=data["responsible"],
        deadline=data["deadline"],
        severity=data["severity"] or Severity.LOW,
    )


# The inspection is recorded on its own form, which knows the school, the checklist and its items.
INSPECTION_RECORD = Action(InspectionForm, _record, lambda insp: f"已保存检查记录，得分{insp.score}")


def inspection_new(request: AuthedRequest) -> HttpResponse:
    require_read(request)
    schools = selectors.school_list_writable(user=request.user)
    pick = InspectionPickForm(request.POST if request.method == "POST" else request.GET)
    picked = pick.cleaned_data if pick.is_valid() else {}
    school = schools.filter(pk=picked["school"]).first() if picked.get("school") else None
    template = selectors.checklist_template_pick(picked.get("template"))
    items = list(template.items.all()) if template else []
    canteens = selectors.canteen_list(school=school)
    responsibles = selectors.responsible_list(school=school) if school else None
    if request.method == "POST" and school and template and responsibles is not None:
        form = InspectionForm(request.POST, school=school, template=template, items=items, canteens=canteens,
                              responsible_qs=responsibles)  # fmt: skip
        if done := act(
            request, INSPECTION_RECORD, form, form, then=lambda i: reverse("safety:inspection", args=[i.pk])
        ):
            return done
    context = {"schools": schools, "school": school, "templates": selectors.checklist_template_list(),
               "template": template, "items": items, "canteens": canteens, "kinds": InspectionKind.choices,
               "severities": Severity.choices, "responsibles": responsibles if responsibles is not None else [],
               "today": timezone.localdate()}  # fmt: skip
    return render_page(request, "safety/inspection_new.html", context)


HAZARD_OPEN = Action(
    HazardOpenForm,
    lambda u, insp, d, f: services.hazard_open(
        actor=u, school=insp.school, inspection_result=d["result"], title=d["title"], severity=d["severity"],
        responsible=d["responsible"], deadline=d["deadline"],
    ),
    "已登记隐患",
)  # fmt: skip


def inspection(request: AuthedRequest, inspection_id: int) -> HttpResponse:
    require_read(request)
    insp = selectors.inspection_get(user=request.user, inspection_id=inspection_id)
    responsibles, results = selectors.responsible_list(school=insp.school), insp.results.all()
    form = HazardOpenForm(responsible_qs=responsibles, results=results)
    if request.method == "POST":
        form = HazardOpenForm(request.POST, responsible_qs=responsibles, results=results)
        if done := act(request, HAZARD_OPEN, form, insp, then=lambda h: reverse("safety:hazard", args=[h.pk])):
            return done
    return render_page(
        request,
        "safety/inspection.html",
        {"insp": insp, "editable": can_manage(request.user, insp.school), "form": form, "today": timezone.localdate()},
    )
