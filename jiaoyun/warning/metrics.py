"""The evaluation's measures, in plain numpy so that every figure can be checked by hand on a small vector.

* ``auc``: the probability that a random dropout is ranked above a random non-dropout (ties count half) — the
  Mann–Whitney statistic over average ranks;
* ``at_capacity``: precision and recall of flagging the top ``k`` = ⌈share × n⌉ pupils (ties broken by order);
* ``reliability`` and ``ece``: pupils in ``bins`` equal-width bins of predicted probability; the expected
  calibration error is Σ (n_b / n) · |mean predicted_b − observed rate_b|.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (1-based) with ties sharing their mean rank."""
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    ranks = np.empty(len(x))
    # Boundaries of runs of equal values.
    starts = np.r_[0, np.flatnonzero(np.diff(xs)) + 1]
    ends = np.r_[starts[1:], len(xs)]
    mean_rank = (starts + ends + 1) / 2.0  # mean of (start+1 … end)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def auc(y: np.ndarray, score: np.ndarray) -> float | None:
    y = np.asarray(y, dtype=bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return None
    r = _ranks(np.asarray(score, dtype=float))
    return float((r[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def top_k(n: int, share: float) -> int:
    return max(1, math.ceil(share * n)) if n else 0


def flagged(score: np.ndarray, share: float) -> np.ndarray:
    """The mask of the top ``share`` of ``score`` (stable: on ties, the earlier row first)."""
    n = len(score)
    k = top_k(n, share)
    mask = np.zeros(n, dtype=bool)
    if k:
        mask[np.argsort(-np.asarray(score, dtype=float), kind="mergesort")[:k]] = True
    return mask


def at_capacity(y: np.ndarray, score: np.ndarray, share: float) -> dict[str, float | int | None]:
    y = np.asarray(y, dtype=bool)
    mask = flagged(score, share)
    k, hits, pos = int(mask.sum()), int((mask & y).sum()), int(y.sum())
    return {
        "k": k,
        "hits": hits,
        "precision": hits / k if k else None,
        "recall": hits / pos if pos else None,
    }


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Per non-empty bin: its bounds, pupils, mean predicted probability and observed rate."""
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        m = idx == b
        n = int(m.sum())
        if n:
            out.append({"lo": b / bins, "hi": (b + 1) / bins, "n": n, "predicted": float(p[m].mean()),
                        "observed": float(y[m].mean())})  # fmt: skip
    return out


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float | None:
    n = len(y)
    if not n:
        return None
    return float(sum(b["n"] / n * abs(b["predicted"] - b["observed"]) for b in reliability(y, p, bins)))
