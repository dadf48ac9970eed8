"""Writes of the indicators module: targets, city references, recompute runs."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.audit import audit_record, snapshot
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import User
from jiaoyun.indicators.compute import periods_for
from jiaoyun.indicators.definitions import indicator
from jiaoyun.indicators.models import IndicatorRun, Reference, Target
from jiaoyun.indicators.services.recompute import indicators_compute

EDITOR_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF, Role.SYSTEM_ADMIN)


def _check_editor(actor: User) -> None:
    if not actor.is_authenticated or actor.role not in EDITOR_ROLES or not actor.can_write:
        raise PermissionDenied("仅县局管理员和局股室工作人员可维护目标值和参照值")


def _check_value(value: float, *, rate: bool) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError("数值应为数字", field="数值") from None
    if number < 0 or (rate and number > 200):
        raise DomainError(f"数值{number}超出合理范围（0–200）", field="数值")
    return round(number, 2)


@transaction.atomic
def target_set(
    *, actor: User, code: str, area: Area, school_year: SchoolYear, value: float, source: str = ""
) -> Target:
    """Set the target of an indicator for an area from a school year on (it stands until a later one)."""
    _check_editor(actor)
    ind = indicator(code)
    if area.level not in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP):
        raise DomainError("目标值只能设在县或乡镇", field="区域")
    number = _check_value(value, rate=ind.is_rate)
    start = school_year.start_year
    target = Target.objects.filter(code=code, area=area, school_year=start).first()
    before = snapshot(target) if target else {}
    if target is None:
        target = Target(code=code, area=area, school_year=start, value=number, source=source)
    else:
        target.value, target.source = number, source
    _save_audited(target, before, actor=actor, object_repr=f"{area} {start}学年 {ind.name}目标 {number}")
    return target


@transaction.atomic
def reference_set(*, actor: User, code: str, scope: str, year: int, value: float, source: str = "") -> Reference:
    """Record a comparison value: the city (保山市) average, or a national value."""
    _check_editor(actor)
    ind = indicator(code)
    if scope not in Reference.Scope.values:
        raise DomainError(f"未知的参照范围“{scope}”", field="范围")
    if not 2000 <= int(year) <= 2100:
        raise DomainError(f"年份{year}不合理", field="年份")
    number = _check_value(value, rate=ind.is_rate)
    ref = Reference.objects.filter(code=code, scope=scope, year=year).first()
    before = snapshot(ref) if ref else {}
    if ref is None:
        ref = Reference(code=code, scope=scope, year=year, value=number, source=source, entered_by=actor)
    else:
        ref.value, ref.source, ref.entered_by = number, source, actor
    _save_audited(ref, before, actor=actor, object_repr=f"{ref.get_scope_display()} {year}年 {ind.name} {number}")
    return ref


def _save_audited(obj: models.Model, before: dict[str, object], *, actor: User, object_repr: str) -> None:
    """Validate and save a target or reference, with its audit entry (created, or updated from ``before``)."""
    obj.full_clean()
    obj.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=obj,
        object_repr=object_repr,
        changes={"before": before, "after": snapshot(obj)},
    )


def indicators_refresh(
    *,
    from_year: SchoolYear | None = None,
    to_year: SchoolYear | None = None,
    as_of: dt.date | None = None,
    triggered_by: str = "",
) -> IndicatorRun:
    """Recompute every indicator for a range of school years. Idempotent.

    By default the current school year (to date) and the one before it (on its census date, its flows over the
    whole year): a 学籍 record entered late (a dropout in July recorded in September) still reaches the
    completed year's figures, and a year that has just ended gets its whole-year figures."""
    if from_year is None and to_year is None and as_of is None:
        from_year = SchoolYear.current().shift(-1)
    return indicators_compute(
        periods=periods_for(from_year=from_year, to_year=to_year, as_of=as_of), triggered_by=triggered_by
    )
