"""Demo data for 办学标准与均衡: resources for the last five school years (the current one's pupils and teacher
counts taken from the registry), the self-assessment checklist, the 办学条件 gaps and demonstration schools.

The county is made *close to but below* some lines: most schools sit a little above the thresholds, a few
rural ones below on one or two indicators (sports ground, multimedia rooms, teaching area), so the what-if
and the gap list have something to say; resources grow year by year, so the trend rises towards the lines.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from typing import Any, TextIO

from django.db.models import Count

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User
from jiaoyun.standards import balance as B
from jiaoyun.standards import services
from jiaoyun.standards.choices import CheckStatus, DemoLevel, DemoStatus, Part
from jiaoyun.standards.models import CheckItem, CheckResult, DemoApplication, DemoCheck, DemoTarget, SchoolResources

YEARS = 5
# Indicators a lagging school falls short on, and how far (share of the threshold).
SHORT = (("sports_area", (0.55, 0.95)), ("multimedia", (0.6, 0.95)), ("teaching_area", (0.7, 0.95)),
         ("equipment", (0.75, 0.95)))  # fmt: skip


def _q(x: float) -> Decimal:
    return Decimal(str(round(x, 2)))


def _fill(rng: random.Random, row: SchoolResources, lagging: bool, urban: bool) -> None:
    """Physical resources around the thresholds of the row's 学部 (a lagging school below on one or two)."""
    p = max(row.pupils, 1)
    part = row.part
    margin = {c: rng.uniform(1.02, 1.35) * (1.1 if urban else 1.0) for c in B.CODES}
    if lagging:
        for code, (lo, hi) in rng.sample(SHORT, rng.choice((1, 1, 2))):
            margin[code] = rng.uniform(lo, hi)
    row.teaching_area = _q(B.threshold("teaching_area", part) * p * margin["teaching_area"])
    sports = B.threshold("sports_area", part) * p * margin["sports_area"]
    indoor = sports * rng.uniform(0.0, 0.12)
    row.ground_area, row.indoor_sports_area = _q(sports - indoor), _q(indoor)
    row.equipment_value = _q(round(B.threshold("equipment", part) * p * margin["equipment"], -2))
    rooms = B.threshold("multimedia", part) * p / 100 * margin["multimedia"]
    row.multimedia_rooms = max(1, round(rooms) if lagging else math.ceil(rooms))
    books_per = (20 if part == Part.PRIMARY else 30) * rng.uniform(0.8 if lagging else 0.95, 1.4)
    row.books = int(p * books_per)
    row.building_area = _q(float(row.teaching_area) * rng.uniform(1.05, 1.4))
    if not row.classes:
        row.classes = max(1, -(-p // (42 if part == Part.PRIMARY else 47)))
    if not row.max_class_size:
        row.max_class_size = min(p, -(-p // row.classes) + rng.randint(0, 4))


def _teachers_from_shares(rng: random.Random, row: SchoolResources, lagging: bool) -> None:
    """A school the registry left without teacher counts (no staff generated): counts near the thresholds."""
    p = row.pupils
    for field, code in (("qualified_teachers", "qualified"), ("backbone_teachers", "backbone"),
                        ("pe_art_teachers", "pe_art")):  # fmt: skip
        share = rng.uniform(0.9, 1.4) if not lagging else rng.uniform(0.8, 1.2)
        setattr(row, field, _q(round(B.threshold(code, row.part) * p / 100 * share)))


def _registry_drive(rng: random.Random, today: dt.date, lagging: set[int]) -> int:
    """The county's preparation for 优质均衡 as the teachers registry records it: experienced teachers named
    county-level 骨干 and recent hires placed as 体育、音乐、美术 teachers (特岗 recruitment), so that most
    schools reach the two teacher indicators and the lagging ones stay short of them."""
    from collections import defaultdict

    from jiaoyun.people.choices import PostType, StudentStatus
    from jiaoyun.people.models import Student, Teacher

    pupils = dict(
        Student.objects.filter(status=StudentStatus.IN_SCHOOL, current_grade__gte=1, current_grade__lte=9)
        .values_list("current_school_id").annotate(n=Count("id")).values_list("current_school_id", "n")
    )  # fmt: skip
    staff: dict[int, list[Teacher]] = defaultdict(list)
    for t in Teacher.objects.filter(is_active=True, post_type=PostType.FULL_TIME, school_id__in=list(pupils)).only(
        "id", "school_id", "backbone", "main_subject", "subjects", "hire_date"
    ):
        if t.school_id is not None:
            staff[t.school_id].append(t)
    changed: list[Teacher] = []
    for school_id, teachers in staff.items():
        p = pupils.get(school_id, 0)
        short = school_id in lagging
        need_backbone = round(p / 100 * (rng.uniform(0.6, 0.9) if short else rng.uniform(1.05, 1.5)) + 0.49)
        need_pe_art = round(p / 100 * 0.9 * (rng.uniform(0.5, 0.8) if short else rng.uniform(1.05, 1.4)) + 0.49)
        have_b = sum(1 for t in teachers if t.backbone in ("county", "city", "province"))
        senior = [t for t in teachers if t.backbone in ("", "school") and t.hire_date
                  and (today - t.hire_date).days > 8 * 365]  # fmt: skip
        rng.shuffle(senior)
        for t in senior[: max(0, need_backbone - have_b)]:
            t.backbone = "county"
            changed.append(t)
        have_pa = sum(1 for t in teachers if t.main_subject in ("pe", "music", "art"))
        young = sorted((t for t in teachers if t.main_subject in ("chinese", "math", "english", "science")),
                       key=lambda t: t.hire_date or today, reverse=True)  # fmt: skip
        for t in young[: max(0, min(need_pe_art - have_pa, len(young) // 3))]:
            t.main_subject = rng.choice(("pe", "pe", "music", "art"))
            t.subjects = [t.main_subject]
            changed.append(t)
    Teacher.objects.bulk_update(changed, ["backbone", "main_subject", "subjects"], batch_size=1000)
    return len(changed)


def generate(*, rng: random.Random, scale: int, stdout: TextIO | Any, today: dt.date) -> dict[str, int]:
    from jiaoyun.schools.models import School

    current = today.year if today.month >= 9 else today.year - 1
    actor = User.objects.filter(role=Role.BUREAU_STAFF, section=Section.SUPERVISION).order_by("id").first()
    rural_ids = list(
        School.objects.filter(is_active=True, kind__in=list(services.KIND_PARTS)).exclude(urban_rural="urban")
        .order_by("code").values_list("id", flat=True)
    )  # fmt: skip
    lagging_schools = set(rng.sample(rural_ids, max(1, len(rural_ids) // 7))) if rural_ids else set()
    moved = _registry_drive(rng, today, lagging_schools)
    services.sync_from_registry(actor=None, year=current, on=today)
    rows = list(SchoolResources.objects.filter(year=current).select_related("school"))
    if not rows:
        return {}
    lagging = {r.pk for r in rows if r.school_id in lagging_schools}
    for r in rows:
        _fill(rng, r, r.pk in lagging, r.school.urban_rural == "urban")
        if not r.teachers:
            _teachers_from_shares(rng, r, r.pk in lagging)
    fields = ["classes", "max_class_size", "teaching_area", "ground_area", "indoor_sports_area", "equipment_value",
              "multimedia_rooms", "books", "building_area", "qualified_teachers", "backbone_teachers",
              "pe_art_teachers"]  # fmt: skip
    SchoolResources.objects.bulk_update(rows, fields, batch_size=500)
    # Earlier years: fewer resources (the county has been building), pupils a little different.
    history = []
    for back in range(1, YEARS):
        for r in rows:
            grow = 1 - back * rng.uniform(0.03, 0.07)
            pupils = max(1, round(r.pupils * rng.uniform(0.95, 1.08)))
            history.append(SchoolResources(
                school_id=r.school_id, year=current - back, part=r.part, pupils=pupils, classes=r.classes,
                max_class_size=r.max_class_size + rng.randint(0, back * 2),
                teachers=r.teachers, qualified_teachers=_q(float(r.qualified_teachers) * grow),
                backbone_teachers=_q(float(r.backbone_teachers) * grow), pe_art_teachers=_q(float(r.pe_art_teachers) * grow),
                teaching_area=_q(float(r.teaching_area) * grow), ground_area=_q(float(r.ground_area) * grow),
                indoor_sports_area=_q(float(r.indoor_sports_area) * grow),
                equipment_value=_q(float(r.equipment_value) * grow ** 2), multimedia_rooms=max(0, round(r.multimedia_rooms * grow ** 2)),
                books=int(r.books * grow), building_area=_q(float(r.building_area) * grow),
            ))  # fmt: skip
    SchoolResources.objects.bulk_create(history, batch_size=1000)
    # The checklist: most items met, a few not yet or not assessed.
    results = []
    for item in CheckItem.objects.all():
        status = rng.choices([CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.PENDING], [0.8, 0.12, 0.08])[0]
        note = "整改中，计划下学年完成" if status == CheckStatus.NOT_MET else ""
        results.append(CheckResult(item=item, year=current, status=status, note=note, updated_by=actor))
    CheckResult.objects.bulk_create(results)
    n_apps = _demonstration(rng, today, actor)
    stdout.write(
        f"  办学条件：{len(rows)}个学部×{YEARS}学年（教职工库：{moved}名教师评为县级骨干或任体艺教师）；"
        f"示范校创建{n_apps}所\n"
    )
    return {"resources": len(rows) * YEARS, "applications": n_apps, "schools": School.objects.count()}


def _demonstration(rng: random.Random, today: dt.date, actor: User | None) -> int:
    """Targets of 1–2 per township for this year and next; candidates at different steps."""
    from jiaoyun.areas.choices import AreaLevel
    from jiaoyun.areas.models import Area
    from jiaoyun.schools.models import School

    year = today.year
    townships = list(Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code"))
    DemoTarget.objects.bulk_create([DemoTarget(township=t, year=y, count=2 if t.is_seat else 1)
                                    for t in townships for y in (year, year + 1)])  # fmt: skip
    steps = [DemoStatus.RECOGNISED, DemoStatus.COUNTY_PASSED, DemoStatus.APPLIED, DemoStatus.CANDIDATE,
             DemoStatus.RETURNED, DemoStatus.CANDIDATE]  # fmt: skip
    n = 0
    for i, t in enumerate(townships):
        school = (School.objects.filter(township=t, is_active=True, kind__in=["primary", "junior", "nine_year"])
                  .order_by("-is_central", "code").first())  # fmt: skip
        if school is None:
            continue
        status = steps[i % len(steps)]
        app = DemoApplication.objects.create(
            school=school, year=year, status=status, level=DemoLevel.PROVINCE if i == 0 else DemoLevel.CITY,
            recognised_on=today - dt.timedelta(days=30) if status == DemoStatus.RECOGNISED else None,
        )  # fmt: skip
        met = status not in (DemoStatus.CANDIDATE, DemoStatus.RETURNED)
        from jiaoyun.standards.models import DemoCriterion, DemoEvent

        DemoCheck.objects.bulk_create([
            DemoCheck(application=app, criterion=c,
                      status=CheckStatus.MET if met or rng.random() < 0.5 else CheckStatus.PENDING)
            for c in DemoCriterion.objects.all()
        ])  # fmt: skip
        path = [DemoStatus.CANDIDATE, DemoStatus.APPLIED, DemoStatus.COUNTY_PASSED, DemoStatus.RECOGNISED]
        trail = path[: path.index(status) + 1] if status in path else [DemoStatus.CANDIDATE, DemoStatus.APPLIED, status]
        prev = ""
        for s in trail:
            DemoEvent.objects.create(application=app, from_status=prev, to_status=s, actor=actor,
                                     note="佐证材料不全，请补充" if s == DemoStatus.RETURNED else "")  # fmt: skip
            prev = s
        n += 1
    return n
