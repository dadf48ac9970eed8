"""Writes of the school registry (学校名录) and classes (班级).

Each rule is here once: ``validate_grade``, ``validate_class`` and ``validate_coordinates`` are called by the
services below, by the enrolment services (``jiaoyun.people.services``) and by the import kinds
(``jiaoyun.exchange.kinds``), whose set-based writes are ``school_bulk_write`` and ``class_bulk_write``.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from jiaoyun.core.errors import DomainError
from jiaoyun.core.services import bulk_write, bulk_write_column, full_clean, model_create, model_update
from jiaoyun.core.types import User
from jiaoyun.schools.choices import KIND_GRADES, Grade, SchoolKind
from jiaoyun.schools.models import School, SchoolClass

SCHOOL_YEARS = (2000, 2100)
MICRODEGREE = decimal.Decimal("0.000001")


def validate_grade(*, kind: str, grade: int, school_name: str = "该校") -> None:
    """The grades a school of a kind may have (幼儿园 小班–大班, 小学 1–6, …)."""
    if grade not in KIND_GRADES.get(kind, ()):
        kind_label = SchoolKind(kind).label if kind in SchoolKind.values else kind
        grade_label = Grade(grade).label if grade in Grade.values else str(grade)
        raise DomainError(f"{school_name}（{kind_label}）不设{grade_label}", field="年级")


def validate_class(*, kind: str, school_year: int, grade: int, number: int, school_name: str = "该校") -> None:
    """A class: a grade the school has, a school year (start year) in range, a positive class number."""
    validate_grade(kind=kind, grade=grade, school_name=school_name)
    if not SCHOOL_YEARS[0] <= school_year <= SCHOOL_YEARS[1]:
        raise DomainError(f"学年{school_year}不合理", field="学年")
    if number < 1:
        raise DomainError("班号应为正整数", field="班号")


def validate_coordinates(
    *, latitude: decimal.Decimal | None, longitude: decimal.Decimal | None
) -> tuple[decimal.Decimal | None, decimal.Decimal | None]:
    """Latitude within ±90, longitude within ±180; both kept to six decimals (as stored)."""
    kept: list[decimal.Decimal | None] = []
    for value, label, bound in ((latitude, "纬度", 90), (longitude, "经度", 180)):
        if value is not None and not -bound <= value <= bound:
            raise DomainError(f"{value}超出范围", field=label)
        kept.append(None if value is None else decimal.Decimal(value).quantize(MICRODEGREE))
    return kept[0], kept[1]


def _check_school(school: School) -> None:
    validate_coordinates(latitude=school.latitude, longitude=school.longitude)
    full_clean(school)


def _check_class(klass: SchoolClass) -> None:
    school = klass.school
    validate_class(kind=school.kind, school_year=klass.school_year, grade=klass.grade, number=klass.number,
                   school_name=school.name)  # fmt: skip
    full_clean(klass)


@transaction.atomic
def school_create(*, actor: User | None, **fields: Any) -> School:
    code = fields.get("code", "")
    if School.objects.filter(code=code).exists():
        raise DomainError(f"学校标识码{code}已存在", field="学校标识码")
    return model_create(actor=actor, obj=School(**fields), check=_check_school)


@transaction.atomic
def school_update(*, actor: User | None, school: School, **fields: Any) -> School:
    return model_update(actor=actor, obj=school, fields=fields, check=_check_school)


@transaction.atomic
def class_create(
    *, actor: User | None, school: School, school_year: int, grade: int, number: int = 1, name: str = ""
) -> SchoolClass:
    if SchoolClass.objects.filter(school=school, school_year=school_year, grade=grade, number=number).exists():
        raise DomainError("该班级已存在", field="班号")
    klass = SchoolClass(school=school, school_year=school_year, grade=grade, number=number, name=name)
    return model_create(actor=actor, obj=klass, check=_check_class)


CLASS_EDITABLE = ("school", "school_year", "grade", "number", "name")


@transaction.atomic
def class_update(*, actor: User | None, klass: SchoolClass, **fields: Any) -> SchoolClass:
    """Change a class (its school, school year, grade, number or name), checked like a new one, audited."""
    unknown = set(fields) - set(CLASS_EDITABLE)
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}")
    return model_update(actor=actor, obj=klass, fields=fields, check=_check_class)


# -- set-based writes of an import (rows validated by the rules above; the import audits them) ------------


def school_bulk_write(*, new: Sequence[School], updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Insert ``new`` schools (their pks are set) and update others (pk, fields) — main schools, then points."""
    bulk_write(School, new=new, updates=updates)


def class_bulk_write(*, new: Sequence[dict[str, Any]], names: Sequence[tuple[int, str]]) -> None:
    """Insert new classes and rename existing ones (pk, name)."""
    bulk_write_column(SchoolClass, new=new, column="name", values=names)
