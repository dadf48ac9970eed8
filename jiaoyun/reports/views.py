"""公文格式设置: the county administrator sets how each kind of official document is issued."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect

from jiaoyun.core.choices import Role
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports import selectors, services
from jiaoyun.reports.forms import LetterheadForm, LetterheadPickForm
from jiaoyun.reports.official import DEFAULT_LETTERHEADS, document_number
from jiaoyun.web.htmx import render_page


def letterheads(request: AuthedRequest) -> HttpResponse:
    if request.user.role not in (Role.COUNTY_ADMIN, Role.COUNTY_LEADER, Role.BUREAU_STAFF):
        raise PermissionDenied("公文格式设置由县局管理员维护")
    editable = request.user.role == Role.COUNTY_ADMIN and request.user.can_write
    bound, bound_key = None, ""
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("公文格式设置由县局管理员维护")
        pick = LetterheadPickForm(request.POST)
        if not pick.is_valid():
            raise PermissionDenied("未知的公文种类")
        key = bound_key = pick.cleaned_data["letterhead"]
        bound = LetterheadForm(request.POST, prefix=key)
        if bound.is_valid():
            try:
                values = {**bound.cleaned_data, "prefix": bound.cleaned_data["code"]}
                head = services.letterhead_update(actor=request.user, key=key, values=values)
            except DomainError as exc:
                bound.add_error(None, str(exc))
            else:
                messages.success(request, f"已保存“{head.name}”的公文格式，此后生成的公文使用新设置")
                return redirect("reports:letterheads")
    rows = []
    for key, values in selectors.letterhead_list():
        form = (
            bound
            if bound is not None and bound_key == key
            else LetterheadForm(initial={**values, "code": values["prefix"]}, prefix=key)
        )
        rows.append({"key": key, "values": values, "form": form,
                     "example": document_number(values["prefix"], 2021, 12)})  # fmt: skip
    return render_page(request, "reports/letterheads.html", {"rows": rows, "editable": editable,
                                                             "kinds": len(DEFAULT_LETTERHEADS)})  # fmt: skip
