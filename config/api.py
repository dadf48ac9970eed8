"""The one NinjaAPI: every app mounts its router here. Session auth (with CSRF) or an API token."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied


class LoggedIn(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


def login_required_docs(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema (/api/openapi.json) and the docs page (/api/docs) are for logged-in, active users only:
    the schema describes every operation and field, which is reconnaissance for anyone outside."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_active:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "需要登录"}, status=401)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    return wrapped


api = NinjaAPI(
    title="教云 Jiaoyun API",
    version="1",
    description="县教育云平台 JSON API。所有人员数据均按登录用户的数据范围过滤。",
    auth=LoggedIn(),
    urls_namespace="api",
    docs_decorator=login_required_docs,
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> Any:
    status = 403 if isinstance(exc, DomainPermissionDenied) else 400
    return api.create_response(
        request, {"detail": str(exc), "field": exc.field, "row": exc.row, "code": exc.code}, status=status
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc: Exception) -> Any:
    """A number too large for the database (an id or a filter of 30 digits) is bad input, not a server error."""
    return api.create_response(request, {"detail": "参数数值超出范围", "code": "out_of_range"}, status=400)


def _mount() -> None:
    from jiaoyun.areas.api import router as areas
    from jiaoyun.bulletins.api import router as bulletins
    from jiaoyun.dropout.api import router as dropout
    from jiaoyun.exchange.api import router as exchange
    from jiaoyun.facilities.api import router as facilities
    from jiaoyun.finance.api import router as finance
    from jiaoyun.forecast.api import router as forecast
    from jiaoyun.indicators.api import router as indicators
    from jiaoyun.people.api import router as people
    from jiaoyun.quality.api import router as quality
    from jiaoyun.safety.api import router as safety
    from jiaoyun.schools.api import router as schools
    from jiaoyun.standards.api import router as standards
    from jiaoyun.supervision.api import router as supervision
    from jiaoyun.teachers.api import router as teachers
    from jiaoyun.warning.api import router as warning

    api.add_router("/areas", areas)
    api.add_router("/schools", schools)
    api.add_router("/people", people)
    api.add_router("/exchange", exchange)
    api.add_router("/forecast", forecast)
    api.add_router("/quality", quality)
    api.add_router("/indicators", indicators)
    api.add_router("/dropout", dropout)
    api.add_router("/safety", safety)
    api.add_router("/teachers", teachers)
    api.add_router("/facilities", facilities)
    api.add_router("/finance", finance)
    api.add_router("/standards", standards)
    api.add_router("/warning", warning)
    api.add_router("/supervision", supervision)
    api.add_router("/bulletins", bulletins)


_mount()
