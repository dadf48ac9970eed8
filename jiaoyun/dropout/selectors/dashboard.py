"""The 控辍保学 dashboard: ledger counts and charts, counted live from the scoped lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jiaoyun.core.types import User
from jiaoyun.dropout.choices import CONFIRMED_STATUSES, CaseStatus, Reason
from jiaoyun.dropout.filters import overdue_q
from jiaoyun.dropout.selectors.cases import cases_in_scope, children_in_scope
from jiaoyun.people.choices import StudentStatus


def dashboard(*, user: User, as_of: dt.date | None = None) -> dict[str, Any]:
    """Ledger counts and chart data, counted live from the same scoped querysets as the lists (``cases_in_scope``,
    ``children_in_scope``): a figure on the dashboard is the length of the list its card links to, for every user."""
    as_of = as_of or timezone.localdate()
    cases = cases_in_scope(user).order_by()
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_township: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in children_in_scope(user, as_of).order_by().values("status").annotate(n=Count("id")):
        totals["ledger"][r["status"]] += r["n"]
    for r in cases.values("status", "township__name").annotate(n=Count("id")):
        totals["case"][r["status"]] += r["n"]
        by_township[r["township__name"] or "未定"][r["status"]] += r["n"]
    for r in cases.filter(status__in=CONFIRMED_STATUSES).values("reason").annotate(n=Count("id")):
        totals["reason"][r["reason"] or ""] += r["n"]
    for measure, qs, on in (
        ("new", cases.exclude(status=CaseStatus.DISMISSED), "detected_on"),
        ("returned", cases.filter(returned_on__isnull=False), "returned_on"),
    ):
        for r in qs.annotate(m=TruncMonth(on)).values("m").annotate(n=Count("id")):
            totals[measure][r["m"].strftime("%Y-%m")] += r["n"]
    # Cases with an overdue open step: the list behind the card (``case_list(overdue=1)``).
    overdue = cases.filter(overdue_q(as_of)).values("township__name").annotate(n=Count("id", distinct=True))
    for r in overdue:
        totals["overdue"][""] += r["n"]
        by_township[r["township__name"] or "未定"]["overdue"] += r["n"]
    case = totals["case"]
    cards = {
        "children": sum(totals["ledger"].values()),
        "not_enrolled": totals["ledger"].get(StudentStatus.NOT_ENROLLED, 0),
        "suspected": case.get(CaseStatus.PENDING, 0),
        "still_out": case.get(CaseStatus.VERIFIED, 0) + case.get(CaseStatus.RETURNING, 0),
        "returned": sum(case.get(s, 0) for s in (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING)),
        "closed": case.get(CaseStatus.CLOSED, 0),
        "no_return": case.get(CaseStatus.NO_RETURN, 0),
        "overdue": sum(totals["overdue"].values()),
    }
    names = sorted(by_township)
    out_statuses = (CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING)
    township_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["待核实", "未返校", "已复学/安置", "逾期步骤"]},
        "grid": {"left": 40, "right": 10, "bottom": 60},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": "待核实",
                "type": "bar",
                "stack": "c",
                "data": [by_township[n].get(out_statuses[0], 0) for n in names],
            },
            {
                "name": "未返校",
                "type": "bar",
                "stack": "c",
                "data": [
                    by_township[n].get(out_statuses[1], 0) + by_township[n].get(out_statuses[2], 0) for n in names
                ],
            },
            {
                "name": "已复学/安置",
                "type": "bar",
                "stack": "c",
                "data": [
                    sum(
                        by_township[n].get(s, 0)
                        for s in (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING, CaseStatus.CLOSED)
                    )
                    for n in names
                ],
            },
            {"name": "逾期步骤", "type": "line", "data": [by_township[n].get("overdue", 0) for n in names]},
        ],
    }
    reason_labels = dict(Reason.choices)
    reason_chart = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [
                    {"name": str(reason_labels.get(k, k) or "待查明"), "value": v}
                    for k, v in sorted(totals["reason"].items(), key=lambda kv: -kv[1])
                ],
            }
        ],
    }
    months = sorted(set(totals["new"]) | set(totals["returned"]))[-12:]
    trend_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["新发现", "复学/安置"]},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "新发现", "type": "line", "data": [totals["new"].get(m, 0) for m in months]},
            {"name": "复学/安置", "type": "line", "data": [totals["returned"].get(m, 0) for m in months]},
        ],
    }
    return {"cards": cards, "as_of": as_of, "township_chart": township_chart, "reason_chart": reason_chart,
            "trend_chart": trend_chart}  # fmt: skip
