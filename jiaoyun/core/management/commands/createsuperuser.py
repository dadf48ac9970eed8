"""``createsuperuser`` with the password rules always applied.

Django's command lets the operator bypass the validators interactively and does not validate
``DJANGO_SUPERUSER_PASSWORD`` at all; here both refuse a password the validators reject. A superuser has no
data scope and no role (三员分立): create the three administrators with ``manage.py admin_account``."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.management.commands import createsuperuser
from django.core import exceptions
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options.get("interactive") and password:
            try:
                password_validation.validate_password(password)
            except exceptions.ValidationError as exc:
                raise CommandError("DJANGO_SUPERUSER_PASSWORD：" + "；".join(exc.messages))
        # Interactively, Django asks whether to bypass the validators: the answer here is always no.
        original = getattr(createsuperuser, "input", None)
        createsuperuser.input = _no_bypass  # type: ignore[attr-defined]
        try:
            super().handle(*args, **options)
        finally:
            if original is None:
                del createsuperuser.input  # type: ignore[attr-defined]
            else:  # pragma: no cover
                createsuperuser.input = original  # type: ignore[attr-defined]


def _no_bypass(prompt: str = "") -> str:
    if "Bypass password validation" in prompt:
        return "n"
    return input(prompt)
