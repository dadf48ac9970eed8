"""校园安全 待办 for the home pages: hazards to rectify or verify with their deadlines, the overdue ones, devices
offline, alerts not yet acknowledged and the schools without this month's safety inspection. Every read goes
through the safety scope (``schools_q``); each function takes a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.todo import TodoItem, names, with_query
from jiaoyun.core.types import User
from jiaoyun.safety.choices import HazardStatus
from jiaoyun.safety.filters import ACTIVE, UNFIXED_STATES
from jiaoyun.safety.models import Device, Hazard, Inspection, SafetyAlert
from jiaoyun.safety.permissions import can_read, schools_q

MODULE = "校园安全"
HAZARD_LIMIT = 6
# Each school inspects its campus (学校自查) at least once a month; the month's inspection is due at its end.
INSPECTION_EVERY = "month"


def hazard_items(user: User, today: dt.date, *, limit: int = HAZARD_LIMIT) -> list[TodoItem]:
    """The unfixed hazards in scope (待整改, 已整改待复查), the earliest deadline first, one item each up to
    ``limit``; the rest counted and linked to the hazard list."""
    qs = Hazard.objects.filter(schools_q(user, prefix="school__"), status__in=UNFIXED_STATES)
    total = qs.count()
    hazards = list(qs.select_related("school").order_by("deadline", "id")[:limit]) if total else []
    items = []
    for h in hazards:
        title = "整改安全隐患" if h.status == HazardStatus.OPEN else "复查隐患整改"
        items.append(TodoItem(key=f"safety.hazard.{h.status}", title=title, subject=f"{h.school.name}：{h.title}",
                              deadline=h.deadline, url=reverse("safety:hazard", args=[h.pk]), module=MODULE,
                              note=f"{h.get_severity_display()}隐患", today=today))  # fmt: skip
    if total > limit:
        items.append(TodoItem(key="safety.more", title="其余未整改隐患", count=total - limit, module=MODULE,
                              url=with_query(reverse("safety:hazards"), status=ACTIVE), today=today, order=1))  # fmt: skip
    return items


def counts(user: User, today: dt.date) -> dict[str, int]:
    """Overdue hazards, devices offline and alerts not acknowledged in scope (three aggregate queries)."""
    hazards = Hazard.objects.filter(schools_q(user, prefix="school__")).aggregate(
        overdue=Count("id", filter=Q(status__in=UNFIXED_STATES, deadline__lt=today))
    )
    devices = Device.objects.filter(schools_q(user, prefix="school__"), is_active=True).aggregate(
        offline=Count("id", filter=Q(is_online=False))
    )
    alerts = SafetyAlert.objects.filter(schools_q(user, prefix="school__"), acknowledged_at__isnull=True).count()
    return {"overdue": hazards["overdue"], "offline": devices["offline"], "alerts": alerts}


def count_items(user: User, today: dt.date, *, overdue: bool = True) -> list[TodoItem]:
    """Overdue hazards (when ``overdue``), devices offline and alerts to acknowledge, as count items."""
    n = counts(user, today)
    items = []
    if overdue and n["overdue"]:
        items.append(TodoItem(key="safety.overdue", title="逾期未整改的隐患", count=n["overdue"], module=MODULE,
                              url=with_query(reverse("safety:hazards"), overdue=1), note="逾期隐患逐级升级督办",
                              today=today, order=-1))  # fmt: skip
    if n["offline"]:
        items.append(TodoItem(key="safety.offline", title="安防设备离线", count=n["offline"], module=MODULE,
                              url=with_query(reverse("safety:devices"), online=0), note="联系学校检修、恢复联网",
                              today=today))  # fmt: skip
    if n["alerts"]:
        items.append(TodoItem(key="safety.alerts", title="待确认的安全预警", count=n["alerts"], module=MODULE,
                              url=reverse("safety:dashboard"), note="报警、门禁强开、设备离线", today=today))  # fmt: skip
    return items


def month_end(today: dt.date) -> dt.date:
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def inspection_items(user: User, today: dt.date) -> list[TodoItem]:
    """The schools in scope (that the user may inspect) without a safety inspection this month."""
    from jiaoyun.schools.models import School

    if not can_read(user) or not user.can_write:
        return []
    first = today.replace(day=1)
    missing = list(
        School.objects.filter(schools_q(user), is_active=True)
        .exclude(Exists(Inspection.objects.filter(school=OuterRef("pk"), date__gte=first, date__lte=today)))
        .order_by("code")
        .values_list("name", flat=True)
    )
    if not missing:
        return []
    return [TodoItem(key="safety.inspection", title=f"{today.month}月安全检查未开展", count=len(missing),
                     subject=names(missing, limit=3, unit="所"), deadline=month_end(today), module=MODULE,
                     url=reverse("safety:inspection_new"), note="每校每月至少一次校园安全检查",
                     today=today)]  # fmt: skip


# ---------------------------------------------------------------- per role


def township(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    return count_items(user, today) + hazard_items(user, today) + inspection_items(user, today)


def principal(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    return count_items(user, today, overdue=False) + hazard_items(user, today) + inspection_items(user, today)


def section(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """安全股: the county's overdue hazards, devices offline, alerts, inspections due and the hazards with the
    earliest deadlines."""
    today = today or timezone.localdate()
    return count_items(user, today) + inspection_items(user, today) + hazard_items(user, today)


def strip(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    return count_items(user, today)
