"""Risk reports around schools with joint actions of other departments."""

from __future__ import annotations

import datetime as dt
import random

from jiaoyun.core.models import User
from jiaoyun.safety.choices import RiskStatus
from jiaoyun.safety.demo._common import (
    DEPARTMENTS,
    RISKS,
)
from jiaoyun.safety.models import (
    JointAction,
    RiskReport,
)
from jiaoyun.schools.models import School


def generate(rng: random.Random, schools: list[School], today: dt.date, safety: User) -> int:
    picks = rng.sample(schools, k=min(len(schools), 15))
    reports = RiskReport.objects.bulk_create(
        RiskReport(
            school=s,
            category=cat,
            level=level,
            description=text,
            reported_on=today - dt.timedelta(days=rng.randint(3, 90)),
            reporter=safety,
            status=RiskStatus.OPEN,
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
    RiskReport.objects.filter(pk__in=resolved).update(status=RiskStatus.RESOLVED)
    return len(reports)
