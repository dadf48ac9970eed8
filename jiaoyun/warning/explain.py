"""The top factors of a pupil's risk in words ("近30天缺勤9天；七年级刚升入；兄姐曾辍学")."""

from __future__ import annotations

from typing import Any

import numpy as np

from jiaoyun.warning import conf, learn
from jiaoyun.warning.features import FEATURES, SENSITIVE, Frame

TOP = 3
IDX = {k: i for i, k in enumerate(FEATURES)}
MASKED = "家庭情况需关注"  # what a role that may not see a sensitive factor reads instead


def text(name: str, row: np.ndarray, score: float, days: int | None = None) -> str | None:
    days = conf.get("WARNING_ABSENCE_DAYS") if days is None else days
    n = int(row[IDX[name]])
    match name:
        case "absent_recent":
            return f"近{days}天缺勤{n}天" if n else None
        case "absent_trend":
            return f"缺勤比前{days}天多{n}天" if n > 0 else None
        case "repeats":
            return f"曾留级{n}次" if n else None
        case "over_age":
            return f"超龄{n}岁" if n else None
        case "transfers":
            return f"转学{n}次" if n else None
        case "transfer_recent":
            return "近一年转学" if n else None
        case "breaks":
            return f"曾休学{n}次" if n else None
        case "own_dropouts":
            return f"曾辍学{n}次" if n else None
        case "sibling_dropouts":
            return "兄弟姐妹曾辍学" if n else None
        case "left_behind":
            return "留守儿童" if n else None
        case "poverty":
            return "脱贫家庭/监测户" if n else None
        case "orphan":
            return "孤儿/事实无人抚养" if n else None
        case "disability":
            return "残疾" if n else None
        case "distance":
            return "跨乡镇就读" if n == 2 else "在外村就读" if n == 1 else None
        case "boarding":
            return "寄宿" if n else None
        case "grade7_new":
            return "七年级刚升入" if n else None
        case "junior":
            return None
        case "lrs_inactive":
            return f"近{days}天无在线学习记录" if n else None
        case "score_gap":
            return f"上学期平均成绩{score:.0f}分" if n >= 15 and not np.isnan(score) else None
    return None


def factors(params: dict[str, Any], frame: Frame, rows: np.ndarray) -> list[list[dict[str, Any]]]:
    """For the pupils at ``rows`` (ascending indices) of ``frame``: the factors that raise their risk, strongest first (at most TOP).

    Learned model: the features whose term of the linear predictor is largest (above the average pupil's);
    baseline: the rules that gave points."""
    out: list[list[dict[str, Any]]] = []
    sub = _take(frame, rows)
    if params.get("kind") == "learned":
        weights = learn.learned_contributions(params, sub)
    else:
        weights = _baseline_weights(sub.X)
    # The strongest terms first, per pupil in one sort; only the first few are put in words.
    order = np.argsort(-weights, axis=1)[:, : TOP + 4]
    scores = sub.meta["score"]
    days = conf.get("WARNING_ABSENCE_DAYS")
    for j in range(len(sub)):
        row = sub.X[j]
        items = []
        for i in order[j]:
            w = weights[j, i]
            if w <= 0:
                break
            t = text(FEATURES[i], row, float(scores[j]), days)
            if t:
                items.append({"key": FEATURES[i], "text": t, "weight": round(float(w), 3),
                              "sensitive": FEATURES[i] in SENSITIVE})  # fmt: skip
            if len(items) == TOP:
                break
        out.append(items)
    return out


def _take(frame: Frame, rows: np.ndarray) -> Frame:
    mask = np.zeros(len(frame), dtype=bool)
    mask[rows] = True
    return frame.subset(mask)


def _baseline_weights(X: np.ndarray) -> np.ndarray:
    """The points each ABC rule gives (pupils × features), the rules that explain a baseline score."""
    col = {k: X[:, i] for i, k in enumerate(FEATURES)}
    w = np.zeros_like(X)
    a_days = conf.get("WARNING_BASELINE_ABSENT_DAYS")
    absent = col["absent_recent"]
    w[:, FEATURES.index("absent_recent")] = np.where(absent >= a_days, 2, np.where(absent >= 2, 1, 0))
    w[:, FEATURES.index("own_dropouts")] = col["own_dropouts"] > 0
    w[:, FEATURES.index("breaks")] = 0.9 * ((col["breaks"] > 0) & (col["own_dropouts"] == 0))
    w[:, FEATURES.index("repeats")] = col["repeats"] > 0
    w[:, FEATURES.index("over_age")] = 0.9 * ((col["over_age"] >= 2) & (col["repeats"] == 0))
    w[:, FEATURES.index("score_gap")] = col["score_gap"] > 75.0 - conf.get("WARNING_BASELINE_LOW_SCORE")
    return w


def masked(items: list[dict[str, Any]], *, may_see_sensitive: bool) -> list[str]:
    """The factor texts as a role sees them: sensitive ones replaced by one neutral phrase."""
    out: list[str] = []
    for f in items:
        t = f["text"] if may_see_sensitive or not f.get("sensitive") else MASKED
        if t not in out:
            out.append(t)
    return out
