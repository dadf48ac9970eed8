"""Every read of safety data, filtered by the user's data scope (jiaoyun.core.scope.school_q)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.scope import people_school_q
from jiaoyun.core.types import User
from jiaoyun.safety.choices import SixT, TemplateKind
from jiaoyun.safety.filters import (
    OPEN_STATES,
    ComplianceFilterSet,
    DeviceFilterSet,
    HazardFilterSet,
    InspectionFilterSet,
    RiskFilterSet,
    hazards_overdue,
    with_state_on,
)
from jiaoyun.safety.models import (
    Canteen,
    CanteenStaff,
    ChecklistTemplate,
    ComplianceSnapshot,
    Device,
    Guard,
    Hazard,
    HazardEvidence,
    Inspection,
    RiskReport,
    Rule,
    SafetyAlert,
    SafetyProfile,
    SixTCheck,
)
from jiaoyun.safety.permissions import can_manage, is_safety_section, schools_q
from jiaoyun.schools.models import School


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def school_list(*, user: User) -> QuerySet[School]:
    return School.objects.filter(schools_q(user), is_active=True).select_related("township")


def school_list_writable(*, user: User) -> QuerySet[School]:
    """The schools in scope for a user who may write at all (none for read-only accounts)."""
    schools = school_list(user=user)
    return schools if user.can_write else schools.none()


def school_list_manageable(*, user: User) -> QuerySet[School]:
    """The schools in scope whose safety data the user may change (``can_manage``)."""
    schools = school_list(user=user)
    return schools.filter(pk__in=[s.pk for s in schools if can_manage(user, s)])


def school_list_for_devices(*, user: User) -> QuerySet[School]:
    """The schools where the user may register devices: the safety section, township officers and
    principals who may write, within their scope."""
    schools = school_list(user=user)
    may = user.can_write and (is_safety_section(user) or user.role in (Role.PRINCIPAL, Role.TOWNSHIP_OFFICER))
    return schools if may else schools.none()


def township_list() -> QuerySet[Area]:
    """The townships of the county, for filter drop-downs (names only, no personal data)."""
    return Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code")


def responsible_list(*, school: School) -> QuerySet[User]:
    """Active users who can be made responsible for a hazard at ``school``: its staff, its township's
    officers, the county administrators and the bureau's safety section."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(school=school)
            | Q(role=Role.TOWNSHIP_OFFICER, area_id=school.township_id)
            | Q(role=Role.COUNTY_ADMIN)
            | Q(role=Role.BUREAU_STAFF, section=Section.SAFETY)
        )
        .order_by("role", "username")
    )


def school_get(*, user: User, school_id: int) -> School:
    school = School.objects.filter(schools_q(user), pk=school_id).select_related("township").first()
    if school is None:
        raise Http404("学校不存在或不在您的数据范围内")
    return school


def profile_get(*, user: User, school_id: int) -> dict[str, Any]:
    school = school_get(user=user, school_id=school_id)
    return {
        "school": school,
        "profile": SafetyProfile.objects.filter(school=school).first(),
        "guards": list(guard_list(school=school)),
        "snapshot": ComplianceSnapshot.objects.filter(school=school).order_by("-date").first(),
        "history": list(ComplianceSnapshot.objects.filter(school=school).order_by("-date")[:12]),
        "canteens": list(Canteen.objects.filter(school=school)),
        "devices": list(Device.objects.filter(school=school)),
    }


def guard_list(*, school: School) -> QuerySet[Guard]:
    """The guards of a school already read through the user's scope, those on duty first."""
    return Guard.objects.filter(school=school).order_by("-on_duty", "name")


def latest_compliance_date(on: dt.date | None = None) -> dt.date | None:
    qs = ComplianceSnapshot.objects.all()
    if on is not None:
        qs = qs.filter(date__lte=on)
    latest: dt.date | None = qs.aggregate(d=Max("date"))["d"]
    return latest


def compliance_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ComplianceSnapshot]:
    """The current compliance result of each visible school (the latest snapshot date)."""
    day = latest_compliance_date()
    qs = ComplianceSnapshot.objects.filter(schools_q(user, prefix="school__"), date=day or dt.date.min).select_related(
        "school", "school__township"
    )
    return filter_by(ComplianceFilterSet, filters, qs).order_by("school__township__sort", "school__code")


