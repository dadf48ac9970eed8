from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def state(row: Any, key: str) -> int:
    """The number of portfolios of ``row`` (a ``selectors.Progress``) in state ``key``."""
    return int(row.of(key))
