from __future__ import annotations

from django import template
from django.http import QueryDict

from jiaoyun.core.choices import ScopeLevel

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
