"""Why the learning services refuse a write, without HTTP: the xAPI views map each to its status code.

A plain ``DomainError`` is a request the LRS cannot accept as sent (the xAPI layer answers 400); the kinds
below are the refusals xAPI gives their own status (``jiaoyun.learning.xapi.http.DOMAIN_STATUS``).
``PermissionDenied`` (403) comes from ``jiaoyun.core.errors``.
"""

from __future__ import annotations

from jiaoyun.core.errors import DomainError


class _Refusal(DomainError):
    kind = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message, code=self.kind)


class StatementConflict(_Refusal):
    """A statement id is taken: by another client's statement, or by one of the client's with other content."""

    kind = "conflict"


class BatchTooLarge(_Refusal):
    """More statements in one batch than ``XAPI_MAX_BATCH``."""

    kind = "too_large"


class PreconditionFailed(_Refusal):
    """``If-Match`` / ``If-None-Match`` do not hold for the document's current ETag."""

    kind = "precondition_failed"


class PreconditionRequired(_Refusal):
    """A document exists and the write carries no precondition where xAPI requires one."""

    kind = "precondition_required"
