"""Periodic jobs: one-line wrappers around services."""

from __future__ import annotations

from django_tasks import task

from jiaoyun.safety import services


@task()
def devices_check_offline_task() -> int:
    return services.devices_check_offline()


@task()
def hazards_escalate_overdue_task() -> int:
    return services.hazards_escalate_overdue()


@task()
def compliance_compute_task() -> int:
    return services.compliance_compute()
