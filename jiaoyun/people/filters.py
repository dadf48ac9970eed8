"""The list filters of students and teachers, shared by the pages and the API (same names, same meaning)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from jiaoyun.core import idcard
from jiaoyun.core.choices import Sex
from jiaoyun.core.filtersets import ListFilterSet
from jiaoyun.people.choices import PostType, StudentStatus, Subject, Title
from jiaoyun.people.models import Student, Teacher
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.filters import is_true, only_if_true

# Care flags (关爱标记) a list can be filtered by: ``?flag=left_behind`` is the same as ``?left_behind=1``.
STUDENT_FLAGS = {
    "left_behind": "留守儿童",
    "migrant": "随迁子女",
    "disability": "残疾",
    "poverty": "脱贫家庭/监测户",
    "orphan": "孤儿/事实无人抚养",
}
# How a flag selects: a yes/no field is true, a graded one (disability category, poverty status, …) is set.
FLAG_MATCH = {
    "left_behind": Q(left_behind=True),
    "migrant": Q(migrant=True),
    "disability": ~Q(disability=""),
    "poverty": ~Q(poverty=""),
    "orphan": ~Q(orphan=""),
}


def _flag(name: str) -> Any:
    def method(queryset: QuerySet[Student], field: str, value: Any) -> QuerySet[Student]:
        return queryset.filter(FLAG_MATCH[name]) if is_true(value) else queryset

    return method


class StudentFilterSet(ListFilterSet):
    """``q`` (part of the name, or the exact 全国学籍号), ``school``, ``class``, ``township`` (school's or hukou's),
    ``village`` (hukou or residence), ``status``, ``grade``, ``sex``, the care flags ``left_behind=1`` … and
    ``flag=<one of them>`` (an unknown flag is no filter)."""

    q = django_filters.CharFilter(method="by_term")
    school = django_filters.NumberFilter(field_name="current_school_id")
    township = django_filters.NumberFilter(method="by_township")
    village = django_filters.NumberFilter(method="by_village")
    status = django_filters.ChoiceFilter(choices=StudentStatus.choices)
    grade = django_filters.ChoiceFilter(choices=Grade.choices, field_name="current_grade")
    sex = django_filters.ChoiceFilter(choices=Sex.choices)
    flag = django_filters.CharFilter(method="by_flag")
    left_behind = django_filters.CharFilter(method=_flag("left_behind"))
    migrant = django_filters.CharFilter(method=_flag("migrant"))
    disability = django_filters.CharFilter(method=_flag("disability"))
    poverty = django_filters.CharFilter(method=_flag("poverty"))
    orphan = django_filters.CharFilter(method=_flag("orphan"))

    def by_term(self, queryset: QuerySet[Student], name: str, value: str) -> QuerySet[Student]:
        match = Q(name__contains=value)
        number = idcard.normalize(value)
        if number.isascii():  # the exact 全国学籍号, through its keyed digest (it is stored only encrypted)
            match |= Q(student_no_hash=idcard.match_hash(number))
        return queryset.filter(match)

    def by_township(self, queryset: QuerySet[Student], name: str, value: Any) -> QuerySet[Student]:
        return queryset.filter(Q(current_school__township_id=value) | Q(hukou_village__parent_id=value))

    def by_village(self, queryset: QuerySet[Student], name: str, value: Any) -> QuerySet[Student]:
        return queryset.filter(Q(hukou_village_id=value) | Q(residence_village_id=value))

    def by_flag(self, queryset: QuerySet[Student], name: str, value: str) -> QuerySet[Student]:
        return queryset.filter(FLAG_MATCH[value]) if value in FLAG_MATCH else queryset


# ``class`` is a Python keyword: that filter is added under its query parameter name.
StudentFilterSet.base_filters["class"] = django_filters.NumberFilter(field_name="current_class_id")


class TeacherFilterSet(ListFilterSet):
    """``q`` (part of the name, or the exact 教职工号), ``school``, ``township``, ``subject`` (main subject),
    ``post_type``, ``title``, ``backbone=1``; ``active`` (``1`` by default: 在职 only; any other value: all)."""

    q = django_filters.CharFilter(method="by_term")
    school = django_filters.NumberFilter(field_name="school_id")
    township = django_filters.NumberFilter(field_name="school__township_id")
    subject = django_filters.ChoiceFilter(choices=Subject.choices, field_name="main_subject")
    post_type = django_filters.ChoiceFilter(choices=PostType.choices)
    title = django_filters.ChoiceFilter(choices=Title.choices)
    backbone = django_filters.CharFilter(method="by_backbone")
    active = django_filters.CharFilter(method=only_if_true("is_active"))

    def by_term(self, queryset: QuerySet[Teacher], name: str, value: str) -> QuerySet[Teacher]:
        return queryset.filter(Q(name__contains=value) | Q(staff_no=value))

    def by_backbone(self, queryset: QuerySet[Teacher], name: str, value: str) -> QuerySet[Teacher]:
        return queryset.exclude(backbone="") if is_true(value) else queryset
