"""Running the computation's statements: named parameters, one executor for either database."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import connection

_PARAM = re.compile(r"%\((\w+)\)s")


def positional(sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """Named ``%(x)s`` parameters to positional ``%s`` (for RawSQL and either database)."""
    values: list[Any] = []

    def repl(m: re.Match[str]) -> str:
        values.append(params[m.group(1)])
        return "%s"

    return _PARAM.sub(repl, sql), values


Executor = Callable[[str, dict[str, Any]], int]


def _execute(sql: str, params: dict[str, Any]) -> int:
    text, values = positional(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(text, values)
        return cursor.rowcount
