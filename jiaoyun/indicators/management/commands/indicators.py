"""``python manage.py indicators``: print the indicators of an area (computing them first if needed).

manage.py indicators --year 2021 --area 530521 [--as-of 2021-09-30] [--format table|json|csv]
manage.py indicators --refresh [--from-year 2017 --to-year 2026]
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.compute import Period, default_as_of
from jiaoyun.indicators.models import IndicatorValue
from jiaoyun.indicators.selectors import indicator_rows, latest_as_of
from jiaoyun.indicators.services import indicators_compute, indicators_refresh

FIELDS = ["code", "name", "area", "year", "as_of", "value", "numerator", "denominator", "target", "status"]


class Command(BaseCommand):
    help = "显示（必要时先计算）某区域某学年的全部指标；--refresh 重新计算"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="学年起始年份，如 2021 表示2021-2022学年（默认当前学年）")
        parser.add_argument("--area", help="区划代码（默认全县）")
        parser.add_argument("--as-of", dest="as_of", type=dt.date.fromisoformat, help="统计日 YYYY-MM-DD")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
        parser.add_argument("--refresh", action="store_true", help="先重新计算")
        parser.add_argument("--from-year", dest="from_year", type=int, help="与 --refresh 一起：起始学年")
        parser.add_argument("--to-year", dest="to_year", type=int, help="与 --refresh 一起：结束学年")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            self._handle(**opts)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _handle(self, **opts: Any) -> None:
        if opts["refresh"] and (opts["from_year"] or opts["to_year"]):
            first, last = (SchoolYear(y) if y else None for y in (opts["from_year"], opts["to_year"]))
            run = indicators_refresh(from_year=first, to_year=last, triggered_by="cli")
            self.stderr.write(f"已计算：{run.periods}，{run.rows}行，{run.seconds}秒")
            if not opts["year"]:
                return
        year = SchoolYear(opts["year"]) if opts["year"] else SchoolYear.current()
        area = (
            Area.objects.filter(code=opts["area"]).first()
            if opts["area"]
            else Area.objects.filter(level=AreaLevel.COUNTY).first()
        )
        if area is None:
            raise CommandError(f"找不到区划代码为“{opts['area'] or '（县）'}”的区域")
        as_of = opts["as_of"] or latest_as_of(year=year) or default_as_of(year)
        stored = IndicatorValue.objects.filter(school_year=year.start_year, as_of=as_of).exists()
        if opts["refresh"] or not stored:
            indicators_compute(periods=[Period(year, as_of)], triggered_by="cli")
        rows = [r.as_dict() for r in indicator_rows(year=year, area=area, as_of=as_of)]
        out = [{k: r[k] for k in FIELDS} for r in rows]
        fmt = opts["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(out)
        else:
            self.stdout.write(f"{area.name} {year.label} 统计日 {as_of}")
            for r in out:
                value = "无数据" if r["value"] is None else f"{r['value']:.2f}"
                target = "" if r["target"] is None else f"{r['target']}"
                self.stdout.write(
                    f"{r['code']:<22} {r['name']:<12} {value:>8} {r['numerator']!s:>8}/{r['denominator']!s:<8}"
                    f" 目标 {target:<6} {r['status'] or ''}"
                )
