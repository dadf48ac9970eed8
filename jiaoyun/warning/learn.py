"""The two models and the place-only targeting, as plain functions of frames and JSON parameters.

* **Baseline (ABC rules)**, transparent: points for Attendance (absence days in the window), Behaviour (an earlier
  辍学 or 休学 in the 学籍 chain) and Course performance (留级/over-age, a low term result); its probability is the
  observed dropout rate of each points value in the training years.
* **Learned**: logistic regression (scikit-learn) on the standardised features, counts log1p-transformed. The fitted
  model is kept as numbers only — feature names, means, scales, coefficients, intercept — in JSON with its sha256,
  and scored with numpy (nothing is ever unpickled).
* **Place**: each school's (or hukou village's) past dropout rate, shrunk towards the county rate.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from typing import Any

import numpy as np

from jiaoyun.warning import conf
from jiaoyun.warning.features import COUNTS, FEATURES, Frame


def digest(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# ---------------------------------------------------------------- baseline (ABC rules)


def baseline_points(frame: Frame) -> np.ndarray:
    a_days = conf.get("WARNING_BASELINE_ABSENT_DAYS")
    low = conf.get("WARNING_BASELINE_LOW_SCORE")
    absent = frame.col("absent_recent")
    pts = np.where(absent >= a_days, 2, np.where(absent >= 2, 1, 0)).astype(float)  # A
    pts += (frame.col("own_dropouts") + frame.col("breaks") > 0).astype(float)  # B
    pts += (frame.col("repeats") + (frame.col("over_age") >= 2) > 0).astype(float)  # C: 留级/超龄
    pts += (frame.col("score_gap") > 75.0 - low).astype(float)  # C: low result
    return pts


def baseline_fit(frames: list[Frame]) -> dict[str, Any]:
    """The observed dropout rate per points value over the training frames (the baseline's probability)."""
    pts = np.concatenate([baseline_points(f) for f in frames]) if frames else np.zeros(0)
    y = np.concatenate([_y(f) for f in frames]) if frames else np.zeros(0)
    overall = float(y.mean()) if len(y) else 0.0
    table = {}
    for v in range(0, 6):
        m = pts == v
        # Shrunk towards the overall rate so a rare points value does not get 0 or 1.
        table[str(v)] = float((y[m].sum() + 20 * overall) / (m.sum() + 20)) if len(y) else 0.0
    return {"kind": "baseline", "rates": table, "flag_points": conf.get("WARNING_BASELINE_FLAG"),
            "absent_days": conf.get("WARNING_BASELINE_ABSENT_DAYS"), "low_score": conf.get("WARNING_BASELINE_LOW_SCORE")}  # fmt: skip


def baseline_predict(params: dict[str, Any], frame: Frame) -> np.ndarray:
    pts = np.clip(baseline_points(frame), 0, 5).astype(int)
    rates = np.asarray([params["rates"][str(v)] for v in range(6)])
    # A tie-breaker within a points value: more absence days first (does not change the calibration bins much).
    return rates[pts] + frame.col("absent_recent") * 1e-6


# ---------------------------------------------------------------- learned (logistic regression)


def transform(X: np.ndarray) -> np.ndarray:
    Z = X.copy()
    for name in COUNTS:
        i = FEATURES.index(name)
        Z[:, i] = np.log1p(np.clip(Z[:, i], 0, None))
    i = FEATURES.index("absent_trend")
    Z[:, i] = np.sign(Z[:, i]) * np.log1p(np.abs(Z[:, i]))
    return Z


def _y(frame: Frame) -> np.ndarray:
    return np.zeros(len(frame)) if frame.y is None else frame.y


def _usable(frame: Frame) -> Frame:
    return frame if frame.censored is None else frame.subset(~frame.censored)


def learned_fit(frames: list[Frame], *, C: float = 1.0, seed: int = 0) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    used = [_usable(f) for f in frames]
    X = transform(np.vstack([f.X for f in used]))
    y = np.concatenate([_y(f) for f in used])
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    with warnings.catch_warnings():  # SciPy's notice about an L-BFGS-B option scikit-learn still passes
        warnings.simplefilter("ignore", DeprecationWarning)
        model.fit((X - mean) / scale, y)
    return {
        "kind": "learned", "algorithm": "logistic_regression", "C": C, "features": list(FEATURES),
        "mean": [round(float(v), 10) for v in mean], "scale": [round(float(v), 10) for v in scale],
        "coef": [round(float(v), 10) for v in model.coef_[0]], "intercept": round(float(model.intercept_[0]), 10),
    }  # fmt: skip


def learned_contributions(params: dict[str, Any], frame: Frame) -> np.ndarray:
    """Each feature's term of the linear predictor, for the explanation (pupils × features)."""
    return _contributions(params, frame.X)


def _contributions(params: dict[str, Any], X: np.ndarray) -> np.ndarray:
    if list(params["features"]) != list(FEATURES):
        raise ValueError("模型的特征与当前特征不一致，需重新训练")
    Z = (transform(X) - np.asarray(params["mean"])) / np.asarray(params["scale"])
    return Z * np.asarray(params["coef"])


# Rows scored at a time: the same arithmetic per pupil, on blocks that stay in the processor's cache (a province's
# 2.8 M pupils × 21 features are 460 MB per intermediate array).
BLOCK = 1 << 15


def learned_predict(params: dict[str, Any], frame: Frame) -> np.ndarray:
    eta = np.empty(len(frame))
    for start in range(0, len(frame), BLOCK):
        part = slice(start, start + BLOCK)
        eta[part] = _contributions(params, frame.X[part]).sum(axis=1) + params["intercept"]
    return 1.0 / (1.0 + np.exp(-eta))


def predict(params: dict[str, Any], frame: Frame) -> np.ndarray:
    return learned_predict(params, frame) if params.get("kind") == "learned" else baseline_predict(params, frame)


# ---------------------------------------------------------------- place only


def place_fit(frames: list[Frame], key: str) -> dict[str, Any]:
    """Past dropout rate per school (``key`` = "school") or hukou village ("village"), shrunk to the county rate."""
    units = np.concatenate([f.meta[key] for f in frames])
    y = np.concatenate([_y(f) for f in frames])
    overall = float(y.mean()) if len(y) else 0.0
    uniq, inv = np.unique(units, return_inverse=True)
    pos = np.bincount(inv, weights=y)
    n = np.bincount(inv)
    rate = (pos + 50 * overall) / (n + 50)
    return {"kind": "place", "key": key, "overall": overall, "units": uniq.tolist(), "rates": rate.tolist()}


def place_predict(params: dict[str, Any], frame: Frame) -> np.ndarray:
    units = np.asarray(params["units"], dtype=np.int64)
    rates = np.asarray(params["rates"])
    out = np.full(len(frame), params["overall"])
    if len(units):
        x = frame.meta[params["key"]]
        idx = np.clip(np.searchsorted(units, x), 0, len(units) - 1)
        hit = units[idx] == x
        out[hit] = rates[idx[hit]]
    return out
