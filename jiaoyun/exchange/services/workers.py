"""Parallel checking of large files: forked worker processes run the ``RowChecker`` on chunks of rows."""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from typing import Any

from jiaoyun.exchange import conf
from jiaoyun.exchange.readers import Table
from jiaoyun.exchange.registry import Kind
from jiaoyun.exchange.services.rows import Outcome, RowChecker


def _chunked(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def checked_chunks(
    kind: Kind, table: Table, checker: RowChecker
) -> Iterator[tuple[list[tuple[int, list[Any]]], list[Outcome]]]:
    """(rows, outcomes) per batch, in file order; large files are checked by worker processes.

    The importing process reads the file and hands chunks to the workers, keeping at most two chunks per
    worker in flight (memory stays flat); results come back in file order.
    """
    size = conf.get("IMPORT_BATCH_ROWS")
    chunks = _chunked(table.rows(), size)
    workers = _worker_count(kind, table)
    if workers < 2:
        for chunk in chunks:
            yield chunk, checker(chunk)
        return
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init, initargs=(checker,))
    try:
        inflight: deque[tuple[list[tuple[int, list[Any]]], Any]] = deque()
        for chunk in chunks:
            inflight.append((chunk, pool.apply_async(_worker_check, (chunk,))))
            if len(inflight) >= 2 * workers:
                done, result = inflight.popleft()
                yield done, _outcomes(result)
        while inflight:
            done, result = inflight.popleft()
            yield done, _outcomes(result)
    finally:
        pool.terminate()
        pool.join()


CHUNK_TIMEOUT = 600  # seconds; a worker killed from outside (e.g. out of memory) loses its chunk for good


def _outcomes(result: Any) -> list[Outcome]:
    try:
        outcomes: list[Outcome] = result.get(timeout=CHUNK_TIMEOUT)
    except multiprocessing.TimeoutError:
        raise RuntimeError(f"a worker process checking import rows gave no result within {CHUNK_TIMEOUT} s")
    return outcomes


def _worker_count(kind: Kind, table: Table) -> int:
    workers = int(conf.get("IMPORT_WORKERS") or 0) or min(4, os.cpu_count() or 1)
    if workers < 2 or not kind.parallel_safe or table.size < conf.get("IMPORT_PARALLEL_BYTES"):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return workers


_CHECKER: RowChecker | None = None


def _worker_init(checker: RowChecker) -> None:
    """In a forked worker: keep the checker (inherited, not pickled). Never touches the database."""
    global _CHECKER
    _CHECKER = checker


def _worker_check(chunk: list[tuple[int, list[Any]]]) -> list[Outcome]:
    if _CHECKER is None:  # the pool's initializer sets it in every worker process
        raise RuntimeError("worker started without its row checker")
    return _CHECKER(chunk)
