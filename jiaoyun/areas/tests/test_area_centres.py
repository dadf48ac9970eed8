"""Villages and townships carry their centre: the 行政区划 import reads 纬度/经度 and refuses values out of range."""

from __future__ import annotations

import io
from decimal import Decimal as D

from jiaoyun.areas.models import Area
from jiaoyun.exchange.services.batches import import_confirm, import_file


def test_the_area_import_reads_the_centre_of_a_village(county_admin, township_a):
    csv = "区划代码,名称,纬度,经度\n530521100009,新村,24.7123456,99.1\n530521100010,坏村,95,99.1\n"
    batch = import_file(actor=county_admin, kind="areas", upload=io.BytesIO(csv.encode()), file_name="a.csv")
    assert [(r.row, r.column) for r in batch.rejections.all()] == [(3, "纬度")]
    import_confirm(actor=county_admin, batch=batch)
    village = Area.objects.get(code="530521100009")
    assert (village.latitude, village.longitude) == (D("24.712346"), D("99.100000"))
    assert not Area.objects.filter(code="530521100010").exists()
