"""Fast set-based writes for the generator: explicit primary keys, COPY on PostgreSQL, executemany on SQLite.

Only the demo generator writes this way (no per-row audit entries: the data is synthetic).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

CHUNK = 20_000


def next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    found: list[str] = []
    for n in names:
        f = model._meta.get_field(n)
        if not isinstance(f, models.Field):
            raise TypeError(f"{model.__name__}.{n} is not a concrete field")
        found.append(f.column)
    return found


def insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows (tuples in the order of ``names``, field names) into the model's table. Returns the count."""
    table = model._meta.db_table
    cols = columns(model, names)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            marks = ", ".join(["%s"] * len(cols))
            sql = f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)}) VALUES ({marks})'  # noqa: S608 (model table and column names)
            chunk: list[Sequence[Any]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= CHUNK:
                    cursor.executemany(sql, chunk)
                    n += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                n += len(chunk)
    return n


def reset_sequences(*models_: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL sequences past them (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
