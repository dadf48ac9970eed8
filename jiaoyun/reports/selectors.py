"""Reads of the official-document data (no personal data: letterheads and the 发文登记)."""

from __future__ import annotations

from django.db.models import QuerySet

from jiaoyun.reports.models import IssuedDocument, Letterhead
from jiaoyun.reports.official import DEFAULT_LETTERHEADS


def letterhead_values(key: str) -> dict[str, str]:
    """The current settings of a letterhead (its row, or the defaults when it has none yet)."""
    head = Letterhead.objects.filter(key=key).first()
    if head is None:
        return dict(DEFAULT_LETTERHEADS[key])
    return {f: getattr(head, f) for f in DEFAULT_LETTERHEADS[key]}


def letterhead_list() -> list[tuple[str, dict[str, str]]]:
    """(key, settings) of every kind of document the platform issues."""
    rows = {h.key: h for h in Letterhead.objects.all()}
    return [
        (key, {f: getattr(rows[key], f) for f in defaults} if key in rows else dict(defaults))
        for key, defaults in DEFAULT_LETTERHEADS.items()
    ]


def issued_get(subject: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(subject=subject).first()


def issued_by_subject(subjects: list[str]) -> dict[str, IssuedDocument]:
    return {d.subject: d for d in IssuedDocument.objects.filter(subject__in=subjects).defer("pdf")}


def issued_list(*, key: str) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(letterhead_key=key).defer("pdf").order_by("-year", "-seq")
