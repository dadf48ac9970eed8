import datetime as dt
import io

import pytest

from jiaoyun.core import idcard
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.dropout.models import HukouRecord
from jiaoyun.exchange.services import import_confirm, import_file


def csv_file(village, number):
    text = ("姓名,性别,出生日期,身份证号,户籍村（社区）代码,村民小组,户主,脱贫户/监测户\n"
            f"李花,女,2013-04-04,{number},{village.code},二组,李大,监测户\n"
            f"王草,男,2014-02-02,,{village.code},三组,王大,\n"
            f"错村,男,2014-02-02,,530521999999,三组,王大,\n")  # fmt: skip
    return io.BytesIO(text.encode("utf-8"))


def test_hukou_roster_imports_through_the_exchange_framework(county_admin, village_a1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    number = idcard.make("530521", dt.date(2013, 4, 4), 17)
    batch = import_file(actor=county_admin, kind="hukou", upload=csv_file(village_a1, number), file_name="户籍.csv")
    assert (batch.new, batch.rejected) == (2, 1)
    import_confirm(actor=county_admin, batch=batch)
    rec = HukouRecord.objects.get(name="李花")
    assert rec.id_masked == idcard.mask(number) and rec.poverty == "monitored" and rec.sex == "F"
    assert HukouRecord.objects.get(name="王草").id_hash is None
    again = import_file(actor=county_admin, kind="hukou", upload=csv_file(village_a1, number), file_name="户籍.csv")
    assert (again.new, again.unchanged) == (0, 2)


def test_only_the_county_imports_the_roster(principal, village_a1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PermissionDenied):
        batch = import_file(actor=principal, kind="hukou", upload=csv_file(village_a1, ""), file_name="户籍.csv")
        if batch.status == "failed":
            raise PermissionDenied(batch.message)
