"""The evaluation's measures on small vectors computed by hand."""

import numpy as np
import pytest

from jiaoyun.warning import metrics


def test_auc_counts_the_pairs_ranked_right():
    # Pairs (dropout, stayer): (0.35 vs 0.1) right, (0.35 vs 0.4) wrong, (0.8 vs 0.1) right, (0.8 vs 0.4) right → 3/4.
    assert metrics.auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)


def test_auc_counts_a_tie_as_half_and_needs_both_classes():
    assert metrics.auc(np.array([0, 1]), np.array([0.5, 0.5])) == pytest.approx(0.5)
    assert metrics.auc(np.array([0, 1, 1]), np.array([0.2, 0.2, 0.9])) == pytest.approx(0.75)
    assert metrics.auc(np.array([1, 1]), np.array([0.2, 0.3])) is None


def test_precision_and_recall_at_capacity():
    y = np.array([1, 0, 0, 1])
    cap = metrics.at_capacity(y, np.array([0.9, 0.8, 0.1, 0.2]), 0.5)
    assert cap == {"k": 2, "hits": 1, "precision": 0.5, "recall": 0.5}
    # The top 2 % of 100 pupils is 2 pupils; of 101 it is ⌈2.02⌉ = 3.
    assert metrics.top_k(100, 0.02) == 2
    assert metrics.top_k(101, 0.02) == 3


def test_reliability_and_ece_by_hand():
    y = np.array([0, 1, 1, 0])
    p = np.array([0.1, 0.9, 0.6, 0.4])
    bins = metrics.reliability(y, p, 10)
    assert [(b["lo"], b["n"], b["observed"]) for b in bins] == [
        (0.1, 1, 0.0),
        (0.4, 1, 0.0),
        (0.6, 1, 1.0),
        (0.9, 1, 1.0),
    ]
    # |0.1−0| + |0.4−0| + |0.6−1| + |0.9−1| over 4 pupils = 1.0 / 4.
    assert metrics.ece(y, p, 10) == pytest.approx(0.25)
    # Perfectly calibrated in each bin: ECE 0.
    assert metrics.ece(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.5, 0.5]), 10) == pytest.approx(0.0)
    # One bin holding 0.5 and 0.55 (mean 0.525) with half of them dropping out: |0.525 − 0.5| = 0.025.
    assert metrics.ece(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.55, 0.55]), 10) == pytest.approx(0.025)
