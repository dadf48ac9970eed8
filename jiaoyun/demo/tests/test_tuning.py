"""The generator's tuning: the county's headline figures at scale 1, and the queries that compute them."""

from __future__ import annotations

import datetime as dt
import random

from jiaoyun.demo import checks
from jiaoyun.demo.generator import store, world
from jiaoyun.demo.generator.cohorts import Simulator
from jiaoyun.people.choices import EVENT_STATUS


def test_headline_queries_agree_with_the_simulation(db):
    # The ORM figures (checks.headline) and the in-memory ones are the same definitions.
    today = dt.date(2026, 11, 28)
    rng = random.Random(3)
    w = world.build(rng=rng, scale=1, tiny=True)
    sim = Simulator(world=w, rng=rng, today=today, sy=2026, years=10, scale=0.03)
    sim.hukou_children()
    sim.migrants()
    store.write(sim, rng)
    assert checks.headline(2026) == checks.headline_in_memory(sim.kids, 2026)


def test_full_county_lands_near_the_2021_targets(db):
    # Simulate the whole county at scale 1 (seed 42, as `make demo`) and compute the headline figures.
    today = dt.date(2026, 11, 28)
    rng = random.Random(42)
    w = world.build(rng=random.Random(rng.random()), scale=1, tiny=False)
    assert len(w.villages) == 136 and len(w.townships) == 13
    sim = Simulator(world=w, rng=random.Random(rng.random()), today=today, sy=2026, years=10, scale=1.0)
    sim.hukou_children()
    sim.migrants()
    figures = checks.headline_in_memory(sim.kids, 2026)
    assert 85.5 <= figures["kg_rate"] <= 89.5  # met (target 85%)
    assert 94.0 <= figures["consolidation"] < 97.0  # just under 97%
    assert 88.5 <= figures["senior_rate"] < 92.0  # under 92%
    in_school = sum(1 for k in sim.kids if k.events and EVENT_STATUS[str(k.events[-1][1])] == "in_school")
    assert 40_000 <= in_school <= 50_000
