"""The gate: a learned model is used only if it beats the baseline on the held-out years and is calibrated; a model
trained on shuffled outcomes is refused and the baseline stays in use."""

import datetime as dt

import numpy as np
import pytest

from jiaoyun.warning import evaluate, learn
from jiaoyun.warning.features import FEATURES, Frame


def synthetic_years(n_years=4, n=4000, seed=7):
    """Pupils whose dropout depends on absences (seen by the ABC rules) and on the step into junior school and a
    sibling's dropout (seen only by the learned model)."""
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(n_years):
        X = np.zeros((n, len(FEATURES)))
        col = {name: i for i, name in enumerate(FEATURES)}
        X[:, col["absent_recent"]] = rng.poisson(0.5, n)
        X[:, col["grade7_new"]] = rng.random(n) < 0.15
        X[:, col["sibling_dropouts"]] = rng.random(n) < 0.05
        X[:, col["score_missing"]] = 1
        eta = (
            -5.2
            + 0.45 * X[:, col["absent_recent"]]
            + 1.6 * X[:, col["grade7_new"]]
            + 2.0 * X[:, col["sibling_dropouts"]]
        )
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
        meta = {
            "school": rng.integers(1, 20, n),
            "school_class": np.zeros(n, dtype=int),
            "township": rng.integers(1, 4, n),
            "village": rng.integers(1, 40, n),
            "grade": np.full(n, 7),
            "sex": np.where(rng.random(n) < 0.5, "M", "F").astype(object),
            "ethnicity": np.where(rng.random(n) < 0.8, "01", "07").astype(object),
            "score": np.full(n, np.nan),
        }
        frames.append(
            Frame(
                on=dt.date(2020 + k, 10, 1),
                ids=np.arange(n) + k * n,
                X=X,
                meta=meta,
                y=y,
                censored=np.zeros(n, dtype=bool),
                year=2020 + k,
            )
        )
    return frames


@pytest.fixture(scope="module")
def frames():
    return synthetic_years()


def test_a_model_that_learned_the_factors_passes_the_gate(frames, settings):
    result = evaluate.evaluate(frames)
    assert [f["test"] for f in result["folds"]] == [2021, 2022, 2023]  # trained only on the years before
    assert [f["train"] for f in result["folds"]][-1] == [2020, 2021, 2022]
    passed, why = evaluate.gate(result)
    assert passed, why
    s = result["summary"]
    assert s["learned"]["mean_auc"] > s["baseline"]["mean_auc"] + 0.01


def test_a_model_trained_on_shuffled_outcomes_is_refused(frames):
    result = evaluate.evaluate(frames, shuffle_seed=3)
    passed, why = evaluate.gate(result)
    assert not passed
    assert "未超过基线规则" in why or "低于基线规则" in why
    assert result["summary"]["learned"]["mean_auc"] < 0.6


def test_a_badly_calibrated_model_is_refused(frames, settings):
    result = evaluate.evaluate(frames)
    result["summary"]["learned"]["ece"] = 0.2
    passed, why = evaluate.gate(result)
    assert not passed and "ECE" in why


def test_model_train_keeps_both_versions_and_uses_the_baseline_when_refused(db, frames):
    from jiaoyun.warning.models import ModelVersion
    from jiaoyun.warning.services import model_in_use, model_train

    baseline, learned, _ = model_train(actor=None, today=dt.date(2025, 10, 2), frames=frames, shuffle_seed=3)
    assert not learned.gate_passed and not learned.in_use
    assert baseline.in_use and model_in_use() == baseline
    assert learned.params["shuffled_labels"] == 3
    assert learned.sha256 == learn.digest(learned.params)
    baseline2, learned2, _ = model_train(actor=None, today=dt.date(2025, 10, 2), frames=frames)
    assert learned2.in_use and model_in_use() == learned2
    assert ModelVersion.objects.filter(in_use=True).count() == 1
    assert ModelVersion.objects.count() == 4  # every version kept, comparable
    # The parameters are plain JSON numbers; a tampered version is refused.
    ModelVersion.objects.filter(pk=learned2.pk).update(params={**learned2.params, "intercept": 9.0})
    from jiaoyun.core.errors import DomainError

    with pytest.raises(DomainError, match="SHA-256"):
        model_in_use()


def test_place_targeting_is_compared_and_the_simpler_named_when_as_good(frames):
    result = evaluate.evaluate(frames)
    verdict = result["place_verdict"]
    assert verdict["best"] in evaluate.METHODS and verdict["text"]
    summary = {
        m: {"mean_recall": r}
        for m, r in {"place_school": 0.40, "place_village": 0.30, "baseline": 0.41, "learned": 0.42}.items()
    }
    assert evaluate.place_verdict(summary)["simplest_as_good"] == "place_school"
