"""Types shared by views and services.

``User`` is the actor of every service and the reader of every selector. A page is reached only by a
signed-in user (``LoginRequiredMiddleware``), so its request is annotated ``AuthedRequest``, whose
``user`` is a ``User`` rather than Django's ``User | AnonymousUser``. A system job that acts for nobody
passes ``actor=None`` where a service allows it (``User | None``).
"""

from __future__ import annotations

from django.http import HttpRequest

from jiaoyun.core.models import User


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` of a signed-in user (for annotations only; never instantiated)."""

    user: User


__all__ = ["AuthedRequest", "User"]
