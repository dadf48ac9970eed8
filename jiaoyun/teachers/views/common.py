"""What the teachers pages share: the action table of a page's POSTs and the year a list is shown for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpResponse

from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.teachers import selectors
from jiaoyun.teachers.forms import ActionChoiceForm, ActionForm, YearForm, current_year
from jiaoyun.web.htmx import hx_redirect

T = TypeVar("T")

# An action on one object: its form, the message on success (or a function of what the service returned),
# and the service call (user, object, cleaned data).
Action = tuple[type[ActionForm], str | Callable[[Any], str], Callable[[User, T, dict[str, Any]], Any]]

__all__ = ["Action", "act", "current_year", "form_errors", "quota_year", "run_form"]


def quota_year(request: AuthedRequest) -> int:
    """``?year=`` of the staffing pages; by default the latest year with quotas (else this school year)."""
    return YearForm.year_of(request.GET, selectors.quota_year())


def form_errors(form: BaseForm) -> str:
    """A form's errors in one line, worded like a ``DomainError`` (“field”：reason)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = "，".join(str(e) for e in errors)
        parts.append(f"“{field.label}”：{text}" if field is not None and field.label else text)
    return "；".join(parts)


def run_form(
    request: AuthedRequest, form: BaseForm, call: Callable[[dict[str, Any]], Any], success: str | Callable[[Any], str]
) -> Any:
    """Validate ``form`` and call the service with its data; the refusal (form or ``DomainError``) or the
    success (a text, or a function of what the service returned) becomes the page's message. Returns what the
    service returned (None when refused)."""
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return None
    try:
        result = call(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def act(
    request: AuthedRequest,
    actions: Mapping[str, Action[T]],
    obj: T,
    *,
    back: Callable[[Mapping[str, Any]], str],
) -> HttpResponse:
    """Run the POSTed ``action`` of ``actions`` on ``obj`` and go back to the page (``back(data)``, ``data``
    what the form could read) with its message. An unknown action does nothing."""
    choice = ActionChoiceForm(request.POST)
    name = choice.cleaned_data["action"] if choice.is_valid() else ""
    if name not in actions:
        return hx_redirect(request, back({}))
    form_class, success, service = actions[name]
    form = form_class(request.POST, user=request.user, obj=obj)
    run_form(request, form, lambda data: service(request.user, obj, data), success)
    return hx_redirect(request, back(getattr(form, "cleaned_data", {})))
