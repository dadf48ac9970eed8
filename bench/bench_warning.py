"""Benchmark of 辍学预警: scoring every pupil, and the demo county's evaluation table.

    python bench/bench_warning.py [--db var/demo.sqlite3] [--copies 100] [--sample 300]

Needs a demo database (``manage.py demo_data --scale 1 --seed 42``); ``--db`` names it (SQLite file).

1. **Scoring a province-size registry (``--copies`` × the demo county, default 100).** Measured in one run:

   * ``features (1×)``: the set-based feature pass over the demo county's database (``features.compute`` for
     today: one query for the pupils, one grouped aggregate per source);
   * ``scoring (N×)``: the model in use applied to N copies of the demo county's feature matrix (2.8 M pupils
     at N = 100): probability, county rank, the top 2 % flagged and their factors in words;
   * ``naive (sample)``: the usual way — a loop over the pupils with the ORM, a few queries per pupil for their
     absences, 学籍 events and household, and the score in Python — on ``--sample`` pupils.

   The province total is ``N × features (1×) + scoring (N×)``: the feature queries are grouped aggregates whose
   time grows with the rows (measured at 1×, scaled), the scoring is measured at full size. The naive total is
   its per-pupil time × N × the demo's pupils; the ratio compares the two. Target: ≤ 60 s on 2 cores.

   With ``--db postgres`` (the database of ``--pg-url``) nothing is extrapolated: the demo county is tiled in the
   database to each of ``--scales`` (``_warning_tile.py``) and the feature pass is measured there (best of
   ``--repeat``; on PostgreSQL the current day is one statement, ``features._compute_now_postgres``), then the
   scoring on the frame it gave; ``--check`` also compares that frame with the generic pass, column by column.

2. **The demo county's evaluation** (rolling origin: train on the years ≤ t, test on t + 1): AUC and recall at
   2 % per held-out year, learned model against the ABC baseline and targeting by school.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    setup_django()


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def naive_scores(ids: list[int], params: dict, on: dt.date) -> list[float]:
    """The per-pupil loop: each pupil's facts read with their own queries, the score computed in Python."""
    import math

    from jiaoyun.dropout.models import Absence
    from jiaoyun.people.models import EnrolmentEvent, Student
    from jiaoyun.warning import learn
    from jiaoyun.warning.features import FEATURES

    out = []
    for sid in ids:
        s = Student.objects.select_related("current_school").get(pk=sid)
        x = dict.fromkeys(FEATURES, 0.0)
        x["absent_recent"] = Absence.objects.filter(
            student=s, date__gt=on - dt.timedelta(days=30), date__lte=on
        ).count()
        before = Absence.objects.filter(
            student=s, date__gt=on - dt.timedelta(days=60), date__lte=on - dt.timedelta(days=30)
        ).count()
        x["absent_trend"] = x["absent_recent"] - before
        for e in EnrolmentEvent.objects.filter(student=s, date__lte=on):
            x["repeats"] += e.kind == "repeat"
            x["transfers"] += e.kind == "transfer_in"
            x["breaks"] += e.kind == "suspend"
            x["own_dropouts"] += e.kind == "drop_out"
        if s.guardian_phone:
            x["sibling_dropouts"] = (
                EnrolmentEvent.objects.filter(kind="drop_out", date__lte=on, student__guardian_phone=s.guardian_phone,
                                              student__hukou_village_id=s.hukou_village_id).exclude(student=s)
                .values("student").distinct().count()
            )  # fmt: skip
        x["left_behind"], x["poverty"] = float(s.left_behind), float(bool(s.poverty))
        x["orphan"], x["disability"] = float(bool(s.orphan)), float(bool(s.disability))
        x["junior"] = float((s.current_grade or 0) >= 7)
        x["boarding"] = float(bool(s.current_school and s.current_school.boarding))
        x["score_missing"] = 1.0
        if params.get("kind") == "learned":
            z = []
            for i, name in enumerate(FEATURES):
                v = x[name]
                if name in learn.COUNTS:
                    v = math.log1p(max(v, 0))
                elif name == "absent_trend":
                    v = math.copysign(math.log1p(abs(v)), v)
                z.append((v - params["mean"][i]) / params["scale"][i] * params["coef"][i])
            out.append(1 / (1 + math.exp(-(sum(z) + params["intercept"]))))
        else:
            out.append(float(x["absent_recent"]))
    return out


def tiled(frame, copies: int):
    """``copies`` copies of the demo county's frame (distinct ids; a little noise on the absences)."""
    import numpy as np

    from jiaoyun.warning.features import FEATURES, Frame

    rng = np.random.default_rng(0)
    n = len(frame)
    X = np.tile(frame.X, (copies, 1))
    i = FEATURES.index("absent_recent")
    X[:, i] = np.maximum(0, X[:, i] + (rng.random(len(X)) < 0.01))
    meta = {k: np.tile(v, copies) for k, v in frame.meta.items()}
    ids = np.arange(1, n * copies + 1, dtype=np.int64)
    return Frame(on=frame.on, ids=ids, X=X, meta=meta)


