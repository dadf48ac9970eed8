"""Background jobs of the foundation: the periodic runner (see ``jiaoyun.core.schedule``)."""

from __future__ import annotations

from django_tasks import TaskContext, task


@task(takes_context=True)
def periodic_run(context: TaskContext, job: str) -> list[str]:
    """Run one periodic job. Its next run is queued first, so a failing run does not stop the schedule."""
    from jiaoyun.core.schedule import job_enqueue_next, job_execute, job_get

    job_enqueue_next(job, exclude_id=context.task_result.id)
    return job_execute(job_get(job))
