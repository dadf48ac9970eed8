from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from jiaoyun.core.choices import ScopeLevel
from jiaoyun.web import charts
from jiaoyun.web.paging import hidden_filters, page_numbers
from jiaoyun.web.subnav import tabs

register = template.Library()


@register.filter
def scope_label(value: str) -> str:
    try:
        return str(ScopeLevel(value).label)
    except ValueError:
        return value


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **kwargs: object) -> str:
    """The current query string with some parameters replaced (for pager and sort links)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "无数据"
    return f"{value:.{digits}f}%"


@register.simple_tag
def pager_numbers(page: Any) -> list[int | None]:
    """The numbered links of the pager (``None`` = a gap), see ``jiaoyun.web.paging.page_numbers``."""
    return page_numbers(page.number, page.paginator.num_pages)


@register.simple_tag(takes_context=True)
def pager_hidden(context: template.Context) -> list[tuple[str, str]]:
    """The list's current filters, kept by the pager's jump form."""
    return hidden_filters(context["request"].GET)


@register.inclusion_tag("web/partials/subnav.html", takes_context=True)
def subnav(context: template.Context, module: str) -> dict[str, Any]:
    """The module's tabs (``jiaoyun.web.subnav.MODULES``), the current one marked with aria-current."""
    return tabs(module, context["request"])


@register.filter
def chart_height(option: dict[str, Any]) -> int:
    """The px height of a chart's box for its option (``jiaoyun.web.charts.chart_height``)."""
    return charts.chart_height(option)
