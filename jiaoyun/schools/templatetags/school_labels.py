"""Labels of the schools' choices in templates: ``{% load school_labels %}``, then ``|grade_label``."""

from __future__ import annotations

from django import template

from jiaoyun.schools.choices import Grade, SchoolKind

register = template.Library()


@register.filter
def school_kind_label(value: str) -> str:
    try:
        return str(SchoolKind(value).label)
    except ValueError:
        return value


@register.filter
def grade_label(value: int | None) -> str:
    if value is None:
        return "—"
    try:
        return str(Grade(value).label)
    except ValueError:
        return str(value)
