"""户籍名册: the police roster of the county's children, for the county (list, export, import)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from jiaoyun.core.errors import DomainError
from jiaoyun.dropout import forms, selectors, services
from jiaoyun.dropout.permissions import is_county
from jiaoyun.dropout.views.common import filter_options as _filter_options
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate


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
