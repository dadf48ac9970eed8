"""Password rules of 等保 2.0 (口令复杂度): length and character classes from the security policy.

Django runs ``AUTH_PASSWORD_VALIDATORS`` wherever a password is set through a form or ``validate_password``:
the login-page password change, the admin's add-user and reset-password forms, ``changepassword`` and our
``createsuperuser`` (which, unlike Django's, offers no bypass)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from jiaoyun.core.models import User


def _policy() -> Any:
    from jiaoyun.core.security_policy import policy_get

    return policy_get()


def character_classes(password: str) -> int:
    """How many of the four classes (upper case, lower case, digits, symbols) the password uses."""
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class PolicyMinimumLengthValidator:
    """At least the policy's minimum length (the setting PASSWORD_MIN_LENGTH is the floor)."""

    def validate(self, password: str, user: User | None = None) -> None:
        minimum = _policy().password_min_length
        if len(password) < minimum:
            raise ValidationError(f"密码太短，至少需要 {minimum} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要 {_policy().password_min_length} 个字符。"


class CharacterClassValidator:
    """等保 2.0 password complexity: letters and digits always, and the policy's number of character classes."""

    def validate(self, password: str, user: User | None = None) -> None:
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError("密码须同时包含字母和数字。", code="password_classes")
        needed = _policy().password_min_classes
        if character_classes(password) < needed:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {needed} 类。", code="password_classes"
            )

    def get_help_text(self) -> str:
        return f"密码须同时包含字母和数字，并包含大写字母、小写字母、数字、符号中的至少 {_policy().password_min_classes} 类。"


class NotSameAsOldValidator:
    """A new password differs from the current one (a periodic change that keeps the password changes nothing)."""

    def validate(self, password: str, user: User | None = None) -> None:
        if user is not None and getattr(user, "pk", None) and user.password and user.check_password(password):
            raise ValidationError("新密码不能与当前密码相同。", code="password_unchanged")

    def get_help_text(self) -> str:
        return "新密码不能与当前密码相同。"
