"""The 控辍保学 dashboard: ledger counts and charts, counted live from the scoped lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jiaoyun.core.scope import figures_scope
from jiaoyun.core.types import User
from jiaoyun.dropout.choices import CONFIRMED_STATUSES, CaseStatus, Reason
from jiaoyun.dropout.filters import overdue_q, still_out_q
from jiaoyun.dropout.selectors.cases import cases_in_scope, children_in_scope
from jiaoyun.people.choices import StudentStatus
from jiaoyun.web.charts import COUNT, bar, category_chart, line, pie_chart


def dashboard(*, user: User, as_of: dt.date | None = None) -> dict[str, Any]:
    """Ledger counts and chart data, counted live from the same scoped querysets as the lists (``cases_in_scope``,
    ``children_in_scope``): a figure on the dashboard is the length of the list its card links to, for every user."""
    as_of = as_of or timezone.localdate()
    user = figures_scope(user)  # type: ignore[assignment]  # a county leader's figures are the county's (ADR 0037)
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
        # 仍未返校 on as_of: the one definition of current dropouts (dropout.filters.still_out_q).
        "still_out": cases.filter(still_out_q(as_of)).count(),
        "returned": sum(case.get(s, 0) for s in (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING)),
        "closed": case.get(CaseStatus.CLOSED, 0),
        "no_return": case.get(CaseStatus.NO_RETURN, 0),
        "overdue": sum(totals["overdue"].values()),
    }
    returned_states = (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING, CaseStatus.CLOSED)
    rows: list[dict[str, Any]] = [
        {
            "name": n,
            "pending": by_township[n].get(CaseStatus.PENDING, 0),
            "out": by_township[n].get(CaseStatus.VERIFIED, 0) + by_township[n].get(CaseStatus.RETURNING, 0),
            "back": sum(by_township[n].get(s, 0) for s in returned_states),
            "overdue": by_township[n].get("overdue", 0),
        }
        for n in by_township
    ]
    # Townships with the most cases still to act on first (待核实 + 未返校), then by name.
    rows.sort(key=lambda r: (-(r["pending"] + r["out"]), -r["back"], r["name"]))
    township_chart = category_chart(
        [r["name"] for r in rows],
        [
            bar("待核实", [r["pending"] for r in rows], stack="c"),
            bar("未返校", [r["out"] for r in rows], stack="c", color="#c0392b"),
            bar("已复学/安置", [r["back"] for r in rows], stack="c", color="#1e8449"),
            line("逾期步骤的案件", [r["overdue"] for r in rows], lineStyle={"width": 0}, symbolSize=9),
        ],
        sort_by=None,
        unit=COUNT,
    )
    reason_labels = dict(Reason.choices)
    reason_chart = pie_chart(
        [(str(reason_labels.get(k, k) or "待查明"), v) for k, v in totals["reason"].items()], radius=("35%", "65%")
    )
    months = sorted(set(totals["new"]) | set(totals["returned"]))[-12:]
    trend_chart = category_chart(
        months,
        [
            line("新发现", [totals["new"].get(m, 0) for m in months]),
            line("复学/安置", [totals["returned"].get(m, 0) for m in months]),
        ],
        ordinal=True,
        unit=COUNT,
        rotate=None,
        grid=None,
    )
    return {"cards": cards, "as_of": as_of, "township_chart": township_chart, "reason_chart": reason_chart,
            "trend_chart": trend_chart}  # fmt: skip
