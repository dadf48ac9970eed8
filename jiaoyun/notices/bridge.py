"""The modules' own alerts told through ``notify`` (a periodic bridge, so the modules' services stay as they are):

* 控辍保学: each overdue-step alert (``dropout.CaseAlert``, made by ``deadlines_check``) tells the responsible
  person's account when the roster links one, else the school's principal and the township's 中心校 staff;
* 校园安全: each offline-device alert (``safety.SafetyAlert`` of kind 设备离线) tells the school's principal, the
  township's 中心校 staff and the bureau's 安全股.

Titles name the step or the device, never a child: the case page (behind the login and the scope) says who. Each alert is told once per user
(the key holds the alert's id and level); the bridge reads the last NOTICES_BRIDGE_DAYS days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.choices import Role, Section
from jiaoyun.notices import conf
from jiaoyun.notices.services import notify


def _staff(*, schools: set[int], townships: set[int], section: str = "") -> dict[tuple[str, int | None], list[Any]]:
    """Active accounts by (kind, id): ("school", id) principals, ("township", id) 中心校 staff, ("section", 0)."""
    User = get_user_model()
    q = Q(role=Role.PRINCIPAL, school_id__in=schools) | Q(role=Role.TOWNSHIP_OFFICER, area_id__in=townships)
    if section:
        q |= Q(role=Role.BUREAU_STAFF, section=section)
    found: dict[tuple[str, int | None], list[Any]] = defaultdict(list)
    for u in User.objects.filter(q, is_active=True):
        if u.role == Role.PRINCIPAL:
            found[("school", u.school_id)].append(u)
        elif u.role == Role.TOWNSHIP_OFFICER:
            found[("township", u.area_id)].append(u)
        else:
            found[("section", 0)].append(u)
    return found


def _dropout(since: dt.date) -> int:
    from jiaoyun.dropout.choices import LEVEL_LABELS
    from jiaoyun.dropout.models import CaseAlert

    alerts = list(
        CaseAlert.objects.filter(created_on__gte=since).select_related("step", "case", "person__user").order_by("id")
    )
    school_of = {a.pk: a.case.school_id or a.case.student.current_school_id for a in alerts}
    staff = _staff(schools={s for s in school_of.values() if s},
                   townships={a.case.township_id for a in alerts if a.case.township_id})  # fmt: skip
    told = 0
    for a in alerts:
        user = getattr(a.person, "user", None) if a.person else None
        users = (
            [user] if user is not None else staff[("school", school_of[a.pk])] + staff[("township", a.case.township_id)]
        )
        who = LEVEL_LABELS.get((a.line, a.level), "")
        title = f"控辍保学第{a.step.stage}步逾期{'，已上报' if a.escalated else ''}：请{who}督办（案件{a.case_id}）"
        told += notify(users=users, key=f"dropout:alert:{a.pk}", title=title, module="dropout",
                       url=reverse("dropout:case", args=[a.case_id]), level=1 if a.escalated else 0)  # fmt: skip
    return told


def _safety(since: dt.date) -> int:
    from jiaoyun.safety.choices import AlertKind
    from jiaoyun.safety.models import SafetyAlert

    start = dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_current_timezone())
    alerts = list(
        SafetyAlert.objects.filter(kind=AlertKind.DEVICE_OFFLINE, created_at__gte=start)
        .select_related("school")
        .order_by("id")
    )
    staff = _staff(schools={a.school_id for a in alerts}, townships={a.school.township_id for a in alerts},
                   section=Section.SAFETY)  # fmt: skip
    told = 0
    for a in alerts:
        users = staff[("school", a.school_id)] + staff[("township", a.school.township_id)] + staff[("section", 0)]
        told += notify(users=users, key=f"safety:alert:{a.pk}", title=f"安防设备离线：{a.message}"[:200],
                       module="safety", url=reverse("safety:devices"))  # fmt: skip
    return told


def alerts_bridge(*, on: dt.date | None = None) -> int:
    """Tell the users of the recent 控辍保学 and offline-device alerts; returns the new notifications."""
    since = (on or timezone.localdate()) - dt.timedelta(days=int(conf.get("NOTICES_BRIDGE_DAYS")))
    return _dropout(since) + _safety(since)
