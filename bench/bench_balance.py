"""Benchmark: the 优质均衡 computation for a province-size registry (100 × the demo county).

    DATABASE_URL=postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jy_bench_balance .venv/bin/python bench/bench_balance.py \
        [--scale 100] [--years 1] [--keep] [--reuse] [--quick]

Creates the database named in DATABASE_URL (dropped at the end unless ``--keep``; ``--reuse`` measures the
registry an earlier ``--keep`` run left there instead of building it again; SQLite: a file), migrates it,
and writes, set-based, 13 × scale townships with the demo county's mix of schools (≈ 142 assessed 学部 per
county: 101 primary-level, 16 junior, nine-year schools with both) and one row of resources per 学部 and
year. Then measures, on the same data in the same run:

* ``summary``: ``selectors.balance_summary`` — the contract for the bulletin and the 大屏: one grouped query
  for the 3 × 7 sums of every indicator's 差异系数, one for the 6-of-7 rule evaluated in the database;
* ``full``: ``selectors.balance`` — every school's values, the rule and the coefficients (one query, then
  the arithmetic of ``jiaoyun.standards.balance`` in Python), what the page and the PDF use;
* ``naive``: the way a per-school loop would do it — for each school one query for its rows, then the
  textbook two-pass CV per indicator — and the ratio naive ÷ summary.

The figures must agree (checked). Target (the issue): ≤ 10 s on PostgreSQL at scale 100. Not run by the tests.
``--quick``: scale 1. The last line is the JSON of ``make bench`` (bench/run_all.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
DEFAULT_URL = "postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jy_bench_balance"
# The demo county's schools with a 学部 in the indicators (demo_data --scale 1: 142 rows a year; teaching points
# with fewer than 50 pupils are among them and left out by the rule): kind → count.
MIX = (("primary", 86), ("teaching_point", 39), ("junior", 13), ("nine_year", 3), ("complete_secondary", 1))
YEAR = 2025


def _create_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(scale: int, years: int, seed: int) -> int:
    from jiaoyun.areas.models import Area
    from jiaoyun.schools.models import School
    from jiaoyun.standards.models import SchoolResources

    rng = random.Random(seed)
    county = Area.objects.create(code="530521000000", name="基准县", level="county")
    townships = Area.objects.bulk_create(
        [Area(code=f"{530000000 + i:09d}", name=f"乡镇{i}", level="township", parent=county, sort=i)
         for i in range(13 * scale)], batch_size=5000,
    )  # fmt: skip
    schools: list[School] = []
    n = 0
    for c in range(scale):
        for kind, count in MIX:
            for _ in range(count):
                n += 1
                schools.append(School(code=f"{2100000000 + n}", name=f"学校{n}", kind=kind,
                                      township=townships[c * 13 + rng.randrange(13)]))  # fmt: skip
    parents = [s for s in schools if s.kind == "primary"]
    School.objects.bulk_create([s for s in schools if s.kind != "teaching_point"], batch_size=5000)
    for s in schools:
        if s.kind == "teaching_point":
            s.parent = rng.choice(parents)
    School.objects.bulk_create([s for s in schools if s.kind == "teaching_point"], batch_size=5000)
    parts = {"primary": ("primary",), "teaching_point": ("primary",), "junior": ("junior",),
             "nine_year": ("primary", "junior"), "complete_secondary": ("junior",)}  # fmt: skip
    rows = []
    for y in range(YEAR - years + 1, YEAR + 1):
        for s in schools:
            for part in parts[s.kind]:
                p = rng.randint(40, 120) if s.kind == "teaching_point" else rng.randint(150, 2000)
                f = rng.uniform(0.75, 1.4)
                rows.append(SchoolResources(
                    school_id=s.pk, year=y, part=part, pupils=p, classes=max(1, p // 45), max_class_size=45,
                    qualified_teachers=Decimal(round(p * 0.05 * f, 2)), backbone_teachers=Decimal(round(p * 0.011 * f, 2)),
                    pe_art_teachers=Decimal(round(p * 0.01 * f, 2)), teaching_area=Decimal(round(p * 5.2 * f)),
                    ground_area=Decimal(round(p * 8.5 * f)), indoor_sports_area=Decimal(round(p * 0.5 * f)),
                    equipment_value=Decimal(round(p * 2300 * f)), multimedia_rooms=round(p * 0.025 * f),
                    books=round(p * 25 * f), building_area=Decimal(round(p * 6 * f)),
                ))  # fmt: skip
    SchoolResources.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def naive(year: int) -> dict[str, dict[str, float]]:
    """Per school: one query for its rows; then per indicator the two-pass weighted CV."""
    from jiaoyun.schools.models import School
    from jiaoyun.standards import balance as B
    from jiaoyun.standards.models import SchoolResources

    values: dict[str, list[tuple[float, float]]] = {}
    for school in School.objects.exclude(kind__in=("special", "vocational", "kindergarten", "senior")):
        for r in SchoolResources.objects.filter(school=school, year=year, pupils__gt=0):
            if school.kind == "teaching_point" and r.pupils < 50:
                continue
            amounts = {"qualified": r.qualified_teachers, "backbone": r.backbone_teachers, "pe_art": r.pe_art_teachers,
                       "teaching_area": r.teaching_area, "sports_area": r.ground_area + r.indoor_sports_area,
                       "equipment": r.equipment_value, "multimedia": r.multimedia_rooms}  # fmt: skip
            for code in B.CODES:
                x = float(amounts[code]) * B.BY_CODE[code].scale / r.pupils
                values.setdefault(f"{r.part}:{code}", []).append((x, r.pupils))
    out: dict[str, dict[str, float]] = {"primary": {}, "junior": {}}
    for key, pairs in values.items():
        part, code = key.split(":")
        out[part][code] = B.cv(pairs)[2]
    return out


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="measure the registry left by an earlier --keep run")
    ap.add_argument("--quick", action="store_true", help="scale 1 (checks that it runs; the target is for 100)")
    args = ap.parse_args()
    if args.quick:
        args.scale = 1
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not args.reuse:
        _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from jiaoyun.areas.models import Area
    from jiaoyun.standards import selectors
    from jiaoyun.standards.models import SchoolResources

    print(f"load {os.getloadavg()[0]:.2f} at the start", flush=True)
    call_command("migrate", verbosity=0)
    if args.reuse and SchoolResources.objects.exists():
        n_rows, t_build = SchoolResources.objects.count(), 0.0
        args.scale = Area.objects.filter(level="township").count() // 13
    else:
        n_rows, t_build = timed(build, args.scale, args.years, args.seed)
    print(f"database {url.split('@')[-1]}  scale {args.scale}: {n_rows} rows of resources ({t_build:.1f} s to build)")
    selectors.balance_summary(year=YEAR)  # warm the connection and the plan
    summary, t_summary = timed(selectors.balance_summary, year=YEAR)
    full, t_full = timed(selectors.balance, year=YEAR)
    slow, t_naive = timed(naive, YEAR)
    for part in ("primary", "junior"):
        assert summary[part]["schools"] == len(full.parts[part].schools)
        assert summary[part]["schools_meeting"] == full.parts[part].schools_meeting
        for code, v in summary[part]["coefficients"].items():
            assert abs(v - full.parts[part].coefficients[code].cv) < 1e-3, (part, code)
            assert abs(v - slow[part][code]) < 1e-3, (part, code)
    print(f"{'measure':<10}{'seconds':>10}{'naive ÷ this':>15}")
    for name, t in (("summary", t_summary), ("full", t_full), ("naive", t_naive)):
        print(f"{name:<10}{t:>10.2f}{t_naive / t:>15.1f}")
    limit = 10.0
    worst = max(t_summary, t_full)
    print(f"target ≤ {limit:.0f} s: {'met' if worst <= limit else 'NOT met'} ({worst:.2f} s)")
    vendor = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    target = f"≤ {limit:.0f} s at 100× on PostgreSQL"
    met = (worst <= limit) if args.scale >= 100 and vendor == "PostgreSQL" else None
    json_rows = [
        {"figure": f"优质均衡 {name}, {args.scale}× demo county, {vendor}", "value": round(t, 3), "unit": "s",
         "baseline": "per-school ORM loop", "baseline_value": round(t_naive, 3), "ratio": round(t_naive / t, 1),
         "target": target, "met": met}
        for name, t in (("summary (bulletin, 大屏)", t_summary), ("full (page, PDF)", t_full))
    ]  # fmt: skip
    for part in ("primary", "junior"):
        s = summary[part]
        print(f"{part}: {s['schools']} schools, {s['schools_meeting']} meeting, passes={s['passes']}")
    print(f"load {os.getloadavg()[0]:.2f} at the end")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _drop_database(url)
    print(json.dumps({"bench": "bench_balance", "rows": json_rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
