"""Township outlines: the GeoJSON file is checked (Chinese errors naming the feature), synthetic outlines are
drawn around the township centres, the outlines and the map follow the user's scope; the map layers."""

from __future__ import annotations

import json
import sys
import types
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiaoyun.areas.boundary import (
    boundary_validate,
    polygon_area,
    synthetic_boundary_save,
    voronoi_cells,
)
from jiaoyun.areas.models import Boundary
from jiaoyun.areas.services import boundary_save
from jiaoyun.core.errors import DomainError
from jiaoyun.web.charts import map_option, map_points

TOWNS = {"530521100": "甸阳镇", "530521201": "老麦乡"}
SQUARE = [[[99.0, 24.0], [99.1, 24.0], [99.1, 24.1], [99.0, 24.1], [99.0, 24.0]]]


def feature(code="530521100", geometry=None, **props):
    return {"type": "Feature", "properties": {"code": code, **props},
            "geometry": geometry or {"type": "Polygon", "coordinates": SQUARE}}  # fmt: skip


def fc(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_a_valid_file_is_normalised_to_code_name_and_geometry():
    data = boundary_validate(
        json.dumps(
            fc(feature(name="旧名", pop=1), feature("530521201", {"type": "MultiPolygon", "coordinates": [SQUARE]}))
        ),
        townships=TOWNS,
    )
    assert [f["properties"] for f in data["features"]] == [
        {"code": "530521100", "name": "甸阳镇"},
        {"code": "530521201", "name": "老麦乡"},
    ]
    assert data["features"][1]["geometry"]["type"] == "MultiPolygon"


def test_the_code_may_be_named_as_gis_tools_name_it():
    f = feature()
    f["properties"] = {"adcode": 530521100}
    assert boundary_validate(fc(f), townships=TOWNS)["features"][0]["properties"]["code"] == "530521100"


@pytest.mark.parametrize(
    "raw,message",
    [
        ("not json", "不是有效的JSON"),
        (json.dumps({"type": "Feature"}), "FeatureCollection"),
        (json.dumps(fc()), "没有要素"),
        (json.dumps(fc({"type": "Point"})), "第1个要素：不是GeoJSON要素"),
        (json.dumps(fc(feature(code=""))), "第1个要素：属性中没有乡镇区划代码"),
        (json.dumps(fc(feature("530521999"))), "第1个要素：区划代码530521999不是本县的乡镇"),
        (json.dumps(fc(feature(), feature())), "第2个要素（甸阳镇）：与第1个要素是同一乡镇"),
        (json.dumps(fc(feature(geometry={"type": "Point", "coordinates": [99, 24]}))),
         "几何类型应为Polygon或MultiPolygon，实际为Point"),
        (json.dumps(fc(feature(geometry={"type": "Polygon", "coordinates": [[[99, 24], [99.1, 24], [99, 24.1]]]}))),
         "至少需要4个坐标点"),
        (json.dumps(fc(feature(geometry={"type": "Polygon",
                                          "coordinates": [[[99, 24], [99.1, 24], [99.1, 24.1], [99, 24.1]]]}))),
         "多边形未闭合"),
        (json.dumps(fc(feature(geometry={"type": "Polygon",
                                          "coordinates": [[[9900000, 24], [99.1, 24], [99.1, 24.1], [9900000, 24]]]}))),
         "超出经纬度范围"),
        (json.dumps(fc(feature(geometry={"type": "Polygon",
                                          "coordinates": [[["99", 24], [99.1, 24], [99.1, 24.1], ["99", 24]]]}))),
         "坐标应为[经度, 纬度]数字对"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_in_chinese_naming_the_feature(raw, message):
    with pytest.raises(DomainError) as exc:
        boundary_validate(raw, townships=TOWNS)
    assert message in str(exc.value)
    assert exc.value.field == "边界文件"


def test_voronoi_cells_split_the_box_between_two_centres():
    # centres at x = 1 and x = 3 in the box 0..4 × 0..2: the bisector x = 2 halves it (area 4 each)
    a, b = voronoi_cells([(1.0, 1.0), (3.0, 1.0)], (0.0, 0.0, 4.0, 2.0))
    assert sorted(a) == sorted([(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)])
    for cell in (a, b):
        ring = [*cell, cell[0]]
        assert polygon_area(ring) == pytest.approx(4.0)


def test_synthetic_outlines_cover_each_township_with_a_centre(county, township_a, township_b):
    for t, (lat, lng) in ((township_a, (24.72, 99.18)), (township_b, (24.72, 99.46))):
        t.latitude, t.longitude = D(str(lat)), D(str(lng))
        t.save()
    boundary = synthetic_boundary_save(county=county)
    assert boundary is not None and boundary.synthetic
    features = {f["properties"]["name"]: f for f in boundary.geojson["features"]}
    assert set(features) == {"甸阳镇", "老麦乡"}
    ring = features["甸阳镇"]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and polygon_area(ring) > 0
    # the bisector of the two centres is at longitude 99.32: 甸阳镇's cell lies west of it
    assert max(p[0] for p in ring) == pytest.approx(99.32, abs=1e-6)


def test_the_outlines_follow_the_scope(client, county, township_a, township_b, county_admin, township_officer,
                                       principal):  # fmt: skip
    boundary_save(actor=county_admin, county=county, raw=fc(feature(), feature("530521201")))
    client.force_login(county_admin)
    assert len(client.get(reverse("facilities:boundary")).json()["features"]) == 2
    client.force_login(township_officer)
    names = [f["properties"]["name"] for f in client.get(reverse("facilities:boundary")).json()["features"]]
    assert names == ["甸阳镇"]
    client.force_login(principal)
    assert client.get(reverse("facilities:boundary")).status_code == 403


def test_the_county_admin_uploads_the_file_and_others_may_not(client, county, township_a, township_b, county_admin,
                                                              township_officer):  # fmt: skip
    url = reverse("facilities:boundary_upload")
    good = json.dumps(fc(feature())).encode()
    client.force_login(township_officer)
    response = client.post(url, {"file": SimpleUploadedFile("b.geojson", good)})
    assert response.status_code == 403 and not Boundary.objects.exists()
    client.force_login(county_admin)
    bad = json.dumps(fc(feature("530521999"))).encode()
    page = client.post(url, {"file": SimpleUploadedFile("b.geojson", bad)}, follow=True).content.decode()
    assert "区划代码530521999不是本县的乡镇" in page and not Boundary.objects.exists()
    page = client.post(url, {"file": SimpleUploadedFile("b.geojson", good)}, follow=True).content.decode()
    assert "已导入1个乡镇的边界；尚缺：老麦乡" in page
    assert Boundary.objects.get().file_name == "b.geojson"
    from jiaoyun.core.models import AuditEntry

    assert AuditEntry.objects.filter(object_type="areas.Boundary").exists()


def test_map_points_keep_located_points_and_the_fallback_draws_them_on_axes():
    layer = map_points("小学", [{"name": "A", "lng": D("99.1"), "lat": D("24.7"), "url": "/s/1/"},
                                {"name": "B", "lng": None, "lat": None}], color="#123456")  # fmt: skip
    assert layer["data"] == [{"name": "A", "value": [99.1, 24.7], "url": "/s/1/"}]
    option = map_option([layer], regions=[{"name": "老麦乡", "itemStyle": {"areaColor": "#fdecea"}}])
    assert option["geo"]["map"] == "county" and option["geo"]["regions"][0]["name"] == "老麦乡"
    assert option["fallback"]["series"][0]["data"] == layer["data"]
    assert "coordinateSystem" not in option["fallback"]["series"][0]
    assert map_option([])["fallback"]["title"]["text"] == "暂无数据"


def test_the_map_page_shows_schools_gaps_and_projects(client, county_admin, school_a, school_b, monkeypatch):
    school_a.latitude, school_a.longitude = D("24.7"), D("99.1")
    school_a.save()
    module = types.ModuleType("jiaoyun.facilities.selectors")
    module.seats_in_progress = lambda *, level, by=None: {}  # type: ignore[attr-defined]
    module.project_points = lambda user: [  # type: ignore[attr-defined]
        {
            "name": "老麦乡中心幼儿园新建",
            "lat": 24.7,
            "lng": 99.4,
            "kind": "新建",
            "status": "在建",
            "late": True,
            "url": "/facilities/projects/1/",
        }
    ]
    monkeypatch.setitem(sys.modules, "jiaoyun.facilities.selectors", module)
    client.force_login(county_admin)
    page = client.get(reverse("facilities:map"))
    option = page.context["map"]
    layers = {s["name"]: s["data"] for s in option["series"]}
    assert layers["小学"] == [{"name": "甸阳镇中心小学", "value": [99.1, 24.7], "info": "甸阳镇"}]
    assert layers["滞后项目"][0]["url"] == "/facilities/projects/1/" and layers["建设项目"] == []
    assert 'data-map="map-county"' in page.content.decode() and "boundary-upload" in page.content.decode()
