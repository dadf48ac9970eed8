"""The projection on a hand-computed cohort (pure Python: no database)."""

from __future__ import annotations

import pytest

from jiaoyun.forecast.model import Inputs, by_level, estimate, mape, project

T = 1


def small_township() -> Inputs:
    """One township, school years 2020 and 2021 observed, window 1 (the transition 2020 → 2021), two years on.

    Pupils E[year][grade] (K1 = −2, K2 = −1):

        2020: K1 50, g1 100, g4 100, g5 90, g6 80
        2021: K1 60, K2 48, g1 110, g2 98, g5 100, g6 81, g7 76   (72 of the 76 were this township's g6 of 2020)

    Population P[year][age] (31 December):

        2020: 0:70 1:72 2:80 4:100 5:100
        2021: 0:77 1:70 2:81 3:80 4:90 5:96 6:100

    Rates, by hand:
        grade progression r[K1] = 48/50 = 0.96, r[1] = 98/100 = 0.98, r[4] = 100/100 = 1.0, r[5] = 81/90 = 0.9;
            r[K2], r[2], r[3], r[7]: no pupils in the grade in 2020 → none (projected 0);
        entry e[K1] = 60 / P2021[3] = 60/80 = 0.75; e[1] = 110 / P2021[6] = 110/100 = 1.1;
        小升初 f[1→1] = 72/80 = 0.9, arrivals a = (76 − 72)/80 = 0.05;
        population m[0] = 70/70 = 1, m[1] = 81/72 = 1.125, m[2] = 80/80 = 1, m[3] = 90/0 → 1 (no one to age),
            m[4] = 96/100 = 0.96, m[5] = 100/100 = 1; births 77/70 = 1.10 a year, held at the cap 1.08.

    2022: P[2] = 70×1.125 = 78.75, P[3] = 81×1 = 81, P[5] = 90×0.96 = 86.4, P[6] = 96×1 = 96, P[0] = 77×1.08 = 83.16
          K1 = 0.75×81 = 60.75; K2 = 0.96×60 = 57.6; g1 = 1.1×96 = 105.6; g2 = 0.98×110 = 107.8;
          g5 = 1.0×0 = 0; g6 = 0.9×100 = 90; g7 = 0.9×81 + 0.05×81 = 76.95
          → 学前 118.35, 小学 303.4, 初中 76.95
    2023: P[3] = 78.75×1 = 78.75, P[6] = 86.4×1 = 86.4, P[0] = 83.16×1.08 = 89.8128
          K1 = 0.75×78.75 = 59.0625; K2 = 0.96×60.75 = 58.32; g1 = 1.1×86.4 = 95.04; g2 = 0.98×105.6 = 103.488;
          g6 = 0.9×0 = 0; g7 = 0.95×90 = 85.5
          → 学前 117.3825, 小学 198.528, 初中 85.5
    """
    e2020 = {-2: 50, 1: 100, 4: 100, 5: 90, 6: 80}
    e2021 = {-2: 60, -1: 48, 1: 110, 2: 98, 5: 100, 6: 81, 7: 76}
    p2020 = {0: 70, 1: 72, 2: 80, 4: 100, 5: 100}
    p2021 = {0: 77, 1: 70, 2: 81, 3: 80, 4: 90, 5: 96, 6: 100}
    stocks = {(T, 2020, g): n for g, n in e2020.items()} | {(T, 2021, g): n for g, n in e2021.items()}
    population = {(T, 2020, a): n for a, n in p2020.items()} | {(T, 2021, a): n for a, n in p2021.items()}
    return Inputs(
        townships=[T], base=2021, stocks=stocks, flows={(T, T, 2020, 7): 72}, population=population,
        window=1, horizon=2, birth_years=5, birth_cap=0.08,
    )  # fmt: skip


