"""Demo projects of the 2021 plan, each at a believable stage: 6 new kindergartens in the county seat (3 private),
22 new or expanded rural kindergartens, 县一中迁建, 善洲思源实验学校, the nine-year school of the 易地扶贫搬迁
resettlement site, 薄弱环节改善与能力提升, boarding and small-school facilities; money by source, contracts,
payments, some late milestones with their reasons, and site photos drawn here (a small PNG, standard library).

Also the 计划财务股 login ``finance`` (password as every demo account) who owns the projects.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User
from jiaoyun.facilities.choices import FileKind, FundingSource, MilestoneKind, status_for
from jiaoyun.facilities.models import Contract, Milestone, Payment, Project, ProjectFile, ProjectFunding
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School

PASSWORD = "Jiaoyun2021"  # noqa: S105  (the published demo password, as in jiaoyun/demo/generator/staff.py)
# Days from 立项 to each milestone (a kindergarten of a year and a half's work).
OFFSETS = (0, 45, 90, 140, 180, 330, 420, 470)
LATE_REASONS = {
    1: "发改部门立项批复待县政府常务会议研究",
    2: "用地预审（林地征占用）手续未办结，可研无法批复",
    3: "设计方案调整：按消防审查意见增加消防通道",
    4: "首次招标流标（投标单位不足3家），正重新组织招标",
    5: "县级配套资金未到位，施工单位尚未进场",
    6: "雨季连续降雨，土方与主体工程延误",
    7: "消防验收资料不全，竣工验收待补充材料后组织",
    8: "设施设备采购未完成，暂未开学使用",
}
CENT = Decimal("0.01")


# -- a small site photo (PNG, standard library) ---------------------------------------------------------------


def png_bytes(width: int, height: int, colour: tuple[int, int, int], *, storeys: int = 0) -> bytes:
    """A PNG picture of a building site: sky, ground and a building of ``storeys`` floors in ``colour``."""
    sky, ground, window = (150, 190, 230), (120, 100, 70), (60, 80, 110)
    left, right = width // 5, width - width // 5
    floor_h = max(1, height // 8)
    top = height * 3 // 4 - storeys * floor_h
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if y >= height * 3 // 4:
                px = ground
            elif storeys and top <= y and left <= x < right:
                in_window = (y - top) % floor_h in range(floor_h // 3, floor_h * 2 // 3 + 1) and (x - left) % 6 in (
                    2,
                    3,
                )
                px = window if in_window else colour
            else:
                px = sky
            row += bytes(px)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


# -- the plan's projects ----------------------------------------------------------------------------------------


def _finance_user() -> User:
    user = User.objects.filter(username="finance").first()
    if user is None:
        user = User.objects.create(username="finance", password=make_password(PASSWORD), role=Role.BUREAU_STAFF,
                                   section=Section.FINANCE, display_name="计划财务股",
                                   password_changed_at=timezone.now())  # fmt: skip
    return user


def _split(budget: Decimal, shares: dict[str, int]) -> dict[str, Decimal]:
    """The budget in parts by percentage (whole 元), the rounding left on the largest share."""
    parts = {s: (budget * p / 100).quantize(Decimal(1), rounding=ROUND_DOWN) for s, p in shares.items() if p}
    biggest = max(parts, key=lambda s: parts[s])
    parts[biggest] += budget - sum(parts.values())
    return parts


def _wan(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high + 1) * 10000)


def _specs(rng: random.Random, today: dt.date) -> list[dict[str, Any]]:
    townships = list(Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code"))
    seat = next((t for t in townships if t.is_seat), townships[0])
    rural = [t for t in townships if t.pk != seat.pk] or townships
    villages: dict[int, list[Area]] = {}
    for v in Area.objects.filter(level=AreaLevel.VILLAGE).order_by("code"):
        villages.setdefault(v.parent_id or 0, []).append(v)
    kgs: dict[int, list[School]] = {}
    for s in School.objects.filter(kind=SchoolKind.KINDERGARTEN, ownership="public").order_by("code"):
        kgs.setdefault(s.township_id, []).append(s)
    specs: list[dict[str, Any]] = []
    public_kg = {"central": 40, "province": 25, "city": 5, "county": 30}

    # 县城新建幼儿园6所（其中民办3所）
    seat_names = ["县城第三幼儿园", "县城第四幼儿园", "易地扶贫搬迁安置点幼儿园", "县城阳光幼儿园（民办）",
                  "县城启航幼儿园（民办）", "县城博雅幼儿园（民办）"]  # fmt: skip
    seat_stages = [8, 6, 5, 8, 4, 2]
    seat_villages: list[Area | None] = [*villages.get(seat.pk, [])] or [None]
    for i, name in enumerate(seat_names):
        private = "民办" in name
        specs.append({
            "name": name if private else f"{name}新建工程", "kind": "new", "level": "preschool", "township": seat,
            "village": seat_villages[i % len(seat_villages)],
            "site_name": name, "ownership": "inclusive_private" if private else "public", "seats": 270 if not private else 180,
            "classes": 9 if not private else 6, "budget": _wan(rng, 900, 1500) if not private else _wan(rng, 500, 800),
            "shares": {"social": 80, "county": 20} if private else public_kg, "plan_year": 2021, "plan_line": "四(一)",
            "target": "seat_kg", "stage": seat_stages[i], "late": i in (1, 4),
        })  # fmt: skip
    # 农村新建和改扩建幼儿园22所: an existing public kindergarten is expanded, elsewhere a new one is built
    stages = [8, 8, 8, 8, 8, 7, 7, 6, 6, 6, 5, 5, 5, 5, 4, 4, 3, 3, 2, 1, 1, 0]
    late_at = {3, 7, 10, 13, 16, 19}
    for i in range(22):
        town = rural[i % len(rural)]
        school = None
        existing = kgs.get(town.pk) or []
        if existing and i % 2 == 0:
            school = existing[(i // len(rural)) % len(existing)]
        vs: list[Area | None] = [*villages.get(town.pk, [])] or [None]
        village = vs[(i * 7) % len(vs)]
        if school is not None:
            name, kind, site = f"{school.name}改扩建工程", "expand", ""
        else:
            vname = village.name if village else town.name
            name, kind, site = f"{vname}幼儿园新建工程", "new", f"{vname}幼儿园（规划）"
        specs.append({
            "name": name, "kind": kind, "level": "preschool", "township": town, "village": village, "school": school,
            "site_name": site, "ownership": "public", "seats": 90 if kind == "new" else 60,
            "classes": 3 if kind == "new" else 2, "budget": _wan(rng, 280, 450) if kind == "new" else _wan(rng, 90, 180),
            "shares": public_kg, "plan_year": 2021 if i < 14 else 2022, "plan_line": "四(一)", "target": "rural_kg",
            "stage": stages[i], "late": i in late_at,
        })  # fmt: skip
    # 义务教育: 县一中迁建, 善洲思源实验学校, 安置点九年一贯制学校
    yizhong = School.objects.filter(name__contains="一中").order_by("code").first()
    specs += [
        {"name": "县第一中学迁建工程", "kind": "relocate", "level": "junior" if yizhong is None or yizhong.kind == "junior" else "senior",
         "township": seat, "school": yizhong, "site_name": "" if yizhong else "县一中新校区", "ownership": "public",
         "seats": 3000, "classes": 60, "budget": _wan(rng, 18000, 22000), "plan_year": 2020, "plan_line": "四(二)",
         "shares": {"central": 20, "province": 30, "city": 10, "county": 40}, "stage": 8, "late": False},
        {"name": "善洲思源实验学校建设工程", "kind": "new", "level": "primary", "township": seat,
         "site_name": "善洲思源实验学校", "ownership": "public", "seats": 1620, "classes": 36,
         "budget": _wan(rng, 9000, 11000), "plan_year": 2020, "plan_line": "四(二)",
         "shares": {"central": 30, "province": 30, "social": 10, "county": 30}, "stage": 8, "late": False},
        {"name": "易地扶贫搬迁县城安置点九年一贯制学校", "kind": "new", "level": "primary", "township": seat,
         "site_name": "县城安置点九年一贯制学校", "ownership": "public", "seats": 1350, "classes": 30,
         "budget": _wan(rng, 7000, 8500), "plan_year": 2021, "plan_line": "四(二)",
         "shares": {"central": 50, "province": 20, "county": 30}, "stage": 5, "late": True},
    ]  # fmt: skip
    # 薄弱环节改善与能力提升, 寄宿制, 小规模学校
    primaries = list(School.objects.filter(kind=SchoolKind.PRIMARY).exclude(township=seat).order_by("code"))
    central = [s for s in primaries if s.is_central]
    small = list(School.objects.filter(kind=SchoolKind.TEACHING_POINT).order_by("code"))
    picks = [("weak_improve", "薄弱环节改善与能力提升", s, 8 if j < 3 else 5 + j % 3, j == 4)
             for j, s in enumerate(primaries[1::5][:6])]  # fmt: skip
    picks += [("boarding", "学生宿舍（寄宿制）建设", s, (7, 5, 3)[j], j == 1) for j, s in enumerate(central[:3])]
    picks += [("canteen", "食堂改造", s, 8, False) for s in central[3:4]]
    picks += [("sports", "运动场建设", s, (6, 8)[j], False) for j, s in enumerate(central[4:6])]
    picks += [("other", "小规模学校功能设施完善", s, (8, 4, 2)[j], j == 2) for j, s in enumerate(small[:3])]
    for kind, what, school, stage, late in picks:
        big = kind in ("boarding", "sports")
        specs.append({
            "name": f"{school.name}{what}", "kind": kind, "level": "primary", "township": school.township,
            "school": school, "ownership": "public", "seats": 0, "classes": 0,
            "budget": _wan(rng, 150, 400) if big else _wan(rng, 30, 120), "plan_year": 2021 if stage > 3 else 2022,
            "plan_line": "四(二)", "shares": {"central": 50, "province": 20, "county": 30}, "stage": stage, "late": late,
        })  # fmt: skip
    return specs


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    if Project.objects.exists():
        return
    if not Area.objects.filter(level=AreaLevel.TOWNSHIP).exists():
        return
    owner = _finance_user()
    specs = _specs(rng, today)
    for n, spec in enumerate(specs):
        _write(spec, owner=owner, rng=random.Random(rng.random()), today=today, n=n)  # noqa: S311 (demo data)
    late = sum(1 for s in specs if s["late"])
    stdout.write(f"  facilities：建设项目 {len(specs)} 个（滞后 {late} 个），计划财务股账号 finance\n")


def _coords(spec: dict[str, Any], rng: random.Random) -> tuple[Decimal | None, Decimal | None]:
    school = spec.get("school")
    if school is not None and school.latitude is not None:
        return None, None  # the school's own coordinates are used
    near = School.objects.filter(township=spec["township"], latitude__isnull=False).order_by("code").first()
    if near is None or near.latitude is None or near.longitude is None:
        return None, None
    jitter = Decimal(rng.randrange(-300, 300)) / Decimal(100000)
    return (near.latitude + jitter).quantize(Decimal("0.000001")), (near.longitude - jitter).quantize(
        Decimal("0.000001")
    )


def _write(spec: dict[str, Any], *, owner: User, rng: random.Random, today: dt.date, n: int) -> None:
    stage, late = spec["stage"], spec["late"]
    # The first milestone not done (index ``stage``) is due in the future, or (late) was due some days ago.
    if stage >= 8:
        anchor_done = today - dt.timedelta(days=rng.randrange(40, 400))
        start = anchor_done - dt.timedelta(days=OFFSETS[7])
    else:
        due = (
            today - dt.timedelta(days=rng.randrange(3, 40))
            if late
            else today + dt.timedelta(days=rng.randrange(10, 60))
        )
        start = due - dt.timedelta(days=OFFSETS[stage])
    lat, lng = _coords(spec, rng)
    school = spec.get("school")
    village = spec.get("village") if school is None else None
    project = Project.objects.create(
        name=spec["name"], kind=spec["kind"], level=spec["level"], ownership=spec["ownership"], school=school,
        site_name=spec.get("site_name", ""), township=spec["township"],
        village=village if village is not None else (school.village if school is not None else None),
        latitude=lat, longitude=lng, seats=spec["seats"], classes=spec["classes"], budget=spec["budget"],
        plan_year=spec["plan_year"], plan_line=spec["plan_line"], target=spec.get("target", ""),
        owner=owner, owner_section=Section.FINANCE, status=status_for(set(range(1, stage + 1))),
        note="2021年教育工作计划" + spec["plan_line"],
    )  # fmt: skip
    milestones = []
    last_actual: dt.date | None = None
    for i, kind in enumerate(MilestoneKind.values):
        planned = start + dt.timedelta(days=OFFSETS[i])
        actual = None
        if i < stage:
            actual = min(today, planned + dt.timedelta(days=rng.randrange(-5, 12)))
            if last_actual is not None and actual < last_actual:
                actual = last_actual
            last_actual = actual
        note = LATE_REASONS[kind] if (late and i == stage) else ""
        milestones.append(Milestone(project=project, kind=kind, planned=planned, actual=actual, note=note))
    Milestone.objects.bulk_create(milestones)
    parts = _split(spec["budget"], spec["shares"])
    ProjectFunding.objects.bulk_create([ProjectFunding(project=project, source=s, amount=a) for s, a in parts.items()])
    if stage >= 4:  # 招标 done: the construction contract and the payments by progress
        signed = milestones[3].actual or today
        amount = (spec["budget"] * Decimal(rng.randrange(85, 94)) / 100).quantize(Decimal(1))
        contract = Contract.objects.create(project=project, title="施工总承包合同", amount=amount, signed_on=signed,
                                           contractor=rng.choice(["保山市建筑工程有限公司", "云南建投第三建设有限公司",
                                                                  "施甸县鑫源建筑有限公司", "隆阳区宏达建设有限公司"]))  # fmt: skip
        fraction = {4: 10, 5: 30, 6: 60, 7: 80, 8: 95}[stage]
        # In a late project whose county money is short, the 县级配套 has paid nothing yet.
        payments = []
        for step, pct in enumerate(p for p in (10, 30, 60, 80, 95) if p <= fraction):
            previous = (10, 30, 60, 80, 95)[step - 1] if step else 0
            part = amount * (pct - previous) / 100
            when = min(today, (milestones[3 + step].actual or today) + dt.timedelta(days=10))
            for source, share in parts.items():
                if late and stage == 4 and source == FundingSource.COUNTY:
                    continue
                value = (part * share / spec["budget"]).quantize(CENT, rounding=ROUND_DOWN)
                if value > 0:
                    payments.append(Payment(contract=contract, date=when, amount=value, source=source,
                                            note=f"按进度拨付（{pct}%）"))  # fmt: skip
        Payment.objects.bulk_create(payments)
    if stage >= 5:
        files = []
        for k, storeys in ((5, 1), (6, 3), (8, 3)):
            if stage < k:
                continue
            row = ProjectFile(project=project, kind=FileKind.PHOTO, milestone=k, uploaded_by=owner,
                              name=f"{MilestoneKind(k).label}现场照片.png",
                              caption=f"{MilestoneKind(k).label}：{project.place or project.name}")  # fmt: skip
            picture = png_bytes(96, 64, rng.choice([(210, 180, 140), (230, 215, 190), (200, 90, 70)]),
                                storeys=storeys)  # fmt: skip
            row.file.save(f"demo-{n}-{k}.png", ContentFile(picture), save=False)
            files.append(row)
        ProjectFile.objects.bulk_create(files)
