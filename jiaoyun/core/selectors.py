from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from jiaoyun.core.choices import Role
from jiaoyun.core.filters import AuditFilter
from jiaoyun.core.filtersets import filter_by
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.types import User


def can_view_audit(user: User | AnonymousUser) -> bool:
    """The audit log is for the audit administrator alone (三员分立)."""
    return bool(user.is_authenticated and getattr(user, "role", None) == Role.AUDIT_ADMIN)


def can_view_jobs(user: User | AnonymousUser) -> bool:
    """Periodic jobs and the task queue: for the system administrator and the county administrator."""
    return bool(user.is_authenticated and getattr(user, "role", None) in (Role.SYSTEM_ADMIN, Role.COUNTY_ADMIN))


def task_recent(*, user: User | AnonymousUser, limit: int = 30) -> list[dict[str, Any]]:
    """The latest background tasks: Chinese name, status, times and the error in words. No arguments, which may
    name people — only a periodic run's job name is read, to name the run."""
    from django.db.models.fields.json import KT
    from django_tasks_db.models import DBTaskResult

    from jiaoyun.core.schedule import error_text, task_label

    if not can_view_jobs(user):
        raise PermissionError("task queue")
    rows = (
        DBTaskResult.objects.order_by("-enqueued_at")
        .annotate(job=KT("args_kwargs__kwargs__job"))
        .values("task_path", "job", "status", "enqueued_at", "run_after", "started_at", "finished_at",
                "exception_class_path")[:limit]
    )  # fmt: skip
    labels = {"READY": "排队中", "RUNNING": "运行中", "SUCCESSFUL": "成功", "FAILED": "失败"}
    return [{**r, "task": task_label(r["task_path"], r["job"]), "status_label": labels.get(r["status"], "未知"),
             "error": error_text(r["exception_class_path"])} for r in rows]  # fmt: skip


def audit_list(*, user: User | AnonymousUser, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """The audit log, for the audit administrator only (三员分立), narrowed by ``core.filters.AuditFilter``."""
    if not can_view_audit(user):
        raise PermissionError("audit log")
    qs = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    return filter_by(AuditFilter, filters, qs)


def audit_object_types() -> list[str]:
    """The object types present in the audit log (for the filter)."""
    return list(AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct())
