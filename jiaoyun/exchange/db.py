"""Set-based write helpers: COPY on PostgreSQL, batched bulk_create elsewhere; audit entries in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection, models

from jiaoyun.core.audit import audit_record_many

if TYPE_CHECKING:
    from jiaoyun.core.types import User

BULK_BATCH = 2000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def allocate_ids(model: type[models.Model], n: int) -> list[int]:
    """Reserve ``n`` primary keys from the table's sequence (PostgreSQL), so COPY can insert them."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, n],
        )
        return [r[0] for r in cur.fetchall()]


def copy_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows into the model's table (PostgreSQL). ``columns`` are database column names."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    n = 0
    with connection.cursor() as cur:
        raw = cur.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


def sqlite_next_ids(model: type[models.Model], n: int) -> list[int]:
    """The next ``n`` primary keys of a table (SQLite; call inside the write transaction that inserts them).

    Above both the highest key in the table and the highest ever handed out (``sqlite_sequence``), as
    ``AUTOINCREMENT`` would give them; SQLite has one writer at a time, so nobody else can take them.
    """
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - quoted table/column names of our models; values bound
        top = int(cur.fetchone()[0])
        try:
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cur.fetchone()
        except DatabaseError:  # no AUTOINCREMENT table in this database
            row = None
        if row is not None:
            top = max(top, int(row[0]))
    return list(range(top + 1, top + 1 + n))


def sqlite_insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """INSERT many rows with one prepared statement (executemany), values already in database form."""
    if not rows:
        return 0
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 - quoted table/column names of our models; values bound
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cur:
        cur.executemany(sql, rows)
    return len(rows)


def copy_update(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Update many rows at once (PostgreSQL): COPY (id, columns…) into a temporary table, then UPDATE … FROM."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cols = ", ".join(qn(c) for c in ("id", *columns))
        cur.execute(f"CREATE TEMPORARY TABLE _jy_upd AS SELECT {cols} FROM {table} WITH NO DATA")  # noqa: S608 - quoted table/column names of our models; values bound
        with cur.cursor.copy(f"COPY _jy_upd ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        sets = ", ".join(f"{qn(c)} = u.{qn(c)}" for c in columns)
        cur.execute(f"UPDATE {table} t SET {sets} FROM _jy_upd u WHERE t.id = u.id")  # noqa: S608 - quoted table/column names of our models; values bound
        n = cur.rowcount
        cur.execute("DROP TABLE _jy_upd")
    return n


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(getattr(field, "column", name))


def rows_by_keys(
    model: type[models.Model], key: str, keys: Sequence[Any], fields: Sequence[str]
) -> dict[Any, dict[str, Any]]:
    """{key value: {field: value}} for the rows whose ``key`` column is in ``keys`` (one query).

    On PostgreSQL the keys travel as one array parameter (``= ANY(%s)``) instead of thousands of ``IN``
    placeholders, which is several times faster for import batches.
    """
    if not keys:
        return {}
    if not is_postgres():
        return {r[key]: r for r in model._default_manager.filter(**{f"{key}__in": list(keys)}).values(*fields)}
    qn = connection.ops.quote_name
    columns = [_column(model, f) for f in fields]
    sql = (
        f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(model._meta.db_table)} "  # noqa: S608 - quoted table/column names of our models; values bound
        f"WHERE {qn(_column(model, key))} = ANY(%s)"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [list(keys)])
        out = [dict(zip(fields, row, strict=True)) for row in cur.fetchall()]
    return {r[key]: r for r in out}


def audit_created(
    *,
    actor: User | None,
    model: type[models.Model],
    repr_column: str,
    pks: Sequence[int],
    changes: dict[str, Any],
    note: str = "",
) -> int:
    """One CREATE AuditEntry per new row: the object's id and ``repr_column`` (its name), the shared ``changes``.

    The names are read back in one pass over the new rows (ranges of ids), so that every entry is chained."""
    if not pks:
        return 0
    column = _column(model, repr_column)
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    ordered = sorted(pks)
    rows: list[tuple[Any, str]] = []
    with connection.cursor() as cur:
        if ordered[-1] - ordered[0] + 1 == len(ordered):  # keys reserved together: one range
            cur.execute(
                f"SELECT id, {qn(column)} FROM {table} WHERE id BETWEEN %s AND %s ORDER BY id",  # noqa: S608 - quoted table/column names of our models; values bound
                [ordered[0], ordered[-1]],
            )
            rows = cur.fetchall()
        else:
            for i in range(0, len(ordered), 900):
                part = ordered[i : i + 900]
                cur.execute(
                    f"SELECT id, {qn(column)} FROM {table} WHERE id IN ({', '.join(['%s'] * len(part))}) ORDER BY id",  # noqa: S608 - quoted table/column names of our models; values bound
                    part,
                )
                rows.extend(cur.fetchall())
    return audit_record_many(
        actor=actor,
        action="create",
        object_type=model._meta.label,
        entries=((pk, str(rep or "")[:200], changes) for pk, rep in rows),
        note=note,
    )