def test_the_rates_of_the_hand_computed_township():
    r = estimate(small_township())
    assert r.window == [2020]
    assert r.gpr[(T, -2)].value == pytest.approx(0.96)
    assert r.gpr[(T, 1)].value == pytest.approx(0.98)
    assert r.gpr[(T, 5)].value == pytest.approx(0.9)
    assert r.gpr[(T, 2)].value is None and r.gpr[(T, 2)].den == 0
    assert r.entry[(T, -2)].value == pytest.approx(0.75) and r.entry[(T, -2)].den == 80
    assert r.entry[(T, 1)].value == pytest.approx(1.1)
    assert r.flow[(T, T, 7)] == pytest.approx(0.9)
    assert r.arrivals[(T, 7)].value == pytest.approx(0.05)
    assert r.survival[(T, 1)].value == pytest.approx(1.125)
    assert r.survival[(T, 4)].value == pytest.approx(0.96)
    assert r.survival[(T, 3)].value is None
    assert r.births[T] == pytest.approx(1.08)  # 1.10 held at the cap
    assert r.birth_span == (2020, 2021)


def test_the_projection_of_the_hand_computed_township():
    out, P, _ = project(small_township())
    assert P[(T, 2022, 2)] == pytest.approx(78.75)
    assert P[(T, 2022, 0)] == pytest.approx(83.16)
    assert P[(T, 2023, 0)] == pytest.approx(89.8128)
    assert out[(T, 2022, -2)] == pytest.approx(60.75)
    assert out[(T, 2022, 1)] == pytest.approx(105.6)
    assert out[(T, 2022, 7)] == pytest.approx(76.95)
    assert out[(T, 2023, 2)] == pytest.approx(103.488)
    lv = by_level(out)
    assert lv[(T, 2022, "preschool")] == pytest.approx(118.35)
    assert lv[(T, 2022, "primary")] == pytest.approx(303.4)
    assert lv[(T, 2022, "junior")] == pytest.approx(76.95)
    assert lv[(T, 2023, "preschool")] == pytest.approx(117.3825)
    assert lv[(T, 2023, "primary")] == pytest.approx(198.528)
    assert lv[(T, 2023, "junior")] == pytest.approx(85.5)
    assert lv[(T, 2023, "senior")] == 0


def test_primary_leavers_follow_the_flows_between_townships():
    """Township 1 has no junior school: its grade 6 goes to township 2.

    2020: g6 T1 100, T2 50; 2021: g7 T1 0, T2 160, of whom 95 from T1 and 48 from T2 (17 from outside).
    f[1→2] = 95/100 = 0.95, f[2→2] = 48/50 = 0.96, arrivals into T2 = 17/150.
    With g6 2021 T1 120, T2 30: g7 2022 T2 = 0.95×120 + 0.96×30 + 17/150×150 = 114 + 28.8 + 17 = 159.8; T1 0.
    """
    stocks = {(1, 2020, 6): 100, (2, 2020, 6): 50, (2, 2021, 7): 160, (1, 2021, 6): 120, (2, 2021, 6): 30}
    flows = {(1, 2, 2020, 7): 95, (2, 2, 2020, 7): 48}
    inp = Inputs(townships=[1, 2], base=2021, stocks=stocks, flows=flows, population={}, window=1, horizon=1)
    out, _, rates = project(inp)
    assert rates.arrivals[(2, 7)].value == pytest.approx(17 / 150)
    assert out[(2, 2022, 7)] == pytest.approx(159.8)
    assert out[(1, 2022, 7)] == 0


def test_mape_by_township_and_county():
    """T1 projected 110 and 90 against 100 and 100 → (10 % + 10 %)/2 = 10 %; T2 100 against 100 → 0 %, the year
    with no pupils skipped; county: |210−200|/200 = 5 % and |(90+5)−100|/100 = 5 % → 5 %."""
    proj = {(1, 2022, "primary"): 110, (1, 2023, "primary"): 90, (2, 2022, "primary"): 100, (2, 2023, "primary"): 5}
    act = {(1, 2022, "primary"): 100, (1, 2023, "primary"): 100, (2, 2022, "primary"): 100}
    err = mape(proj, act, [2022, 2023], [1, 2])
    assert err[(1, "primary")] == pytest.approx(10.0)
    assert err[(2, "primary")] == pytest.approx(0.0)
    assert err[(None, "primary")] == pytest.approx(5.0)
    assert err[(1, "junior")] is None


