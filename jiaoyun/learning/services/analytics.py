"""Learning statistics: fill ``LearningStat`` from statements, set-based (one aggregate query per level and
period), idempotently for a date range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncWeek

from jiaoyun.learning.models import LearningStat, Statement
from jiaoyun.learning.xapi.validate import VOIDED_VERB

LEVEL_FIELDS: dict[str, tuple[str, ...]] = {
    LearningStat.Level.CLASS: ("school_class_id", "school_id", "school__township_id"),
    LearningStat.Level.SCHOOL: ("school_id", "school__township_id"),
    LearningStat.Level.TOWNSHIP: ("school__township_id",),
    LearningStat.Level.COUNTY: (),
}
UNIT_FIELD: dict[str, str] = {
    LearningStat.Level.CLASS: "school_class_id",
    LearningStat.Level.SCHOOL: "school_id",
    LearningStat.Level.TOWNSHIP: "school__township_id",
}


@transaction.atomic
def learning_stats_refresh(*, start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Recompute statistics for statements about students with timestamps in [start, end] (whole weeks).

    Returns the number of stat rows written."""
    base = Statement.objects.filter(voided=False, student__isnull=False).exclude(verb_id=VOIDED_VERB)
    if start is not None:
        start = start - dt.timedelta(days=start.weekday())  # whole ISO weeks, so week rows stay complete
    if start is not None or end is not None:
        rng: dict[str, Any] = {}
        if start is not None:
            rng["timestamp__date__gte"] = start
        if end is not None:
            rng["timestamp__date__lte"] = end
        base = base.filter(**rng)
        stale = LearningStat.objects.all()
        if start is not None:
            stale = stale.filter(start__gte=start)
        if end is not None:
            stale = stale.filter(start__lte=end)
        stale.delete()
    else:
        LearningStat.objects.all().delete()
    metrics = {
        "n": Count("id"),
        "learners": Count("student_id", distinct=True),
        "seconds": Sum("duration_s"),
        "done": Count("id", filter=Q(completed=True)),
        "scored": Count("score_scaled"),
        "score_sum": Sum("score_scaled"),
        "in_class_n": Count("id", filter=Q(in_class=True)),
        "online_n": Count("id", filter=Q(in_class=False)),
    }
    rows: list[LearningStat] = []
    for period, trunc in (
        (LearningStat.Period.DAY, TruncDate("timestamp")),
        (LearningStat.Period.WEEK, TruncWeek("timestamp")),
    ):
        for level, fields in LEVEL_FIELDS.items():
            qs = base
            if level == LearningStat.Level.CLASS:
                qs = qs.filter(school_class__isnull=False)
            elif level != LearningStat.Level.COUNTY:
                qs = qs.filter(school__isnull=False)
            grouped = qs.annotate(period_start=trunc).values("period_start", *fields).annotate(**metrics)
            for g in grouped.order_by():
                day = g["period_start"]
                if isinstance(day, dt.datetime):
                    day = day.date()
                unit = g[UNIT_FIELD[level]] if level in UNIT_FIELD else 0
                rows.append(
                    LearningStat(
                        level=level,
                        unit_id=unit or 0,
                        school_id=g.get("school_id"),
                        school_class_id=g.get("school_class_id"),
                        township_id=g.get("school__township_id"),
                        period=period,
                        start=day,
                        statements=g["n"],
                        learners=g["learners"],
                        seconds=g["seconds"] or 0,
                        completed=g["done"],
                        scored=g["scored"],
                        score_sum=g["score_sum"] or 0,
                        in_class=g["in_class_n"],
                        online=g["online_n"],
                    )
                )
    LearningStat.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


__all__ = ["learning_stats_refresh"]
