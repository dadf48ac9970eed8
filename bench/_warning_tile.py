# ruff: noqa: S608  (SQL built from this module's constants and numbers, no outside input)
"""Tiling the demo county in PostgreSQL for the 辍学预警 benchmark: copies of the rows the feature pass reads,
written set-based (``INSERT … SELECT … CROSS JOIN generate_series``), each copy with new ids.

What is copied (``copies`` − 1 times, copy *g* shifting every id of the copied tables by *g* × the table's offset):

* ``people_student``: the pupils in school (``status = in_school``) and every child with a 辍学 event (the
  sibling query reads them); the ID number and 学籍号 hashes are left empty in copies (unique), the guardian phone
  gets ``#g`` appended (each copy is its own households);
* ``people_enrolmentevent``: the events of those children that a feature query selects — 留级, 转入, 休学, 辍学
  (any date) and the grade-6 graduations of the last 400 days;
* ``dropout_absence``: every row of those children in copies 2–10, only the rows of the feature window (the last
  ``2 × WARNING_ABSENCE_DAYS`` days) in copies 11 and up — the query reads the window through the index on the
  date (a bitmap index scan), so the older rows cost it nothing but disk;
* ``warning_termresult``: every row of those children;
* ``learning_statement``: their statements of the feature window (new statement UUIDs).

Not copied: schools, classes, villages (a copy's pupils are in the same schools and classes: 100× pupils per
class), the enrol/promote events, and the children who left without a 辍学 event — rows no feature query of the
daily pass selects. ``ANALYZE`` follows each tiling.

Speed: in the tiling's transaction the copied tables' foreign keys and their indexes other than the primary key
and the unique constraints are dropped and re-created after the inserts (the same definitions, read from the
catalog): one validating join per foreign key and one index build per index instead of a deferred check and an
index insertion per row (10× → 100× took 1,810 s with them, most of it the deferred checks at commit). Nothing
is skipped: every key is validated when it is added back, all in the one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

TABLES = ("people_student", "people_enrolmentevent", "dropout_absence", "warning_termresult", "learning_statement")
STATE = "bench_warning_tiles"


def _columns(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", [table]
    )
    return [r[0] for r in cursor.fetchall()]


def _offset(cursor: Any, table: str) -> int:
    """A power of ten above the table's original ids (stored once, so later tilings use the same)."""
    cursor.execute(f"SELECT offset_ FROM {STATE}_offsets WHERE tbl = %s", [table])
    row = cursor.fetchone()
    if row:
        return int(row[0])
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    top = int(cursor.fetchone()[0])
    off = 10 ** len(str(top + 1))
    cursor.execute(f"INSERT INTO {STATE}_offsets VALUES (%s, %s)", [table, off])
    return off


def copies_now(cursor: Any) -> int:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE} (copies int NOT NULL)")
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE}_offsets (tbl text PRIMARY KEY, offset_ bigint NOT NULL)")
    cursor.execute(f"SELECT MAX(copies) FROM {STATE}")
    row = cursor.fetchone()
    return int(row[0]) if row and row[0] else 1


