"""The official-document layout: dates, numbers, the letterhead settings page (ADR 0029)."""

import datetime as dt

import pytest
from django.urls import reverse

from jiaoyun.core.models import AuditEntry
from jiaoyun.reports.models import Letterhead
from jiaoyun.reports.official import agencies, date_text, document_number, placeholders_in


def test_dates_follow_gb_t_9704_2012_or_the_older_practice_when_set():
    assert date_text(dt.date(2021, 3, 5)) == "2021年3月5日"  # 7.3.5.4: Arabic numerals, no leading zeros
    assert date_text(dt.date(2021, 3, 5), "chinese") == "二〇二一年三月五日"
    assert date_text(dt.date(2020, 10, 20), "chinese") == "二〇二〇年十月二十日"
    assert date_text(dt.date(2021, 12, 31), "chinese") == "二〇二一年十二月三十一日"
    assert date_text(dt.date(2021, 11, 10), "chinese") == "二〇二一年十一月十日"


def test_numbers_and_agency_lists():
    assert document_number("施教体", 2021, 12) == "施教体〔2021〕12号"  # 7.2.5: 六角括号, no 第, no leading zero
    assert agencies("各乡（镇）中心学校、县直各学校\n 县教育局 ") == ["各乡（镇）中心学校", "县直各学校", "县教育局"]
    assert placeholders_in("施教体〔2021〕XX号 待填") == ["XX", "待填"]
    assert placeholders_in("施教体〔2021〕12号") == []


def test_the_county_admin_edits_a_letterhead_others_may_not(client, county_admin, county_leader, principal):
    url = reverse("reports:letterheads")
    client.force_login(county_admin)
    body = client.get(url).content.decode()
    assert "控辍保学月度通报" in body and "平安校园月度通报" in body and "施甸县教育体育局文件" in body
    data = {"letterhead": "safety_bulletin", "safety_bulletin-name": "平安校园月度通报",
            "safety_bulletin-authority": "施甸县教育体育局", "safety_bulletin-mark": "施甸县教育体育局文件",
            "safety_bulletin-code": "施教体安", "safety_bulletin-recipients": "各中心学校",
            "safety_bulletin-copy_to": "", "safety_bulletin-printer": "施甸县教育体育局办公室",
            "safety_bulletin-date_style": "arabic"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert Letterhead.objects.get(key="safety_bulletin").prefix == "施教体安"
    assert AuditEntry.objects.filter(object_type="reports.Letterhead", action="update").exists()
    bad = {**data, "safety_bulletin-code": ""}
    assert "errorlist" in client.post(url, bad).content.decode()
    client.force_login(county_leader)
    assert client.get(url).status_code == 200 and client.post(url, data).status_code == 403
    client.force_login(principal)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_an_unknown_kind_is_refused(client, county_admin):
    client.force_login(county_admin)
    assert client.post(reverse("reports:letterheads"), {"letterhead": "nope"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_documents_numbered_at_once_get_distinct_numbers():
    """Two kinds of document sharing the 施教体 sequence, numbered in concurrent transactions (PostgreSQL)."""
    import threading
    import time

    from django.db import connection, connections, transaction

    from jiaoyun.reports.services import document_register

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions: PostgreSQL")
    from jiaoyun.reports.services import _letterhead

    _letterhead("dropout_bulletin")  # both letterhead rows exist (committed): only the lock orders the two
    barrier, results, errors = threading.Barrier(2), [], []

    def register(key):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                record, _ = document_register(actor=None, key=key, subject=f"{key}:2021-03", title="通报",
                                              on=dt.date(2021, 4, 2))  # fmt: skip
                results.append(record.number)
                time.sleep(0.3)  # hold the lock while the other transaction tries
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(k,)) for k in ("dropout_bulletin", "safety_bulletin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not errors
    assert sorted(results) == ["施教体〔2021〕1号", "施教体〔2021〕2号"]
