"""PostgreSQL only: the events' heap cut into block ranges, one per parallel worker (see ADR 0018)."""

from __future__ import annotations

from django.db import connection

# Below this many pages of events, one process groups them all (slicing would cost more than it saves).
SLICE_MIN_PAGES = 20_000


def heap_slices() -> list[str]:
    """PostgreSQL: conditions cutting the events' table into block ranges, one per parallel worker (none for a
    small table). Each range is grouped by its own worker: the planner, expecting as many groups as events,
    would otherwise gather every event into one process to group them there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('people_enrolmentevent') / current_setting('block_size')::int,"
            " current_setting('max_parallel_workers_per_gather')::int"
        )
        pages, workers = cursor.fetchone()
    return block_ranges(pages, workers if pages >= SLICE_MIN_PAGES else 1)


def block_ranges(pages: int, n: int) -> list[str]:
    """``n`` conditions on ``e.ctid`` that together take every row once: [0, c1), [c1, c2), …, [c(n-1), ∞)."""
    if n < 2:
        return []
    cuts = [pages * k // n for k in range(1, n)]
    ranges = []
    for k in range(n):
        bounds = ([f"e.ctid >= '({cuts[k - 1]},0)'::tid"] if k else []) + (
            [f"e.ctid < '({cuts[k]},0)'::tid"] if k < n - 1 else []
        )
        ranges.append(" AND ".join(bounds))  # the last range is open: pages added since are read too
    return ranges