def tile(*, copies: int, on: dt.date, window_days: int) -> tuple[int, dict[str, int]]:
    """Bring the database to ``copies`` × the demo county (copies already made are kept; a database with more is
    left as it is). Returns the copies in the database and the row counts of the copied tables."""
    from django.db import connection, transaction
    from indicators import _drop_indexes  # bench/ is on the path when a benchmark runs

    with transaction.atomic(), connection.cursor() as c:
        have = copies_now(c)
        if copies > have:
            off = {t: _offset(c, t) for t in TABLES}
            c.execute("SET LOCAL maintenance_work_mem = '512MB'")
            again = _drop_indexes(c, TABLES)  # re-created, every key validated, before the commit
            so = off["people_student"]
            c.execute(f"""CREATE TEMP TABLE tile_students ON COMMIT DROP AS
                SELECT id FROM people_student WHERE id < {so} AND (status = 'in_school' OR id IN (
                    SELECT student_id FROM people_enrolmentevent WHERE kind = 'drop_out' AND student_id < {so}))""")
            c.execute("CREATE INDEX ON tile_students (id)")
            g = f"generate_series({have}, {copies - 1}) AS g(n)"
            override = {
                "people_student": {
                    "id": f"s.id + g.n * {so}", "id_hash": "NULL", "student_no_hash": "NULL",
                    "guardian_phone": "CASE WHEN s.guardian_phone = '' THEN '' ELSE s.guardian_phone || '#' || g.n END",
                },
                "people_enrolmentevent": {"id": f"s.id + g.n * {off['people_enrolmentevent']}"},
                "dropout_absence": {"id": f"s.id + g.n * {off['dropout_absence']}"},
                "warning_termresult": {"id": f"s.id + g.n * {off['warning_termresult']}"},
                "learning_statement": {"id": f"s.id + g.n * {off['learning_statement']}",
                                       "statement_id": "gen_random_uuid()"},
            }  # fmt: skip
            since = on - dt.timedelta(days=400)
            t0 = on - dt.timedelta(days=window_days + 1)
            where = {
                "people_student": "s.id IN (SELECT id FROM tile_students)",
                "people_enrolmentevent": f"s.id < {off['people_enrolmentevent']} AND s.student_id IN "
                "(SELECT id FROM tile_students) AND (s.kind IN ('repeat', 'transfer_in', 'suspend', 'drop_out') "
                f"OR (s.kind = 'graduate' AND s.grade = 6 AND s.date > '{since}'))",
                "dropout_absence": f"s.id < {off['dropout_absence']} AND s.student_id IN (SELECT id FROM tile_students)"
                + (f" AND s.date >= '{t0}'" if have >= 10 else ""),
                "warning_termresult": f"s.id < {off['warning_termresult']} AND s.student_id IN "
                "(SELECT id FROM tile_students)",
                "learning_statement": f"s.id < {off['learning_statement']} AND s.student_id IN "
                f"(SELECT id FROM tile_students) AND s.timestamp >= '{t0}'",
            }  # fmt: skip
            for table in TABLES:
                cols = _columns(c, table)
                exprs = []
                for col in cols:
                    if col in override[table]:
                        exprs.append(override[table][col])
                    elif col == "student_id" and table != "people_student":
                        exprs.append(f"s.student_id + g.n * {so}")
                    else:
                        exprs.append(f"s.{col}")
                c.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                          f"FROM {table} s CROSS JOIN {g} WHERE {where[table]}")  # fmt: skip
            for statement in again:
                c.execute(statement)
            c.execute(f"INSERT INTO {STATE} VALUES (%s)", [copies])
        now = max(have, copies)
        counts = {}
        for table in TABLES:
            c.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = int(c.fetchone()[0])
    with connection.cursor() as c:
        for table in TABLES:
            c.execute(f"ANALYZE {table}")
    return now, counts


def main() -> None:
    """``python bench/_warning_tile.py --pg-url URL --copies 10,100``: tile without measuring (the benchmark's
    ``--scales`` tiles and measures each scale)."""
    import argparse
    import os
    import sys
    import time
    from pathlib import Path

    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url", required=True)
    parser.add_argument("--copies", default="10,100")
    parser.add_argument("--window-days", type=int, default=None, help="default: 2 × WARNING_ABSENCE_DAYS")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ["DATABASE_URL"] = args.pg_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone

    from jiaoyun.warning import conf

    window = args.window_days or 2 * conf.get("WARNING_ABSENCE_DAYS")
    for copies in (int(x) for x in args.copies.split(",")):
        t = time.perf_counter()
        now, counts = tile(copies=copies, on=timezone.localdate(), window_days=window)
        print(f"{now}×: {time.perf_counter() - t:.0f} s, {counts}", flush=True)


if __name__ == "__main__":
    main()
