"""The API's default pagination: django-ninja's limit/offset, with the offset bounded (an offset of 30 digits is
bad input, answered 422, not a database error)."""

from __future__ import annotations

from math import inf

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination, PageNumberPagination

MAX_OFFSET = 1_000_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.PAGINATION_PER_PAGE,
            ge=1,
            le=settings.PAGINATION_MAX_LIMIT if inf != settings.PAGINATION_MAX_LIMIT else None,
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class BoundedPageNumberPagination(PageNumberPagination):
    """Page numbers, bounded like the offset (a page of 30 digits is bad input, answered 422)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_OFFSET)
        page_size: int | None = Field(None, ge=1, le=1000)
