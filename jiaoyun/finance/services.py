"""Writes of the finance figures: one budget year with its levels, entered or imported, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.services import model_create, model_update
from jiaoyun.finance import permissions
from jiaoyun.finance.models import FinanceYear, LevelFigure
from jiaoyun.schools.choices import Level

YEAR_FIELDS = ("education_expenditure", "recurrent_revenue", "students", "teacher_pay", "civil_servant_pay", "source",
               "note")  # fmt: skip
LEVEL_FIELDS = ("expenditure", "public_funds", "students")
LABELS = {f.name: str(f.verbose_name) for f in [*FinanceYear._meta.fields, *LevelFigure._meta.fields]}
REQUIRED = ("education_expenditure", "recurrent_revenue")


def _check_money(name: str, value: Any, *, label: str) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal):
        raise DomainError("金额须为精确小数（元）", field=label)
    if value < 0:
        raise DomainError("不能为负数", field=label)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError("金额最多两位小数（元）", field=label)


def validate_figures(*, year: int, figures: dict[str, Any], levels: dict[str, dict[str, Any]]) -> None:
    """The checks an entry and an import share; a DomainError names the field."""
    if not 2000 <= year <= 2100:
        raise DomainError("年度应在2000–2100之间", field="年度")
    for name in REQUIRED:
        if figures.get(name) is None:
            raise DomainError("必填", field=LABELS[name])
    for name in ("education_expenditure", "recurrent_revenue", "teacher_pay", "civil_servant_pay"):
        _check_money(name, figures.get(name), label=LABELS[name])
    if figures.get("education_expenditure") == 0:
        raise DomainError("不能为0", field=LABELS["education_expenditure"])
    for level, values in levels.items():
        if level not in Level.values:
            raise DomainError(f"未知学段“{level}”", field="学段")
        label = Level(level).label
        for name in ("expenditure", "public_funds"):
            _check_money(name, values.get(name), label=f"{label}{LABELS[name]}")
        if values.get("public_funds") is not None and not values.get("students") and values.get("students") is not None:
            raise DomainError("填了公用经费时在校生数不能为0", field=f"{label}在校生数")
    spent = sum((v["expenditure"] for v in levels.values() if v.get("expenditure") is not None), Decimal(0))
    if spent > figures["education_expenditure"]:
        raise DomainError(
            f"各学段教育经费合计{spent}元，超过全县一般公共预算教育支出{figures['education_expenditure']}元",
            field="各学段一般公共预算教育经费",
        )


@transaction.atomic
def finance_year_save(
    *, actor: Any, year: int, figures: dict[str, Any], levels: dict[str, dict[str, Any]], check_actor: bool = True
) -> FinanceYear:
    """Create or update budget year ``year`` with its ``figures`` (``YEAR_FIELDS``) and the ``levels`` given
    (level → ``LEVEL_FIELDS``; a level whose values are all blank is removed). Every change is audited."""
    if check_actor:
        permissions.require_write(actor)
    validate_figures(year=year, figures=figures, levels=levels)
    values = {k: figures.get(k) if k not in ("source", "note") else (figures.get(k) or "") for k in YEAR_FIELDS}
    fy = FinanceYear.objects.select_for_update().filter(year=year).first()
    if fy is None:
        fy = model_create(actor=actor, obj=FinanceYear(year=year, **values))
    else:
        fy = model_update(actor=actor, obj=fy, fields=values)
    stored = {lf.level: lf for lf in fy.levels.all()}
    for level, given in levels.items():
        fields = {k: given.get(k) for k in LEVEL_FIELDS}
        lf = stored.get(level)
        if all(v is None for v in fields.values()):
            if lf is not None:
                audit_record(actor=actor, action=AuditAction.DELETE, obj=lf)
                lf.delete()
            continue
        if lf is None:
            model_create(actor=actor, obj=LevelFigure(year=fy, level=level, **fields))
        else:
            model_update(actor=actor, obj=lf, fields=fields)
    return fy
