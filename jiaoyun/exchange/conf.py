"""Settings of the exchange module; each may be overridden in ``settings.JIAOYUN``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Largest accepted upload (bytes); bigger files are refused before they are read.
    "IMPORT_MAX_BYTES": 300 * 1024 * 1024,
    # Uploads above this size are previewed by a background task with a progress bar.
    "IMPORT_ASYNC_BYTES": 2 * 1024 * 1024,
    # Rows validated, compared and written per set-based batch.
    "IMPORT_BATCH_ROWS": 5000,
    # How many rows from the top are searched for the header row (title rows above it are skipped).
    "IMPORT_HEADER_SCAN_ROWS": 20,
    # Worker processes that parse and validate chunks of a large file (0: one per CPU, at most 4; 1: none).
    "IMPORT_WORKERS": 0,
    # Files from this size on are checked by worker processes (for kinds whose validation allows it).
    "IMPORT_PARALLEL_BYTES": 8 * 1024 * 1024,
    # Rejected rows kept per import (the counts are always exact).
    "IMPORT_MAX_REJECTS_KEPT": 100_000,
    # New and updated rows listed by the preview, each (the counts are always exact; flagged updates are
    # all listed, up to IMPORT_MAX_REJECTS_KEPT).
    "IMPORT_MAX_CHANGES_SHOWN": 2000,
}


def get(key: str) -> Any:
    return getattr(settings, "JIAOYUN", {}).get(key, DEFAULTS[key])


def import_max_bytes() -> int:
    """The data-import upload limit, for ``settings.UPLOAD_LARGE_VIEWS`` (the upload views' body limit)."""
    return int(get("IMPORT_MAX_BYTES"))
