"""Delete the generated county before regenerating it (``demo_data --reset``).

The generated tables, and every project table that depends on them, are emptied in foreign-key-safe order
(a table only after every table that points to it), with plain DELETE statements so that millions of rows
go quickly. Users are the one exception: only the demo logins are deleted; other accounts and the audit
log are kept, and so are tables that do not depend on the county (e.g. definitions seeded by migrations).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from jiaoyun.core.models import AuditEntry, User

KEEP = {AuditEntry, User}


GENERATED = ("areas.Area", "areas.PopulationCell", "schools.School", "schools.SchoolClass", "people.Student",
             "people.EnrolmentEvent", "people.Teacher", "people.TeacherAssignment")  # fmt: skip


def _project_models() -> list[type[models.Model]]:
    """The generated tables and every project table that points to them (directly or through another).

    Tables that do not depend on the county (catalogues and definitions seeded by migrations) are kept.
    """
    candidates: list[type[models.Model]] = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        label = model._meta.app_config.name if model._meta.app_config else ""
        if label.startswith("jiaoyun."):
            candidates.append(model)
    chosen = {apps.get_model(label) for label in GENERATED} | {User}
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in chosen or model is AuditEntry:
                continue
            targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if targets & (chosen - {User}):
                chosen.add(model)
                grew = True
    return [m for m in candidates if m in chosen]


def _delete_order(all_models: list[type[models.Model]]) -> list[type[models.Model]]:
    refs: dict[type[models.Model], set[type[models.Model]]] = {m: set() for m in all_models}
    for m in all_models:
        for f in m._meta.concrete_fields:
            target = getattr(f, "related_model", None)
            if f.is_relation and target in refs and target is not m:
                refs[target].add(m)  # m points to target: delete m first
    order: list[type[models.Model]] = []
    remaining = set(all_models)
    while remaining:
        ready = sorted((m for m in remaining if not (refs[m] & remaining)), key=lambda m: m._meta.label)
        if not ready:  # a cycle: break it deterministically
            ready = [sorted(remaining, key=lambda m: m._meta.label)[0]]
        for m in ready:
            order.append(m)
            remaining.discard(m)
    return order


def _delete_self_referencing(model: type[models.Model]) -> None:
    """Delete rows of a table whose rows point to each other (areas, schools): leaves first."""
    self_fks = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is model]
    qs = model._default_manager.all()
    while qs.exists():
        referenced: set[Any] = set()
        for f in self_fks:
            referenced |= set(qs.exclude(**{f"{f.attname}__isnull": True}).values_list(f.attname, flat=True))
        leaves = qs.exclude(pk__in=referenced)
        leaves._raw_delete(leaves.db)  # type: ignore[attr-defined]


@transaction.atomic
def reset_generated(*, stdout: Any) -> None:
    from jiaoyun.demo.generator.staff import DEMO_USERS

    demo_names = [u[0] for u in DEMO_USERS]
    for model in _delete_order(_project_models()):
        if model is AuditEntry:
            continue
        if model is User:
            User.objects.filter(username__in=demo_names).delete()
            continue
        if any(f.is_relation and f.related_model is model for f in model._meta.concrete_fields):
            _delete_self_referencing(model)
        else:
            qs = model._default_manager.all()
            qs._raw_delete(qs.db)  # type: ignore[attr-defined]
    stdout.write(f"已删除旧数据（{connection.vendor}）。")
