"""Money in 万元 and days late, for the project pages."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def wan(value: Any) -> str:
    """元 → 万元 with two decimals (exact: Decimal, half up): 1234567.00 → 123.46."""
    if value in (None, ""):
        return "0.00"
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{(amount / Decimal(10000)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


@register.filter
def yuan(value: Any) -> str:
    if value in (None, ""):
        return "0.00"
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{amount:,.2f}"


@register.filter
def days_late(planned: dt.date | None, today: dt.date) -> int:
    return (today - planned).days if planned else 0
