"""The evaluation over time and the gate.

Rolling origin: for every school year ``t`` with a later labelled year, train on the snapshots of the years ≤ t
and test on ``t + 1``; nothing of ``t + 1`` (nor later) is seen in training. Each method — the baseline rules,
the learned model, and targeting by place (school, village) — gets AUC, precision and recall at capacity (the
top ``WARNING_CAPACITY`` of pupils) and the calibration (reliability curve, ECE); the baseline and the learned
model also by 民族, sex and township. Pure functions of frames: ``manage.py warning_evaluate`` reproduces every
figure from the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from jiaoyun.warning import conf, learn, metrics
from jiaoyun.warning.features import Frame, compute, snapshot

METHODS = ("baseline", "learned", "place_school", "place_village")
LABELS = {"baseline": "基线规则（ABC）", "learned": "学习模型", "place_school": "按学校往年辍学率",
          "place_village": "按户籍村往年辍学率"}  # fmt: skip
# The simplicity order: where two targetings are as good, the simpler is preferred.
SIMPLICITY = ("place_school", "place_village", "baseline", "learned")
HAN = "01"
MIN_GROUP = 30  # groups with fewer pupils are not reported (no figure from a handful of children)


def labelled_years(today: dt.date) -> list[int]:
    """The latest ``WARNING_YEARS`` school years whose snapshot has a whole year of outcome before ``today``."""
    from jiaoyun.people.models import EnrolmentEvent

    first = EnrolmentEvent.objects.order_by("date").values_list("date", flat=True).first()
    if first is None:
        return []
    years = []
    for t in range(first.year, today.year + 1):
        d = snapshot(t)
        if d > first and d + dt.timedelta(days=365) <= today:
            years.append(t)
    return years[-conf.get("WARNING_YEARS") :]


def frames_for(years: list[int]) -> list[Frame]:
    out = []
    for t in years:
        f = compute(snapshot(t), labels=True)
        f.year = t
        if len(f):
            out.append(f)
    return out


def _figures(y: np.ndarray, p: np.ndarray, share: float, bins: int) -> dict[str, Any]:
    cap = metrics.at_capacity(y, p, share)
    return {"n": len(y), "positives": int(y.sum()), "auc": metrics.auc(y, p), "precision": cap["precision"],
            "recall": cap["recall"], "k": cap["k"], "hits": cap["hits"], "ece": metrics.ece(y, p, bins)}  # fmt: skip


def _groups(frame: Frame) -> dict[str, dict[str, np.ndarray]]:
    eth = frame.meta["ethnicity"]
    from jiaoyun.people.choices import Ethnicity

    names = dict(Ethnicity.choices)
    ethnic = {"汉族": eth == HAN, "少数民族（合计）": eth != HAN}
    for code in sorted(set(eth.tolist()) - {HAN}):
        ethnic[names.get(code, code)] = eth == code
    sex = {"男": frame.meta["sex"] == "M", "女": frame.meta["sex"] == "F"}
    return {"ethnicity": ethnic, "sex": sex}


def fit_all(train: list[Frame], *, seed: int = 0) -> dict[str, dict[str, Any]]:
    return {
        "baseline": learn.baseline_fit(train),
        "learned": learn.learned_fit(train, seed=seed),
        "place_school": learn.place_fit(train, "school"),
        "place_village": learn.place_fit(train, "village"),
    }


def predictor(params: dict[str, Any]) -> Callable[[Frame], np.ndarray]:
    if params["kind"] == "place":
        return lambda f: learn.place_predict(params, f)
    return lambda f: learn.predict(params, f)


def evaluate(frames: list[Frame], *, share: float | None = None, shuffle_seed: int | None = None) -> dict[str, Any]:
    """The rolling-origin evaluation of ``frames`` (one per school year, labelled, in year order).

    ``shuffle_seed`` trains every model on randomly permuted outcomes (the gate must refuse such a model)."""
    share = conf.get("WARNING_CAPACITY") if share is None else share
    bins = conf.get("WARNING_ECE_BINS")
    folds: list[dict[str, Any]] = []
    pooled: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {m: ([], []) for m in METHODS}
    groups: dict[str, dict[str, dict[str, tuple[list[np.ndarray], list[np.ndarray]]]]] = {}
    township_figs: dict[str, dict[int, tuple[list[np.ndarray], list[np.ndarray]]]] = {}
    rng = np.random.default_rng(shuffle_seed) if shuffle_seed is not None else None
    for i in range(1, len(frames)):
        train = [learn._usable(f) for f in frames[:i]]
        if rng is not None:
            train = [_shuffled(f, rng) for f in train]
        if sum(int(learn._y(f).sum()) for f in train) < 2:
            continue
        test = learn._usable(frames[i])
        y = learn._y(test)
        params = fit_all(train)
        fold: dict[str, Any] = {"train": [f.year for f in train], "test": test.year, "methods": {}}
        for m in METHODS:
            p = predictor(params[m])(test)
            fold["methods"][m] = _figures(y, p, share, bins)
            pooled[m][0].append(y)
            pooled[m][1].append(p)
            if m in ("baseline", "learned"):
                for dim, masks in _groups(test).items():
                    for g, mask in masks.items():
                        ys, ps = groups.setdefault(m, {}).setdefault(dim, {}).setdefault(g, ([], []))
                        ys.append(y[mask])
                        ps.append(p[mask])
                tw = township_figs.setdefault(m, {})
                for t in np.unique(test.meta["township"]).tolist():
                    mask = test.meta["township"] == t
                    ys, ps = tw.setdefault(int(t), ([], []))
                    ys.append(y[mask])
                    ps.append(p[mask])
        folds.append(fold)
    summary: dict[str, Any] = {}
    for m in METHODS:
        ys, ps = pooled[m]
        runs = [f["methods"][m] for f in folds]
        summary[m] = {
            "label": LABELS[m],
            "mean_auc": _mean([r["auc"] for r in runs]),
            "mean_recall": _mean([r["recall"] for r in runs]),
            "mean_precision": _mean([r["precision"] for r in runs]),
            "ece": metrics.ece(np.concatenate(ys), np.concatenate(ps), bins) if ys else None,
            "reliability": metrics.reliability(np.concatenate(ys), np.concatenate(ps), bins) if ys else [],
        }
    by_group: dict[str, Any] = {}
    for m, dims in groups.items():
        for dim, gs in dims.items():
            for g, (ys, ps) in gs.items():
                yy, pp = np.concatenate(ys), np.concatenate(ps)
                if len(yy) >= MIN_GROUP:
                    by_group.setdefault(m, {}).setdefault(dim, {})[g] = _figures(yy, pp, share, bins)
        for t, (ys, ps) in township_figs.get(m, {}).items():
            yy, pp = np.concatenate(ys), np.concatenate(ps)
            if len(yy) >= MIN_GROUP:
                by_group.setdefault(m, {}).setdefault("township", {})[str(t)] = _figures(yy, pp, share, bins)
    return {"share": share, "folds": folds, "summary": summary, "groups": by_group,
            "place_verdict": place_verdict(summary)}  # fmt: skip


def _mean(values: list[Any]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def _shuffled(frame: Frame, rng: np.random.Generator) -> Frame:
    out = frame.subset(np.ones(len(frame), dtype=bool))
    out.y = rng.permutation(learn._y(frame))
    return out


def place_verdict(summary: dict[str, Any]) -> dict[str, Any]:
    """Which targeting wins here, by how much (mean recall at capacity), and the simplest one as good as the best."""
    tol = conf.get("WARNING_AS_GOOD")
    recalls = {m: summary[m]["mean_recall"] for m in METHODS if summary[m]["mean_recall"] is not None}
    if not recalls:
        return {"best": None, "simplest_as_good": None, "margin": None, "text": "尚无可评估的年份"}
    best = max(recalls, key=lambda m: recalls[m])
    simplest = next(m for m in SIMPLICITY if m in recalls and recalls[m] >= recalls[best] - tol)
    place = max(recalls.get("place_school", 0.0), recalls.get("place_village", 0.0))
    individual = max(recalls.get("baseline", 0.0), recalls.get("learned", 0.0))
    margin = individual - place
    if margin > tol:
        text = f"按个人预警优于仅按地点定位：在同样跟进能力下多找到{margin * 100:.1f}个百分点的辍学学生"
    elif margin < -tol:
        text = f"仅按地点（学校/村）定位优于个人预警{-margin * 100:.1f}个百分点，宜按地点安排力量"
    else:
        text = f"个人预警与按地点定位相当（相差{abs(margin) * 100:.1f}个百分点），按较简单的{LABELS[simplest]}即可"
    return {"best": best, "simplest_as_good": simplest, "margin": margin, "text": text}


def gate(result: dict[str, Any]) -> tuple[bool, str]:
    """A learned model is used only if, on the held-out years, its mean AUC beats the baseline's by the set gain,
    its mean recall at capacity is not lower, and its ECE is within the tolerance. Returns (passed, why)."""
    gain = conf.get("WARNING_GATE_MIN_GAIN")
    tol = conf.get("WARNING_ECE_TOLERANCE")
    s = result["summary"]
    la, ba = s["learned"]["mean_auc"], s["baseline"]["mean_auc"]
    lr, br = s["learned"]["mean_recall"], s["baseline"]["mean_recall"]
    e = s["learned"]["ece"]
    if la is None or ba is None or not result["folds"]:
        return False, "没有可留出检验的年份（至少需要两个有结果的学年），继续使用基线规则"
    if la < ba + gain:
        return (
            False,
            f"学习模型在留出年份的平均AUC {la:.3f} 未超过基线规则 {ba:.3f}（要求至少高出{gain}），继续使用基线规则",
        )
    if lr is not None and br is not None and lr < br:
        return False, f"学习模型在跟进能力内的召回率 {lr:.1%} 低于基线规则 {br:.1%}，继续使用基线规则"
    if e is None or e > tol:
        return (
            False,
            f"学习模型校准误差ECE {e if e is not None else float('nan'):.4f} 超过容许值{tol}，继续使用基线规则",
        )
    return True, f"学习模型平均AUC {la:.3f}（基线{ba:.3f}），召回率{lr:.1%}（基线{br:.1%}），ECE {e:.4f}，通过门槛"
