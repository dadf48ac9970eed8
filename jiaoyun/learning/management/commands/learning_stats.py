"""Recompute the learning statistics now, or enqueue the task (``--enqueue``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiaoyun.learning.services.analytics import learning_stats_refresh
from jiaoyun.learning.tasks import learning_stats_task


class Command(BaseCommand):
    help = "重新计算学习行为统计（或加入任务队列）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--end", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["enqueue"]:
            start, end = opts["start"], opts["end"]
            result = learning_stats_task.enqueue(
                start=start.isoformat() if start else None, end=end.isoformat() if end else None
            )
            self.stdout.write(f"已加入任务队列：{result.id}\n")
            return
        rows = learning_stats_refresh(start=opts["start"], end=opts["end"])
        self.stdout.write(f"学习统计：写入 {rows} 行\n")
