from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jiaoyun.areas.choices import AreaLevel, PopulationSource
from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction, Sex
from jiaoyun.core.errors import DomainError

PARENT_LEVEL = {AreaLevel.TOWNSHIP: AreaLevel.COUNTY, AreaLevel.VILLAGE: AreaLevel.TOWNSHIP}
CODE_LENGTH = {AreaLevel.COUNTY: 6, AreaLevel.TOWNSHIP: 9, AreaLevel.VILLAGE: 12}


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(f"{k}: {'，'.join(v)}" for k, v in exc.message_dict.items())
    return "；".join(exc.messages)


def _check(area: Area) -> None:
    if area.level not in AreaLevel.values:
        raise DomainError(f"未知层级{area.level!r}", field="层级")
    if len(area.code or "") != CODE_LENGTH[AreaLevel(area.level)] or not area.code.isdigit():
        raise DomainError(
            f"{AreaLevel(area.level).label}的区划代码应为{CODE_LENGTH[AreaLevel(area.level)]}位数字", field="区划代码"
        )
    expected_parent = PARENT_LEVEL.get(AreaLevel(area.level))
    if expected_parent:
        if area.parent is None or area.parent.level != expected_parent:
            raise DomainError(f"上级区域须为{expected_parent.label}", field="上级")
        if not area.code.startswith(area.parent.code):
            raise DomainError(f"区划代码{area.code}与上级{area.parent.code}不一致", field="区划代码")
    try:
        area.full_clean()
    except ValidationError as exc:
        raise DomainError(_validation_message(exc))


@transaction.atomic
def area_create(*, actor: Any, code: str, name: str, level: str, parent: Area | None = None, **extra: Any) -> Area:
    if Area.objects.filter(code=code).exists():
        raise DomainError(f"区划代码{code}已存在", field="区划代码")
    area = Area(code=code, name=name, level=level, parent=parent, **extra)
    _check(area)
    area.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=area, changes=snapshot(area))
    return area


@transaction.atomic
def area_update(*, actor: Any, area: Area, **fields: Any) -> Area:
    before = snapshot(area)
    for k, v in fields.items():
        setattr(area, k, v)
    _check(area)
    area.save()
    changes = diff(before, snapshot(area))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=area, changes=changes)
    return area


@transaction.atomic
def population_set(
    *, actor: Any, area: Area, year: int, age: int, sex: str, count: int, source: str = PopulationSource.HUKOU
) -> PopulationCell:
    if sex not in Sex.values:
        raise DomainError("应为“男”或“女”", field="性别")
    if source not in PopulationSource.values:
        raise DomainError(f"未知口径{source!r}", field="口径")
    if not 0 <= age <= 120:
        raise DomainError(f"年龄{age}不合理", field="年龄")
    if count < 0:
        raise DomainError("人数不能为负数", field="人数")
    cell, created = PopulationCell.objects.update_or_create(
        area=area, year=year, age=age, sex=sex, source=source, defaults={"count": count}
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=cell, changes={"count": count}
    )
    return cell
