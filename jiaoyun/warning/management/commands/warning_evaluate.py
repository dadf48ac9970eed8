"""Reproduce every figure of the 辍学预警 evaluation from the database (and, with --save, keep a model version)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from jiaoyun.warning import evaluate
from jiaoyun.warning.evaluate import LABELS, METHODS


def _f(v: Any, pct: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v * 100:.1f}%" if pct else f"{v:.3f}"


class Command(BaseCommand):
    help = "逐年滚动评估辍学预警（基线规则、学习模型、按学校/村定位），输出全部数字；--save 保存模型版本并按门槛启用"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="评估日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出全部结果")
        parser.add_argument("--save", action="store_true", help="保存模型版本（通过门槛则启用学习模型）")
        parser.add_argument("--shuffle", type=int, help="用打乱的辍学结果训练（检验门槛会拒绝）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        frames = evaluate.frames_for(evaluate.labelled_years(today))
        if options["save"]:
            from jiaoyun.warning.services import model_train

            _, learned, result = model_train(actor=None, today=today, frames=frames, shuffle_seed=options["shuffle"])
        else:
            result = evaluate.evaluate(frames, shuffle_seed=options["shuffle"])
        passed, why = evaluate.gate(result)
        result["gate"] = {"passed": passed, "reason": why}
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1, default=float))
            return
        self.stdout.write(f"辍学预警评估（{today}，跟进能力前{result['share'] * 100:g}%）")
        self.stdout.write("检验学年  学生  辍学  " + "  ".join(f"{LABELS[m]} AUC/召回率/精确率/ECE" for m in METHODS))
        for fold in result["folds"]:
            cells = [f"{fold['test']}  {fold['methods']['learned']['n']}  {fold['methods']['learned']['positives']}"]
            for m in METHODS:
                x = fold["methods"][m]
                cells.append(f"{_f(x['auc'])}/{_f(x['recall'], True)}/{_f(x['precision'], True)}/{_f(x['ece'])}")
            self.stdout.write("  ".join(cells))
        for m in METHODS:
            s = result["summary"][m]
            self.stdout.write(f"{LABELS[m]}：平均AUC {_f(s['mean_auc'])}，平均召回率 {_f(s['mean_recall'], True)}，"
                              f"平均精确率 {_f(s['mean_precision'], True)}，ECE {_f(s['ece'])}")  # fmt: skip
        from jiaoyun.areas.models import Area

        names = {str(k): v for k, v in Area.objects.filter(level="township").values_list("pk", "name")}
        for m, dims in result["groups"].items():
            for dim, gs in dims.items():
                for g, x in gs.items():
                    g = names.get(g, g) if dim == "township" else g
                    self.stdout.write(f"  {LABELS[m]} {dim} {g}：n={x['n']} 辍学{x['positives']} AUC {_f(x['auc'])} "
                                      f"召回率 {_f(x['recall'], True)} ECE {_f(x['ece'])}")  # fmt: skip
        self.stdout.write(f"按地点比较：{result['place_verdict']['text']}")
        self.stdout.write(f"门槛：{why}")
