"""The people around the cases: absences marked by class teachers, and the 包保责任人 of the two lines."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import AuthedRequest
from jiaoyun.dropout import forms, selectors, services
from jiaoyun.dropout.choices import Line
from jiaoyun.dropout.views.common import filter_options
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

# ---------------------------------------------------------------- absences (class teachers, phones)


def absences(request: AuthedRequest) -> HttpResponse:
    students = selectors.class_students(user=request.user)
    error = ""
    if request.method == "POST":
        form = forms.AbsenceForm(request.POST)
        form.is_valid()  # the ticked students are read even when the date is wrong: no student is the first error
        chosen = list(students.filter(pk__in=form.cleaned_data.get("student", [])))
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
