"""户籍名册 and 学校月报告 lists: filters, exports, and the schools that have not reported."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout import selectors, services
from jiaoyun.dropout.tests.roster import import_roster

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)


@pytest.fixture
def roster(county_admin, village_a1, village_b1, make_student, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    linked = make_student("李花", birth=dt.date(2013, 4, 4))
    number = idcard.make("530521", dt.date(2013, 4, 4), 17)
    rows = [
        {"姓名": "李花", "性别": "女", "出生日期": "2013-04-04", "身份证号": number,
         "户籍村（社区）代码": village_a1.code, "村民小组": "二组", "户主": "李大", "脱贫户/监测户": "监测户"},
        {"姓名": "王草", "性别": "男", "出生日期": "2014-02-02", "身份证号": "",
         "户籍村（社区）代码": village_a1.code, "村民小组": "三组", "户主": "王大", "脱贫户/监测户": ""},
        {"姓名": "赵禾", "性别": "男", "出生日期": "2012-06-06", "身份证号": "",
         "户籍村（社区）代码": village_b1.code, "村民小组": "一组", "户主": "赵大", "脱贫户/监测户": "脱贫户"},
    ]  # fmt: skip
    batch = import_roster(county_admin, rows)
    assert (batch.status, batch.new, batch.rejected) == ("imported", 3, 0)
    from jiaoyun.dropout.models import HukouRecord

    HukouRecord.objects.filter(name="李花").update(student=linked, match_note="身份证号一致")
    return number


def test_hukou_list_filters_by_area_match_poverty_and_birth_year(roster, county_admin, township_b, village_a1):
    from jiaoyun.exchange.models import ImportBatch

    batch = f"导入批次{ImportBatch.objects.get(kind='hukou').pk}"  # the label the exchange kind gives its records

    def names(**filters):
        return sorted(selectors.hukou_list(user=county_admin, filters=filters).values_list("name", flat=True))

    assert names() == ["李花", "王草", "赵禾"]
    assert names(township=str(township_b.pk)) == ["赵禾"]
    assert names(village=str(village_a1.pk)) == ["李花", "王草"]
    assert names(matched="yes") == ["李花"]
    assert names(matched="no") == ["王草", "赵禾"]
    assert names(poverty="monitored") == ["李花"]
    assert names(born="2014") == ["王草"]
    assert names(q="禾") == ["赵禾"]
    assert names(batch=batch) == ["李花", "王草", "赵禾"] and names(batch="2020") == []
    assert names(born="abc") == ["李花", "王草", "赵禾"]  # a malformed year is ignored, not a crash


def test_hukou_export_is_masked_filtered_and_audited(client, roster, county_admin, village_a1):
    login(client, county_admin)
    response = client.get(reverse("dropout:hukou"), {"village": village_a1.pk, "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("姓名", "性别", "出生日期", "身份证号")
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {"李花", "王草"}
    assert body["李花"][3] == idcard.mask(roster) and roster not in str(rows)
    assert body["李花"][header.index("对应学生")] == "李花" and body["王草"][header.index("对应学生")] in ("", None)
    entry = AuditEntry.objects.filter(action="export", object_type="dropout.HukouRecord").get()
    assert entry.actor == county_admin


def test_hukou_page_filters_with_htmx_and_stays_county_only(client, roster, county_admin, township_officer,
                                                             township_b):  # fmt: skip
    login(client, county_admin)
    body = client.get(reverse("dropout:hukou"), {"township": township_b.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "赵禾" in body and "王草" not in body and "<html" not in body and "共 1 条" in body
    login(client, township_officer)
    assert client.get(reverse("dropout:hukou"), {"format": "xlsx"}).status_code == 403


@pytest.fixture
def reports(county_admin, school_a, school_b, school_a_junior):
    services.monthly_report_submit(actor=county_admin, school=school_a, month=dt.date(2021, 9, 1), note="正常")
    services.monthly_report_submit(actor=county_admin, school=school_b, month=dt.date(2021, 9, 1))
    services.monthly_report_submit(actor=county_admin, school=school_a, month=dt.date(2021, 10, 1))
    return school_a, school_b, school_a_junior


def test_monthly_reports_filter_by_month_township_and_school(reports, county_admin, township_a, principal):
    school_a, school_b, _ = reports

    def listed(user=county_admin, **filters):
        qs = selectors.monthly_report_list(user=user, filters=filters)
        return [(r.school.name, f"{r.month:%Y-%m}") for r in qs]

    assert sorted(listed(month="2021-09")) == [("甸阳镇中心小学", "2021-09"), ("老麦乡中心小学", "2021-09")]
    assert listed(township=str(township_a.pk)) == [("甸阳镇中心小学", "2021-10"), ("甸阳镇中心小学", "2021-09")]
    assert listed(school=str(school_b.pk)) == [("老麦乡中心小学", "2021-09")]
    assert listed(month="2021/9") == listed()  # unreadable month: no month filter
    assert {s for s, _ in listed(user=principal)} == {principal.school.name}


def test_schools_missing_a_monthly_report_are_named(reports, county_admin, township_a):
    school_a, school_b, junior = reports
    missing = selectors.monthly_report_missing(user=county_admin, filters={"month": "2021-10"})
    assert sorted(s.pk for s in missing) == sorted([junior.pk, school_b.pk])
    assert list(selectors.monthly_report_missing(user=county_admin, filters={"month": "2021-09"})) == [junior]
    only_a = selectors.monthly_report_missing(
        user=county_admin, filters={"month": "2021-10", "township": township_a.pk}
    )
    assert list(only_a) == [junior]
    assert selectors.monthly_report_missing(user=county_admin, filters={}) is None


def test_monthly_report_page_export_and_missing_panel(client, reports, county_admin):
    login(client, county_admin)
    body = client.get(reverse("dropout:reports"), {"month": "2021-10"}).content.decode()
    assert "未提交月报告的学校（2所）" in body and "施甸县第一中学" in body
    response = client.get(reverse("dropout:reports"), {"month": "2021-09", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("月份,乡镇,学校,新增疑似") and len(lines) == 3
    assert all(line.startswith("2021-09,") for line in lines[1:])


def test_hukou_page_imports_through_the_exchange_kind_only(client, county_admin):
    """The roster page has no upload of its own: it links to the exchange import of the kind ``hukou``."""
    client.force_login(county_admin)
    body = client.get(reverse("dropout:hukou")).content.decode()
    assert reverse("exchange:upload", args=["hukou"]) in body and 'enctype="multipart/form-data"' not in body
    assert not hasattr(services, "hukou_import") and not hasattr(services.roster, "hukou_upload")
