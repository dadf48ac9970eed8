from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def pct_of(value: float | None) -> str:
    """A share (0–1) as a percentage; "—" when there is none."""
    return "—" if value is None else f"{value * 100:.1f}%"