def compliance_by_township(*, user: User, on: dt.date | None = None) -> dict[str, Any]:
    """Compliance rates per township and for the whole visible county, from the snapshot table."""
    day = latest_compliance_date(on)
    qs = ComplianceSnapshot.objects.filter(schools_q(user, prefix="school__"), date=day or dt.date.min)
    agg = {
        "total": Count("id"),
        "ok": Count("id", filter=Q(compliant=True)),
        "guards": Count("id", filter=Q(guards_ok=True)),
        "closed": Count("id", filter=Q(closed_ok=True)),
        "linked": Count("id", filter=Q(linked_ok=True)),
    }
    rows = list(
        qs.values("school__township_id", "school__township__name", "school__township__sort")
        .annotate(**agg)
        .order_by("school__township__sort", "school__township_id")
    )
    out = [
        {
            "township_id": r["school__township_id"],
            "township": r["school__township__name"],
            "total": r["total"],
            "compliant": r["ok"],
            "rate": _rate(r["ok"], r["total"]),
            "guards_rate": _rate(r["guards"], r["total"]),
            "closed_rate": _rate(r["closed"], r["total"]),
            "linked_rate": _rate(r["linked"], r["total"]),
        }
        for r in rows
    ]
    t = qs.aggregate(**agg)
    county = {
        "total": t["total"],
        "compliant": t["ok"],
        "rate": _rate(t["ok"], t["total"]),
        "guards_rate": _rate(t["guards"], t["total"]),
        "closed_rate": _rate(t["closed"], t["total"]),
        "linked_rate": _rate(t["linked"], t["total"]),
    }
    return {"date": day, "townships": out, "county": county}


def compliance_history(*, user: User, limit: int = 12) -> list[dict[str, Any]]:
    """County compliance rate at each snapshot date (oldest first)."""
    rows = (
        ComplianceSnapshot.objects.filter(schools_q(user, prefix="school__"))
        .values("date")
        .annotate(total=Count("id"), ok=Count("id", filter=Q(compliant=True)))
        .order_by("-date")[:limit]
    )
    return [{"date": r["date"], "rate": _rate(r["ok"], r["total"])} for r in reversed(list(rows))]


def hazard_list(
    *, user: User, filters: Mapping[str, Any] | None = None, today: dt.date | None = None
) -> QuerySet[Hazard]:
    qs = Hazard.objects.filter(schools_q(user, prefix="school__")).select_related(
        "school", "school__township", "responsible"
    )
    if filters:  # HazardFilterSet needs the reader (mine=1) and the day (overdue=1), so not filter_by
        qs = HazardFilterSet(filters, queryset=qs, user=user, today=today).qs
    return qs.order_by("deadline", "id")


def hazard_get(*, user: User, hazard_id: int) -> Hazard:
    hazard = (
        Hazard.objects.filter(schools_q(user, prefix="school__"), pk=hazard_id)
        .select_related("school", "school__township", "responsible", "fixed_by", "verified_by", "opened_by")
        .prefetch_related("events__actor", "events__evidence", "escalations")
        .first()
    )
    if hazard is None:
        raise Http404("隐患不存在或不在您的数据范围内")
    return hazard


def hazard_evidence_get(*, user: User, evidence_id: int) -> HazardEvidence:
    """A rectification file, if its hazard's school is in the user's scope (else 404)."""
    evidence = (
        HazardEvidence.objects.filter(schools_q(user, prefix="event__hazard__school__"), pk=evidence_id)
        .select_related("event")
        .first()
    )
    if evidence is None:
        raise Http404("文件不存在或不在您的数据范围内")
    return evidence


def inspection_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Inspection]:
    qs = Inspection.objects.filter(schools_q(user, prefix="school__")).select_related(
        "school", "template", "inspector", "canteen"
    )
    return filter_by(InspectionFilterSet, filters, qs).order_by("-date", "-id")


def inspection_get(*, user: User, inspection_id: int) -> Inspection:
    obj = (
        Inspection.objects.filter(schools_q(user, prefix="school__"), pk=inspection_id)
        .select_related("school", "template", "inspector", "canteen")
        .prefetch_related("results__item", "results__hazard")
        .first()
    )
    if obj is None:
        raise Http404("检查记录不存在或不在您的数据范围内")
    return obj


def inspection_sixt_scores(inspection: Inspection) -> list[dict[str, Any]]:
    """Per 六T category of a canteen inspection: items passed / items, as a score out of 100."""
    totals: dict[str, list[int]] = {}
    for r in inspection.results.all():
        if r.item.six_t:
            cell = totals.setdefault(r.item.six_t, [0, 0])
            cell[0] += int(r.passed)
            cell[1] += 1
    return [
        {"category": str(label), "passed": totals[value][0], "total": totals[value][1], "score": _rate(*totals[value])}
        for value, label in SixT.choices
        if value in totals
    ]


def device_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Device]:
    qs = Device.objects.filter(schools_q(user, prefix="school__"), is_active=True).select_related(
        "school", "school__township"
    )
    return filter_by(DeviceFilterSet, filters, qs).order_by(
        "is_online", "school__township__sort", "school__code", "serial"
    )


