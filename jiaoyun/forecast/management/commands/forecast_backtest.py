"""``manage.py forecast_backtest [--base YEAR] [--years 5]``: project from an earlier school year with only what
was known then, compare with what happened, print the error (MAPE %) by township and level."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jiaoyun.forecast import conf
from jiaoyun.forecast.model import LEVEL_LABELS, LEVELS
from jiaoyun.forecast.services import backtest, last_observed_year


def _pad(text: str, width: int) -> str:
    """Left-aligned to ``width`` terminal columns (a Chinese character takes two)."""
    used = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(1, width - used)


class Command(BaseCommand):
    help = "学位预测回测：从较早学年预测若干年，与实际在校生比较，按乡镇、学段输出平均绝对百分比误差"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, default=conf.get("FORECAST_BACKTEST_YEARS"))
        parser.add_argument("--base", type=int, default=None, help="预测起点学年（默认：最近完成统计的学年减去年数）")

    def handle(self, *args: Any, **opts: Any) -> None:
        years = opts["years"]
        base = opts["base"] or last_observed_year(timezone.localdate()) - years
        bt = backtest(base=base, years=years)
        mape = bt["mape"]
        w = self.stdout.write
        w(f"回测：从 {base} 学年预测 {bt['years'][0]}–{bt['years'][-1]} 学年，与实际比较（MAPE，%）")
        w(_pad("范围", 18) + "".join(_pad(LEVEL_LABELS[lv], 10) for lv in LEVELS))
        rows = [("全县", "county")] + [(t["name"], str(t["id"])) for t in bt["townships"]]
        for name, key in rows:
            cells = [mape.get(f"{key}:{lv}") for lv in LEVELS]
            w(_pad(name, 18) + "".join(_pad("—" if v is None else f"{v:.1f}", 10) for v in cells))
        w("")
        w("全县在校生（预测 / 实际）：")
        for lv in LEVELS:
            c = bt["county"][lv]
            pairs = "  ".join(f"{y}: {p}/{a}" for y, p, a in zip(bt["years"], c["projected"], c["actual"], strict=True))
            w(f"  {LEVEL_LABELS[lv]}  {pairs}")
