"""Inspections across the county (the scenario: a broken gate at a rural primary school of 老麦乡) and hazards in every state of their loop."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from jiaoyun.core.choices import Role
from jiaoyun.core.models import User
from jiaoyun.safety import services
from jiaoyun.safety.choices import GateStatus, HazardStatus, InspectionKind, Level, Severity
from jiaoyun.safety.demo._common import (
    CAMPUS_FAILURES,
    png,
    responsible_for,
    rural_primary,
)
from jiaoyun.safety.models import (
    ChecklistTemplate,
    Hazard,
    HazardEvent,
    HazardEvidence,
    SafetyProfile,
)
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School


def inspections(
    rng: random.Random,
    schools: list[School],
    scale: int,
    today: dt.date,
    safety: User,
    principals: dict[int, User],
    officers: dict[int, User],
) -> School:
    """The scenario inspection and more inspections across the county; returns the scenario's school."""
    campus = ChecklistTemplate.objects.get(name="校园安全检查表")
    gate_item = campus.items.order_by("sort")[0]

    # The scenario of the safety section: a county inspection finds a broken gate at a rural primary
    # school of 老麦乡; the principal is responsible.
    laomai = next(
        (s for s in schools if s.township.name == "老麦乡" and s.kind == SchoolKind.PRIMARY and s.pk in principals),
        next((s for s in schools if rural_primary(s) and s.kind == SchoolKind.PRIMARY), schools[0]),
    )
    outcomes = [
        services.ItemOutcome(
            i.pk,
            passed=i.pk != gate_item.pk,
            note="校门损坏：左侧门扇铰链断裂，无法关闭" if i.pk == gate_item.pk else "",
        )
        for i in campus.items.all()
    ]
    services.inspection_record(
        actor=safety,
        school=laomai,
        template=campus,
        kind=InspectionKind.COUNTY,
        date=today - dt.timedelta(days=2),
        outcomes=outcomes,
        note="县教育局安全股秋季安全大检查",
        open_hazards=True,
        responsible=responsible_for(laomai, principals, officers, safety),
        deadline=today + dt.timedelta(days=12),
        severity=Severity.HIGH,
    )
    SafetyProfile.objects.filter(school=laomai).update(gate_status=GateStatus.DAMAGED)
    services.compliance_compute(on=today, school_ids=[laomai.pk])

    # More inspections across the county; failed items open hazards.
    sample = rng.sample(schools, k=min(len(schools), 30 * scale))
    items = list(campus.items.order_by("sort"))
    for k, s in enumerate(sample):
        if s.pk == laomai.pk:
            continue
        officer = officers.get(s.township_id)
        actor, kind = (
            (officer, InspectionKind.TOWNSHIP)
            if officer and k % 3 == 0
            else (safety, rng.choice([InspectionKind.COUNTY, InspectionKind.JOINT_POLICE]))
        )
        failed = {i.pk for i in items if rng.random() < 0.12}
        services.inspection_record(
            actor=actor,
            school=s,
            template=campus,
            kind=kind,
            date=today - dt.timedelta(days=rng.randint(1, 60)),
            outcomes=[
                services.ItemOutcome(
                    i.pk, passed=i.pk not in failed, note=CAMPUS_FAILURES[n % 10] if i.pk in failed else ""
                )
                for n, i in enumerate(items)
            ],
            open_hazards=bool(failed),
            responsible=responsible_for(s, principals, officers, safety),
            deadline=today + dt.timedelta(days=rng.randint(5, 30)),
            severity=rng.choice([Severity.LOW, Severity.LOW, Severity.MEDIUM, Severity.HIGH]),
        )
    return laomai


def age(
    rng: random.Random, today: dt.date, now: dt.datetime, keep: School, safety: User, officers: dict[int, User]
) -> None:
    """Move the generated hazards through the loop: some rectified, verified, closed; some overdue."""
    hazards = list(Hazard.objects.exclude(school=keep).select_related("inspection_result__inspection", "school"))
    admins = list(User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("id")[:1])
    events, updates, evidence = [], [], []
    for n, h in enumerate(hazards):
        opened_on = h.inspection_result.inspection.date if h.inspection_result else today
        h.opened_at = timezone.make_aware(dt.datetime.combine(opened_on, dt.time(10, 0)))
        roll = rng.random()
        candidates = [officers.get(h.school.township_id), safety, *admins]
        verifier = next((u for u in candidates if u is not None and u.pk != h.responsible_id), None)
        if roll < 0.25 or verifier is None:
            if rng.random() < 0.5:  # overdue and still open
                h.deadline = opened_on + dt.timedelta(days=rng.randint(5, 10))
                if h.deadline >= today:
                    h.deadline = today - dt.timedelta(days=rng.randint(1, 20))
            updates.append(h)
            continue
        fixed_at = h.opened_at + dt.timedelta(days=rng.randint(1, 5))
        h.status, h.fixed_by = HazardStatus.RECTIFIED, h.responsible
        events.append(
            HazardEvent(
                hazard=h,
                at=fixed_at,
                actor=h.responsible,
                action="整改",
                from_status=HazardStatus.OPEN,
                to_status=HazardStatus.RECTIFIED,
                note="已按要求整改完毕",
            )
        )
        evidence.append((len(events) - 1, n))
        if roll > 0.45:
            h.status, h.verified_by = HazardStatus.VERIFIED, verifier
            events.append(
                HazardEvent(
                    hazard=h,
                    at=fixed_at + dt.timedelta(days=1),
                    actor=verifier,
                    action="复查通过",
                    from_status=HazardStatus.RECTIFIED,
                    to_status=HazardStatus.VERIFIED,
                    note="现场复查合格",
                )
            )
        if roll > 0.6:
            h.status, h.closed_at = HazardStatus.CLOSED, fixed_at + dt.timedelta(days=2)
            events.append(
                HazardEvent(
                    hazard=h,
                    at=h.closed_at,
                    actor=verifier,
                    action="销号",
                    from_status=HazardStatus.VERIFIED,
                    to_status=HazardStatus.CLOSED,
                    note="",
                )
            )
        if h.status == HazardStatus.RECTIFIED and rng.random() < 0.4:
            h.deadline = today - dt.timedelta(days=rng.randint(1, 10))  # fixed late: waiting, past deadline
        updates.append(h)
    Hazard.objects.bulk_update(updates, ["opened_at", "deadline", "status", "fixed_by", "verified_by", "closed_at"])
    created = HazardEvent.objects.bulk_create(events)
    rows = []
    for k, (idx, n) in enumerate(evidence[:40]):
        ev = created[idx]
        f = HazardEvidence(event=ev, name=f"整改照片{n + 1}.png", uploaded_by=ev.actor)
        f.file.save(f"hazard-{ev.hazard_id}-{k}.png", ContentFile(png(n)), save=False)
        rows.append(f)
    HazardEvidence.objects.bulk_create(rows)
    # A couple of overdue ones sat at township level already (escalated earlier).
    Hazard.objects.filter(status=HazardStatus.OPEN, deadline__lt=today - dt.timedelta(days=14)).update(
        level=Level.TOWNSHIP, escalated_on=today - dt.timedelta(days=8)
    )
