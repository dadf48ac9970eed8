"""``python manage.py dropout_monthly [--month YYYY-MM]``: the run on the 1st of each month (idempotent).

It is one of the periodic jobs queued by ``manage.py schedule_jobs`` (``dropout_monthly``, run by the task
worker on the 1st at 01:00); cron or a systemd timer work too, see docs/dropout.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiaoyun.core.errors import DomainError


class Command(BaseCommand):
    help = "控辍保学月度作业：期限预警、统计刷新、生成并归档上月（或指定月份）通报"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="通报月份 YYYY-MM（默认上月）")
        parser.add_argument("--schedule", action="store_true", help="同时把月度任务排入队列（每月1日01:00自动重排）")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.dropout.services.monthly import monthly_run

        try:
            self.stdout.write(monthly_run(month=options.get("month")))
        except (DomainError, ValueError) as exc:
            raise CommandError(str(exc))
        if options.get("schedule"):
            from django.utils import timezone

            from jiaoyun.core.schedule import job_enqueue_next

            due = job_enqueue_next("dropout_monthly")
            when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "（已停用）"
            self.stdout.write(f"月度任务已在队列中，下次运行：{when}")
