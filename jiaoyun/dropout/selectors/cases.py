"""Cases and children: the ledgers, a case's timeline, its documents and evidence, the alerts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery
from django.utils import timezone

from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.scope import Scope, scope_for, student_q
from jiaoyun.core.types import User
from jiaoyun.dropout.choices import LEVEL_LABELS, CaseStatus, Line
from jiaoyun.dropout.filters import CaseFilter, ChildFilter
from jiaoyun.dropout.models import (
    CaseAlert,
    CaseDocument,
    CaseEvent,
    CaseResponsible,
    CaseStep,
    DropoutCase,
    HukouRecord,
    MatchHit,
    MatchRun,
    ReturnAttempt,
)
from jiaoyun.dropout.permissions import case_q
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student


def cases_in_scope(user: User | Scope) -> QuerySet[DropoutCase]:
    """The cases ``user`` sees: the one scope of the case lists, ledgers and statistics (``case_q``)."""
    return DropoutCase.objects.filter(case_q(user))


def children_in_scope(user: User | Scope, as_of: dt.date) -> QuerySet[Student]:
    """The 适龄儿童 ``user`` sees: the one scope of the children ledger and its statistics (``student_q``)."""
    from jiaoyun.dropout.services.matching import compulsory_q

    return Student.objects.filter(student_q(user), compulsory_q(as_of)).exclude(status=StudentStatus.DECEASED)


def case_list(
    *, user: User, filters: Mapping[str, Any] | None = None, as_of: dt.date | None = None
) -> QuerySet[DropoutCase]:
    """The cases in scope, narrowed by the ledger filters (``dropout.filters.CaseFilter``); ``next_deadline`` is the
    earliest deadline of the case's open 四步法 steps (None when no step is running)."""
    open_steps = CaseStep.objects.filter(
        case=OuterRef("pk"), completed_on__isnull=True, skipped=False, deadline__isnull=False
    ).order_by("deadline")
    qs = (
        cases_in_scope(user)
        .select_related("student", "township", "village", "school", "placement_school")
        .annotate(next_deadline=Subquery(open_steps.values("deadline")[:1]))
    )
    if filters:
        qs = CaseFilter(filters, queryset=qs, as_of=as_of).qs
    return qs.order_by("-detected_on", "-id")


def case_todo(*, user: User, limit: int = 10) -> list[DropoutCase]:
    """Open cases in scope needing action (待核实, 已核实, 劝返中), those with the oldest detection first."""
    qs = case_list(user=user).filter(status__in=(CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING))
    return list(qs.order_by("detected_on", "id")[:limit])


def case_get(*, user: User, case_id: int) -> DropoutCase:
    return case_list(user=user).get(pk=case_id)


@dataclass
class Timeline:
    case: DropoutCase
    events: list[CaseEvent]
    steps: list[CaseStep]
    attempts: list[ReturnAttempt]
    documents: list[CaseDocument]
    responsibles: dict[str, list[tuple[str, CaseResponsible | None]]]
    hits: list[MatchHit]
    alerts: list[CaseAlert]
    overdue: list[CaseStep] = field(default_factory=list)


def case_timeline(*, user: User, case_id: int) -> Timeline:
    case = case_get(user=user, case_id=case_id)
    today = timezone.localdate()
    steps = list(case.steps.order_by("round", "stage"))
    named = {(r.line, r.level): r for r in case.responsibles.select_related("person")}
    responsibles: dict[str, list[tuple[str, CaseResponsible | None]]] = {}
    for line in (Line.ADMIN, Line.EDUCATION):
        responsibles[str(Line(line).label)] = [
            (LEVEL_LABELS[(line, level)], named.get((line, level))) for level in (1, 2, 3, 4)
        ]
    return Timeline(
        case=case,
        events=list(case.events.order_by("at", "id")),
        steps=steps,
        attempts=list(case.attempts.select_related("recorded_by").order_by("-date", "-id")),
        documents=list(case.documents.defer("pdf").order_by("issued_on", "id")),
        responsibles=responsibles,
        hits=list(case.hits.select_related("hukou_record").order_by("rule")),
        alerts=list(case.alerts.order_by("-created_on", "level")),
        overdue=[s for s in steps if s.is_overdue(today)],
    )


def document_get(*, user: User, document_id: int) -> CaseDocument:
    return CaseDocument.objects.filter(case__in=cases_in_scope(user)).get(pk=document_id)


def evidence_get(*, user: User, owner: str, pk: int) -> CaseEvent | ReturnAttempt:
    """The record (a timeline event or a 劝返 attempt) holding an evidence file, if its case is in scope.

    Raises ``DoesNotExist`` for an unknown owner kind, a record outside the user's scope or one without a file.
    """
    models: dict[str, type[Model]] = {"event": CaseEvent, "attempt": ReturnAttempt}
    model = models.get(owner)
    if model is None:
        raise CaseEvent.DoesNotExist
    record = (
        model._default_manager.filter(case__in=cases_in_scope(user))
        .exclude(evidence="")
        .select_related("case", "case__student")
        .get(pk=pk)
    )
    return cast("CaseEvent | ReturnAttempt", record)


def ledger_children(
    *, user: User, filters: Mapping[str, Any] | None = None, as_of: dt.date | None = None
) -> QuerySet[Student]:
    """适龄儿童台账: every child of compulsory age known from 学籍 or the 户籍 roster, within scope."""
    as_of = as_of or timezone.localdate()
    qs = (
        children_in_scope(user, as_of)
        .select_related("current_school", "hukou_village", "hukou_village__parent", "residence_village")
        .annotate(on_roster=Exists(HukouRecord.objects.filter(student=OuterRef("pk"))))
    )
    return filter_by(ChildFilter, filters, qs).order_by("hukou_village_id", "birth_date", "id")


def alert_list(*, user: User, mine: bool = False) -> QuerySet[CaseAlert]:
    """Overdue alerts of open steps in scope (``mine``: addressed to the user as 包保责任人)."""
    qs = CaseAlert.objects.filter(
        case__in=cases_in_scope(user),
        step__completed_on__isnull=True,
        case__status=CaseStatus.RETURNING,
    ).select_related("case", "case__student", "step")
    if mine:
        qs = qs.filter(person__user_id=int(getattr(user, "pk", 0) or 0))
    return qs.order_by("-created_on", "level")


def match_runs(*, user: User) -> QuerySet[MatchRun]:
    if not scope_for(user).is_county:
        return MatchRun.objects.none()
    return MatchRun.objects.order_by("-started_at")[:10]  # type: ignore[return-value]
