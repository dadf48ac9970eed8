"""What the 控辍保学 pages share: the choices of their filter forms."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jiaoyun.dropout import selectors
from jiaoyun.dropout.choices import CaseKind, CaseStatus, Reason, SpecialGroup


def filter_options(request: HttpRequest) -> dict[str, Any]:
    """The townships, villages and schools in scope, the choices of the list filters, and the current query."""
    return {
        **selectors.filter_places(user=request.user),
        "reasons": Reason.choices,
        "groups": SpecialGroup.choices,
        "statuses": CaseStatus.choices,
        "kinds": CaseKind.choices,
        "filters": request.GET,
    }
