"""Writes of the area registry (区划) and the population table (分年龄人口).

Each rule is here once: ``validate_area_code`` and ``validate_population_cell`` are called by the services
below and by the import kinds (``jiaoyun.exchange.kinds.areas``), whose set-based writes are
``area_bulk_write`` and ``population_bulk_write``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from jiaoyun.areas.boundary import boundary_validate, county_townships
from jiaoyun.areas.choices import AreaLevel, PopulationSource
from jiaoyun.areas.models import Area, Boundary, PopulationCell
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Sex
from jiaoyun.core.errors import DomainError
from jiaoyun.core.services import bulk_write, bulk_write_column, full_clean, model_create, model_update
from jiaoyun.core.types import User

PARENT_LEVEL = {AreaLevel.TOWNSHIP: AreaLevel.COUNTY, AreaLevel.VILLAGE: AreaLevel.TOWNSHIP}
CODE_LENGTH = {AreaLevel.COUNTY: 6, AreaLevel.TOWNSHIP: 9, AreaLevel.VILLAGE: 12}
POPULATION_YEARS = (1990, 2100)
POPULATION_AGES = (0, 120)


def validate_area_code(*, code: str, level: str, parent_code: str | None) -> None:
    """统计用区划代码: 6 (county), 9 (township) or 12 (village) digits, beginning with the parent's code."""
    if level not in AreaLevel.values:
        raise DomainError(f"未知层级“{level}”", field="层级")
    length = CODE_LENGTH[AreaLevel(level)]
    if len(code or "") != length or not code.isdigit():
        raise DomainError(f"{AreaLevel(level).label}的区划代码应为{length}位数字", field="区划代码")
    parent_level = PARENT_LEVEL.get(AreaLevel(level))
    wrong_parent = (
        parent_code is not None and (len(parent_code) != CODE_LENGTH[parent_level] or not code.startswith(parent_code))
        if parent_level
        else False
    )
    if wrong_parent:
        raise DomainError(f"区划代码{code}与上级{parent_code}不一致", field="区划代码")


def validate_population_cell(*, year: int, age: int, sex: str, source: str, count: int) -> None:
    """One cell of the population table: a plausible year and age, a known sex and source, no negative count."""
    if sex not in Sex.values:
        raise DomainError("应为“男”或“女”", field="性别")
    if source not in PopulationSource.values:
        raise DomainError(f"未知口径“{source}”", field="口径")
    if not POPULATION_YEARS[0] <= year <= POPULATION_YEARS[1]:
        raise DomainError(f"年份{year}不合理", field="年份")
    if not POPULATION_AGES[0] <= age <= POPULATION_AGES[1]:
        raise DomainError(f"年龄{age}不合理（0–120）", field="年龄")
    if count < 0:
        raise DomainError("人数不能为负数", field="人数")


def _check(area: Area) -> None:
    validate_area_code(code=area.code, level=area.level, parent_code=None)
    expected_parent = PARENT_LEVEL.get(AreaLevel(area.level))
    if expected_parent and (area.parent is None or area.parent.level != expected_parent):
        raise DomainError(f"上级区域须为{expected_parent.label}", field="上级")
    if area.parent is not None:
        validate_area_code(code=area.code, level=area.level, parent_code=area.parent.code)
    full_clean(area)


@transaction.atomic
def area_create(
    *, actor: User | None, code: str, name: str, level: str, parent: Area | None = None, **extra: Any
) -> Area:
    if Area.objects.filter(code=code).exists():
        raise DomainError(f"区划代码{code}已存在", field="区划代码")
    return model_create(actor=actor, obj=Area(code=code, name=name, level=level, parent=parent, **extra), check=_check)


@transaction.atomic
def area_update(*, actor: User | None, area: Area, **fields: Any) -> Area:
    return model_update(actor=actor, obj=area, fields=fields, check=_check)


@transaction.atomic
def population_set(
    *, actor: User | None, area: Area, year: int, age: int, sex: str, count: int, source: str = PopulationSource.HUKOU
) -> PopulationCell:
    validate_population_cell(year=year, age=age, sex=sex, source=source, count=count)
    cell, created = PopulationCell.objects.update_or_create(
        area=area, year=year, age=age, sex=sex, source=source, defaults={"count": count}
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=cell, changes={"count": count}
    )
    return cell


# -- set-based writes of an import (rows validated by the rules above; the import audits them) ------------


def area_bulk_write(*, new: Sequence[Area], updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Insert ``new`` areas (their pks are set) and update others (pk, fields) — one tier of the hierarchy."""
    bulk_write(Area, new=new, updates=updates)


def population_bulk_write(*, new: Sequence[dict[str, Any]], counts: Sequence[tuple[int, int]]) -> None:
    """Insert new cells and set the count of existing ones (pk, count)."""
    bulk_write_column(PopulationCell, new=new, column="count", values=counts)


@transaction.atomic
def boundary_save(
    *, actor: Any, county: Area, raw: bytes | str | dict[str, Any], file_name: str = "", synthetic: bool = False
) -> Boundary:
    """Validate and store the county's boundary (replacing the previous one); audited."""
    townships = county_townships(county)
    data = boundary_validate(raw, townships=townships)
    boundary, created = Boundary.objects.update_or_create(
        county=county, defaults={"geojson": data, "file_name": file_name[:200], "synthetic": synthetic}
    )
    codes = [f["properties"]["code"] for f in data["features"]]
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=boundary,
        changes={"file_name": file_name, "townships": len(codes), "synthetic": synthetic,
                 "missing": sorted(set(townships) - set(codes))},
    )  # fmt: skip
    return boundary
