"""Risk reports around schools and the joint actions logged on them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.core.types import User
from jiaoyun.safety.choices import RiskCategory, RiskLevel, RiskStatus
from jiaoyun.safety.models import JointAction, RiskReport
from jiaoyun.safety.permissions import require_manage
from jiaoyun.safety.services._util import created
from jiaoyun.schools.models import School


@transaction.atomic
def risk_report_create(
    *, actor: User, school: School, category: str, level: str, description: str, reported_on: dt.date | None = None
) -> RiskReport:
    require_manage(actor, school)
    if category not in RiskCategory.values:
        raise DomainError("风险类别无效", field="类别")
    if level not in RiskLevel.values:
        raise DomainError("风险等级无效", field="风险等级")
    if not description.strip():
        raise DomainError("请填写情况描述", field="情况描述")
    report = RiskReport(school=school, category=category, level=level, description=description.strip()[:500],
                        reported_on=reported_on or timezone.localdate(), reporter=actor)  # fmt: skip
    return created(report, actor=actor)


@transaction.atomic
def joint_action_log(
    *, actor: User, report: RiskReport, department: str, date: dt.date, action: str, result: str = ""
) -> JointAction:
    require_manage(actor, report.school)
    if report.status != RiskStatus.OPEN:
        raise IllegalTransition("风险已消除，不能再登记联合处置")
    if not department.strip() or not action.strip():
        raise DomainError("请填写联动部门和措施", field="联动部门")
    if date < report.reported_on:
        raise DomainError("处置日期不能早于风险报告日期", field="日期")
    row = JointAction(report=report, department=department.strip(), date=date, action=action.strip(),
                      result=result.strip(), logged_by=actor)  # fmt: skip
    return created(row, actor=actor)


@transaction.atomic
def risk_report_resolve(*, actor: User, report: RiskReport, note: str) -> RiskReport:
    require_manage(actor, report.school)
    if report.status != RiskStatus.OPEN:
        raise IllegalTransition("风险已消除")
    if not report.actions.exists():
        raise IllegalTransition("尚无联合处置记录，不能标记为已消除")
    report.status = RiskStatus.RESOLVED
    report.save(update_fields=["status"])
    changes = {"status": [RiskStatus.OPEN, RiskStatus.RESOLVED]}
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=report, changes=changes, note=note)
    return report
