"""Helpers shared by the dropout services: permission checks, the opening steps of a transition, timeline
events, dates."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.dates import add_months as add_months
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.files import check_upload
from jiaoyun.core.workflow import locked, require_state
from jiaoyun.dropout.choices import CaseStatus
from jiaoyun.dropout.models import CaseEvent, CaseStep, DropoutCase
from jiaoyun.dropout.permissions import case_q, is_authority

if TYPE_CHECKING:
    from jiaoyun.core.types import User
    from jiaoyun.people.models import Student


def today() -> dt.date:
    return timezone.localdate()


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def actor_name(actor: User | None) -> str:
    return str(actor) if getattr(actor, "is_authenticated", False) else "系统"


def check_can_act(actor: User | None, case: DropoutCase, *, authority: bool = False) -> None:
    """The actor may write and the case is within the actor's scope (system jobs pass ``actor=None``)."""
    if actor is None:
        return
    if not getattr(actor, "can_write", False):
        raise PermissionDenied("您的账号为只读账号，不能办理案件")
    if not DropoutCase.objects.filter(case_q(actor), pk=case.pk).exists():
        raise PermissionDenied("该案件不在您的数据范围内")
    if authority and not is_authority(actor):
        raise PermissionDenied("此步骤须由乡镇（乡镇人民政府、中心校）或县教育体育局办理")


def status_label(status: str) -> str:
    return str(CaseStatus(status).label)


def case_locked(
    actor: User | None, case: DropoutCase, allowed: Collection[str], doing: str, *, authority: bool = False
) -> DropoutCase:
    """The opening steps of a case transition: the case locked and read again, the actor allowed to act on
    it (``authority``: only a township or the county), and its state one of ``allowed`` (``doing`` names
    the act in the refusal)."""
    case = locked(case, "student", "township", "school")
    check_can_act(actor, case, authority=authority)
    require_state(
        case.status,
        allowed,
        message=lambda current, wanted: (
            f"案件当前状态为“{status_label(current)}”，不能{doing}；只有"
            + "、".join(f"“{status_label(s)}”" for s in wanted)
            + f"状态的案件可以{doing}。"
        ),
    )
    return case


def current_step(case: DropoutCase) -> CaseStep | None:
    """The open step of the case's current round of the 四步法 (None before the first or after the last)."""
    return (
        case.steps.filter(round=case.reopen_count, completed_on__isnull=True, skipped=False).order_by("-stage").first()
    )


def current_step_complete(case: DropoutCase, on: dt.date, outcome: str) -> None:
    """Complete the open step (if any) on ``on`` with ``outcome``."""
    step = current_step(case)
    if step is not None:
        step.completed_on, step.outcome = on, outcome
        step.save(update_fields=["completed_on", "outcome"])


def check_can_edit_enrolment(actor: User | None, student: Student, doing: str) -> None:
    """A case action that writes a 学籍 event needs the people app's enrolment-edit permission as well
    (``people.selectors.student_can_edit``): acting on the case is not enough (system jobs pass ``actor=None``)."""
    if actor is None:
        return
    from jiaoyun.people.selectors import student_can_edit

    if not student_can_edit(user=actor, student=student):
        raise PermissionDenied(
            f"{doing}须同时办理学籍变动，您的角色无权办理学籍变动；请由学校校长、乡镇或县教育体育局学籍管理人员办理"
        )


def record_event(
    *,
    case: DropoutCase,
    actor: User | None,
    action: str,
    on: dt.date,
    from_status: str = "",
    note: str = "",
    evidence: UploadedFile | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """One timeline entry plus its audit entry (inside the caller's transaction)."""
    event = CaseEvent(
        case=case,
        on=on,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name(actor),
        action=action,
        from_status=from_status,
        to_status=case.status,
        note=note,
        data=data or {},
    )
    if evidence is not None:
        check_upload(evidence, use="evidence", field="佐证材料")
        event.evidence = evidence
    event.save()
    changes: dict[str, Any] = {"action": action, **(data or {})}
    if from_status != case.status:
        changes["status"] = [from_status, case.status]
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION if from_status != case.status else AuditAction.UPDATE,
        obj=case,
        object_repr=f"{case.student.name} {action}",
        changes=changes,
        note=note[:500],
    )
    return event
