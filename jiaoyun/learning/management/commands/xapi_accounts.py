"""Print (CSV) the pupils' learning accounts of a school, for its learning platforms (audited as an export)."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoyun.learning.services import learner_accounts_for_school
from jiaoyun.schools.models import School

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


class Command(BaseCommand):
    help = "导出某校学生的学习账号（假名），供学习平台在 xAPI 语句中使用"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="学校标识码")

    def handle(self, *args: Any, **opts: Any) -> None:
        school = School.objects.filter(code=opts["school"]).first()
        if school is None:
            raise CommandError(f"没有标识码为 {opts['school']} 的学校")
        writer = csv.writer(self.stdout)
        writer.writerow(["班级", "姓名", "学习账号"])
        for row in learner_accounts_for_school(school_id=school.pk):
            writer.writerow([_cell(v) for v in row])