def alert_list(*, user: User, open_only: bool = True) -> QuerySet[SafetyAlert]:
    # An alert's message may name a person: people-level (a county leader reads those of the linked schools).
    qs = SafetyAlert.objects.filter(schools_q(user, prefix="school__"), people_school_q(user, prefix="school__"))
    qs = qs.select_related("school", "device")
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def risk_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[RiskReport]:
    qs = RiskReport.objects.filter(schools_q(user, prefix="school__")).select_related("school", "reporter")
    return filter_by(RiskFilterSet, filters, qs).prefetch_related("actions").order_by("-reported_on", "-id")


def canteen_get(*, user: User, canteen_id: int) -> Canteen:
    obj = Canteen.objects.filter(schools_q(user, prefix="school__"), pk=canteen_id).select_related("school").first()
    if obj is None:
        raise Http404("食堂不存在或不在您的数据范围内")
    return obj


def canteen_list(*, school: School | None) -> QuerySet[Canteen]:
    """The canteens of a school already read through the user's scope (none without a school)."""
    return Canteen.objects.filter(school=school) if school is not None else Canteen.objects.none()


def canteen_records(*, canteen: Canteen, since: dt.date) -> dict[str, Any]:
    """The canteen page's recent records: 六T daily checks, samples and 陪餐 since ``since``, last inspections."""
    return {
        "checks": canteen.sixt_checks.filter(date__gte=since).order_by("-date"),
        "samples": canteen.samples.filter(date__gte=since).order_by("-date", "meal")[:60],
        "meals": canteen.accompaniments.filter(date__gte=since).order_by("-date", "meal")[:60],
        "inspections": canteen.inspections.order_by("-date")[:10],
        "template_id": ChecklistTemplate.objects.filter(kind=TemplateKind.CANTEEN).values_list("pk", flat=True).first(),
    }


def checklist_template_list() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(is_active=True)


def checklist_template_pick(template_id: int | None) -> ChecklistTemplate | None:
    """The active checklist ``template_id``, or without one the campus checklist."""
    templates = checklist_template_list()
    if template_id:
        return templates.filter(pk=template_id).first()
    return templates.filter(kind=TemplateKind.CAMPUS).first()


def rule_list() -> QuerySet[Rule]:
    return Rule.objects.order_by("sort", "code")


def rule_get(rule_id: int) -> Rule | None:
    return Rule.objects.filter(pk=rule_id).first()


def canteen_staff(*, user: User, canteen: Canteen) -> QuerySet[CanteenStaff]:
    """The staff (and their health certificates) of a canteen within the user's scope."""
    return CanteenStaff.objects.filter(schools_q(user, prefix="canteen__school__"), canteen=canteen)


def canteen_scores(*, user: User, since: dt.date) -> list[dict[str, Any]]:
    """Per township: average canteen-inspection score and share of 六T daily checks with all six done."""
    insp = (
        Inspection.objects.filter(schools_q(user, prefix="school__"), canteen__isnull=False, date__gte=since)
        .values("school__township__name", "school__township__sort")
        .annotate(avg=Avg("score"), n=Count("id"))
    )
    full = Q(handle=True, integrate=True, sweep=True, standard=True, checked=True, improve=True)
    daily = (
        SixTCheck.objects.filter(schools_q(user, prefix="canteen__school__"), date__gte=since)
        .values("canteen__school__township__name", "canteen__school__township__sort")
        .annotate(n=Count("id"), full=Count("id", filter=full))
    )
    by_name: dict[str, dict[str, Any]] = {}
    for r in insp:
        avg = r["avg"]
        by_name[r["school__township__name"]] = {
            "township": r["school__township__name"],
            "sort": r["school__township__sort"],
            "score": round(float(avg), 1) if avg is not None else None,
            "inspections": r["n"],
            "daily_rate": None,
        }
    for r in daily:
        name = r["canteen__school__township__name"]
        row = by_name.setdefault(
            name,
            {
                "township": name,
                "sort": r["canteen__school__township__sort"],
                "score": None,
                "inspections": 0,
                "daily_rate": None,
            },
        )
        row["daily_rate"] = _rate(r["full"], r["n"])
    return sorted(by_name.values(), key=lambda r: (r["sort"], r["township"]))


def hazards_overdue_count(user: User, *, on: dt.date | None = None) -> int:
    """Overdue hazards (``hazards_overdue``) of the schools whose safety data ``user`` may read, on ``on``.

    The home page's 逾期隐患 figure should call this one."""
    return hazards_overdue(Hazard.objects.filter(schools_q(user, prefix="school__")), on=on).count()


