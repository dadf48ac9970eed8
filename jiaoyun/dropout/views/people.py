"""The people around the cases: the class registers (absences) taken by class teachers, and the 包保责任人 of the two lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.dropout import forms, selectors, services
from jiaoyun.dropout.choices import Line
from jiaoyun.dropout.views.common import filter_options
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

# ---------------------------------------------------------------- absences: a class's register of a day


def _register_url(school_class: Any, date: dt.date) -> str:
    return f"{reverse('dropout:absences')}?{urlencode({'klass': school_class.pk, 'date': date.isoformat()})}"


def _last_school_day(today: dt.date) -> dt.date:
    """Today, or on a weekend the Friday before (the register a teacher is most likely to open)."""
    return today - dt.timedelta(days=max(0, today.weekday() - 4))


def absences(request: AuthedRequest) -> HttpResponse:
    """缺勤登记: the class teacher opens their class (a county, township or school user picks a school, then a
    class), sees the day's roster with every pupil present by default, and saves the whole class at once."""
    user = request.user
    today = timezone.localdate()
    pick = forms.RegisterPickForm(request.GET)
    pick.is_valid()
    picked = pick.cleaned_data
    date = picked.get("date") or _last_school_day(today)
    school_class = school = None
    schools: Any = []
    classes: list[Any] = []
    if picked.get("klass"):
        school_class = selectors.register_class_get(user=user, class_id=picked["klass"])
        if school_class is None:
            raise Http404("该班级不存在，或不在您的数据范围内")
        school = school_class.school
    elif selectors.may_view_registers(user):
        schools = list(selectors.register_schools(user=user))
        if picked.get("school"):
            school = next((s for s in schools if s.pk == picked["school"]), None)
            if school is None:
                raise Http404("该学校不存在，或不在您的数据范围内")
        elif len(schools) == 1:
            school = schools[0]
        if school is not None:
            classes = list(selectors.register_classes(user=user, school_id=school.pk))
            if len(classes) == 1:
                school_class = classes[0]
    context: dict[str, Any] = {
        "pick": pick, "date": date, "today": today, "school": school, "schools": schools,
        "school_class": school_class, "may_view": selectors.may_view_registers(user),
    }  # fmt: skip
    if school_class is None:
        taken = selectors.registers_taken(classes=classes, date=date) if classes else {}
        context["classes"] = [(c, taken.get(c.pk)) for c in classes]
        filters: Mapping[str, Any] = request.GET
    else:
        day = selectors.register_day(user=user, school_class=school_class, date=date)
        refusal = services.register_refusal(user, school_class)
        form = forms.ClassRegisterForm(
            request.POST if request.method == "POST" else None,
            pupils=day.pupils, absences=day.absences, initial={"date": date},
        )  # fmt: skip
        if request.method == "POST":
            if refusal:
                raise PermissionDenied(refusal)
            if form.is_valid():
                on = form.cleaned_data["date"]
                marks = {sid: services.Mark(kind, note) for sid, (kind, note) in form.marks().items()}
                try:
                    services.class_register_save(actor=user, school_class=school_class, date=on, marks=marks)
                except (DomainError, DomainPermissionDenied) as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(
                        request,
                        f"已保存{school_class}{on.year}年{on.month}月{on.day}日的考勤："
                        f"在校{len(day.pupils)}人，缺勤{len(marks)}人",
                    )
                    return redirect(_register_url(school_class, on))
        context.update(day=day, form=form, refusal=refusal, is_today=date == today, weekend=date.weekday() >= 5,
                       absent=len(day.absences))  # fmt: skip
        filters = {}
    context["page"] = paginate(request, selectors.absence_list(user=user, filters=filters, school_class=school_class))
    return render_page(request, "dropout/absences.html", context)


# ---------------------------------------------------------------- responsible persons


def responsibles(request: AuthedRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        form = forms.ResponsibleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                area, school, school_class = selectors.responsible_place_get(
                    user=request.user, area=d["area"], school=d["school"], school_class=d["school_class"]
                )
                services.responsible_create(
                    actor=request.user, line=d["line"], level=d["level"], name=d["name"], post=d["post"],
                    phone=d["phone"], group_name=d["group_name"], area=area, school=school, school_class=school_class,
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
    return render_page(
        request,
        "dropout/responsibles.html",
        {
            "form": form, "error": error, "page": paginate(request, qs), "lines": Line.choices,
            **selectors.responsible_places(user=request.user),
            **filter_options(request),
        },
    )  # fmt: skip
