from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class BatchFilterIn(Schema):
    """The filters of ``GET /batches``: the names and meanings of the import records page (``BatchFilter``)."""

    kind: str | None = None
    status: str | None = None
    q: str | None = None


class RejectionOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class BatchOut(Schema):
    id: int
    kind: str
    file_name: str
    file_sha256: str
    file_size: int
    status: str
    status_label: str
    created_by: str | None
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    header_row: int | None
    total: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    progress: int
    message: str

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj["status_label"]) if isinstance(obj, dict) else obj.get_status_display()

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj["created_by"]
        return obj.created_by.username if obj.created_by else None


class ChangeOut(Schema):
    row: int
    outcome: str
    subject: str
    changes: list[list[str]]
    flag: str


class BatchDetailOut(BatchOut):
    flagged: int = 0
    skipped: int = 0
    next_steps: list[dict[str, Any]] = []
    rejections: list[RejectionOut]
    changes: list[ChangeOut] = []
