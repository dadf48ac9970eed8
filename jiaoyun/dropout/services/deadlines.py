"""Deadlines of the 四步法: overdue alerts to the responsible level and escalation one level up each line.

A step that passes its deadline alerts the level that answers for it on each line (政府线 and 教育线);
at once it also climbs one level up, and one more level for every DROPOUT_ESCALATION_DAYS it stays
overdue, up to the county. Alerts are unique per (step, line, level), so re-running adds nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from jiaoyun.dropout import conf
from jiaoyun.dropout.choices import LEVEL_LABELS, CaseStatus, Line, Stage
from jiaoyun.dropout.models import CaseAlert, CaseResponsible, CaseStep

# The level that answers for each step, per line (education line: class teacher → school → bureau).
BASE_LEVEL: dict[str, dict[int, int]] = {
    Line.ADMIN: {1: 3, 2: 2, 3: 2, 4: 1},
    Line.EDUCATION: {1: 3, 2: 2, 3: 2, 4: 1},
}


@dataclass(frozen=True)
class Escalation:
    line: str
    base: int
    target: int


def escalation_levels(*, stage: int, deadline: dt.date, on: dt.date) -> list[Escalation]:
    """For an overdue step: per line, the base level and the highest (smallest number) level alerted."""
    days_over = (on - deadline).days
    if days_over <= 0:
        return []
    every = max(1, int(conf.get("DROPOUT_ESCALATION_DAYS")))
    climbs = 1 + (days_over - 1) // every
    result = []
    for line in (Line.ADMIN, Line.EDUCATION):
        base = BASE_LEVEL[line][stage]
        result.append(Escalation(line, base, max(1, base - climbs)))
    return result


@transaction.atomic
def deadlines_check(*, on: dt.date) -> int:
    """Create the alerts due on ``on`` for every open overdue step; returns how many were created."""
    steps = list(
        CaseStep.objects.filter(
            case__status=CaseStatus.RETURNING, completed_on__isnull=True, skipped=False, deadline__lt=on
        ).select_related("case", "case__student")
    )
    if not steps:
        return 0
    case_ids = {s.case_id for s in steps}
    persons = {
        (r.case_id, r.line, r.level): r
        for r in CaseResponsible.objects.filter(case_id__in=case_ids).select_related("person")
    }
    existing = set(CaseAlert.objects.filter(step__in=steps).values_list("step_id", "line", "level"))
    new: list[CaseAlert] = []
    for step in steps:
        if step.deadline is None:  # only steps with a deadline are selected above
            continue
        days_over = (on - step.deadline).days
        top = 4
        for esc in escalation_levels(stage=step.stage, deadline=step.deadline, on=on):
            for level in range(esc.base, esc.target - 1, -1):
                if (step.pk, esc.line, level) in existing:
                    continue
                resp = persons.get((step.case_id, esc.line, level))
                who = LEVEL_LABELS[(esc.line, level)]
                verb = "督办" if level < esc.base else "办理"
                new.append(
                    CaseAlert(
                        case=step.case,
                        step=step,
                        line=esc.line,
                        level=level,
                        person=resp.person if resp else None,
                        person_name=resp.name if resp else "",
                        escalated=level < esc.base,
                        message=(
                            f"{step.case.student.name}：第{step.stage}步“{Stage(step.stage).label}”已逾期{days_over}天"
                            f"（期限{step.deadline}），请{who}{verb}"
                        ),
                        created_on=on,
                    )
                )
            top = min(top, esc.target)
        if step.escalation_level != top:
            step.escalation_level = top
            step.save(update_fields=["escalation_level"])
    CaseAlert.objects.bulk_create(new)
    return len(new)
