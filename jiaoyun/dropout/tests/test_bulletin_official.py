"""The monthly 控辍保学 bulletin is an official document in the GB/T 9704-2012 layout (ADR 0029)."""

import datetime as dt
import os
import re

import pytest
from django.urls import reverse

from jiaoyun.dropout import services
from jiaoyun.dropout.models import Bulletin
from jiaoyun.dropout.services.reporting import bulletin_render_pdf, bulletin_verify
from jiaoyun.reports import services as report_services
from jiaoyun.reports.models import IssuedDocument
from jiaoyun.reports.official import PLACEHOLDERS, OfficialDocument, render_official_html
from jiaoyun.reports.pdf import pdf_text

D = dt.date


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _in_order(text: str, parts: list[str]) -> None:
    """Every part appears in ``text``, each after the one before."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing after position {at}"
        at = found + len(part)


@pytest.fixture
def bulletin(enrolled, county_admin):
    case = services.case_open(actor=county_admin, student=enrolled("未返校"), on=D(2021, 11, 2))
    services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 11, 3))
    return services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1), on=D(2021, 12, 3))


def test_the_pdf_has_every_part_of_an_official_document_in_order(bulletin):
    text = _flat(pdf_text(bytes(bulletin.pdf)))
    if os.environ.get("KEEP_PDF"):  # a copy to look at
        with open("var/bulletin-official.pdf", "wb") as fh:
            fh.write(bytes(bulletin.pdf))
    _in_order(text, [
        "施甸县教育体育局文件",  # 版头: 发文机关标志
        "施教体〔2021〕1号",  # 发文字号
        "2021年11月控辍保学工作通报",  # 标题
        "各乡（镇）人民政府，各乡（镇）中心学校，县直各学校：",  # 主送机关
        "一、总体情况", "甸阳镇", "特此通报。",
        "施甸县教育体育局", "2021年12月3日",  # 落款 and 成文日期 (Arabic numerals, GB/T 9704-2012 7.3.5.4)
        "抄送：县人民政府办公室，县控辍保学工作领导小组各成员单位。",  # 版记
        "施甸县教育体育局办公室", "2021年12月3日印发",
    ])  # fmt: skip
    assert [p for p in PLACEHOLDERS if p in text] == []
    assert bulletin_verify(bulletin=bulletin) == {"figures": True, "xlsx": True, "pdf": True}


def test_the_head_is_red_and_no_placeholder_is_left(bulletin):
    doc = OfficialDocument.from_parts(bulletin.figures["document"])
    html = render_official_html("dropout/pdf/bulletin.html", doc, {"f": {**bulletin.figures, "period_label": "x"}})
    assert re.search(r'<div class="mark" data-part="mark">施甸县教育体育局文件</div>', html)
    from jiaoyun.reports.official import OFFICIAL_CSS

    assert re.search(r"\.mark \{ color: #d00000;", OFFICIAL_CSS) and re.search(
        r"\.redline \{ border-top: [\d.]+pt solid #d00000", OFFICIAL_CSS
    )
    assert [p for p in PLACEHOLDERS if p in html] == []


def test_numbers_follow_one_sequence_per_prefix_and_year(bulletin, county_admin):
    second = services.bulletin_generate(actor=county_admin, month=D(2021, 10, 1), on=D(2021, 12, 6))
    record, created = report_services.document_register(
        actor=county_admin,
        key="safety_bulletin",
        subject="safety_bulletin:2021-11",
        title="平安校园",
        on=D(2021, 12, 7),
    )
    assert created and record.number == "施教体〔2021〕3号"
    assert second.figures["document"]["number"] == "施教体〔2021〕2号"
    nextyear = services.bulletin_generate(actor=county_admin, month=D(2021, 12, 1), on=D(2022, 1, 2))
    assert nextyear.figures["document"]["number"] == "施教体〔2022〕1号"
    assert IssuedDocument.objects.count() == 4


def test_the_letterhead_is_data_the_county_admin_sets(enrolled, county_admin, principal):
    report_services.letterhead_update(actor=county_admin, key="dropout_bulletin", values={
        "authority": "某县教育局", "mark": "某县教育局文件", "prefix": "某教", "recipients": "各中心学校",
        "copy_to": "", "printer": "某县教育局办公室", "date_style": "chinese",
    })  # fmt: skip
    bulletin = services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1), on=D(2021, 12, 3))
    text = _flat(pdf_text(bytes(bulletin.pdf)))
    _in_order(text, ["某县教育局文件", "某教〔2021〕1号", "各中心学校：", "某县教育局", "二〇二一年十二月三日",
                     "某县教育局办公室", "2021年12月3日印发"])  # fmt: skip
    assert "抄送" not in text
    from jiaoyun.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        report_services.letterhead_update(actor=principal, key="dropout_bulletin", values={"prefix": "X"})


def test_a_bulletin_archived_before_the_layout_still_verifies(bulletin):
    figures = {k: v for k, v in bulletin.figures.items() if k != "document"}
    text = pdf_text(bulletin_render_pdf(figures))
    assert "2021年11月控辍保学工作通报" in text and "施教体" not in text


def test_the_month_is_picked_and_an_existing_month_is_said_so(client, county_admin):
    from django.utils import timezone

    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    label, key = f"{last.year}年{last.month}月", f"{last:%Y-%m}"
    client.force_login(county_admin)
    body = client.get(reverse("dropout:bulletins")).content.decode()
    options = re.findall(r'<option value="([\d-]+)"', body)
    assert options[0] == key and len(options) == 24 and f"{today:%Y-%m}" not in options  # ended months only
    response = client.post(reverse("dropout:bulletins"), {"month": key}, follow=True)
    bulletin = Bulletin.objects.get()
    number = bulletin.figures["document"]["number"]
    assert f"{label}的通报已生成并归档（{number}）" in response.content.decode()
    # generating it again says so and offers to open it
    text = client.post(reverse("dropout:bulletins"), {"month": key}).content.decode()
    assert f"{label}的通报已生成（{number}）" in text
    assert reverse("dropout:bulletin_file", args=[bulletin.pk, "pdf"]) in text
    assert f"（已生成 {number}）" in text  # the choice says it too
    assert Bulletin.objects.count() == 1 and IssuedDocument.objects.count() == 1
    # a month typed by hand that is not offered (this month, a future one, nonsense) is refused in Chinese
    for bad in (f"{today:%Y-%m}", "2099-01", "abc"):
        text = client.post(reverse("dropout:bulletins"), {"month": bad}).content.decode()
        assert "请选择列表中的月份" in text and Bulletin.objects.count() == 1
