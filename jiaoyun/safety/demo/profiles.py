"""Safety profiles and guards with realistic gaps, and a history of compliance snapshots."""

from __future__ import annotations

import datetime as dt
import random

from jiaoyun.areas.choices import UrbanRural
from jiaoyun.safety import services
from jiaoyun.safety.choices import GateStatus, WallStatus
from jiaoyun.safety.compliance import guards_required
from jiaoyun.safety.demo._common import (
    INSURERS,
    person_name,
    rural_primary,
)
from jiaoyun.safety.models import (
    Guard,
    Rule,
    SafetyProfile,
)
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School


def generate(rng: random.Random, schools: list[School], counts: dict[int, tuple[int, int]], today: dt.date) -> int:
    rule = Rule.objects.filter(code="guard-count-2015").first()
    params = rule.parameters if rule else {}
    profiles, guards = [], []
    policy_start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for s in schools:
        students, staff = counts.get(s.pk, (0, 0))
        rural = rural_primary(s)
        p = SafetyProfile(
            school=s,
            gate_status=GateStatus.GOOD,
            wall_status=WallStatus.COMPLETE,
            closed_management=True,
            alarm_installed=True,
            alarm_linked_police=True,
            alarm_last_test=today - dt.timedelta(days=rng.randint(3, 80)),
            camera_count=max(2, students // 60 + rng.randint(2, 6)),
            cameras_key_areas=True,
            cameras_linked_police=True,
            video_retention_days=rng.choice([30, 30, 30, 60, 90]),
            access_control=not rural or rng.random() < 0.4,
            anti_ramming=not rural or rng.random() < 0.6,
            police_post_nearby=s.urban_rural == UrbanRural.URBAN or rng.random() < 0.5,
            insurer=rng.choice(INSURERS),
            insurance_start=policy_start,
            insurance_end=policy_start.replace(year=policy_start.year + 1) - dt.timedelta(days=1),
            insured_students=students,
        )
        # Realistic gaps, mostly at rural primaries and teaching points.
        if rural and rng.random() < 0.18:
            p.alarm_linked_police = False
        if rural and rng.random() < 0.15:
            p.video_retention_days = rng.choice([7, 15, 15, 20])
        if rural and rng.random() < 0.10:
            p.wall_status = "partial"
            p.closed_management = False
        if s.kind == SchoolKind.TEACHING_POINT and rng.random() < 0.3:
            p.cameras_key_areas = False
        if rng.random() < 0.04:
            p.insurance_end = policy_start - dt.timedelta(days=1)
            p.insurance_start = policy_start.replace(year=policy_start.year - 1)
        profiles.append(p)
        need = guards_required(students + staff, params)
        have = need
        if rural and need >= 2 and rng.random() < 0.35:
            have = need - 1  # the missing second guard
        elif not rural and need >= 3 and rng.random() < 0.1:
            have = need - 1
        for _ in range(have):
            age = rng.randint(35, 58) if rng.random() > 0.06 else rng.randint(60, 64)
            g = Guard(
                school=s,
                name=person_name(rng),
                birth_date=today.replace(year=today.year - age) - dt.timedelta(days=rng.randint(1, 300)),
                certificate_no=f"云保{rng.randint(10**8, 10**9 - 1)}" if rng.random() > 0.05 else "",
                certificate_valid_until=today + dt.timedelta(days=rng.randint(60, 1500)),
                on_duty=True,
            )
            guards.append(g)
    SafetyProfile.objects.bulk_create(profiles, batch_size=500)
    Guard.objects.bulk_create(guards, batch_size=500)
    return len(guards)


def history(rng: random.Random, schools: list[School], today: dt.date) -> None:
    """Snapshots every two weeks of the current insurance year: schools linked their alarms over time."""
    policy_start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    days = sorted({max(policy_start, today - dt.timedelta(days=14 * k)) for k in range(5, 0, -1)} - {today})
    improved = [s.pk for s in schools if rng.random() < 0.25]
    for n, day in enumerate(days):
        later = improved[: len(improved) * (len(days) - n) // (len(days) + 1)]
        linked = list(
            SafetyProfile.objects.filter(school_id__in=later, alarm_linked_police=True).values_list("pk", flat=True)
        )
        SafetyProfile.objects.filter(pk__in=linked).update(alarm_linked_police=False)
        services.compliance_compute(on=day)
        SafetyProfile.objects.filter(pk__in=linked).update(alarm_linked_police=True)
    services.compliance_compute(on=today)
