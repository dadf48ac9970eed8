from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def index(seq: Any, i: int) -> Any:
    try:
        return seq[int(i)]
    except (IndexError, TypeError, ValueError):
        return None
