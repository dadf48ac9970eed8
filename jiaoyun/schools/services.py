from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jiaoyun.areas.services import _validation_message
from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.schools.models import School, SchoolClass


def _clean(obj: School | SchoolClass) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise DomainError(_validation_message(exc))


@transaction.atomic
def school_create(*, actor: Any, **fields: Any) -> School:
    code = fields.get("code", "")
    if School.objects.filter(code=code).exists():
        raise DomainError(f"学校标识码{code}已存在", field="学校标识码")
    school = School(**fields)
    _clean(school)
    school.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=school, changes=snapshot(school))
    return school


@transaction.atomic
def school_update(*, actor: Any, school: School, **fields: Any) -> School:
    before = snapshot(school)
    for k, v in fields.items():
        setattr(school, k, v)
    _clean(school)
    school.save()
    changes = diff(before, snapshot(school))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=school, changes=changes)
    return school


@transaction.atomic
def class_create(
    *, actor: Any, school: School, school_year: int, grade: int, number: int = 1, name: str = ""
) -> SchoolClass:
    if school.grades and grade not in school.grades:
        raise DomainError(f"{school.name}不设该年级", field="年级")
    if SchoolClass.objects.filter(school=school, school_year=school_year, grade=grade, number=number).exists():
        raise DomainError("该班级已存在", field="班号")
    klass = SchoolClass(school=school, school_year=school_year, grade=grade, number=number, name=name)
    _clean(klass)
    klass.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=klass, changes=snapshot(klass))
    return klass
