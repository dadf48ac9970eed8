"""The monthly run on the 1st: deadline alerts, statistics, and the bulletin of the month just ended."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from jiaoyun.dropout.services.deadlines import deadlines_check
from jiaoyun.dropout.services.reporting import bulletin_generate, stats_refresh


def previous_month(day: dt.date) -> dt.date:
    first = day.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def next_run_at(now: dt.datetime) -> dt.datetime:
    """01:00 local time on the 1st of the next month."""
    local = timezone.localtime(now)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return dt.datetime(year, month, 1, 1, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


def monthly_run(*, month: str | None = None, today: dt.date | None = None) -> str:
    """Idempotent: alerts are unique per step and level; a month's bulletin is generated once."""
    today = today or timezone.localdate()
    target = dt.datetime.strptime(month, "%Y-%m").date() if month else previous_month(today)  # noqa: DTZ007 (a date)
    alerts = deadlines_check(on=today)
    stats_refresh(as_of=today)
    bulletin = bulletin_generate(actor=None, month=target, on=today)
    return f"{bulletin}：{bulletin.pdf_sha256[:12]}；新增逾期预警{alerts}条"