def test_the_sparse_flows_give_exactly_the_sum_over_every_pair_of_townships():
    """The flows are read pair by observed pair (a province's townships send their leavers to a few others), not
    over every pair of townships: the shares, the arrivals and the projected grades 7 and 10 are exactly those of
    the sum over every pair, written out here as the reference, on eight townships with random counts (one
    township without any flow, one sending to a township outside the list)."""
    import random

    rnd = random.Random(19)
    towns = [11, 3, 27, 8, 5, 40, 2, 9]
    years = range(2016, 2022)
    stocks = {(T, y, g): float(rnd.randint(0, 300)) for T in towns for y in years for g in range(-2, 13)}
    flows = {
        (a, b, y, g): float(rnd.randint(1, 90))
        for a in towns[:-1]
        for b in rnd.sample(towns, 3)
        for y in years
        for g in (7, 10)
    } | {(3, 99, 2019, 7): 40.0}
    population = {(T, y, a): float(rnd.randint(50, 200)) for T in towns for y in years for a in range(19)}
    inp = Inputs(townships=towns, base=2021, stocks=stocks, flows=flows, population=population, horizon=5)
    out, _, rates = project(inp)
    window = rates.window
    for g in (7, 10):
        into = dict.fromkeys(towns, 0.0)
        for a in towns:
            den = sum(stocks.get((a, y, g - 1), 0) for y in window)
            for b in towns:
                n = sum(flows.get((a, b, y, g), 0) for y in window)
                into[b] += n
                assert rates.flow.get((a, b, g)) == (n / den if n and den else None)
        county = sum(stocks.get((T, y, g - 1), 0) for T in towns for y in window)
        for T in towns:
            reached = sum(stocks.get((T, y + 1, g), 0) for y in window)
            assert rates.arrivals[(T, g)].value == max(0.0, reached - into[T]) / county
    for y in range(2022, 2027):
        for g in (7, 10):

            def prev(T: int, g: int = g, y: int = y) -> float:
                return out[(T, y - 1, g - 1)] if y - 1 > 2021 else stocks.get((T, y - 1, g - 1), 0)

            county_prev = sum(prev(T) for T in towns)
            for T in towns:
                n = sum(rates.flow.get((a, T, g), 0.0) * prev(a) for a in towns)
                assert out[(T, y, g)] == n + (rates.arrivals[(T, g)].value or 0.0) * county_prev


def test_the_series_add_the_townships_in_their_order_as_the_direct_sums_did():
    """``services._series`` reads each township's figures once and sums the county from them: the same
    figures, to the last bit, as summing every township for each year and level (the reference below)."""
    import random

    from jiaoyun.forecast.model import LEVELS
    from jiaoyun.forecast.services import _series

    rng = random.Random(3)
    ids, base = [11, 7, 23, 5], 2024
    years = list(range(2020, 2030))
    observed = {(T, y, lv): float(rng.randint(0, 900)) for T in ids for y in years if y <= base for lv in LEVELS}
    projected = {(T, y, lv): rng.uniform(0, 900) for T in ids[1:] for y in years if y > base for lv in LEVELS}
    seats = {(T, lv): rng.randint(0, 2000) for T in ids[:3] for lv in LEVELS}
    added = {(T, lv, y): rng.randint(0, 300) for T in ids[::2] for lv in LEVELS for y in years if y > base + 1}
    reference: dict = {}
    for T in [*ids, None]:
        members = ids if T is None else [T]
        reference[str(T) if T is not None else "county"] = {
            lv: {
                "children": [
                    round(sum((observed if y <= base else projected).get((x, y, lv), 0) for x in members))
                    for y in years
                ],
                "seats": sum(seats.get((x, lv), 0) for x in members),
                "projects": [sum(added.get((x, lv, y), 0) for x in members) if y > base else 0 for y in years],
            }
            for lv in LEVELS
        }
    got = _series(ids, years, base, observed, projected, seats, added)
    assert got == reference
    assert list(got) == list(reference)
    assert _series([], years, base, {}, {}, {}, {})["county"]["primary"]["children"] == [0] * len(years)


