"""Why the learning services refuse a write, without HTTP: the xAPI views map each to its status code.

A plain ``DomainError`` is a request the LRS cannot accept as sent (the xAPI layer answers 400); the kinds
below are the refusals xAPI gives their own status. ``PermissionDenied`` (403) comes from ``jiaoyun.core.errors``.
"""

from __future__ import annotations

from jiaoyun.core.errors import DomainError


class StatementConflict(DomainError):
    """A statement id is taken: by another client's statement, or by one of the client's with other content."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")


class BatchTooLarge(DomainError):
    """More statements in one batch than ``XAPI_MAX_BATCH``."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="too_large")


class PreconditionFailed(DomainError):
    """``If-Match`` / ``If-None-Match`` do not hold for the document's current ETag."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="precondition_failed")


class PreconditionRequired(DomainError):
    """A document exists and the write carries no precondition where xAPI requires one."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="precondition_required")
