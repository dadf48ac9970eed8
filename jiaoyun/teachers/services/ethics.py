"""师德 records and sanctions, and the decisions guarded by the one-vote veto (一票否决)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, Q, QuerySet

from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.dates import add_months
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import User
from jiaoyun.people.choices import Title
from jiaoyun.people.models import Teacher
from jiaoyun.people.services import teacher_update
from jiaoyun.teachers import conf
from jiaoyun.teachers.choices import (
    GRADE_ORDER,
    AppraisalGrade,
    EthicsResult,
    HonourLevel,
    PledgeKind,
    Principle,
    RecordKind,
    SanctionType,
)
from jiaoyun.teachers.models import Appraisal, EthicsRecord, Honour, Pledge, Sanction, TitlePromotion
from jiaoyun.teachers.permissions import is_personnel, is_principal_of, require_personnel

E = TypeVar("E", bound=Model)

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

# The four 处分 (the rest are 其他处理).
DISCIPLINARY = {SanctionType.WARNING, SanctionType.DEMERIT, SanctionType.DEMOTION, SanctionType.EXPULSION}


def sanction_rules() -> dict[str, dict[str, Any]]:
    """The consequences of each 处理 (setting ``TEACHERS_SANCTION_RULES``; see conf.py and docs/teachers.md)."""
    rules: dict[str, dict[str, Any]] = conf.get("TEACHERS_SANCTION_RULES")
    return rules


def sanction_rule_rows() -> list[dict[str, str]]:
    """The sanction rules in words, for the pages (one row per 处理 with consequences)."""
    rows = []
    for type, rule in sanction_rules().items():
        months = rule.get("months")
        appraisal = rule.get("appraisal") or {}
        barred = [g for g in GRADE_ORDER if g in appraisal.get("barred", [])]
        allowed = [g for g in GRADE_ORDER if g not in barred]
        if rule.get("ends_employment"):
            grade_txt = "人事关系终止，不再参加"
        elif barred:
            when = "作出处分决定的当年" if appraisal.get("when") == "decision_year" else "期间所涉各年度"
            grade_txt = f"{when}最高为“{AppraisalGrade(allowed[0]).label if allowed else '—'}”"
        else:
            grade_txt = "不受限制"
        ended = bool(rule.get("ends_employment"))
        rows.append(
            {
                "type": SanctionType(type).label if type in SanctionType.values else type,
                "period": f"{months}个月" if months else "—",
                "appraisal": grade_txt,
                "promotion": "不得" if ended or rule.get("promotion") else "不受限制",
                "honour": "不得" if ended or rule.get("honour") else "不受限制",
                "source": str(rule.get("source", "")),
            }
        )
    return rows


def sanction_end(type: str, start: dt.date) -> dt.date | None:
    """Last day of a sanction's period (start + months − 1 day); None = permanent; other 处理 end the same day."""
    rule = sanction_rules().get(type)
    if rule is None:
        return start
    n = rule.get("months")
    if n is None:
        return None
    return add_months(start, int(n)) - dt.timedelta(days=1)


def _may_record(actor: User, teacher: Teacher) -> bool:
    if is_personnel(actor):
        return True
    school = teacher.school
    return school is not None and (is_principal_of(actor, school.pk) or is_principal_of(actor, school.parent_id))


def active_sanctions(*, teacher: Teacher, start: dt.date, end: dt.date | None = None) -> QuerySet[Sanction]:
    """Sanctions with consequences of the teacher overlapping [start, end] (one day when ``end`` is empty)."""
    end = end or start
    return (
        Sanction.objects.filter(record__teacher=teacher, type__in=list(sanction_rules()), start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("start", "id")
    )


def _entered(actor: User, model: type[E], **fields: Any) -> E:
    """A new row of a teacher's file, audited in the same transaction."""
    row = model._default_manager.create(**fields)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=row, changes=snapshot(row))
    return row


def _period(sanction: Sanction) -> str:
    return f"{sanction.start}至{sanction.end}" if sanction.end else f"自{sanction.start}起"


def _refuse(teacher: Teacher, sanction: Sanction, what: str) -> DomainError:
    rule = sanction_rules()[sanction.type]
    kind = "处分" if sanction.type in DISCIPLINARY else "处理"
    what = what.replace("处分期", f"{kind}期")
    return DomainError(
        f"{teacher.name}受“{sanction.get_type_display()}”{kind}（{_period(sanction)}），{what}。依据：{rule['source']}",
        code="ethics_veto",
    )


