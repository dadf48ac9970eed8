"""The 定时任务 page speaks Chinese: jobs by name and purpose, schedules in words, results and errors summed up
— no schedule syntax, command names, dotted task paths or tracebacks on the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jiaoyun.core import schedule
from jiaoyun.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CODE = [
    re.compile(r"\b(every|daily|monthly):"),  # schedule syntax
    re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-zA-Z_.]+"),  # dotted paths
    re.compile(r"manage\.py|db_worker|schedule_jobs"),  # command names
    re.compile(r"Traceback|Error\b"),
]


def visible(html: str) -> str:
    """The page's text as shown: tags, attribute values and the script/style blocks left out."""
    main = html.split("<main", 1)[-1]
    main = re.sub(r"<(script|style)\b.*?</\1>", "", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", main)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("every:5m", "每5分钟"),
        ("every:120m", "每2小时"),
        ("daily:02:00", "每日凌晨2时"),
        ("daily:01:30", "每日凌晨1时30分"),
        ("daily:15:05", "每日下午3时5分"),
        ("daily:12:00", "每日中午12时"),
        ("daily:20:00", "每日晚上8时"),
        ("monthly:1 01:00", "每月1日凌晨1时"),
        ("off", "已停用"),
        ("hourly", "规则无法识别（请检查部署设置）"),
    ],
)
def test_a_schedule_in_words(spec, words):
    assert schedule.schedule_text(spec) == words


def test_every_job_has_a_purpose_and_every_task_a_name():
    assert all(job.purpose for job in schedule.JOBS)
    assert schedule.task_label("jiaoyun.dropout.tasks.crossmatch_task") == "四查三比对"
    assert schedule.task_label(schedule.TASK_PATH, "safety_daily") == "平安校园达标计算与逾期隐患升级"
    assert schedule.task_label("some.unknown.task") == "后台任务"
    assert schedule.error_text("django.db.utils.OperationalError") == "数据库暂时不可用"
    assert schedule.error_text("builtins.KeyError") == "程序错误"


def test_the_page_has_no_code(client, county):
    schedule.schedule_all()
    failed = DBTaskResult.objects.filter(task_path=schedule.TASK_PATH, args_kwargs__kwargs__job="safety_daily").get()
    failed.status, failed.finished_at = "FAILED", timezone.now()
    failed.exception_class_path = "django.db.utils.OperationalError"
    failed.traceback = 'Traceback (most recent call last):\n  File "jiaoyun/safety/services/compliance.py"'
    failed.save()
    client.force_login(UserFactory(role="system_admin"))
    body = client.get(reverse("web:jobs")).content.decode()
    text = visible(body)
    for pattern in CODE:
        assert not pattern.search(text), (pattern.pattern, pattern.search(text))
    assert "每日凌晨2时" in text and "每5分钟" in text and "每月1日凌晨1时" in text
    assert "失败" in text and "数据库暂时不可用" in text and "平安校园达标计算与逾期隐患升级" in text
    for job in schedule.JOBS:
        assert job.purpose in text
    assert "compliance.py" not in body and "OperationalError" not in body
