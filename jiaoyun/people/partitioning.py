"""PostgreSQL only: the 学籍 events table as a partitioned table (docs/scaling.md, ADR 0044). Off by default.

``partition_events(by="student" | "school_year")`` converts ``people_enrolmentevent`` in one transaction into a
table of the same name, columns, defaults, identity, checks, indexes (the same names) and outgoing foreign keys,
partitioned by range of ``student_id`` or by school year (1 September to 31 August of ``date``), copies the rows
and drops the old table. What PostgreSQL 15 does not allow on a partitioned table, it says:

* the primary key becomes (id, partition key): a unique constraint must contain the partition key (ids stay
  unique: they still come from one identity sequence);
* foreign keys *to* the events (``quality_tracktransfer.event_id``) cannot reference ``id`` alone and are dropped;
  Django's ``on_delete=PROTECT`` still guards them in the ORM.

The conversion copies every row under an exclusive lock: fit for a county's tables (minutes) or a new province
database before it is loaded; a large live table is moved partition by partition (docs/scaling.md).
"""

# The statements are built from the fixed table names above, catalog names PostgreSQL returns and integers.
# ruff: noqa: S608

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear

TABLE = "people_enrolmentevent"
OLD = "people_enrolmentevent_unpartitioned"
KEYS = {"student": "student_id", "school_year": "date"}


def _rows(sql: str, params: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def is_partitioned() -> bool:
    return connection.vendor == "postgresql" and bool(
        _rows("SELECT 1 FROM pg_class WHERE oid = to_regclass(%s) AND relkind = 'p'", (TABLE,))
    )


def _bounds_by_student(partitions: int) -> list[tuple[str, str]]:
    low, top = _rows("SELECT COALESCE(MIN(id), 1), COALESCE(MAX(id), 0) FROM people_student")[0]
    # Room for the students still to come: the ranges cover twice today's span of ids (from the lowest id in use,
    # which is not 1 once early rows are gone or the sequence has moved on), the first and last are open.
    span = max(1, top - low + 1)
    step = max(1, (2 * span + partitions - 1) // partitions)
    cuts = [low + step * k for k in range(1, partitions)]
    lows = ["MINVALUE", *map(str, cuts)]
    highs = [*map(str, cuts), "MAXVALUE"]
    return list(zip(lows, highs, strict=True))


def _bounds_by_year() -> list[tuple[str, str]]:
    first, last = _rows(f"SELECT MIN(date), MAX(date) FROM {TABLE}")[0]
    today = timezone.localdate()
    first_year = SchoolYear.of(first or today).start_year
    last_year = max(SchoolYear.of(last or today).start_year, SchoolYear.of(today).start_year) + 1
    return [(f"'{y}-09-01'", f"'{y + 1}-09-01'") for y in range(first_year, last_year + 1)]


@transaction.atomic
def partition_events(*, by: str = "student", partitions: int = 8) -> list[str]:
    """Convert the events table; returns the statements run (the notes about what was dropped first)."""
    if connection.vendor != "postgresql":
        raise DomainError("分区：仅 PostgreSQL 支持学籍事件表分区")
    if by not in KEYS:
        raise DomainError(f"分区方式：应为 student 或 school_year，收到 {by!r}")
    if by == "student" and not 1 <= partitions <= 1024:
        raise DomainError(f"分区数：应在 1 到 1024 之间，收到 {partitions}")
    if is_partitioned():
        raise DomainError("分区：学籍事件表已经是分区表")
    key = KEYS[by]
    done: list[str] = []

    def run(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
        done.append(sql)

    # Pending deferred checks of this transaction fire now: a table with pending trigger events cannot be altered.
    run("SET CONSTRAINTS ALL IMMEDIATE")
    indexes = _rows(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid), c.contype, c.conname, pg_get_constraintdef(c.oid)"
        " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
        " LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid"
        " WHERE x.indrelid = %s::regclass ORDER BY i.relname",
        (TABLE,),
    )
    foreign = _rows(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        (TABLE,),
    )
    incoming = _rows(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint"
        " WHERE confrelid = %s::regclass AND contype = 'f' ORDER BY 1, 2",
        (TABLE,),
    )
    bounds = _bounds_by_student(partitions) if by == "student" else _bounds_by_year()

    for table, name in incoming:
        run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        done.insert(0, f"-- dropped: {table}.{name} (a foreign key cannot reference a partitioned table's id alone)")
    run(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    for index_name, *_ in indexes:
        run(f'ALTER INDEX "{index_name}" RENAME TO "{index_name[:55]}_unpart"')
    run(
        f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS"
        f" INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({key})"
    )
    for n, (low, high) in enumerate(bounds):
        suffix = f"p{n:03d}" if by == "student" else f"y{low.strip(chr(39))[:4]}"
        run(f"CREATE TABLE {TABLE}_{suffix} PARTITION OF {TABLE} FOR VALUES FROM ({low}) TO ({high})")
    if by == "school_year":
        run(f"CREATE TABLE {TABLE}_other PARTITION OF {TABLE} DEFAULT")
    run(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
    run(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), COALESCE((SELECT MAX(id) FROM {TABLE}), 0) + 1, false)"
    )
    for _name, definition, contype, conname, condef in indexes:
        if contype == "p":
            run(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{conname}" PRIMARY KEY (id, {key})')
        elif contype == "u" and key in condef:
            run(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{conname}" {condef}')
        elif contype is not None:  # a unique constraint without the key: PostgreSQL cannot enforce it here
            done.insert(0, f"-- not unique any more (no {key} in it): {conname} {condef}")
            run(definition.replace("CREATE UNIQUE INDEX", "CREATE INDEX", 1))
        else:  # read before the renaming: the original name, on the original table name (now the partitioned one)
            run(definition)
    for name, condef in foreign:
        run(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {condef}')
    run(f"DROP TABLE {OLD}")
    run(f"ANALYZE {TABLE}")
    return done