def employment_ended(*, teacher: Teacher, on: dt.date) -> Sanction | None:
    """The sanction that ended the teacher's employment on or before ``on`` (开除), if any."""
    return _ended_employment(teacher, on)


def _ended_employment(teacher: Teacher, on: dt.date) -> Sanction | None:
    for sanction in Sanction.objects.filter(record__teacher=teacher, start__lte=on).order_by("start", "id"):
        if sanction_rules().get(sanction.type, {}).get("ends_employment"):
            return sanction
    return None


def _ethics_fail_veto(teacher: Teacher, on: dt.date, what: str) -> None:
    """一票否决: a 师德考核 of 不合格 in the school year of ``on`` or the configured years before it."""
    year = SchoolYear.of(on).start_year
    following = int(conf.get("TEACHERS_ETHICS_FAIL_VETO_FOLLOWING_YEARS"))
    failed = (
        Appraisal.objects.filter(teacher=teacher, ethics=EthicsResult.FAIL, year__gte=year - following, year__lte=year)
        .order_by("-year")
        .first()
    )
    if failed is not None:
        raise DomainError(
            f"一票否决：{teacher.name}{SchoolYear(failed.year).label}师德考核不合格，{what}。"
            f"依据：《关于加强和改进新时代师德师风建设的意见》（教师〔2019〕10号）",
            code="ethics_veto",
        )


def check_period_bar(teacher: Teacher, on: dt.date, consequence: str, what: str) -> None:
    """Refuse a decision dated ``on`` that a running sanction (``consequence``: promotion/honour), an ended
    employment or a failed 师德考核 bars."""
    ended = _ended_employment(teacher, on)
    if ended is not None:
        raise _refuse(teacher, ended, f"人事关系已终止，不得{what}")
    for sanction in active_sanctions(teacher=teacher, start=on):
        if sanction_rules()[sanction.type].get(consequence):
            raise _refuse(teacher, sanction, f"处分期内不得{what}")
    _ethics_fail_veto(teacher, on, f"不得{what}")


def appraisal_bar(teacher: Teacher, year: int, grade: str) -> None:
    """Refuse a 年度考核 grade the rules bar in school year ``year``."""
    sy = SchoolYear(year)
    label = f"{sy.label}年度考核"
    ended = _ended_employment(teacher, sy.start - dt.timedelta(days=1))
    if ended is not None:
        raise _refuse(teacher, ended, f"人事关系已终止，不再参加{label}")
    for sanction in active_sanctions(teacher=teacher, start=sy.start, end=sy.end):
        rule = sanction_rules()[sanction.type].get("appraisal") or {}
        if grade not in rule.get("barred", []):
            continue
        if rule.get("when") == "decision_year" and SchoolYear.of(sanction.start).start_year != year:
            continue
        allowed = [g for g in GRADE_ORDER if g not in rule["barred"]]
        best = AppraisalGrade(allowed[0]).label if allowed else "—"
        when = "作出处分决定的当年" if rule.get("when") == "decision_year" else "受处分期间"
        raise _refuse(
            teacher,
            sanction,
            f"{when}{label}不得评为“{AppraisalGrade(grade).label}”（最高为“{best}”）",
        )


