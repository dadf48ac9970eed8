"""The county's township outlines for the maps: validating an imported GeoJSON file, and synthetic outlines.

A county draws its maps from its own boundary file (no map service on the internet): a GeoJSON
``FeatureCollection`` with one ``Polygon`` or ``MultiPolygon`` feature per township, each naming the township by
its 9-digit 统计用区划代码 in ``properties.code`` (``区划代码``, ``adcode`` and ``xzqdm`` are accepted too, as the
exports of common GIS tools name it). ``boundary_validate`` refuses anything else with a Chinese message naming the
feature; the stored copy keeps only the geometry, the code and the registry's name.

Without a file, ``synthetic_geojson`` draws a cell around each township centre: the points nearer to that centre
than to any other (a Voronoi cell), clipped to the county's box — an honest sketch, marked ``synthetic``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area, Boundary
from jiaoyun.core.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
FIELD = "边界文件"
CODE_KEYS = ("code", "区划代码", "adcode", "xzqdm")
Point = tuple[float, float]  # (lng, lat)


def _position(p: Any, where: str) -> list[float]:
    if not (isinstance(p, list) and len(p) >= 2 and all(isinstance(v, int | float) and not isinstance(v, bool)
                                                       for v in p[:2])):  # fmt: skip
        raise DomainError(f"{where}：坐标应为[经度, 纬度]数字对", field=FIELD)
    lng, lat = float(p[0]), float(p[1])
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise DomainError(f"{where}：坐标[{lng}, {lat}]超出经纬度范围（应为WGS-84经纬度）", field=FIELD)
    return [round(lng, 6), round(lat, 6)]


def _polygon(rings: Any, where: str) -> list[list[list[float]]]:
    if not isinstance(rings, list) or not rings:
        raise DomainError(f"{where}：多边形没有坐标", field=FIELD)
    out = []
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise DomainError(f"{where}：多边形的环至少需要4个坐标点（首尾相同）", field=FIELD)
        points = [_position(p, where) for p in ring]
        if points[0] != points[-1]:
            raise DomainError(f"{where}：多边形未闭合（首尾坐标应相同）", field=FIELD)
        out.append(points)
    return out


def _code(props: dict[str, Any]) -> str:
    for key in CODE_KEYS:
        value = props.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def boundary_validate(raw: bytes | str | dict[str, Any], *, townships: dict[str, str]) -> dict[str, Any]:
    """The normalised FeatureCollection of a boundary file; ``townships`` maps the county's township codes to names.

    Refuses (DomainError) a file that is not JSON, not a FeatureCollection, has a feature that is not a polygon,
    names no township or one not of this county, or names a township twice."""
    if isinstance(raw, bytes | str):
        if len(raw) > MAX_BYTES:
            raise DomainError(f"文件超过{MAX_BYTES // 1024 // 1024}MB，请简化边界后再导入", field="边界文件")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise DomainError("文件不是有效的JSON（GeoJSON）", field="边界文件")
    else:
        data = raw
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DomainError('应为GeoJSON要素集合（"type": "FeatureCollection"）', field="边界文件")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise DomainError("要素集合中没有要素（features）", field="边界文件")
    seen: dict[str, int] = {}
    out = []
    for n, feature in enumerate(features, start=1):
        where = f"第{n}个要素"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise DomainError(f'{where}：不是GeoJSON要素（"type": "Feature"）', field="边界文件")
        props = feature.get("properties") or {}
        code = _code(props) if isinstance(props, dict) else ""
        if not code:
            raise DomainError(f"{where}：属性中没有乡镇区划代码（code）", field="边界文件")
        if code not in townships:
            raise DomainError(f"{where}：区划代码{code}不是本县的乡镇", field="边界文件")
        where = f"{where}（{townships[code]}）"
        if code in seen:
            raise DomainError(f"{where}：与第{seen[code]}个要素是同一乡镇", field="边界文件")
        seen[code] = n
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind == "Polygon":
            coordinates: Any = _polygon(geometry["coordinates"], where)  # type: ignore[index]
        elif kind == "MultiPolygon":
            parts = geometry.get("coordinates")  # type: ignore[union-attr]
            if not isinstance(parts, list) or not parts:
                raise DomainError(f"{where}：多多边形没有坐标", field="边界文件")
            coordinates = [_polygon(part, where) for part in parts]
        else:
            raise DomainError(f"{where}：几何类型应为Polygon或MultiPolygon，实际为{kind or '空'}", field="边界文件")
        out.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": townships[code]},
                "geometry": {"type": kind, "coordinates": coordinates},
            }
        )
    return {"type": "FeatureCollection", "features": out}


def county_townships(county: Area) -> dict[str, str]:
    return dict(Area.objects.filter(parent=county, level=AreaLevel.TOWNSHIP).values_list("code", "name"))


def missing_townships(boundary: Boundary) -> list[str]:
    """Names of the county's townships the stored outlines do not draw."""
    drawn = {f["properties"]["code"] for f in boundary.geojson.get("features", [])}
    return [name for code, name in sorted(county_townships(boundary.county).items()) if code not in drawn]


# -- synthetic outlines ---------------------------------------------------------------------------------------
def _clip(poly: list[Point], a: Point, b: Point) -> list[Point]:
    """Keep the part of ``poly`` nearer to ``a`` than to ``b`` (Sutherland–Hodgman against the bisector)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = b[0] - a[0], b[1] - a[1]

    def side(p: Point) -> float:  # < 0: a's side
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out: list[Point] = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        sp, sq = side(p), side(q)
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(centres: Sequence[Point], box: tuple[float, float, float, float]) -> list[list[Point]]:
    """The cell of each centre within ``box`` (min lng, min lat, max lng, max lat), counter-clockwise."""
    x0, y0, x1, y1 = box
    cells = []
    for i, a in enumerate(centres):
        poly: list[Point] = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        for j, b in enumerate(centres):
            if i != j and b != a:
                poly = _clip(poly, a, b)
                if not poly:
                    break
        cells.append(poly)
    return cells


def synthetic_geojson(county: Area, *, margin: float = 0.1) -> dict[str, Any] | None:
    """Voronoi outlines around the township centres (those with coordinates), clipped to their box plus
    ``margin`` degrees; None with fewer than one centre."""
    towns = list(
        Area.objects.filter(parent=county, level=AreaLevel.TOWNSHIP, latitude__isnull=False, longitude__isnull=False)
        .order_by("sort", "code")
        .values_list("code", "longitude", "latitude")
    )
    if not towns:
        return None
    centres = [(float(lng or 0), float(lat or 0)) for _, lng, lat in towns]  # both set (filtered above)
    xs, ys = [c[0] for c in centres], [c[1] for c in centres]
    box = (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)
    features = []
    for (code, _, _), cell in zip(towns, voronoi_cells(centres, box), strict=True):
        if len(cell) < 3:
            continue
        ring = [[round(x, 6), round(y, 6)] for x, y in cell]
        ring.append(ring[0])
        features.append({"type": "Feature", "properties": {"code": code},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def synthetic_boundary_save(*, county: Area) -> Boundary | None:
    """Store generated outlines (the demo county, or a county that has not imported its file)."""
    from jiaoyun.areas.services import boundary_save

    data = synthetic_geojson(county)
    if data is None or not data["features"]:
        return None
    return boundary_save(actor=None, county=county, raw=data, file_name="示意边界（按乡镇驻地生成）", synthetic=True)


def polygon_area(ring: Sequence[Sequence[float]]) -> float:
    """Signed area of a ring (shoelace), in square degrees: positive counter-clockwise."""
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)) / 2


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in km on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