def hazard_counts_by_township(*, user: User, today: dt.date) -> list[dict[str, Any]]:
    """未销号 and 逾期未整改 (``hazards_overdue``) hazards per township, in the township order."""
    mine = Hazard.objects.filter(schools_q(user, prefix="school__"))
    overdue = {
        r["school__township_id"]: r["n"]
        for r in hazards_overdue(mine, on=today).order_by().values("school__township_id").annotate(n=Count("id"))
    }
    rows = (
        mine.filter(status__in=OPEN_STATES)
        .values("school__township_id", "school__township__name", "school__township__sort")
        .annotate(open=Count("id"))
        .order_by("school__township__sort", "school__township__name")
    )
    return [
        {
            "township": r["school__township__name"],
            "open": r["open"],
            "overdue": overdue.get(r["school__township_id"], 0),
        }
        for r in rows
    ]


def dashboard(*, user: User, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    comp = compliance_by_township(user=user)
    hazards = hazard_counts_by_township(user=user, today=today)
    devices = Device.objects.filter(schools_q(user, prefix="school__"), is_active=True).aggregate(
        total=Count("id"), offline=Count("id", filter=Q(is_online=False))
    )
    canteens = canteen_scores(user=user, since=today - dt.timedelta(days=90))
    return {
        "today": today,
        "compliance": comp,
        "history": compliance_history(user=user),
        "hazards": hazards,
        "hazard_totals": {
            "open": sum(r["open"] for r in hazards),
            "overdue": sum(r["overdue"] for r in hazards),
        },
        "devices": devices,
        "canteens": canteens,
        "alerts": list(alert_list(user=user)[:10]),
    }


def _month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return first, last


def bulletin_section(*, month: dt.date) -> dict[str, Any]:
    """The monthly safety section of the county bulletin (county-wide figures per township).

    The result holds only JSON values (dates as ISO strings), so the bulletin can archive it as is.

    Compliance is read from the last snapshot on or before the month's end; hazards opened and closed
    are counted within the month; overdue = ``hazards_overdue`` on the month's last day (today for the current
    month): 待整改 or 已整改待复查 then, with a deadline before it; offline
    devices are the devices currently flagged offline.
    """
    first, last = _month_bounds(month)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    day = latest_compliance_date(last)
    comp = {
        r["school__township_id"]: r
        for r in ComplianceSnapshot.objects.filter(date=day or dt.date.min)
        .values("school__township_id")
        .annotate(total=Count("id"), ok=Count("id", filter=Q(compliant=True)))
    }
    # 月末逾期未整改: the one definition (with_state_on) on the month's last day (today for the current month).
    counted, overdue = with_state_on(Hazard.objects.all(), last)
    hz = {
        r["school__township_id"]: r
        for r in counted.values("school__township_id").annotate(
            opened=Count("id", filter=Q(opened_at__gte=start, opened_at__lt=end)),
            closed=Count("id", filter=Q(closed_at__gte=start, closed_at__lt=end)),
            overdue=Count("id", filter=overdue),
        )
    }
    dev = {
        r["school__township_id"]: r["n"]
        for r in Device.objects.filter(is_active=True, is_online=False)
        .values("school__township_id")
        .annotate(n=Count("id"))
    }
    rows = []
    totals = {"schools": 0, "compliant": 0, "opened": 0, "closed": 0, "overdue": 0, "offline": 0}
    for t in Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code"):
        c = comp.get(t.pk, {"total": 0, "ok": 0})
        h = hz.get(t.pk, {"opened": 0, "closed": 0, "overdue": 0})
        row = {
            "township": t.name,
            "schools": c["total"],
            "compliant": c["ok"],
            "rate": _rate(c["ok"], c["total"]),
            "opened": h["opened"],
            "closed": h["closed"],
            "overdue": h["overdue"],
            "offline": dev.get(t.pk, 0),
        }
        rows.append(row)
        totals["schools"] += c["total"]
        totals["compliant"] += c["ok"]
        for k in ("opened", "closed", "overdue"):
            totals[k] += h[k]
        totals["offline"] += row["offline"]
    rate = _rate(totals["compliant"], totals["schools"])
    when = f"（{day.year}年{day.month}月{day.day}日计算）" if day else ""
    summary = (
        f"全县{totals['schools']}所学校中，平安校园达标{totals['compliant']}所，"
        f"达标率{'—' if rate is None else f'{rate}%'}{when}；本月新发现隐患{totals['opened']}条，"
        f"销号{totals['closed']}条，月末逾期未整改{totals['overdue']}条；当前离线安防设备{totals['offline']}台。"
    )
    return {
        "title": f"{first.year}年{first.month}月平安校园情况",
        "month": f"{first:%Y-%m}",
        "compliance_date": day.isoformat() if day else None,
        "summary": summary,
        "rows": rows,
        "totals": {**totals, "rate": rate},
    }
