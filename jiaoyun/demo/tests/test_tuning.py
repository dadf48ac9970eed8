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


def test_scale_repeats_the_county_structure_with_distinct_codes(db):
    import io

    from django.core.management import call_command
    from django.db.models import Count

    from jiaoyun.areas.models import Area
    from jiaoyun.people.models import Student
    from jiaoyun.schools.models import School

    call_command("demo_data", "--size", "tiny", "--scale", "2", "--seed", "5", "--no-hooks", stdout=io.StringIO())
    assert Area.objects.filter(level="township").count() == 2
    assert Area.objects.filter(level="village").count() == 12
    assert School.objects.filter(name="老麦乡中心小学").count() == 1
    assert School.objects.filter(name="老麦乡中心小学（2）").count() == 1
    dupes = Student.objects.values("student_no_hash").annotate(n=Count("id")).filter(n__gt=1)
    assert not dupes.exists()
    # children of copy 2 study only at schools of copy 2
    copy2 = Student.objects.filter(hukou_village__name__isnull=False, current_school__name__endswith="（2）")
    assert copy2.exists()
    assert not copy2.filter(hukou_village__in=Area.objects.filter(code__in=_copy1_codes())).exists()


def _copy1_codes() -> list[str]:
    from jiaoyun.areas.models import Area

    codes = []
    for township in Area.objects.filter(level="township"):
        villages = list(township.children.order_by("code").values_list("code", flat=True))
        communities = [c for c in villages if int(c[-3:]) < 200]
        rural = [c for c in villages if int(c[-3:]) >= 200]
        codes += communities[: len(communities) // 2] + rural[: len(rural) // 2]
    return codes
