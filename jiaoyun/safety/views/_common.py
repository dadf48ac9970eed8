"""What the safety pages share: the read check, and running one named action of a page's action table.

A page with POST actions declares ``ACTIONS = {name: Action(FormClass, run, done)}`` where ``run(user, obj,
data, files)`` calls one service on the page's object (a hazard, a school, a canteen…) with the form's
cleaned data. ``perform`` validates the form, calls ``run``, and words the outcome as a message: the
success message ``done`` (a text, or a function of the service's result), or the refusal (the form's
errors or the service's ``DomainError``). On success the view sends ``hx_redirect``; on a refusal it
renders the page again with the bound form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import AuthedRequest, User
from jiaoyun.safety.permissions import can_read
from jiaoyun.web.htmx import hx_redirect

RunFn = Callable[[User, Any, dict[str, Any], Any], Any]


class Action(NamedTuple):
    form: type[forms.BaseForm]
    run: RunFn
    done: str | Callable[[Any], str] = ""
    invalid: str = ""  # the message for a form that does not validate ("" → the form's own errors)


class Failed:
    """The outcome of an action that was refused (its message is already queued)."""


FAILED = Failed()


def require_read(request: AuthedRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied("无权查看平安校园数据")


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def form_errors(form: forms.BaseForm) -> str:
    """The errors of ``form`` in one line, each after its field's label."""
    return "；".join(
        f"{(form.fields[k].label or '') if k in form.fields else ''}{'，'.join(str(e) for e in v)}"
        for k, v in form.errors.items()
    )


def perform(request: AuthedRequest, action: Action, form: forms.BaseForm, obj: Any) -> Any:
    """Run ``action`` on ``obj`` with the bound ``form``: the service's result, or ``FAILED``."""
    if not form.is_valid():
        messages.error(request, action.invalid or form_errors(form))
        return FAILED
    try:
        result = action.run(request.user, obj, form.cleaned_data, request.FILES)
    except DomainError as exc:
        messages.error(request, str(exc))
        return FAILED
    done = action.done(result) if callable(action.done) else action.done
    if done:
        messages.success(request, done)
    return result


def act(
    request: AuthedRequest, action: Action, form: forms.BaseForm, obj: Any, then: str | Callable[[Any], str]
) -> HttpResponse | None:
    """``perform`` the action; on success the redirect to ``then`` (a URL, or the URL for the service's
    result), else ``None``: the view shows its page again, with the refusal as a message."""
    result = perform(request, action, form, obj)
    if result is FAILED:
        return None
    return hx_redirect(request, then(result) if callable(then) else then)
