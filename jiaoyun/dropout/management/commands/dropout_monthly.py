"""``python manage.py dropout_monthly [--month YYYY-MM]``: the run on the 1st of each month (idempotent).

Schedule it with cron (``5 1 1 * * cd /srv/jiaoyun && .venv/bin/python manage.py dropout_monthly``) or a
systemd timer (``OnCalendar=*-*-01 01:05``); see docs/dropout.md.
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

            from jiaoyun.dropout.services.monthly import next_run_at
            from jiaoyun.dropout.tasks import monthly_task

            monthly_task.using(run_after=next_run_at(timezone.now())).enqueue(reschedule=True)
            self.stdout.write("已排入下月1日的月度任务")
