"""Parsing of list filters taken from query strings: a malformed value matches nothing instead of failing."""

from __future__ import annotations

from typing import Any

NO_MATCH = -(10**9)  # no id, grade or year has this value


def as_int(value: Any) -> int:
    """``value`` as an int; a malformed value gives NO_MATCH, so the filter selects no rows."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return NO_MATCH
