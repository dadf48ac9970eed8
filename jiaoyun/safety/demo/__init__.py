"""Demo data for 平安校园: profiles with realistic gaps, inspections and hazards in every state,
canteen records, devices with heartbeats (one alarm silent for two hours), surroundings reports.

Called by ``manage.py demo_data`` after schools, students, teachers and the demo users exist.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.utils import timezone

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User
from jiaoyun.safety import services
from jiaoyun.safety.demo import canteens, devices, hazards, profiles, surroundings
from jiaoyun.safety.models import ChecklistTemplate, Hazard
from jiaoyun.safety.services.compliance import school_people_counts
from jiaoyun.schools.models import School


def generate(*, rng: random.Random, scale: int, stdout: TextIO | Any, today: dt.date) -> dict[str, int]:
    now = timezone.now()
    schools = list(School.objects.filter(is_active=True).select_related("township").order_by("code"))
    if not schools:
        return {}
    counts = school_people_counts()
    n_guards = profiles.generate(rng, schools, counts, today)
    profiles.history(rng, schools, today)
    stdout.write(f"  平安校园档案：{len(schools)}所学校，保安员{n_guards}名，达标结果已计算\n")

    safety = (
        User.objects.filter(role=Role.BUREAU_STAFF, section=Section.SAFETY, is_active=True).order_by("id").first()
        or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("id").first()
    )
    if safety is None:
        return {"profiles": len(schools)}
    principals = {u.school_id: u for u in User.objects.filter(role=Role.PRINCIPAL, is_active=True) if u.school_id}
    officers = {u.area_id: u for u in User.objects.filter(role=Role.TOWNSHIP_OFFICER, is_active=True) if u.area_id}
    laomai = hazards.inspections(rng, schools, scale, today, safety, principals, officers)
    hazards.age(rng, today, now, laomai, safety, officers)
    escalated = services.hazards_escalate_overdue(today=today)
    stdout.write(f"  安全检查与隐患：{Hazard.objects.count()}条隐患，逾期升级{escalated}条\n")

    canteen_tpl = ChecklistTemplate.objects.get(name="食堂六T检查表")
    n_canteen = canteens.generate(rng, schools, counts, today, safety, canteen_tpl, principals, officers)
    stdout.write(f"  食堂：{n_canteen}个，近三周六T日检、陪餐、留样记录\n")
    n_dev, n_off = devices.generate(rng, schools, now, laomai)
    stdout.write(f"  安防设备：{n_dev}台，离线{n_off}台\n")
    n_risk = surroundings.generate(rng, schools, today, safety)
    stdout.write(f"  周边风险：{n_risk}条\n")
    return {"profiles": len(schools), "guards": n_guards, "canteens": n_canteen, "devices": n_dev, "risks": n_risk}
