"""Canteens with three weeks of 六T daily checks, 陪餐 and 留样 records, staff and canteen inspections."""

from __future__ import annotations

import datetime as dt
import random

from jiaoyun.areas.choices import UrbanRural
from jiaoyun.core.models import User
from jiaoyun.safety import services
from jiaoyun.safety.choices import InspectionKind
from jiaoyun.safety.demo._common import (
    CANTEEN_FAILURES,
    DISHES,
    person_name,
    responsible_for,
)
from jiaoyun.safety.models import (
    Canteen,
    CanteenStaff,
    ChecklistTemplate,
    FoodSample,
    MealAccompaniment,
    SixTCheck,
)
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School


def generate(
    rng: random.Random,
    schools: list[School],
    counts: dict[int, tuple[int, int]],
    today: dt.date,
    safety: User,
    template: ChecklistTemplate,
    principals: dict[int, User],
    officers: dict[int, User],
) -> int:
    with_canteen = [s for s in schools if s.kind != SchoolKind.TEACHING_POINT and counts.get(s.pk, (0, 0))[0] >= 80]
    canteens = Canteen.objects.bulk_create(
        Canteen(
            school=s,
            name="学生食堂",
            bright_kitchen=rng.choice(["both", "both", "video", "glass", "none"])
            if s.urban_rural != UrbanRural.URBAN
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
                    checker=person_name(rng),
                )
            )
            meals.append(
                MealAccompaniment(
                    canteen=c,
                    date=day,
                    meal="lunch",
                    companion=f"{person_name(rng)}（副校长）",
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
                        keeper=person_name(rng),
                    )
                )
        for _ in range(rng.randint(3, 6)):
            valid = today + dt.timedelta(days=rng.randint(-40, 360))
            staff.append(
                CanteenStaff(
                    canteen=c,
                    name=person_name(rng),
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
            kind=InspectionKind.COUNTY,
            date=today - dt.timedelta(days=rng.randint(0, 40)),
            canteen=c,
            outcomes=[
                services.ItemOutcome(
                    i.pk, passed=i.pk not in failed, note=CANTEEN_FAILURES[n % 8] if i.pk in failed else ""
                )
                for n, i in enumerate(items)
            ],
            responsible=responsible_for(s, principals, officers, safety),
            deadline=today + dt.timedelta(days=rng.randint(3, 14)),
        )
    return len(canteens)
