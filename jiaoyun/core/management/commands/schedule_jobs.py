"""``python manage.py schedule_jobs [--list] [--run JOB]``: queue every periodic job for the task worker.

Run it once after each deployment (it is idempotent); ``manage.py db_worker`` then runs each job when due and
queues its next run. ``--list`` only shows the jobs, ``--run JOB`` runs one job now in this process.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiaoyun.core.errors import DomainError


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class Command(BaseCommand):
    help = "把全部定时任务排入后台任务队列（幂等）；--list 查看，--run 立即执行一项"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--list", action="store_true", help="只列出定时任务及其下次、上次运行")
        parser.add_argument("--run", metavar="JOB", help="立即在本进程执行一项定时任务")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.core import schedule

        try:
            if options.get("run"):
                for line in schedule.job_execute(schedule.job_get(options["run"])):
                    self.stdout.write(line)
                return
            if not options.get("list"):
                schedule.schedule_all()
        except DomainError as exc:
            raise CommandError(str(exc))
        for row in schedule.schedule_status():
            last = row["last"]
            outcome = (
                "—"
                if not last
                else f"{_when(last['finished_at'])} {'成功' if last['status'] == 'SUCCESSFUL' else '失败'}"
            )
            nxt = "已停用" if row["schedule"] == "off" else _when(row["next"])
            self.stdout.write(
                f"{row['job'].name:20} {row['schedule']:16} 下次：{nxt:16} 上次：{outcome}  {row['job'].label}"
            )
