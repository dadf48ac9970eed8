"""Domain errors: raised by services with a message a person can act on (in Chinese)."""

from __future__ import annotations


class DomainError(Exception):
    """A refused operation. ``field`` and ``row`` locate the problem when known."""

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.row = row
        self.code = code

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.field:
            parts.append(f"“{self.field}”")
        prefix = "，".join(parts)
        return f"{prefix}：{self.message}" if prefix else self.message


class PermissionDenied(DomainError):
    def __init__(self, message: str = "无权执行此操作") -> None:
        super().__init__(message, code="forbidden")


class IllegalTransition(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="illegal_transition")
