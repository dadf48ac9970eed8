"""The map layers of the preschool layout and of the county map: schools by kind, coverage gaps, projects."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area, Boundary
from jiaoyun.core.scope import area_q
from jiaoyun.facilities.coverage.selectors import Coverage
from jiaoyun.schools.models import School
from jiaoyun.web.charts import Option, map_option, map_points

# (layer, colour, kinds, ownerships or None)
SCHOOL_LAYERS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...] | None], ...] = (
    ("公办幼儿园", "#2e7d32", ("kindergarten",), ("public",)),
    ("普惠性民办幼儿园", "#7cb342", ("kindergarten",), ("inclusive_private",)),
    ("其他民办幼儿园", "#9e9e9e", ("kindergarten",), ("other_private",)),
    ("教学点", "#f9a825", ("teaching_point",), None),
    ("小学", "#1565c0", ("primary",), None),
    ("初中、九年一贯制", "#6a1b9a", ("junior", "nine_year"), None),
    ("高中、中职、特教", "#00838f", ("complete_secondary", "senior", "vocational", "special"), None),
)
GAP_COLOR, CENTRE_GAP_COLOR, PROJECT_COLOR, LATE_COLOR = "#c62828", "#fdecea", "#ef6c00", "#b71c1c"


def township_ids(user: Any) -> list[int]:
    return list(Area.objects.filter(area_q(user), level=AreaLevel.TOWNSHIP).values_list("id", flat=True))


def boundary_for(user: Any) -> dict[str, Any]:
    """The stored outlines of the townships the user may see (a township user: their own township)."""
    boundary = Boundary.objects.select_related("county").first()
    if boundary is None:
        return {"type": "FeatureCollection", "features": []}
    codes = set(Area.objects.filter(area_q(user), level=AreaLevel.TOWNSHIP).values_list("code", flat=True))
    features = [f for f in boundary.geojson.get("features", []) if f["properties"]["code"] in codes]
    return {"type": "FeatureCollection", "features": features}


def school_layers(user: Any, *, preschool_only: bool = False) -> list[Option]:
    rows = list(
        School.objects.filter(is_active=True, township_id__in=township_ids(user), latitude__isnull=False)
        .values("id", "name", "kind", "ownership", "latitude", "longitude", "seats", "township__name")
        .order_by("id")
    )
    layers = []
    for label, color, kinds, owners in SCHOOL_LAYERS:
        if preschool_only and kinds != ("kindergarten",) and kinds != ("teaching_point",):
            continue
        points = [
            {"name": r["name"], "lng": r["longitude"], "lat": r["latitude"],
             "info": f"{r['township__name']}" + (f" · 核定学位{r['seats']}" if r["seats"] else "")}
            for r in rows if r["kind"] in kinds and (owners is None or r["ownership"] in owners)
        ]  # fmt: skip
        layers.append(map_points(label, points, color=color, size=9 if "幼儿园" in label else 7))
    return layers


def gap_layer(cov: Coverage) -> Option:
    points = [
        {"name": vc.village.name, "lng": vc.village.lng, "lat": vc.village.lat, "info": vc.label + (
            f"，最近{vc.site.name} {vc.km}公里" if vc.site and vc.km is not None else "")}
        for vc in cov.villages if vc.is_gap
    ]  # fmt: skip
    return map_points("学前缺口村（社区）", points, color=GAP_COLOR, symbol="triangle", size=13, z=5)


def centre_regions(cov: Coverage) -> list[Option]:
    """Townships without a public central kindergarten, shaded."""
    return [
        {"name": c.name, "itemStyle": {"areaColor": CENTRE_GAP_COLOR, "borderColor": GAP_COLOR}}
        for c in cov.centres
        if c.centre is None
    ]


def project_layers(user: Any) -> list[Option]:
    """Projects in the user's scope (the projects part of ``facilities``; none while it is not installed)."""
    try:
        from jiaoyun.facilities.selectors import project_points
    except ImportError:
        return []
    points = list(project_points(user))
    on_time = [{**p, "info": f"{p['kind']} · {p['status']}"} for p in points if not p.get("late")]
    late = [{**p, "info": f"{p['kind']} · {p['status']} · 滞后"} for p in points if p.get("late")]
    return [
        map_points("建设项目", on_time, color=PROJECT_COLOR, symbol="pin", size=18, z=6),
        map_points("滞后项目", late, color=LATE_COLOR, symbol="pin", size=20, z=7),
    ]


def coverage_map(user: Any, cov: Coverage) -> Option:
    return map_option([*school_layers(user, preschool_only=True), gap_layer(cov)], regions=centre_regions(cov))


def county_map(user: Any, cov: Coverage) -> Option:
    return map_option([*school_layers(user), gap_layer(cov), *project_layers(user)], regions=centre_regions(cov))


def boundary_url() -> str:
    return reverse("facilities:boundary")
