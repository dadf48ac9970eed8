"""Score every pupil in school with the model in use (training one first if none is kept)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from jiaoyun.warning import services


class Command(BaseCommand):
    help = "用使用中的预警模型为全部在校学生评估辍学风险（没有模型时先训练）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", help="评估日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--retrain", action="store_true", help="先重新训练并评估模型")

    def handle(self, *args: Any, **options: Any) -> None:
        on = dt.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        if options["retrain"]:
            _, learned, _ = services.model_train(actor=None, today=on)
            self.stdout.write(learned.gate_reason)
        figures = services.scores_refresh(actor=None, on=on)
        self.stdout.write(
            f"{on}：评估{figures['pupils']}名学生，预警{figures['flagged']}人，保存{figures['kept']}条（模型#{figures['model']}）"
        )
