"""The monthly 平安校园 bulletin is an official document in the GB/T 9704-2012 layout (ADR 0029)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.reports.models import IssuedDocument
from jiaoyun.reports.official import PLACEHOLDERS
from jiaoyun.reports.pdf import pdf_text
from jiaoyun.safety import services

D = dt.date


def _in_order(text: str, parts: list[str]) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing after position {at}"
        at = found + len(part)


def test_the_bulletin_has_every_part_in_order(county_admin, school_a, school_b):
    record, created = services.safety_bulletin_issue(actor=county_admin, month=D(2021, 3, 1), on=D(2021, 4, 2))
    assert created and record.number == "施教体〔2021〕1号"
    text = re.sub(r"\s+", "", pdf_text(bytes(record.pdf)))
    _in_order(text, [
        "施甸县教育体育局文件", "施教体〔2021〕1号", "2021年3月平安校园情况通报", "各乡（镇）中心学校，县直各学校：",
        "一、总体情况", "老麦乡", "特此通报。", "施甸县教育体育局", "2021年4月2日",
        "抄送：县人民政府办公室，县公安局，县市场监督管理局。", "施甸县教育体育局办公室", "2021年4月2日印发",
    ])  # fmt: skip
    assert [p for p in PLACEHOLDERS if p in text] == []
    # issuing the month again returns the archived document, never a second number
    again, created = services.safety_bulletin_issue(actor=county_admin, month=D(2021, 3, 1), on=D(2021, 4, 9))
    assert (again.pk, created) == (record.pk, False) and IssuedDocument.objects.count() == 1


def test_only_the_safety_section_issues_and_only_ended_months(county_admin, principal, safety_staff):
    with pytest.raises(PermissionDenied):
        services.safety_bulletin_issue(actor=principal, month=D(2021, 3, 1), on=D(2021, 4, 2))
    with pytest.raises(DomainError, match="尚未结束"):
        services.safety_bulletin_issue(actor=safety_staff, month=D(2021, 4, 1), on=D(2021, 4, 2))
    assert not IssuedDocument.objects.exists()


def test_the_page_picks_the_month_and_says_when_it_exists(client, county_admin, principal, school_a):
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    key, label = f"{last:%Y-%m}", f"{last.year}年{last.month}月"
    url = reverse("safety:bulletin")
    client.force_login(county_admin)
    body = client.get(url).content.decode()
    assert re.findall(r'<option value="([\d-]+)"', body)[0] == key and f'max="{today:%Y-%m}"' in body
    client.post(url, {"month": key})
    number = IssuedDocument.objects.get().number
    text = client.post(url, {"month": key}).content.decode()
    assert f"{label}的通报已生成（{number}）" in text and f"?month={key}&amp;format=pdf" in text
    assert IssuedDocument.objects.count() == 1
    text = client.post(url, {"month": f"{today:%Y-%m}"}).content.decode()
    assert "请选择列表中的月份" in text and IssuedDocument.objects.count() == 1
    client.force_login(principal)
    assert client.post(url, {"month": key}).status_code == 403
    assert 'name="month" id="id_month"' not in client.get(url).content.decode()
