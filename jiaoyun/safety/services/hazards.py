"""Inspections and the hazard state machine. Transitions are the only write path to ``Hazard.status``.

open ──rectify──▶ rectified ──verify(pass, by someone other than the fixer)──▶ verified ──close──▶ closed
  ▲                    │
  └──verify(fail)──────┘
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, IllegalTransition, PermissionDenied
from jiaoyun.core.files import check_upload
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked, require_state
from jiaoyun.safety import conf
from jiaoyun.safety.choices import AlertKind, HazardStatus, InspectionKind, Level, Severity, TemplateKind
from jiaoyun.safety.models import (
    Canteen,
    ChecklistTemplate,
    Escalation,
    Hazard,
    HazardEvent,
    HazardEvidence,
    Inspection,
    InspectionResult,
    SafetyAlert,
)
from jiaoyun.safety.permissions import can_manage, is_safety_section, require_manage
from jiaoyun.schools.models import School


@dataclass(frozen=True)
class ItemOutcome:
    item_id: int
    passed: bool
    note: str = ""


def _may_inspect(user: User, school: School, kind: str) -> bool:
    if not can_manage(user, school):
        return False
    if kind == InspectionKind.SELF:
        return True
    if kind == InspectionKind.TOWNSHIP:
        return user.role == Role.TOWNSHIP_OFFICER or is_safety_section(user)
    return is_safety_section(user)


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    school: School,
    template: ChecklistTemplate,
    kind: str,
    date: dt.date,
    outcomes: Sequence[ItemOutcome],
    canteen: Canteen | None = None,
    note: str = "",
    open_hazards: bool = False,
    responsible: User | None = None,
    deadline: dt.date | None = None,
    severity: str = Severity.LOW,
) -> Inspection:
    """Record a checklist inspection; every item needs a result. With ``open_hazards`` (always for a
    canteen inspection) each failed item opens a hazard for ``responsible`` due by ``deadline``."""
    if kind not in InspectionKind.values:
        raise DomainError("检查类型无效", field="检查类型")
    if not _may_inspect(actor, school, kind):
        raise PermissionDenied(f"无权对“{school}”开展{InspectionKind(kind).label}")
    if canteen is not None and canteen.school_id != school.pk:
        raise DomainError("食堂不属于该学校", field="食堂")
    if template.kind == TemplateKind.CANTEEN and canteen is None:
        raise DomainError("食堂六T检查须选择食堂", field="食堂")
    if date > timezone.localdate():
        raise DomainError("检查日期不能晚于今天", field="检查日期")
    items = list(template.items.order_by("sort", "id"))
    if not items:
        raise DomainError("检查表没有检查项", field="检查表")
    by_item = {o.item_id: o for o in outcomes}
    for pos, item in enumerate(items, 1):
        if item.pk not in by_item:
            raise DomainError(f"检查项“{item.text}”未填写结果", row=pos)
    extra = set(by_item) - {i.pk for i in items}
    if extra:
        raise DomainError("提交了不属于该检查表的检查项")
    failed = [i for i in items if not by_item[i.pk].passed]
    if canteen is not None:
        open_hazards = open_hazards or bool(failed)
    if failed and open_hazards and (responsible is None or deadline is None):
        raise DomainError("存在不合格项，须指定隐患责任人和整改期限", field="责任人")
    score = Decimal(100 * (len(items) - len(failed))) / Decimal(len(items))
    inspection = Inspection.objects.create(
        school=school,
        canteen=canteen,
        template=template,
        kind=kind,
        date=date,
        inspector=actor,
        score=score.quantize(Decimal("0.1")),
        failed_count=len(failed),
        note=note[:500],
    )
    results = InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection, item=i, passed=by_item[i.pk].passed, note=by_item[i.pk].note[:300])
        for i in items
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=inspection, changes={"score": str(inspection.score)}, note=note
    )
    if open_hazards:
        for result, item in zip(results, items, strict=True):
            if not result.passed:
                hazard_open(
                    actor=actor,
                    school=school,
                    title=result.note or f"未达要求：{item.text}",
                    severity=severity,
                    responsible=responsible,
                    deadline=deadline,  # type: ignore[arg-type]
                    inspection_result=result,
                )
    return inspection


def _event(hazard: Hazard, *, actor: User, action: str, from_status: str, note: str = "") -> HazardEvent:
    event = HazardEvent.objects.create(
        hazard=hazard,
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        note=note[:500],
    )
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=hazard,
        changes={"status": [from_status, hazard.status]},
        note=f"{action}：{note}"[:500],
    )
    return event


@transaction.atomic
def hazard_open(
    *,
    actor: User,
    school: School,
    title: str,
    severity: str,
    responsible: User | None,
    deadline: dt.date,
    inspection_result: InspectionResult | None = None,
) -> Hazard:
    require_manage(actor, school)
    title = title.strip()
    if not title:
        raise DomainError("请填写隐患内容", field="隐患")
    if severity not in Severity.values:
        raise DomainError("隐患等级无效", field="等级")
    if responsible is None or not responsible.is_active:
        raise DomainError("请指定在岗的整改责任人", field="责任人")
    if deadline < timezone.localdate():
        raise DomainError("整改期限不能早于今天", field="整改期限")
    if inspection_result is not None:
        if inspection_result.passed:
            raise DomainError("合格的检查项不能登记隐患", field="来源检查项")
        if Hazard.objects.filter(inspection_result=inspection_result).exists():
            raise DomainError("该检查项已登记隐患", field="来源检查项")
    hazard = Hazard.objects.create(
        school=school,
        inspection_result=inspection_result,
        title=title[:200],
        severity=severity,
        responsible=responsible,
        deadline=deadline,
        opened_at=timezone.now(),
        opened_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=hazard, changes=snapshot(hazard))
    _event(hazard, actor=actor, action="登记", from_status="", note=f"责任人{responsible}，期限{deadline:%Y-%m-%d}")
    return hazard


def _refused(act: str) -> Callable[[str, Collection[str]], str]:
    """The refusal of ``act`` on a hazard in the wrong state, naming the state it is in."""
    return lambda current, _allowed: f"隐患当前为“{HazardStatus(current).label}”，{act}"


NOT_VERIFIED = "隐患未经复查验收，不能销号：整改后须由整改人以外的人员复查通过"


@transaction.atomic
def hazard_rectify(*, hazard: Hazard, actor: User, note: str, files: Sequence[UploadedFile]) -> Hazard:
    """The responsible person (or a manager of the school) reports the fix with evidence."""
    hazard = locked(hazard, "school")
    require_state(hazard.status, [HazardStatus.OPEN], message=_refused("只有待整改的隐患可以提交整改"))
    if actor.pk != hazard.responsible_id and not can_manage(actor, hazard.school):
        raise PermissionDenied("只有整改责任人或学校管理人员可以提交整改")
    if not note.strip():
        raise DomainError("请填写整改情况", field="整改情况")
    if not files:
        raise DomainError("请上传整改照片或佐证材料", field="整改佐证")
    names = [check_upload(f, use="evidence", field="整改佐证") for f in files]  # stored under random names
    before = hazard.status
    hazard.status = HazardStatus.RECTIFIED
    hazard.fixed_by = actor
    hazard.verified_by = None
    hazard.save(update_fields=["status", "fixed_by", "verified_by"])
    event = _event(hazard, actor=actor, action="整改", from_status=before, note=note)
    for f, name in zip(files, names, strict=True):
        HazardEvidence.objects.create(event=event, file=f, name=name[:200], uploaded_by=actor)
    return hazard


@transaction.atomic
def hazard_verify(*, hazard: Hazard, actor: User, passed: bool, note: str) -> Hazard:
    """Re-inspection (复查) by someone other than the fixer: pass → verified; fail → back to open."""
    hazard = locked(hazard, "school")
    require_state(
        hazard.status, [HazardStatus.RECTIFIED], message=_refused("只有已整改待复查的隐患可以复查；请先提交整改")
    )
    if not can_manage(actor, hazard.school):
        raise PermissionDenied("无权复查该学校的隐患")
    if actor.pk == hazard.fixed_by_id:
        raise IllegalTransition("整改人不能复查自己的整改，请由整改人以外的人员复查验收")
    if not passed and not note.strip():
        raise DomainError("复查不通过时须说明原因", field="复查意见")
    before = hazard.status
    hazard.status = HazardStatus.VERIFIED if passed else HazardStatus.OPEN
    hazard.verified_by = actor if passed else None
    hazard.save(update_fields=["status", "verified_by"])
    _event(hazard, actor=actor, action="复查通过" if passed else "复查不通过", from_status=before, note=note)
    return hazard


@transaction.atomic
def hazard_close(*, hazard: Hazard, actor: User, note: str = "") -> Hazard:
    """销号: only after a passed re-inspection by someone other than the fixer."""
    hazard = locked(hazard, "school")
    require_state(
        hazard.status,
        [HazardStatus.VERIFIED],
        message=lambda current, _: "隐患已销号" if current == HazardStatus.CLOSED else NOT_VERIFIED,
    )
    if hazard.verified_by_id is None:
        raise IllegalTransition(NOT_VERIFIED)
    if hazard.verified_by_id == hazard.fixed_by_id:
        raise IllegalTransition("复查人与整改人为同一人，不能销号，请由整改人以外的人员重新复查")
    if not can_manage(actor, hazard.school):
        raise PermissionDenied("无权为该学校的隐患销号")
    before = hazard.status
    hazard.status = HazardStatus.CLOSED
    hazard.closed_at = timezone.now()
    hazard.save(update_fields=["status", "closed_at"])
    _event(hazard, actor=actor, action="销号", from_status=before, note=note)
    return hazard


NEXT_LEVEL = {Level.SCHOOL: Level.TOWNSHIP, Level.TOWNSHIP: Level.COUNTY}


@transaction.atomic
def hazards_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Pass each overdue, unfixed hazard one level up (at most once per SAFETY_ESCALATION_DAYS), with an
    escalation record and an alert. Returns the number escalated."""
    today = today or timezone.localdate()
    gap = dt.timedelta(days=int(conf.get("SAFETY_ESCALATION_DAYS")))
    qs = (
        Hazard.objects.select_for_update()
        .filter(status__in=[HazardStatus.OPEN, HazardStatus.RECTIFIED], deadline__lt=today)
        .exclude(level=Level.COUNTY)
        .exclude(escalated_on__gt=today - gap)
        .select_related("school")
    )
    hazards = list(qs)
    now = timezone.now()
    escalations, alerts = [], []
    for h in hazards:
        to = NEXT_LEVEL[Level(h.level)]
        days = (today - h.deadline).days
        escalations.append(Escalation(hazard=h, date=today, from_level=h.level, to_level=to, days_overdue=days))
        message = f"{h.school}隐患“{h.title[:60]}”逾期{days}天未整改，已升级至{Level(to).label}督办"
        alerts.append(SafetyAlert(school=h.school, kind=AlertKind.HAZARD_ESCALATED, hazard=h, created_at=now,
                                  message=message))  # fmt: skip
        h.level = to
        h.escalated_on = today
    Hazard.objects.bulk_update(hazards, ["level", "escalated_on"])
    Escalation.objects.bulk_create(escalations)
    SafetyAlert.objects.bulk_create(alerts)
    if hazards:
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            object_type="safety.Hazard",
            object_repr=f"逾期隐患升级{len(hazards)}条",
            changes={"ids": [h.pk for h in hazards]},
        )
    return len(hazards)
