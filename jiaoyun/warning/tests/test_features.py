"""Features on a tiny registry, each figure checked by hand (see the ``registry`` fixture)."""

import datetime as dt

import numpy as np

from jiaoyun.warning.features import FEATURES, compute


def _row(frame, student):
    i = int(np.flatnonzero(frame.ids == student.pk)[0])
    return {name: frame.X[i, k] for k, name in enumerate(FEATURES)}, i


def test_population_is_the_pupils_in_grades_1_to_9_on_the_day(registry):
    frame = compute(dt.date(2024, 10, 1), labels=True)
    # P3 and P5 have left (P5 dropped out on 15 September, before the snapshot).
    assert sorted(frame.ids.tolist()) == sorted(registry[k].pk for k in ("p1", "p2", "p4", "p6"))


def test_absences_repeats_over_age_family_and_outcome(registry):
    frame = compute(dt.date(2024, 10, 1), labels=True)
    f, i = _row(frame, registry["p1"])
    assert f["absent_recent"] == 3  # 10, 20, 30 September (2 October is after the day)
    assert f["absent_trend"] == 2  # 3 − 1 (20 August)
    assert f["repeats"] == 1
    # Born 1 March 2012: 12 on 1 September 2024, grade 5 is normally 10 → two years over.
    assert f["over_age"] == 2
    assert (f["poverty"], f["left_behind"], f["orphan"], f["disability"]) == (1, 1, 0, 0)
    assert f["distance"] == 0  # no residence village: home is the hukou village, the school's village
    assert frame.y[i] == 1  # drops out on 1 March 2025, within the year
    assert f["score_missing"] == 1


def test_the_step_into_junior_school_and_a_sibling_who_dropped_out(registry):
    frame = compute(dt.date(2024, 10, 1), labels=True)
    f, i = _row(frame, registry["p2"])
    assert f["grade7_new"] == 1 and f["junior"] == 1
    assert f["sibling_dropouts"] == 1  # P3: same hukou village and guardian phone, dropped out in 2021
    assert f["distance"] == 1  # lives in village a2, school elsewhere in township a
    assert f["own_dropouts"] == 0
    assert frame.y[i] == 0
    f1, _ = _row(frame, registry["p1"])
    assert f1["sibling_dropouts"] == 0  # P1's household has no other dropout


def test_transfer_break_and_the_term_result_known_on_the_day(registry):
    frame = compute(dt.date(2024, 10, 1))
    f, i = _row(frame, registry["p4"])
    assert (f["transfers"], f["transfer_recent"]) == (1, 1)
    assert f["score_missing"] == 0 and f["score_gap"] == 25  # 75 − 50 (the 2024 first-term 90 is not known yet)
    assert frame.meta["score"][i] == 50
    f6, _ = _row(frame, registry["p6"])
    assert f6["breaks"] == 1 and f6["transfers"] == 0
    assert frame.y is None  # no outcome asked


def test_an_earlier_day_sees_only_what_was_known_then(registry):
    frame = compute(dt.date(2023, 10, 1), labels=True)
    f, i = _row(frame, registry["p4"])
    assert f["transfers"] == 0 and f["score_missing"] == 1
    f6, _ = _row(frame, registry["p6"])
    assert f6["breaks"] == 1  # the 休学 of March 2023 was known; back in school since September 2023
    assert registry["p2"].pk in frame.ids and _row(frame, registry["p2"])[0]["grade7_new"] == 0
    # Within the year after: P5 (15 September 2024); not P1 (March 2025, more than a year later).
    assert frame.ids[frame.y == 1].tolist() == [registry["p5"].pk]


def test_the_current_day_from_the_cached_state_equals_the_chain(registry):
    on = dt.date(2024, 10, 1)
    # The cached state is the state after the latest event: on the registry, P1 and P5 have dropped out since.
    chain, cached = compute(on, current=False), compute(on, current=True)
    common = np.isin(chain.ids, cached.ids)
    assert sorted(cached.ids.tolist()) == sorted(registry[k].pk for k in ("p2", "p4", "p6"))
    assert np.array_equal(chain.X[common], cached.X)
