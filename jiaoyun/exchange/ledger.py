"""Duplicates inside a file, found in the database: the natural keys seen so far live in a temporary table.

An import checks every accepted row's natural keys against the rows before it. Keeping those keys in
Python made memory grow with the file (~300 MB at a million rows); here each batch of rows is checked
with one indexed lookup against a temporary table of the keys already accepted, then its own keys are
added (COPY on PostgreSQL). Memory stays that of one batch, whatever the size of the file, and the
message still names the first row: the table keeps its row number and two 32-bit fingerprints (of the
whole record, and of the fields named when two rows differ) that decide the wording.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import DatabaseError, connection

from jiaoyun.exchange.db import is_postgres

_names = itertools.count(1)
SQLITE_CHUNK = 900  # bound parameters per lookup on SQLite


class KeyLedger:
    """The natural keys accepted so far in one run: key text → (row number, conflict fingerprint, fingerprint)."""

    def __init__(self) -> None:
        self.table = f"_jy_import_keys_{os.getpid()}_{next(_names)}"
        collate = ' COLLATE "C"' if is_postgres() else ""
        with connection.cursor() as cur:
            cur.execute(
                f"CREATE TEMPORARY TABLE {self.table} "
                f"(k text{collate} PRIMARY KEY, r integer NOT NULL, n bigint NOT NULL, f bigint NOT NULL)"
            )

    def lookup(self, keys: Sequence[str]) -> dict[str, tuple[int, int, int]]:
        """{key: (row, conflict fingerprint, fingerprint)} for the keys already accepted."""
        if not keys:
            return {}
        with connection.cursor() as cur:
            if is_postgres():
                cur.execute(f"SELECT k, r, n, f FROM {self.table} WHERE k = ANY(%s)", [list(keys)])
                return {k: (r, n, f) for k, r, n, f in cur.fetchall()}
            out: dict[str, tuple[int, int, int]] = {}
            for part in _chunks(keys, SQLITE_CHUNK):
                marks = ", ".join(["%s"] * len(part))
                cur.execute(f"SELECT k, r, n, f FROM {self.table} WHERE k IN ({marks})", list(part))
                out.update({k: (r, n, f) for k, r, n, f in cur.fetchall()})
            return out

    def add(self, entries: dict[str, tuple[int, int, int]]) -> None:
        if not entries:
            return
        with connection.cursor() as cur:
            if is_postgres():
                with cur.cursor.copy(f"COPY {self.table} (k, r, n, f) FROM STDIN") as copy:
                    for k, (r, n, f) in entries.items():
                        copy.write_row((k, r, n, f))
            else:
                cur.executemany(
                    f"INSERT INTO {self.table} (k, r, n, f) VALUES (%s, %s, %s, %s)",
                    [(k, r, n, f) for k, (r, n, f) in entries.items()],
                )

    def drop(self) -> None:
        """Remove the table (a failed transaction has already discarded it: nothing to do then)."""
        try:
            with connection.cursor() as cur:
                cur.execute(f"DROP TABLE IF EXISTS {self.table}")
        except DatabaseError:
            pass


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
