"""Send synthetic learning records (a term of school days) to any running LRS over HTTP."""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiaoyun.learning import synth
from jiaoyun.people.models import Student


class Command(BaseCommand):
    help = "向运行中的 LRS（/xapi/）发送模拟学习记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="xAPI 端点，如 http://127.0.0.1:8000/xapi")
        parser.add_argument("--key", required=True)
        parser.add_argument("--secret", required=True, help="客户端密钥，写作 --secret=…（密钥可能以“-”开头）")
        parser.add_argument("--school", required=True, help="学校标识码（学生取自该校的班级）")
        parser.add_argument("--days", type=int, default=60)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--xapi-version", default="2.0.0")

    def handle(self, *args: Any, **opts: Any) -> None:
        rng = random.Random(opts["seed"])  # noqa: S311 - synthetic test data, reproducible from --seed; no secret
        students = list(
            Student.objects.filter(current_school__code=opts["school"], current_class__isnull=False)
            .order_by("pk")
            .values_list("pk", "current_grade")
        )
        if not students:
            raise CommandError(f"学校 {opts['school']} 没有在班学生")
        pupils = synth.pupils_of(students)  # pseudonymous learning accounts, never an identity number
        days = synth.school_days(timezone.localdate(), opts["days"])
        sender = synth.Sender(opts["url"], opts["key"], opts["secret"], version=opts["xapi_version"])
        started = time.perf_counter()
        try:
            sent = sender.send_all(synth.statements_for(synth.learners_of(pupils, rng), days, rng))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            sender.close()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"已发送 {sent} 条语句（{len(students)} 名学生，{len(days)} 个教学日，{sent / seconds:.0f} 条/秒）\n"
        )
