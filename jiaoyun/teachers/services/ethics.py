"""师德 records and sanctions, and the decisions guarded by the one-vote veto (一票否决)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.people.choices import Title
from jiaoyun.people.models import Teacher
from jiaoyun.people.services import teacher_update
from jiaoyun.teachers import conf
from jiaoyun.teachers.choices import (
    VETO_SANCTIONS,
    VETOED_GRADES,
    AppraisalGrade,
    HonourLevel,
    PledgeKind,
    Principle,
    RecordKind,
    SanctionType,
)
from jiaoyun.teachers.models import Appraisal, EthicsRecord, Honour, Pledge, Sanction, TitlePromotion
from jiaoyun.teachers.perms import is_personnel, is_principal_of, require_personnel

TITLE_ORDER = [Title.NONE, Title.THIRD, Title.SECOND, Title.FIRST, Title.SENIOR, Title.PROFESSOR]
# Sanctions a school may decide itself (第七条: 警告/记过 and 其他处理); heavier ones are decided by the bureau.
SCHOOL_SANCTIONS = {
    SanctionType.WARNING,
    SanctionType.DEMERIT,
    SanctionType.CRITICISM,
    SanctionType.ADMONITION,
    SanctionType.SELF_REVIEW,
    SanctionType.NOTICE,
}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
            31][month - 1]  # fmt: skip
    return dt.date(year, month, min(day.day, last))


def sanction_end(type: str, start: dt.date) -> dt.date | None:
    """Last day of a sanction's period (start + months − 1 day); None = permanent; other 处理 end the same day."""
    months: dict[str, int | None] = conf.get("TEACHERS_SANCTION_MONTHS")
    if type not in months:
        return start
    n = months[type]
    if n is None:
        return None
    return add_months(start, n) - dt.timedelta(days=1)


def _may_record(actor: Any, teacher: Teacher) -> bool:
    if is_personnel(actor):
        return True
    school = teacher.school
    return school is not None and (is_principal_of(actor, school.pk) or is_principal_of(actor, school.parent_id))


def active_sanctions(*, teacher: Teacher, start: dt.date, end: dt.date | None = None) -> QuerySet[Sanction]:
    """Veto-carrying sanctions of the teacher overlapping [start, end] (one day when ``end`` is empty)."""
    end = end or start
    return (
        Sanction.objects.filter(record__teacher=teacher, type__in=list(VETO_SANCTIONS), start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("start")
    )


def _veto(teacher: Teacher, start: dt.date, end: dt.date | None, what: str) -> None:
    sanction = active_sanctions(teacher=teacher, start=start, end=end).first()
    if sanction is not None:
        period = f"{sanction.start}至{sanction.end}" if sanction.end else f"自{sanction.start}起长期"
        raise DomainError(
            f"一票否决：{teacher.name}受“{sanction.get_type_display()}”处理（{period}），处理期内不得{what}",
            code="ethics_veto",
        )


@transaction.atomic
def ethics_record_create(
    *,
    actor: Any,
    teacher: Teacher,
    kind: str,
    date: dt.date,
    title: str,
    principle: int | None = None,
    details: str = "",
    source: str = "",
) -> EthicsRecord:
    if not _may_record(actor, teacher):
        raise PermissionDenied("仅人事股或该教师所在学校校长可登记师德记录")
    if kind not in RecordKind.values:
        raise DomainError(f"未知类别{kind!r}", field="类别")
    if kind == RecordKind.VIOLATION and principle not in Principle.values:
        raise DomainError("违规记录须对应十项准则中的一条（1–10）", field="对应准则")
    if principle is not None and principle not in Principle.values:
        raise DomainError("准则条目应为1–10", field="对应准则")
    if not title.strip():
        raise DomainError("不能为空", field="事由")
    record = EthicsRecord.objects.create(
        teacher=teacher,
        kind=kind,
        principle=principle,
        date=date,
        title=title.strip(),
        details=details,
        source=source,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, changes=snapshot(record))
    return record


@transaction.atomic
def sanction_impose(
    *, actor: Any, record: EthicsRecord, type: str, start: dt.date, decided_by_body: str = ""
) -> Sanction:
    """Impose a 处理 on a violation; the period end follows the 2018 measure (6/12/24 months, 开除 permanent)."""
    if type not in SanctionType.values:
        raise DomainError(f"未知处理类型{type!r}", field="处理类型")
    if record.kind != RecordKind.VIOLATION:
        raise DomainError("只有违规记录才能给予处理", field="违规记录")
    if not _may_record(actor, record.teacher):
        raise PermissionDenied("仅人事股或该教师所在学校校长可登记处理")
    if type not in SCHOOL_SANCTIONS and not is_personnel(actor):
        raise PermissionDenied(f"“{SanctionType(type).label}”由主管教育部门决定，须由人事股登记")
    if start < record.date:
        raise DomainError("处理起始日期不能早于违规日期", field="起始日期")
    sanction = Sanction.objects.create(
        record=record,
        type=type,
        start=start,
        end=sanction_end(type, start),
        decided_by_body=decided_by_body,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=sanction, changes=snapshot(sanction))
    return sanction


@transaction.atomic
def pledge_record(*, actor: Any, teacher: Teacher, kind: str, date: dt.date, note: str = "") -> Pledge:
    if not _may_record(actor, teacher):
        raise PermissionDenied("仅人事股或该教师所在学校校长可登记宣誓与承诺")
    if kind not in PledgeKind.values:
        raise DomainError(f"未知类别{kind!r}", field="类别")
    if Pledge.objects.filter(teacher=teacher, kind=kind, date=date).exists():
        raise DomainError(f"{teacher.name}在{date}已有{PledgeKind(kind).label}记录", field="日期")
    pledge = Pledge.objects.create(teacher=teacher, kind=kind, date=date, note=note)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=pledge, changes=snapshot(pledge))
    return pledge


