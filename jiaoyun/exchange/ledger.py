"""Duplicates inside a file, found in the database: the natural keys seen so far live in a temporary table.

An import checks every accepted row's natural keys against the rows before it. Keeping those keys in
Python made memory grow with the file (~300 MB at a million rows); here each batch of rows is checked
against a temporary table of the keys already accepted (one lookup, only for keys a fixed-size Bloom
filter cannot rule out), then its own keys are added (COPY on PostgreSQL). Memory stays that of one batch, whatever the size of the file, and the
message still names the first row: the table keeps its row number and two 32-bit fingerprints (of the
whole record, and of the fields named when two rows differ) that decide the wording.

The index is on a 64-bit digest of the key (small and fast to probe); the key itself is stored beside it
and compared on every hit, so two different keys that happen to share a digest are never taken for a
duplicate.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import DatabaseError, connection, transaction

from jiaoyun.exchange.db import is_postgres

_names = itertools.count(1)
SQLITE_CHUNK = 900  # bound parameters per lookup on SQLite


class KeyLedger:
    """The natural keys accepted so far in one run: key → (row number, conflict fingerprint, fingerprint).

    Keys travel with their ``digest``. A fixed 16 MB Bloom filter of the digests answers "never seen" for
    nearly every new key without asking the database (wrong only towards asking); its size does not
    depend on the file, so memory stays flat.
    """

    FILTER_BITS = 1 << 27

    def __init__(self) -> None:
        self.table = f"_jy_import_keys_{os.getpid()}_{next(_names)}"
        self.filter = bytearray(self.FILTER_BITS // 8)
        self.indexed = False
        if is_postgres():
            _more_temp_buffers()
        with connection.cursor() as cur:
            cur.execute(
                f"CREATE TEMPORARY TABLE {self.table} "
                "(h bigint NOT NULL, k text NOT NULL, r integer NOT NULL, n bigint NOT NULL, f bigint NOT NULL)"
            )

    def _positions(self, h: int) -> tuple[int, int, int]:
        u, mask = h & 0xFFFFFFFFFFFFFFFF, self.FILTER_BITS - 1
        return u & mask, (u >> 27) & mask, (u >> 37) & mask

    def _maybe_seen(self, h: int) -> bool:
        bits = self.filter
        return all(bits[p >> 3] & (1 << (p & 7)) for p in self._positions(h))

    def lookup(self, keys: Sequence[tuple[str, int]]) -> dict[str, tuple[int, int, int]]:
        """{key: (row, conflict fingerprint, fingerprint)} for the (key, digest) pairs already accepted."""
        digests = list({h for _, h in keys if self._maybe_seen(h)})
        if not digests:
            return {}
        found: list[tuple[str, int, int, int]] = []
        with connection.cursor() as cur:
            if not self.indexed:  # built on the first possible duplicate: a clean file only appends keys
                cur.execute(f"CREATE INDEX {self.table}_h ON {self.table} (h)")
                self.indexed = True
            if is_postgres():
                cur.execute(f"SELECT k, r, n, f FROM {self.table} WHERE h = ANY(%s)", [digests])  # noqa: S608 - the ledger's own temporary table name; values bound
                found = cur.fetchall()
            else:
                for part in _chunks(digests, SQLITE_CHUNK):
                    marks = ", ".join(["%s"] * len(part))
                    cur.execute(f"SELECT k, r, n, f FROM {self.table} WHERE h IN ({marks})", list(part))  # noqa: S608 - the ledger's own temporary table name; values bound
                    found.extend(cur.fetchall())
        wanted = {k for k, _ in keys}
        return {k: (r, n, f) for k, r, n, f in found if k in wanted}

    def add(self, entries: dict[str, tuple[int, int, int, int]]) -> None:
        """Record accepted keys: {key: (digest, row, conflict fingerprint, fingerprint)}."""
        if not entries:
            return
        bits = self.filter
        for h, _, _, _ in entries.values():
            for p in self._positions(h):
                bits[p >> 3] |= 1 << (p & 7)
        with connection.cursor() as cur:
            if is_postgres():
                with cur.cursor.copy(f"COPY {self.table} (h, k, r, n, f) FROM STDIN") as copy:
                    for k, (h, r, n, f) in entries.items():
                        copy.write_row((h, k, r, n, f))
            else:
                cur.executemany(
                    f"INSERT INTO {self.table} (h, k, r, n, f) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608 - the ledger's own temporary table name; values bound
                    [(h, k, r, n, f) for k, (h, r, n, f) in entries.items()],
                )

    def drop(self) -> None:
        """Remove the table (a failed transaction has already discarded it: nothing to do then)."""
        try:
            with connection.cursor() as cur:
                cur.execute(f"DROP TABLE IF EXISTS {self.table}")
        except DatabaseError:
            pass


def _more_temp_buffers() -> None:
    """Let the key table stay in memory (PostgreSQL's default keeps 8 MB of temporary tables per session).

    Only possible before the session first uses a temporary table; a session that already has keeps its own.
    """
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET temp_buffers = '128MB'")
    except DatabaseError:
        pass


def digest(key: str) -> int:
    """A signed 64-bit digest of a key (BLAKE2b), the same in every process."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
