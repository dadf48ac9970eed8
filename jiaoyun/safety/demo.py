"""Demo data for 平安校园: profiles with realistic gaps, inspections and hazards in every state,
canteen records, devices with heartbeats (one alarm silent for two hours), surroundings reports.

Called by ``manage.py demo_data`` after schools, students, teachers and the demo users exist.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from typing import Any, TextIO

from django.core.files.base import ContentFile
from django.utils import timezone

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User
from jiaoyun.safety import services
from jiaoyun.safety.choices import HazardStatus, Level
from jiaoyun.safety.compliance import guards_required
from jiaoyun.safety.models import (
    Canteen,
    CanteenStaff,
    ChecklistTemplate,
    Device,
    FoodSample,
    Guard,
    Hazard,
    HazardEvent,
    HazardEvidence,
    JointAction,
    MealAccompaniment,
    RiskReport,
    Rule,
    SafetyProfile,
    SixTCheck,
)
from jiaoyun.safety.services.compliance import school_people_counts
from jiaoyun.safety.services.devices import new_token, token_hash
from jiaoyun.schools.models import School

SURNAMES = "李王张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗段杞字"
GIVEN = "德明国华建平志强文军海林永红春福贵祥顺发荣"
INSURERS = ["中国人保财险施甸支公司", "中国平安财险保山中心支公司", "太平洋财险保山中心支公司"]
DISHES = ["青椒肉丝", "土豆丝", "番茄炒蛋", "白菜豆腐汤", "红烧肉", "炒青菜", "米饭", "宫保鸡丁", "酸菜洋芋汤"]
RISKS = [
    ("traffic", "high", "校门口位于县道弯道处，上下学时段车流量大，无减速带和警示标志"),
    ("vendor", "medium", "校门口有流动摊贩售卖“三无”辣条等零食"),
    ("internet_cafe", "medium", "学校200米范围内有网吧，发现有未成年学生出入"),
    ("construction", "high", "学校围墙外在建民房，脚手架紧邻教学楼一侧"),
    ("water", "high", "学校附近有无护栏的灌溉水塘，夏季有学生私自下水"),
    ("traffic", "medium", "学生乘坐无资质面包车上下学"),
]
CAMPUS_FAILURES = [
    "门卫室夜间无人值守",
    "围墙东侧坍塌约3米，未封闭",
    "一键报警按钮测试无响应",
    "校门摄像头录像仅保存7天",
    "校门外未设置防冲撞隔离墩",
    "放学时段校门口无护学岗",
    "教学楼二楼灭火器过期",
    "旧宿舍楼墙体开裂",
    "外来人员进校未登记",
    "宿舍夜间无人巡查",
]
CANTEEN_FAILURES = [
    "冷库内有过期牛奶未处理",
    "生熟菜板混用",
    "餐厅地面油污未清理",
    "一名帮厨健康证过期",
    "留样不足125克",
    "进货查验记录缺失",
    "发现未完全炒熟的四季豆",
    "上次检查指出的排水沟问题未整改",
]
DEPARTMENTS = {
    "traffic": ["交警大队", "乡镇交管站"],
    "vendor": ["市场监管所", "乡镇综合执法队"],
    "internet_cafe": ["文化市场综合执法大队", "派出所"],
    "construction": ["住建局", "乡镇人民政府"],
    "water": ["水务局", "村委会"],
}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _png(seed: int) -> bytes:
    """A tiny valid PNG (8×8, one colour) to stand in for a rectification photo."""
    colour = bytes([(seed * 53) % 256, (seed * 97) % 256, (seed * 29) % 256])
    raw = b"".join(b"\x00" + colour * 8 for _ in range(8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _rural_primary(s: School) -> bool:
    return s.urban_rural != "urban" and s.kind in ("primary", "teaching_point")


def _profiles(rng: random.Random, schools: list[School], counts: dict[int, tuple[int, int]], today: dt.date) -> int:
    rule = Rule.objects.filter(code="guard-count-2015").first()
    params = rule.parameters if rule else {}
    profiles, guards = [], []
    policy_start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for s in schools:
        students, staff = counts.get(s.pk, (0, 0))
        rural = _rural_primary(s)
        p = SafetyProfile(
            school=s,
            gate_status="good",
            wall_status="complete",
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
            police_post_nearby=s.urban_rural == "urban" or rng.random() < 0.5,
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
        if s.kind == "teaching_point" and rng.random() < 0.3:
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
                name=_name(rng),
                birth_date=today.replace(year=today.year - age) - dt.timedelta(days=rng.randint(1, 300)),
                certificate_no=f"云保{rng.randint(10**8, 10**9 - 1)}" if rng.random() > 0.05 else "",
                certificate_valid_until=today + dt.timedelta(days=rng.randint(60, 1500)),
                on_duty=True,
            )
            guards.append(g)
    SafetyProfile.objects.bulk_create(profiles, batch_size=500)
    Guard.objects.bulk_create(guards, batch_size=500)
    return len(guards)


def _history(rng: random.Random, schools: list[School], today: dt.date) -> None:
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


def _responsible_for(school: School, principals: dict[int, User], officers: dict[int, User], fallback: User) -> User:
    return principals.get(school.pk) or officers.get(school.township_id) or fallback


def generate(*, rng: random.Random, scale: int, stdout: TextIO | Any, today: dt.date) -> dict[str, int]:
    now = timezone.now()
    schools = list(School.objects.filter(is_active=True).select_related("township").order_by("code"))
    if not schools:
        return {}
    counts = school_people_counts()
    n_guards = _profiles(rng, schools, counts, today)
    _history(rng, schools, today)
    stdout.write(f"  平安校园档案：{len(schools)}所学校，保安员{n_guards}名，达标结果已计算\n")

    safety = (
        User.objects.filter(role=Role.BUREAU_STAFF, section=Section.SAFETY, is_active=True).order_by("id").first()
        or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("id").first()
    )
    if safety is None:
        return {"profiles": len(schools)}
    principals = {u.school_id: u for u in User.objects.filter(role=Role.PRINCIPAL, is_active=True) if u.school_id}
    officers = {u.area_id: u for u in User.objects.filter(role=Role.TOWNSHIP_OFFICER, is_active=True) if u.area_id}
    campus = ChecklistTemplate.objects.get(name="校园安全检查表")
    canteen_tpl = ChecklistTemplate.objects.get(name="食堂六T检查表")
    gate_item = campus.items.order_by("sort").first()
    assert gate_item is not None

    # The scenario of the safety section: a county inspection finds a broken gate at a rural primary
    # school of 老麦乡; the principal is responsible.
    laomai = next(
        (s for s in schools if s.township.name == "老麦乡" and s.kind == "primary" and s.pk in principals),
        next((s for s in schools if _rural_primary(s) and s.kind == "primary"), schools[0]),
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
        kind="county",
        date=today - dt.timedelta(days=2),
        outcomes=outcomes,
        note="县教育局安全股秋季安全大检查",
        open_hazards=True,
        responsible=_responsible_for(laomai, principals, officers, safety),
        deadline=today + dt.timedelta(days=12),
        severity="high",
    )
    SafetyProfile.objects.filter(school=laomai).update(gate_status="damaged")
    services.compliance_compute(on=today, school_ids=[laomai.pk])

    # More inspections across the county; failed items open hazards.
    sample = rng.sample(schools, k=min(len(schools), 30 * scale))
    items = list(campus.items.order_by("sort"))
    for k, s in enumerate(sample):
        if s.pk == laomai.pk:
            continue
        officer = officers.get(s.township_id)
        actor, kind = (
            (officer, "township") if officer and k % 3 == 0 else (safety, rng.choice(["county", "joint_police"]))
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
            responsible=_responsible_for(s, principals, officers, safety),
            deadline=today + dt.timedelta(days=rng.randint(5, 30)),
            severity=rng.choice(["low", "low", "medium", "high"]),
        )
    _age_hazards(rng, today, now, laomai, safety, officers)
    escalated = services.hazards_escalate_overdue(today=today)
    stdout.write(f"  安全检查与隐患：{Hazard.objects.count()}条隐患，逾期升级{escalated}条\n")

    n_canteen = _canteens(rng, schools, counts, today, safety, canteen_tpl, principals, officers)
    stdout.write(f"  食堂：{n_canteen}个，近三周六T日检、陪餐、留样记录\n")
    n_dev, n_off = _devices(rng, schools, now, laomai)
    stdout.write(f"  安防设备：{n_dev}台，离线{n_off}台\n")
    n_risk = _risks(rng, schools, today, safety)
    stdout.write(f"  周边风险：{n_risk}条\n")
    return {"profiles": len(schools), "guards": n_guards, "canteens": n_canteen, "devices": n_dev, "risks": n_risk}


def _age_hazards(
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
                from_status="open",
                to_status="rectified",
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
                    from_status="rectified",
                    to_status="verified",
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
                    from_status="verified",
                    to_status="closed",
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
        f.file.save(f"hazard-{ev.hazard_id}-{k}.png", ContentFile(_png(n)), save=False)
        rows.append(f)
    HazardEvidence.objects.bulk_create(rows)
    # A couple of overdue ones sat at township level already (escalated earlier).
    Hazard.objects.filter(status=HazardStatus.OPEN, deadline__lt=today - dt.timedelta(days=14)).update(
        level=Level.TOWNSHIP, escalated_on=today - dt.timedelta(days=8)
    )


def _canteens(
    rng: random.Random,
    schools: list[School],
    counts: dict[int, tuple[int, int]],
    today: dt.date,
    safety: User,
    template: ChecklistTemplate,
    principals: dict[int, User],
    officers: dict[int, User],
) -> int:
    with_canteen = [s for s in schools if s.kind != "teaching_point" and counts.get(s.pk, (0, 0))[0] >= 80]
    canteens = Canteen.objects.bulk_create(
        Canteen(
            school=s,
            name="学生食堂",
            bright_kitchen=rng.choice(["both", "both", "video", "glass", "none"])
            if s.urban_rural != "urban"
            else "both",
            bright_kitchen_online=rng.random() < 0.8,
        )
        for s in with_canteen
    )
    checks, meals, samples, staff = [], [], [], []
    for c in canteens:
        diligent = rng.random()
        for d in range(21):
            day = today - dt.timedelta(days=d)
            if day.weekday() >= 5:
                continue
            flags = [rng.random() < 0.85 + 0.14 * diligent for _ in range(6)]
            checks.append(
                SixTCheck(
                    canteen=c,
                    date=day,
                    handle=flags[0],
                    integrate=flags[1],
                    sweep=flags[2],
                    standard=flags[3],
                    checked=flags[4],
                    improve=flags[5],
                    checker=_name(rng),
                )
            )
            meals.append(
                MealAccompaniment(
                    canteen=c,
                    date=day,
                    meal="lunch",
                    companion=f"{_name(rng)}（副校长）",
                    comments=rng.choice(["", "饭菜口味适中", "青菜偏咸"]),
                )
            )
            for dish in rng.sample(DISHES, 3):
                samples.append(
                    FoodSample(
                        canteen=c,
                        date=day,
                        meal="lunch",
                        dish=dish,
                        weight_g=rng.choice([125, 130, 150, 150, 200]),
                        keep_hours=48,
                        keeper=_name(rng),
                    )
                )
        for _ in range(rng.randint(3, 6)):
            valid = today + dt.timedelta(days=rng.randint(-40, 360))
            staff.append(
                CanteenStaff(
                    canteen=c,
                    name=_name(rng),
                    post=rng.choice(["厨师", "帮厨", "保管员"]),
                    health_cert_no=f"JK{rng.randint(10**7, 10**8 - 1)}",
                    health_cert_valid_until=valid,
                )
            )
    SixTCheck.objects.bulk_create(checks, batch_size=1000)
    MealAccompaniment.objects.bulk_create(meals, batch_size=1000)
    FoodSample.objects.bulk_create(samples, batch_size=1000)
    CanteenStaff.objects.bulk_create(staff, batch_size=1000)
    items = list(template.items.order_by("sort"))
    for c in rng.sample(canteens, k=min(len(canteens), 12)):
        failed = {i.pk for i in items if rng.random() < 0.1}
        s = c.school
        services.inspection_record(
            actor=safety,
            school=s,
            template=template,
            kind="county",
            date=today - dt.timedelta(days=rng.randint(0, 40)),
            canteen=c,
            outcomes=[
                services.ItemOutcome(
                    i.pk, passed=i.pk not in failed, note=CANTEEN_FAILURES[n % 8] if i.pk in failed else ""
                )
                for n, i in enumerate(items)
            ],
            responsible=_responsible_for(s, principals, officers, safety),
            deadline=today + dt.timedelta(days=rng.randint(3, 14)),
        )
    return len(canteens)


def _devices(rng: random.Random, schools: list[School], now: dt.datetime, keep: School) -> tuple[int, int]:
    devices = []
    five = dt.timedelta(minutes=5)
    for s in schools:
        if s.pk != keep.pk and rng.random() < 0.12:
            continue  # some schools have no registered device yet
        kinds = (
            ["alarm", "camera"]
            + (["camera"] if rng.random() < 0.5 else [])
            + (["access"] if s.kind != "teaching_point" and rng.random() < 0.6 else [])
        )
        for k, kind in enumerate(kinds, 1):
            devices.append(
                Device(
                    school=s,
                    kind=kind,
                    name={"alarm": "门卫室一键报警", "camera": f"{k}号摄像头", "access": "校门人脸门禁"}[kind],
                    serial=f"{kind[:3].upper()}-{s.code}-{k}",
                    token_hash=token_hash(new_token()),
                    heartbeat_interval=five,
                    last_seen_at=now - dt.timedelta(seconds=rng.randint(5, 240)),
                    is_online=True,
                )
            )
    Device.objects.bulk_create(devices, batch_size=1000)
    # One alarm silent for two hours (not at the scenario school), two cameras silent for a day.
    alarm = Device.objects.filter(kind="alarm").exclude(school=keep).order_by("?").first() if devices else None
    if alarm is not None:
        Device.objects.filter(pk=alarm.pk).update(last_seen_at=now - dt.timedelta(hours=2))
    cams = list(Device.objects.filter(kind="camera").exclude(school=keep).values_list("pk", flat=True)[:400])
    for pk in rng.sample(cams, k=min(2, len(cams))):
        Device.objects.filter(pk=pk).update(last_seen_at=now - dt.timedelta(days=1))
    offline = services.devices_check_offline(now=now)
    return len(devices), offline


def _risks(rng: random.Random, schools: list[School], today: dt.date, safety: User) -> int:
    picks = rng.sample(schools, k=min(len(schools), 15))
    reports = RiskReport.objects.bulk_create(
        RiskReport(
            school=s,
            category=cat,
            level=level,
            description=text,
            reported_on=today - dt.timedelta(days=rng.randint(3, 90)),
            reporter=safety,
            status="open",
        )
        for s, (cat, level, text) in zip(picks, [rng.choice(RISKS) for _ in picks], strict=True)
    )
    actions, resolved = [], []
    for r in reports:
        for step in range(rng.randint(0, 2)):
            dept = rng.choice(DEPARTMENTS.get(r.category, ["乡镇人民政府"]))
            actions.append(
                JointAction(
                    report=r,
                    department=dept,
                    date=min(today, r.reported_on + dt.timedelta(days=3 + 7 * step)),
                    action=rng.choice(
                        ["联合开展专项整治", "设置警示标志和减速带", "约谈经营者并责令整改", "加装防护栏"]
                    ),
                    result=rng.choice(["已完成", "持续跟进", "已责令限期整改"]),
                    logged_by=safety,
                )
            )
            if step == 1 and rng.random() < 0.6:
                resolved.append(r.pk)
    JointAction.objects.bulk_create(actions)
    RiskReport.objects.filter(pk__in=resolved).update(status="resolved")
    return len(reports)