@transaction.atomic
def ethics_record_create(
    *,
    actor: User,
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
        raise DomainError(f"未知类别“{kind}”", field="类别")
    if kind == RecordKind.VIOLATION and principle not in Principle.values:
        raise DomainError("违规记录须对应十项准则中的一条（1–10）", field="对应准则")
    if principle is not None and principle not in Principle.values:
        raise DomainError("准则条目应为1–10", field="对应准则")
    if not title.strip():
        raise DomainError("不能为空", field="事由")
    return _entered(
        actor, EthicsRecord, teacher=teacher, kind=kind, principle=principle, date=date, title=title.strip(),
        details=details, source=source, recorded_by=actor,
    )  # fmt: skip


@transaction.atomic
def sanction_impose(
    *, actor: User, record: EthicsRecord, type: str, start: dt.date, decided_by_body: str = ""
) -> Sanction:
    """Impose a 处理 on a violation; the period end follows the 2018 measure (6/12/24 months, 开除 permanent)."""
    if type not in SanctionType.values:
        raise DomainError(f"未知处理类型“{type}”", field="处理类型")
    if record.kind != RecordKind.VIOLATION:
        raise DomainError("只有违规记录才能给予处理", field="违规记录")
    if not _may_record(actor, record.teacher):
        raise PermissionDenied("仅人事股或该教师所在学校校长可登记处理")
    if type not in SCHOOL_SANCTIONS and not is_personnel(actor):
        raise PermissionDenied(f"“{SanctionType(type).label}”由主管教育部门决定，须由人事股登记")
    if start < record.date:
        raise DomainError("处理起始日期不能早于违规日期", field="起始日期")
    sanction = _entered(
        actor, Sanction, record=record, type=type, start=start, end=sanction_end(type, start),
        decided_by_body=decided_by_body, recorded_by=actor,
    )  # fmt: skip
    if sanction_rules().get(type, {}).get("ends_employment") and record.teacher.is_active:
        teacher_update(actor=actor, teacher=record.teacher, is_active=False)
    return sanction


@transaction.atomic
def pledge_record(*, actor: User, teacher: Teacher, kind: str, date: dt.date, note: str = "") -> Pledge:
    if not _may_record(actor, teacher):
        raise PermissionDenied("仅人事股或该教师所在学校校长可登记宣誓与承诺")
    if kind not in PledgeKind.values:
        raise DomainError(f"未知类别“{kind}”", field="类别")
    if Pledge.objects.filter(teacher=teacher, kind=kind, date=date).exists():
        raise DomainError(f"{teacher.name}在{date}已有{PledgeKind(kind).label}记录", field="日期")
    return _entered(actor, Pledge, teacher=teacher, kind=kind, date=date, note=note)


@transaction.atomic
def appraisal_record(
    *, actor: User, teacher: Teacher, year: int, grade: str, ethics: str = EthicsResult.PASS
) -> Appraisal:
    """Record the 年度考核 grade and the 师德考核 result of a school year, under the sanction rules: a grade a
    running sanction bars is refused, and a 师德考核 of 不合格 makes the year 不合格 (一票否决)."""
    if not _may_record(actor, teacher):
        raise PermissionDenied("仅人事股或该教师所在学校校长可登记年度考核")
    if grade not in AppraisalGrade.values:
        raise DomainError(f"未知等次“{grade}”", field="等次")
    if ethics not in EthicsResult.values:
        raise DomainError(f"未知师德考核结果“{ethics}”", field="师德考核")
    if ethics == EthicsResult.FAIL and grade != AppraisalGrade.FAIL:
        raise DomainError(
            f"一票否决：{teacher.name}师德考核不合格，年度考核应评定为“不合格”。"
            f"依据：《关于加强和改进新时代师德师风建设的意见》（教师〔2019〕10号）",
            field="等次",
            code="ethics_veto",
        )
    appraisal_bar(teacher, year, grade)
    row, created = Appraisal.objects.update_or_create(
        teacher=teacher, year=year, defaults={"grade": grade, "ethics": ethics, "recorded_by": actor}
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=row, changes=snapshot(row)
    )
    return row


@transaction.atomic
def title_promote(*, actor: User, teacher: Teacher, to_title: str, date: dt.date) -> TitlePromotion:
    """职称评聘: appoint to a higher title; refused during a sanction (one-vote veto)."""
    require_personnel(actor)
    if to_title not in Title.values:
        raise DomainError(f"未知职称“{to_title}”", field="聘任职称")
    if TITLE_ORDER.index(Title(to_title)) <= TITLE_ORDER.index(Title(teacher.title)):
        raise DomainError(f"聘任职称须高于现职称“{teacher.get_title_display()}”", field="聘任职称")
    check_period_bar(teacher, date, "promotion", "聘用到更高岗位（职称评聘）")
    row = _entered(
        actor,
        TitlePromotion,
        teacher=teacher,
        from_title=teacher.title,
        to_title=to_title,
        date=date,
        recorded_by=actor,
    )
    teacher_update(actor=actor, teacher=teacher, title=to_title)
    return row


@transaction.atomic
def honour_award(*, actor: User, teacher: Teacher, name: str, level: str, date: dt.date) -> Honour:
    """评优评先: refused during a sanction. Principals may award school-level honours to their own staff."""
    if level not in HonourLevel.values:
        raise DomainError(f"未知级别“{level}”", field="级别")
    if not (is_personnel(actor) or (level == HonourLevel.SCHOOL and _may_record(actor, teacher))):
        raise PermissionDenied("县级及以上荣誉由人事股登记；校长仅可登记本校校级荣誉")
    if not name.strip():
        raise DomainError("不能为空", field="荣誉名称")
    check_period_bar(teacher, date, "honour", "评优评先")
    return _entered(actor, Honour, teacher=teacher, name=name.strip(), level=level, date=date, recorded_by=actor)