@transaction.atomic
def appraisal_record(*, actor: Any, teacher: Teacher, year: int, grade: str) -> Appraisal:
    """Record the 年度考核 grade; 优秀/合格 are refused while a sanction overlaps the school year."""
    if not _may_record(actor, teacher):
        raise PermissionDenied("仅人事股或该教师所在学校校长可登记年度考核")
    if grade not in AppraisalGrade.values:
        raise DomainError(f"未知等次{grade!r}", field="等次")
    if grade in VETOED_GRADES:
        sy = SchoolYear(year)
        _veto(teacher, sy.start, sy.end, f"评为“{AppraisalGrade(grade).label}”（{sy.label}年度考核）")
    row, created = Appraisal.objects.update_or_create(
        teacher=teacher, year=year, defaults={"grade": grade, "recorded_by": actor}
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=row, changes=snapshot(row)
    )
    return row


@transaction.atomic
def title_promote(*, actor: Any, teacher: Teacher, to_title: str, date: dt.date) -> TitlePromotion:
    """职称评聘: appoint to a higher title; refused during a sanction (one-vote veto)."""
    require_personnel(actor)
    if to_title not in Title.values:
        raise DomainError(f"未知职称{to_title!r}", field="聘任职称")
    if TITLE_ORDER.index(Title(to_title)) <= TITLE_ORDER.index(Title(teacher.title)):
        raise DomainError(f"聘任职称须高于现职称“{teacher.get_title_display()}”", field="聘任职称")
    _veto(teacher, date, None, "参加职称评聘")
    row = TitlePromotion.objects.create(
        teacher=teacher, from_title=teacher.title, to_title=to_title, date=date, recorded_by=actor
    )
    teacher_update(actor=actor, teacher=teacher, title=to_title)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=row, changes=snapshot(row))
    return row


@transaction.atomic
def honour_award(*, actor: Any, teacher: Teacher, name: str, level: str, date: dt.date) -> Honour:
    """评优评先: refused during a sanction. Principals may award school-level honours to their own staff."""
    if level not in HonourLevel.values:
        raise DomainError(f"未知级别{level!r}", field="级别")
    if not (is_personnel(actor) or (level == HonourLevel.SCHOOL and _may_record(actor, teacher))):
        raise PermissionDenied("县级及以上荣誉由人事股登记；校长仅可登记本校校级荣誉")
    if not name.strip():
        raise DomainError("不能为空", field="荣誉名称")
    _veto(teacher, date, None, "评优评先")
    row = Honour.objects.create(teacher=teacher, name=name.strip(), level=level, date=date, recorded_by=actor)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=row, changes=snapshot(row))
    return row
