"""The home page: each role's own workplace led by its 待办; the county roles keep the county view with a strip."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from jiaoyun.core.scope import scope_for
from jiaoyun.core.types import AuthedRequest
from jiaoyun.web.selectors import home_figures
from jiaoyun.web.workplace.roles import workplace_for


def home(request: AuthedRequest) -> HttpResponse:
    place = workplace_for(request.user)
    if place.kind in ("county", "county_leader"):
        context = {"figures": home_figures(user=request.user), "headline": _home_headline(request), "place": place}
        return render(request, "web/home.html", context)
    return render(request, "web/workplace/home.html", {"place": place, "scope": scope_for(request.user)})


def _home_headline(request: AuthedRequest) -> object:
    """The work-plan targets block, provided by the indicators module when installed."""
    try:
        from jiaoyun.indicators.selectors import home_headline
    except ImportError:
        return None
    return home_headline(user=request.user)