def _reference_projection(inp, rates):  # type: ignore[no-untyped-def]
    """The population and pupils' projection as first written (year by year, each value read back from the
    dictionaries): the reference for the faster loops of ``project_population`` and ``project``."""
    from jiaoyun.forecast.model import CROSS_GRADES, ENTRY_GRADES, GPR_GRADES, MAX_AGE

    P = dict(inp.population)
    for y in range(rates.population_last + 1, inp.base + inp.horizon + 1):
        for T in inp.townships:
            P[(T, y, 0)] = P.get((T, y - 1, 0), 0) * rates.births[T]
            for a in range(MAX_AGE):
                m = rates.survival[(T, a)].value
                P[(T, y, a + 1)] = P.get((T, y - 1, a), 0) * (m if m is not None else 1.0)
    t, out = inp.base, {}

    def prev(T, y, g):  # type: ignore[no-untyped-def]
        return out[(T, y, g)] if y > t else inp.stocks.get((T, y, g), 0)

    for y in range(t + 1, t + inp.horizon + 1):
        for T in inp.townships:
            for g, lv in ENTRY_GRADES.items():
                out[(T, y, g)] = (rates.entry[(T, g)].value or 0.0) * P.get((T, y, inp.entry_age[lv]), 0)
            for g in GPR_GRADES:
                out[(T, y, g + 1)] = (rates.gpr[(T, g)].value or 0.0) * prev(T, y - 1, g)
        for g in CROSS_GRADES:
            county_prev = sum(prev(T, y - 1, g - 1) for T in inp.townships)
            for T in inp.townships:
                n = sum(
                    share * prev(Tf, y - 1, g - 1)
                    for Tf in inp.townships
                    if (share := rates.flow.get((Tf, T, g))) is not None
                )
                out[(T, y, g)] = n + (rates.arrivals[(T, g)].value or 0.0) * county_prev
    return out, P


def test_the_projection_loops_give_exactly_the_reference_figures_in_the_same_order():
    """``project_population`` keeps each township's last projected ages in a list and ``project`` reads last
    year's pupils without a call per value: every projected pupil and person, to the last bit and in the same
    order (the level sums add them in that order), as the reference loops above, on random non-integer counts
    of seven townships with gaps (a township without population, grades without pupils)."""
    import random

    rnd = random.Random(23)
    towns = [14, 6, 31, 2, 9, 50, 7]
    years = range(2015, 2023)
    stocks = {(T, y, g): rnd.uniform(0, 300) for T in towns for y in years for g in range(-2, 13) if rnd.random() > 0.1}
    flows = {(a, b, y, g): rnd.uniform(1, 90) for a in towns for b in rnd.sample(towns, 2) for y in years
             for g in (7, 10)}  # fmt: skip
    population = {(T, y, a): rnd.uniform(40, 220) for T in towns[:-1] for y in range(2013, 2023) for a in range(21)}
    inp = Inputs(townships=towns, base=2022, stocks=stocks, flows=flows, population=population, horizon=8)
    out, people, rates = project(inp)
    ref_out, ref_people = _reference_projection(inp, rates)
    assert out == ref_out and list(out) == list(ref_out)
    assert people == ref_people and list(people) == list(ref_people)
    assert by_level(out) == by_level(ref_out)
