"""Working days: Monday to Friday, except the configured holidays (``Holiday``), plus weekend days marked 调休上班.

A 公示 of N working days starting on a day runs through the N-th working day counted from that day (the
start counts when it is a working day). It may be closed from the next day on.
"""

from __future__ import annotations

import datetime as dt

ONE = dt.timedelta(days=1)


def calendar(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """Configured days between ``start`` and ``end``: date → is a working day."""
    from jiaoyun.quality.models import Holiday

    return dict(Holiday.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def is_working_day(day: dt.date, configured: dict[dt.date, bool]) -> bool:
    if day in configured:
        return configured[day]
    return day.weekday() < 5


def period_end(start: dt.date, working_days: int) -> dt.date:
    """The last day of a period of ``working_days`` working days beginning on ``start``."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    configured = calendar(start, start + dt.timedelta(days=working_days * 3 + 60))
    day, counted = start, 0
    while True:
        if is_working_day(day, configured):
            counted += 1
            if counted == working_days:
                return day
        day += ONE


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end`` inclusive (0 when ``end`` is before ``start``)."""
    if end < start:
        return 0
    configured = calendar(start, end)
    return sum(1 for i in range((end - start).days + 1) if is_working_day(start + dt.timedelta(days=i), configured))
