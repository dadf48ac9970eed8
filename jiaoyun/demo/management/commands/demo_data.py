"""python manage.py demo_data --scale 1 --seed 42 [--if-empty] [--reset] [--years 10] [--size tiny]"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoyun.areas.models import Area
from jiaoyun.demo.generator import generate, specs
from jiaoyun.demo.generator.world import MAX_SCALE
from jiaoyun.demo.reset import reset_generated


class Command(BaseCommand):
    help = "生成施甸县合成演示数据（乡镇、村、学校、学生学籍、教职工、演示账号）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help=f"规模倍数（1–{MAX_SCALE}）")
        parser.add_argument("--seed", type=int, default=42, help="随机种子（同一种子生成相同数据）")
        parser.add_argument("--years", type=int, default=10, help="学籍变动覆盖的学年数（截至本学年）")
        parser.add_argument("--if-empty", action="store_true", help="已有县级区域时什么也不做")
        parser.add_argument("--reset", action="store_true", help="先删除已有数据再生成")
        parser.add_argument("--size", choices=("full", "tiny"), default="full", help="tiny：两个乡镇的小县（测试用）")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="视为今天的日期（YYYY-MM-DD）")
        parser.add_argument("--no-hooks", action="store_true", help="不调用各业务模块的演示数据生成")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 1 <= scale <= MAX_SCALE:
            raise CommandError(f"--scale 应在1到{MAX_SCALE}之间，实际为{scale}")
        if not 2 <= options["years"] <= 15:
            raise CommandError(f"--years 应在2到15之间，实际为{options['years']}")
        exists = Area.objects.filter(code=specs.COUNTY_CODE).exists()
        if exists and options["if_empty"]:
            self.stdout.write(f"已有{specs.COUNTY_NAME}数据，跳过生成（如需重建请用 --reset）。")
            return
        if exists:
            if not options["reset"]:
                raise CommandError(
                    f"数据库中已有{specs.COUNTY_NAME}数据；加 --reset 删除后重建，或加 --if-empty 跳过。"
                )
            self.stdout.write("删除已有数据……")
            reset_generated(stdout=self.stdout)
        self.stdout.write(
            f"生成{specs.COUNTY_NAME}演示数据：规模 {scale}，种子 {options['seed']}，{options['years']} 个学年"
        )
        summary = generate(
            seed=options["seed"],
            scale=scale,
            years=options["years"],
            tiny=options["size"] == "tiny",
            today=options["today"],
            stdout=self.stdout,
            hooks=not options["no_hooks"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：{summary['villages']}个村（社区）、{summary['schools']}所学校、{summary['students']}名学生、"
                f"{summary['events']}条学籍变动、{summary['teachers']}名教职工，用时 {summary['seconds']} 秒"
            )
        )
