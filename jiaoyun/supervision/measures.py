"""What measures a plan item: a registry of measure kinds, each a function reading the owning module.

A plan item names a kind (``MeasureKind``) and a reference (an indicator code, a project kind, a compliance
criterion). ``measure_value(kind, ref)`` gives the current county value in words and the page it comes from, or
None when the module has no value (not installed, not computed yet). Each reader imports its module inside the
function, so the work plan keeps working when a module is absent, and a module's change touches one reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from jiaoyun.supervision.choices import MeasureKind


@dataclass(frozen=True)
class MeasureValue:
    text: str
    url: str = ""


Reader = Callable[[str], MeasureValue | None]
READERS: dict[str, Reader] = {}


def reader(kind: str) -> Callable[[Reader], Reader]:
    def register(fn: Reader) -> Reader:
        READERS[kind] = fn
        return fn

    return register


def _url(name: str, *args: object) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def measure_url(kind: str, ref: str) -> str:
    """The page where the measure is read (without computing its value)."""
    return {
        MeasureKind.INDICATOR: _url("indicators:dashboard"),
        MeasureKind.PROJECT: _url("facilities:projects"),
        MeasureKind.DROPOUT: _url("dropout:ledger", "dropouts"),
        MeasureKind.SAFETY: _url("safety:compliance"),
    }.get(kind, "")  # type: ignore[call-overload]


def measure_value(kind: str, ref: str) -> MeasureValue | None:
    fn = READERS.get(kind)
    if fn is None:
        return None
    try:
        return fn(ref)
    except (ImportError, LookupError):  # the module is absent or has no such figure
        return None


@reader(MeasureKind.INDICATOR)
def _indicator(ref: str) -> MeasureValue | None:
    from jiaoyun.indicators.models import IndicatorValue

    row = (
        IndicatorValue.objects.filter(code=ref, level=IndicatorValue.AreaLevel.COUNTY, value__isnull=False)
        .order_by("-school_year", "-as_of")
        .values("value", "as_of")
        .first()
    )
    if row is None:
        return None
    return MeasureValue(f"{row['value']:.1f}%（{row['as_of']:%Y-%m-%d}）", measure_url(MeasureKind.INDICATOR, ref))


@reader(MeasureKind.PROJECT)
def _project(ref: str) -> MeasureValue | None:
    from django.utils import timezone

    from jiaoyun.supervision.assessment import township_progress

    progress = township_progress(on=timezone.localdate())
    if not progress:
        return None
    total = sum(v.get("total", 0) for v in progress.values())
    in_use = sum(v.get("in_use", 0) for v in progress.values())
    late = sum(v.get("late", 0) for v in progress.values())
    return MeasureValue(f"项目{total}个，已投入使用{in_use}个，滞后{late}个", measure_url(MeasureKind.PROJECT, ref))


@reader(MeasureKind.DROPOUT)
def _dropout(ref: str) -> MeasureValue | None:
    from jiaoyun.dropout.choices import OUT_STATUSES
    from jiaoyun.dropout.models import DropoutCase

    out = DropoutCase.objects.filter(status__in=OUT_STATUSES).count()
    return MeasureValue(f"仍辍学{out}人", measure_url(MeasureKind.DROPOUT, ref))


SAFETY_FIELDS = {"guards": "guards_ok", "linked": "linked_ok", "closed": "closed_ok", "": "compliant"}


@reader(MeasureKind.SAFETY)
def _safety(ref: str) -> MeasureValue | None:
    from django.db.models import Count, Max, Q

    from jiaoyun.safety.models import ComplianceSnapshot

    day = ComplianceSnapshot.objects.aggregate(d=Max("date"))["d"]
    if day is None:
        return None
    column = SAFETY_FIELDS.get(ref, "compliant")
    agg = ComplianceSnapshot.objects.filter(date=day).aggregate(
        n=Count("id"), ok=Count("id", filter=Q(**{column: True}))
    )
    if not agg["n"]:
        return None
    return MeasureValue(
        f"达标{agg['ok']}/{agg['n']}所（{100 * agg['ok'] / agg['n']:.1f}%）", measure_url(MeasureKind.SAFETY, ref)
    )
