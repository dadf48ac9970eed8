from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiaoyun.core.choices import Role
from jiaoyun.core.models import AuditEntry


def can_view_audit(user: Any) -> bool:
    """The audit log is for the audit administrator alone (三员分立)."""
    return bool(getattr(user, "is_authenticated", False) and user.role == Role.AUDIT_ADMIN)


def can_view_jobs(user: Any) -> bool:
    """Periodic jobs and the task queue: for the system administrator and the county administrator."""
    return bool(getattr(user, "is_authenticated", False) and user.role in (Role.SYSTEM_ADMIN, Role.COUNTY_ADMIN))


def task_recent(*, user: Any, limit: int = 30) -> list[dict[str, Any]]:
    """The latest background tasks (name, status, times, error class); no arguments, which may name people."""
    from django_tasks_db.models import DBTaskResult

    if not can_view_jobs(user):
        raise PermissionError("task queue")
    rows = DBTaskResult.objects.order_by("-enqueued_at").values(
        "task_path", "status", "enqueued_at", "run_after", "started_at", "finished_at", "exception_class_path"
    )[:limit]
    labels = {"READY": "排队中", "RUNNING": "运行中", "SUCCESSFUL": "成功", "FAILED": "失败"}
    return [{**r, "task": r["task_path"].rsplit(".", 1)[-1], "status_label": labels.get(r["status"], r["status"])}
            for r in rows]  # fmt: skip


def audit_list(*, user: Any, filters: Any = None) -> QuerySet[AuditEntry]:
    """The audit log, for the audit administrator only (三员分立)."""
    if not can_view_audit(user):
        raise PermissionError("audit log")
    qs = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    filters = filters or {}
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"])
    if filters.get("actor"):
        qs = qs.filter(actor_name=filters["actor"])
    if filters.get("since"):
        qs = qs.filter(at__date__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(at__date__lte=filters["until"])
    return qs


def audit_object_types() -> list[str]:
    """The object types present in the audit log (for the filter)."""
    return list(AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct())
