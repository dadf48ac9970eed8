"""The set-based SQL of the statement write path: ``IN`` lists as one array and COPY on PostgreSQL, the ORM's
bulk operations elsewhere (ADR 0011)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model

from jiaoyun.learning.models import Statement, StatementRef


def select_in(model: type[Model], fields: tuple[str, ...], key: str, values: Iterable[str]) -> list[tuple[Any, ...]]:
    """``model.objects.filter(<key>__in=values).values_list(*fields)``. On PostgreSQL the list goes as one array
    parameter (``= ANY(%s)``) of the ORM's SQL, built once per process: this saves building the query and parsing
    and adapting a 100-placeholder ``IN`` list in Python (together about a millisecond per batch)."""
    if connection.vendor != "postgresql":
        return list(model._default_manager.filter(**{f"{key}__in": list(values)}).values_list(*fields))
    sql, params, position = _any_query(model, fields, key)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params[:position], list(values), *params[position + 1 :]])
        return cursor.fetchall()


@functools.cache
def _any_query(model: type[Model], fields: tuple[str, ...], key: str) -> tuple[str, tuple[Any, ...], int]:
    marker = "\x00jiaoyun-any\x00"
    sql, params = model._default_manager.filter(**{key: marker}).values_list(*fields).query.sql_with_params()
    if sql.count("= %s") != 1 or marker not in params:  # pragma: no cover - a query shape this was not made for
        raise RuntimeError(f"unexpected query for {model.__name__}.{key}: {sql}")
    return sql.replace("= %s", "= ANY(%s)"), tuple(params), params.index(marker)


def insert_statements(rows: list[dict[str, Any]], refs: list[list[tuple[str, str]]]) -> None:
    """Insert statements and their index rows: COPY on PostgreSQL (ids taken from the sequence first),
    ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql":
        created = Statement.objects.bulk_create([Statement(**r) for r in rows])
        StatementRef.objects.bulk_create(
            [
                StatementRef(statement_id=s.pk, kind=k, value=val[:500])
                for s, r in zip(created, refs, strict=True)
                for k, val in r
            ]
        )
        return
    table = Statement._meta.db_table
    columns = _COPY_COLUMNS
    if list(rows[0]) != list(columns):  # pragma: no cover - a programming error, caught by the tests
        raise RuntimeError("statement row keys and COPY columns differ")
    with connection.cursor() as cursor:
        sequence = f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)"  # noqa: S608 - the model's own table name, no input
        cursor.execute(sequence, [len(rows)])
        ids = [r[0] for r in cursor.fetchall()]
        raw = cursor.cursor  # the psycopg cursor: COPY is several times faster than INSERT for batches
        cols = ", ".join(f'"{c}"' for c in ["id", *columns])
        # The COPY text is built here in one piece (psycopg's per-row adaptation costs more than the rows); columns
        # whose values cannot need escaping (numbers, UUIDs, times, booleans) are written without a call per value.
        text = "".join(_copy_row(pk, row) for pk, row in zip(ids, rows, strict=True))
        with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            copy.write(text)
        ref_text = "".join(
            f"{pk}\t{k}\t{_copy_value(val[:500])}\n" for pk, r in zip(ids, refs, strict=True) for k, val in r
        )
        if ref_text:
            ref_table = StatementRef._meta.db_table
            with raw.copy(f'COPY "{ref_table}" ("statement_id", "kind", "value") FROM STDIN') as copy:
                copy.write(ref_text)


_COPY_COLUMNS = (
    "statement_id", "client_id", "version", "actor_ifi", "verb_id", "object_type", "object_id", "registration",
    "target", "timestamp", "stored", "voided", "data", "timestamp_original", "school_id", "school_class_id",
    "student_id", "teacher_id", "duration_s", "score_scaled", "completed", "in_class",
)  # fmt: skip


def _copy_row(pk: int, r: dict[str, Any]) -> str:
    """One statement row in COPY text format, columns in the order of the row dict built by ``statement_store``.
    Free text goes through ``_copy_value``; ids, UUIDs, times, numbers and booleans cannot contain a character
    that needs escaping and are formatted inline."""
    e, n = _copy_value, _copy_null
    return (
        f"{pk}\t{r['statement_id']}\t{n(r['client_id'])}\t{e(r['version'])}\t{e(r['actor_ifi'])}\t{e(r['verb_id'])}"
        f"\t{e(r['object_type'])}\t{e(r['object_id'])}\t{n(r['registration'])}\t{e(r['target'])}"
        f"\t{r['timestamp'].isoformat()}\t{r['stored'].isoformat()}\t{'t' if r['voided'] else 'f'}\t{e(r['data'])}"
        f"\t{e(r['timestamp_original'])}\t{n(r['school_id'])}\t{n(r['school_class_id'])}\t{n(r['student_id'])}"
        f"\t{n(r['teacher_id'])}\t{n(r['duration_s'])}\t{n(r['score_scaled'])}\t{'t' if r['completed'] else 'f'}"
        f"\t{'t' if r['in_class'] else 'f'}\n"
    )


def _copy_null(value: int | float | str | None) -> str:
    return "\\N" if value is None else repr(value) if isinstance(value, float) else str(value)


_COPY_ESCAPES = (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))


def _copy_value(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        # ``in`` and ``replace`` are C loops; ``str.translate`` with a table walks each character in Python objects.
        for char, escaped in _COPY_ESCAPES:
            if char in value:
                value = value.replace(char, escaped)
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)
