"""The preschool layout pages (学前布局): coverage and 普惠 capacity, the county map, the township outlines."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jiaoyun.areas.boundary import missing_townships
from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area, Boundary
from jiaoyun.areas.services import boundary_save
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import AuthedRequest
from jiaoyun.facilities.coverage import access, maps, selectors
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.web.htmx import render_page


def _require(request: AuthedRequest) -> None:
    if not access.can_view(request.user):
        raise PermissionDenied("无权查看学前教育布局：仅县级用户和乡镇（中心校）用户可查看")


def _township(request: AuthedRequest) -> int | None:
    raw = request.GET.get("township", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def coverage(request: AuthedRequest) -> HttpResponse:
    _require(request)
    township = _township(request)
    cov = selectors.coverage(user=request.user, township_id=township)
    status = request.GET.get("status", "")
    villages = [v for v in cov.villages if not status or v.status == status]
    context = {
        "cov": cov,
        "villages": villages,
        "status": status,
        "township": township,
        "townships": township_choices(request.user),
        "county": cov.county,
        "missing_now": cov.county.missing(cov.target),
        "missing_after": cov.county.missing(cov.target, after=True),
        "rows": [(r, r.missing(cov.target), r.missing(cov.target, after=True)) for r in cov.capacity.rows],
        "map": maps.coverage_map(request.user, cov),
        "boundary_url": maps.boundary_url(),
    }
    return render_page(request, "facilities/coverage.html", context)


def county_map(request: AuthedRequest) -> HttpResponse:
    _require(request)
    cov = selectors.coverage(user=request.user)
    boundary = Boundary.objects.select_related("county").first()
    context = {
        "cov": cov,
        "map": maps.county_map(request.user, cov),
        "boundary_url": maps.boundary_url(),
        "boundary": boundary,
        "missing": missing_townships(boundary) if boundary else [],
        "can_upload": access.can_edit_boundary(request.user),
    }
    return render_page(request, "facilities/coverage_map.html", context)


def boundary(request: AuthedRequest) -> JsonResponse:
    """The stored township outlines (GeoJSON) the user may see: the data of ``echarts.registerMap``."""
    _require(request)
    return JsonResponse(maps.boundary_for(request.user))


@require_POST
def boundary_upload(request: AuthedRequest) -> HttpResponse:
    """The county administrator imports the county's township outlines (a GeoJSON file)."""
    if not access.can_edit_boundary(request.user):
        raise PermissionDenied("仅县局管理员可导入乡镇边界")
    upload = request.FILES.get("file")
    county = Area.objects.filter(level=AreaLevel.COUNTY).first()
    if upload is None or county is None:
        messages.error(request, "请选择GeoJSON边界文件")
        return redirect("facilities:map")
    if upload.size and upload.size > 5 * 1024 * 1024:
        messages.error(request, "“边界文件”：文件超过5MB，请简化边界后再导入")
        return redirect("facilities:map")
    try:
        saved = boundary_save(actor=request.user, county=county, raw=upload.read(), file_name=upload.name or "")
    except DomainError as exc:
        messages.error(request, f"边界文件未导入：{exc}")
    else:
        missing = missing_townships(saved)
        text = f"已导入{len(saved.geojson['features'])}个乡镇的边界"
        messages.success(request, text + (f"；尚缺：{'、'.join(missing)}" if missing else ""))
    return redirect("facilities:map")
