"""Compliance snapshots (one per school per date) and rule editing by the county safety section."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User
from jiaoyun.people.models import Student, Teacher
from jiaoyun.safety.choices import RuleKind, Three100
from jiaoyun.safety.compliance import GuardFact, SchoolFacts, evaluate
from jiaoyun.safety.models import ComplianceSnapshot, Guard, Rule, SafetyProfile
from jiaoyun.safety.permissions import require_safety_section
from jiaoyun.schools.models import School


def _count(qs: Any, group: str) -> Coalesce:
    sub = qs.order_by().values(group).annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def school_people_counts(school_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """师生员工 per school: (in-school students, active staff), counted in the database in one query."""
    students = Student.objects.filter(current_school=OuterRef("pk"), status="in_school")
    staff = Teacher.objects.filter(school=OuterRef("pk"), is_active=True)
    qs = School.objects.filter(is_active=True)
    if school_ids is not None:
        qs = qs.filter(pk__in=list(school_ids))
    rows = qs.annotate(n_students=_count(students, "current_school"), n_staff=_count(staff, "school")).values_list(
        "pk", "n_students", "n_staff"
    )
    return {pk: (s, t) for pk, s, t in rows}


@transaction.atomic
def compliance_compute(*, on: dt.date | None = None, school_ids: Iterable[int] | None = None) -> int:
    """Recompute the compliance snapshot of every active school (or of ``school_ids``) for date ``on``.

    People and guards are counted in the database; the rules (data) are then applied to each school's
    facts. Idempotent: the snapshots of that date are replaced.
    """
    on = on or timezone.localdate()
    ids = list(school_ids) if school_ids is not None else None
    counts = school_people_counts(ids)
    rules = list(Rule.objects.filter(is_active=True).order_by("sort", "code"))
    profiles = {p.school_id: p for p in SafetyProfile.objects.filter(school_id__in=list(counts))}
    guards: dict[int, list[GuardFact]] = defaultdict(list)
    for sid, name, birth, cert, valid in Guard.objects.filter(school_id__in=list(counts), on_duty=True).values_list(
        "school_id", "name", "birth_date", "certificate_no", "certificate_valid_until"
    ):
        guards[sid].append(GuardFact(name, birth, cert, valid))
    rows = []
    for sid, (n_students, n_staff) in counts.items():
        facts = SchoolFacts(
            people=n_students + n_staff, guards=guards[sid], profile=profiles.get(sid), students=n_students
        )
        res = evaluate(rules, facts, on=on)
        rows.append(
            ComplianceSnapshot(
                school_id=sid,
                date=on,
                people=res.people,
                guards_required=res.guards_required,
                guards_on_duty=res.guards_on_duty,
                compliant=res.compliant,
                guards_ok=Three100.GUARDS not in res.failed,
                closed_ok=Three100.CLOSED not in res.failed,
                linked_ok=Three100.LINKED not in res.failed,
                gaps=res.gaps,
            )
        )
    ComplianceSnapshot.objects.filter(date=on, school_id__in=list(counts)).delete()
    ComplianceSnapshot.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _check_parameters(kind: str, threshold: int | None, parameters: dict[str, Any]) -> None:
    if threshold is not None and threshold < 0:
        raise DomainError("阈值不能为负数", field="阈值")
    if kind == RuleKind.GUARD_COUNT:
        for key in ("small_limit", "small_min", "mid_limit", "mid_min", "step"):
            value = parameters.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise DomainError(f"参数“{key}”须为正整数", field="参数")
        if parameters["small_limit"] > parameters["mid_limit"]:
            raise DomainError("参数“small_limit”不能大于“mid_limit”", field="参数")
    if kind == RuleKind.VIDEO_RETENTION and threshold is not None and threshold < 1:
        raise DomainError("视频保存天数至少为1天", field="阈值")


@transaction.atomic
def rule_update(
    *,
    actor: User,
    rule: Rule,
    threshold: int | None,
    parameters: dict[str, Any] | None = None,
    is_active: bool | None = None,
    recompute_on: dt.date | None = None,
) -> Rule:
    """Change a rule's threshold/parameters (county safety section only) and recompute today's results."""
    require_safety_section(actor)
    params = rule.parameters if parameters is None else parameters
    _check_parameters(rule.kind, threshold, params)
    before = snapshot(rule)
    rule.threshold = threshold
    rule.parameters = params
    if is_active is not None:
        rule.is_active = is_active
    rule.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=rule, changes=diff(before, snapshot(rule)))
    compliance_compute(on=recompute_on or timezone.localdate())
    return rule
