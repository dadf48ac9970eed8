"""The demo generator sends statements through the real HTTP endpoint and fills the statistics."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest

from jiaoyun.learning import demo, synth
from jiaoyun.learning.models import LearningStat, LrsClient, Statement
from jiaoyun.people.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db  # inside a transaction, like the demo command's hook


def test_generate_posts_over_http_and_fills_stats(school_a, class_a1):
    for _ in range(10):
        StudentFactory(
            current_school=school_a,
            current_class=class_a1,
            current_grade=1,
            status="in_school",
        )
    out = io.StringIO()
    result = demo.generate(rng=random.Random(1), scale=1, stdout=out, today=dt.date(2024, 10, 18), days=3)
    assert result["statements"] == Statement.objects.count() > 10
    assert "经 /xapi/ 上报" in out.getvalue()
    client = LrsClient.objects.get()
    # every statement came through the endpoint: authority is the school's client, linked to the class
    assert not Statement.objects.exclude(client=client).exists()
    assert not Statement.objects.exclude(school_class=class_a1).exists()
    assert LearningStat.objects.filter(level="class", unit_id=class_a1.pk, period="day").count() == 3


def test_school_days_skip_weekends_and_national_day():
    days = synth.school_days(dt.date(2024, 10, 9), 4)
    assert days == [dt.date(2024, 9, 27), dt.date(2024, 9, 30), dt.date(2024, 10, 8), dt.date(2024, 10, 9)]


def test_xapi_generate_command_sends_to_a_running_server(school_a, class_a1):
    from django.core.management import call_command

    from jiaoyun.learning.services import lrs_client_create

    for _ in range(3):
        StudentFactory(current_school=school_a, current_class=class_a1, current_grade=2)
    client, secret = lrs_client_create(name="平台", school_ids=[school_a.pk])
    out = io.StringIO()
    with demo.loopback_server() as url:
        # "--secret=…" as a user types it: a generated secret may begin with "-" (URL-safe base64), which argparse
        # would read as an option if given as a separate word
        call_command("xapi_generate", f"--url={url}", f"--key={client.key}", f"--secret={secret}",
                     f"--school={school_a.code}", "--days=2", stdout=out)  # fmt: skip
    assert "已发送" in out.getvalue()
    assert Statement.objects.filter(client=client).count() > 3
