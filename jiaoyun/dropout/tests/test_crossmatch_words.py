"""The 四查三比对 results in words: the dashboard's recent runs show each count by its Chinese name, never the
keys of ``MatchRun.figures`` (``linked_by_id=3``); running it names no task id."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from jiaoyun.dropout.audit_text import FIGURE_LABELS, figures_text
from jiaoyun.dropout.choices import MatchRule
from jiaoyun.dropout.models import MatchRun

pytestmark = pytest.mark.django_db


def test_every_count_a_run_records_has_a_name():
    assert set(FIGURE_LABELS) >= {"linked_by_id", "linked_by_name", "ambiguous", "roster_only", "hits",
                                  "cases_created", "reopened", "suppressed", *MatchRule.values}  # fmt: skip
    assert figures_text({"hits": 2, "linked_by_id": 3, "absent": 1}) == [
        "户籍按身份证号对应学籍 3",
        "比对命中 2",
        "学籍比在校：连续缺勤（疑似辍学） 1",
    ]


def test_the_dashboard_shows_the_counts_in_words(client, county_admin):
    MatchRun.objects.create(as_of=timezone.localdate(), finished_at=timezone.now(),
                            figures={"linked_by_id": 3, "hits": 2, "cases_created": 1})  # fmt: skip
    client.force_login(county_admin)
    body = client.get(reverse("dropout:dashboard")).content.decode()
    assert "户籍按身份证号对应学籍 3；比对命中 2；新建案件 1" in body
    assert "linked_by_id" not in body and "hits=" not in body


def test_running_the_crossmatch_names_no_task_id(client, county_admin):
    client.force_login(county_admin)
    response = client.post(reverse("dropout:job", args=["crossmatch"]), follow=True)
    body = response.content.decode()
    assert "四查三比对已提交后台执行" in body and "任务 " not in body
