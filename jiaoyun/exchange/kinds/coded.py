"""The shared shape of registries keyed by a code whose rows may point to a parent row of the same table.

Areas (统计用区划代码, parent = the area above) and schools (学校标识码, parent = the main school of a
teaching point) are compared by code and written parents first, so that a parent created in the same
batch has its id when its children are written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange.registry import NEW, UNCHANGED, UPDATED, Rec, changed


def classify_by_code(
    recs: list[Rec],
    *,
    model: type[models.Model],
    fields: Sequence[str],
    compared: Callable[[dict[str, Any]], list[str]],
) -> None:
    """New / updated / unchanged by ``code`` (one query); ``compared(record)`` names the fields to compare."""
    existing = {
        row["code"]: row
        for row in model._default_manager.filter(code__in=[r.data["code"] for r in recs]).values("id", "code", *fields)
    }
    for rec in recs:
        rec.repr = rec.data["name"]
    classify_against(recs, existing, key=lambda d: d["code"], compared=compared)


def classify_against(
    recs: list[Rec],
    existing: Mapping[Any, dict[str, Any]],
    *,
    key: Callable[[dict[str, Any]], Any],
    compared: Callable[[dict[str, Any]], Sequence[str]],
) -> None:
    """New / updated / unchanged: each record against the stored row of the same ``key`` (with its ``id``)."""
    for rec in recs:
        before = existing.get(key(rec.data))
        if before is None:
            rec.outcome = NEW
            continue
        rec.pk = int(before["id"])
        diff = changed(rec.data, before, list(compared(rec.data)))
        rec.outcome, rec.before = (UPDATED, diff) if diff else (UNCHANGED, None)


def write_parents_first(
    recs: list[Rec],
    *,
    model: type[models.Model],
    fields: Sequence[str],
    codes: dict[str, tuple[int, str]],
    tiers: Sequence[Callable[[dict[str, Any]], bool]],
    known_as: Callable[[Any], tuple[int, str]],
    write: Callable[..., None],
) -> None:
    """Write ``recs`` tier by tier (``tiers``: tests on a record, parents' tier first).

    Each record's ``parent_code`` is resolved through ``codes`` (code → (id, …)), which learns the rows
    created here (``known_as(obj)``); the model's own field checks run first (``full_clean``). ``write(new=…,
    updates=…)`` is the owning app's set-based write (``area_bulk_write``, ``school_bulk_write``).
    """
    for in_tier in tiers:
        new, updates = [], []
        for r in (r for r in recs if in_tier(r.data)):
            d = r.data
            if d["parent_code"]:
                d["parent_id"] = codes[d["parent_code"]][0]
            obj = model(code=d["code"], **{f: d[f] for f in fields})
            try:
                obj.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                raise DomainError(f"第{r.row}行：{'；'.join(exc.messages)}", row=r.row)
            if r.outcome == NEW:
                new.append((r, obj))
            else:
                updates.append((r.pk or 0, {f: d[f] for f in fields}))
        write(new=[o for _, o in new], updates=updates)
        for r, o in new:
            r.pk = o.pk
            codes[o.code] = known_as(o)  # type: ignore[attr-defined]
