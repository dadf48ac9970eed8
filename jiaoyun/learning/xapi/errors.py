"""The one error type of the xAPI layer: an HTTP status and a message the client can act on."""

from __future__ import annotations


class XapiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