def same_frame(a: Any, b: Any) -> None:
    """Stop unless the two frames are identical, column by column (the statement against the generic pass)."""
    import numpy as np

    from jiaoyun.warning.features import FEATURES

    assert np.array_equal(a.ids, b.ids), "pupils differ"
    for k, name in enumerate(FEATURES):
        assert np.array_equal(a.X[:, k], b.X[:, k]), f"feature {name} differs"
    for key in a.meta:
        x, y = a.meta[key], b.meta[key]
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f"meta {key} differs"
    print(
        f"  核对：数据库内一条语句与通用计算逐列相同（{len(a):,} 名学生，{len(FEATURES)} 个特征，{len(a.meta)} 个分组列）"
    )


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best: float = float("inf")
    out: Any = None
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def evaluation_table(today: dt.date) -> None:
    from jiaoyun.warning import evaluate

    print("\n演示县逐年检验（训练 ≤ t，检验 t+1；召回率为前 2% 的跟进能力内）")
    frames = evaluate.frames_for(evaluate.labelled_years(today))
    result = evaluate.evaluate(frames, share=0.02)
    head = "检验学年  学生   辍学   学习模型AUC  基线AUC  按学校AUC  学习模型召回率  基线召回率  按学校召回率"
    print(head)
    for fold in result["folds"]:
        m = fold["methods"]
        print(f"{fold['test']}      {m['learned']['n']:6d} {m['learned']['positives']:5d}   "
              f"{m['learned']['auc']:.3f}        {m['baseline']['auc']:.3f}    {m['place_school']['auc']:.3f}      "
              f"{m['learned']['recall']:.1%}          {m['baseline']['recall']:.1%}      {m['place_school']['recall']:.1%}")  # fmt: skip
    s = result["summary"]
    print(f"平均      {'':13}{s['learned']['mean_auc']:.3f}        {s['baseline']['mean_auc']:.3f}    "
          f"{s['place_school']['mean_auc']:.3f}      {s['learned']['mean_recall']:.1%}          "
          f"{s['baseline']['mean_recall']:.1%}      {s['place_school']['mean_recall']:.1%}")  # fmt: skip
    print("门槛：" + evaluate.gate(result)[1])
    print("按地点比较：" + result["place_verdict"]["text"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None,
                        help="a demo SQLite file (default var/demo.sqlite3; with --quick, the tiny test county in a "
                             "temporary file), or 'postgres' (the database of --pg-url)")  # fmt: skip
    parser.add_argument("--pg-url", default="postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jy_a_warning")
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--scales", default="1,10,100", help="PostgreSQL: the tilings measured, in order")
    parser.add_argument("--repeat", type=int, default=2, help="feature passes per scale (the best is kept)")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--no-eval", action="store_true", help="skip the demo county's evaluation table")
    parser.add_argument("--quick", action="store_true", help="small scale, under a minute")
    parser.add_argument("--check", action="store_true",
                        help="PostgreSQL: after the timed runs, compare the frame with the generic pass column by "
                             "column (compute(today, in_database=False)); untimed")  # fmt: skip
    args = parser.parse_args()
    postgres = args.db == "postgres"
    if args.quick:
        args.copies, args.sample, args.repeat, args.no_eval = 2, 30, 1, True
        args.scales = "1,2"
    if postgres:
        os.environ["DATABASE_URL"] = args.pg_url
        setup_django()
    elif args.quick and args.db is None:
        # No demo database at hand (a fresh checkout, ``make bench-quick``): the tiny test county in a temp file.
        import tempfile

        setup(Path(tempfile.mkdtemp()) / "warning.sqlite3")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("demo_data", "--scale", "1", "--seed", "42", "--size", "tiny", verbosity=0)
    else:
        setup(Path(args.db or ROOT / "var" / "demo.sqlite3"))
    import numpy as np
    from django.utils import timezone

    from jiaoyun.warning import conf, explain, services
    from jiaoyun.warning.features import compute
    from jiaoyun.warning.services import score_frame

    today = timezone.localdate()
    print(f"开始：{_load()}")
    version = services.model_in_use()
    if version is None:
        sys.exit("no model in use: run manage.py demo_data (or warning_score) first")
    params = version.params
    rows_out: list[dict[str, object]] = []
    if postgres:
        from _warning_tile import copies_now, tile  # bench/ is on the path when the script runs
        from django.db import connection

        with connection.cursor() as c:
            tiled_already = copies_now(c) > 1
        if not args.no_eval and not tiled_already:
            evaluation_table(today)  # on the demo county itself, before any copy joins the 学籍 chain
        print(f"\n模型：{version}；PostgreSQL，按演示县复制（{', '.join(args.scales.split(','))}×）")
        frame = None
        measured: set[int] = set()
        for scale in (int(x) for x in args.scales.split(",")):
            t = time.perf_counter()
            scale, counts = tile(copies=scale, on=today, window_days=2 * conf.get("WARNING_ABSENCE_DAYS"))
            if scale in measured:
                continue  # the database holds more copies than asked: measured once, at its real size
            measured.add(scale)
            t_tile = time.perf_counter() - t
            steps: list[dict[str, float]] = []

            def one(steps: list[dict[str, float]] = steps) -> Any:
                steps.append({})
                return compute(today, timings=steps[-1])

            t_features, frame = _best(one, args.repeat)
            fastest = min(steps, key=lambda d: sum(d.values()))
            print(f"  ×{scale:<3d} 在校学生 {len(frame):>9,d} 人  特征 {t_features:7.2f} s   （复制用时 {t_tile:.0f} s；"
                  f"学籍变动 {counts['people_enrolmentevent']:,} 行，缺勤 {counts['dropout_absence']:,} 行；{_load()}）")  # fmt: skip
            print("        " + "；".join(f"{k} {v:.2f} s" for k, v in fastest.items()))
            rows_out.append({"figure": f"feature pass, PostgreSQL, {scale}× demo county ({len(frame):,} pupils)",
                             "value": round(t_features, 2), "unit": "s", "baseline": None, "baseline_value": None,
                             "ratio": None, "target": None, "met": None})  # fmt: skip
        assert frame is not None
        if args.check:
            same_frame(frame, compute(today, current=True, in_database=False))
        t_scoring, _ = _best(lambda: explain.factors(params, frame, np.flatnonzero(score_frame(params, frame)[2])), 1)
        total = t_features + t_scoring
        n_total = len(frame)
        print(f"  评分+排名+预警因素（×{scale}，实测）{t_scoring:8.2f} s")
        label = f"{scale}×"
    else:
        t_features, frame = _best(lambda: compute(today), 1)
        big = tiled(frame, args.copies)
        t = time.perf_counter()
        risk, rank, flag = score_frame(params, big)
        explain.factors(params, big, np.flatnonzero(flag))
        t_scoring = time.perf_counter() - t
        total = args.copies * t_features + t_scoring
        n_total = len(big)
        print(f"模型：{version}；SQLite 演示县在校学生 {len(frame)} 人，省级规模 ×{args.copies} = {n_total} 人")
        print(f"  特征（1×，数据库分组聚合）        {t_features:8.2f} s")
        print(f"  评分+排名+预警因素（×{args.copies}，实测）  {t_scoring:8.2f} s")
        label = f"{args.copies}× (features 1× × {args.copies}, extrapolated)"
        rows_out.append({"figure": "feature pass, SQLite, 1× demo county", "value": round(t_features, 2), "unit": "s",
                         "baseline": None, "baseline_value": None, "ratio": None, "target": None, "met": None})  # fmt: skip

    n = len(frame)
    sample = frame.ids[:: max(1, n // args.sample)][: args.sample].tolist()
    t = time.perf_counter()
    naive_scores(sample, params, today)
    t_naive_each = (time.perf_counter() - t) / len(sample)
    naive_total = t_naive_each * n_total
    at_province = (postgres and scale >= 100) or (not postgres and args.copies >= 100)
    met = total <= 60
    print(
        f"  省级合计（{label}：特征 + 评分）  {total:8.1f} s   目标 ≤ 60 s：{'达到' if met else '未达到'}（{_load()}）"
    )
    print(
        f"  逐人循环基线（{len(sample)}人实测）每人 {t_naive_each * 1000:.2f} ms → {n_total:,} 人 {naive_total:,.0f} s"
    )
    print(f"  倍数：{naive_total / total:,.0f} 倍")
    if not postgres and not args.no_eval:
        evaluation_table(today)
    rows_out.insert(0, {
        "figure": f"score every pupil, {label} ({n_total:,} pupils): features + score + rank + factors "
                  f"({'PostgreSQL' if postgres else 'SQLite'})",
        "value": round(total, 2), "unit": "s", "baseline": "per-pupil ORM loop (sampled, scaled to the pupils)",
        "baseline_value": round(naive_total, 1), "ratio": round(naive_total / total, 1),
        "target": "≤ 60 s at 100× on 2 cores", "met": met if at_province else None,
    })  # fmt: skip
    print(json.dumps({"bench": "warning", "rows": rows_out}, ensure_ascii=False))


if __name__ == "__main__":
    main()
