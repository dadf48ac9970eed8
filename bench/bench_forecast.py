"""Benchmark: the enrolment forecast on a large registry, against a naive per-pupil loop.

    python bench/bench_forecast.py [--scales 1,10,100] [--naive-years 1] [--keep] [--reuse]

For each scale a worker process builds the synthetic county of ``bench/indicators.py`` (its ``generate``:
13 townships × 8 villages, ~55 schools, 90,000 × scale children with ten-plus years of 学籍 events and the event
chain, population cells) in its own PostgreSQL database ``jy_bench_forecast``, then measures

* ``rebuild``: ``forecast_compute(rebuild=True)`` — every census year read from the events: the set-based stock
  pass over the events for ten school years, the grade-6→7 and 9→10 flows, population, capacity, the projection
  and the back-test, stored (the first run and the yearly run);
* ``engine``: ``forecast_compute()`` — the routine (monthly) run: the closed census years from the stored
  ``CensusCount`` rows, the base year from the students' current state and the records since its census;
* ``naive``: the usual ORM way for the stocks alone — per census date every student's state by
  ``students_as_of`` and a Python loop over the pupils counting them by township and grade; timed on
  ``--naive-years`` years (default 1) and scaled to the ten the engine reads (marked "*"), so the ratio is
  conservative (the naive loop does none of the flows, population or projection).

The generator writes events only; the students' current state (which the enrolment services keep) is set from
their latest events before timing. Prints the table and the ratios naive ÷ engine and naive ÷ rebuild. PostgreSQL: BENCH_PG_URL (default
postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun) names the server; ``--keep`` leaves the database for a later
``--reuse`` (generating scale 100 takes about half an hour and some 35 GB).
"""

# The set-up's statement is built from fixed table and column names and the event kinds of people.choices; values
# are bound.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun")
PG_DB = "jy_bench_forecast"
TARGET_S = 10.0  # the requirement at scale 100 (a province), on PostgreSQL


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--naive-years", type=int, default=1, help="census years timed by the naive loop (scaled to ten)")
    ap.add_argument("--naive-max-scale", type=int, default=10, help="skip the naive loop above this scale")
    ap.add_argument("--keep", action="store_true", help="leave the database for a later --reuse")
    ap.add_argument("--reuse", action="store_true", help="measure the county left by an earlier --keep run")
    ap.add_argument("--worker", metavar="SCALE", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(int(args.worker), args)
        return
    results = []
    for scale in [int(s) for s in args.scales.split(",")]:
        if not args.reuse:
            _pg(f"DROP DATABASE IF EXISTS {PG_DB}", f"CREATE DATABASE {PG_DB}")
        env = {**os.environ, "DATABASE_URL": PG_URL.rsplit("/", 1)[0] + f"/{PG_DB}"}
        cmd = [sys.executable, __file__, "--worker", str(scale), "--naive-years", str(args.naive_years),
               "--naive-max-scale", str(args.naive_max_scale)]  # fmt: skip
        print(f"… postgres scale {scale}", file=sys.stderr, flush=True)
        out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stdout, out.stderr, file=sys.stderr)
            raise SystemExit(f"worker scale {scale} failed")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        if not args.keep:
            _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
    head = (
        f"{'scale':>6}{'students':>11}{'events':>11}{'gen s':>8}{'rebuild s':>11}{'engine s':>10}{'naive s':>10}"
        f"{'naive/eng':>11}{'naive/rebuild':>15}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        naive = r.get("naive")
        mark = "*" if r.get("naive_extrapolated") else ""
        ratio = f"{naive / r['engine']:.0f}×" if naive else "—"
        ratio_rebuild = f"{naive / r['rebuild']:.1f}×" if naive else "—"
        print(
            f"{r['scale']:>6}{r['students']:>11}{r['events']:>11}{r['generate']:>8.1f}{r['rebuild']:>11.2f}"
            f"{r['engine']:>10.2f}{(f'{naive:.1f}{mark}' if naive else '—'):>10}{ratio:>11}{ratio_rebuild:>15}"
        )
    print("\nrebuild = forecast_compute reading all ten census years from the events (the yearly run, and the first);")
    print("engine = the routine run: closed years from the stored census counts, the base year from the students'")
    print("current state and the records since its census; both project, back-test and store the run.")
    print("naive = students_as_of + a Python loop per pupil, stocks only (* = scaled from fewer years).")
    print(f"Target: ≤ {TARGET_S:.0f} s at scale 100 on PostgreSQL.")
    for r in results:
        for label, key in (("rebuild", "rebuild_parts"), ("engine", "parts")):
            parts = "; ".join(f"{k} {v:.2f} s" for k, v in r[key].items())
            print(f"scale {r['scale']} {label}: {parts}")


def _pg(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def worker(scale: int, args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from indicators import generate  # bench/indicators.py: the same synthetic county

    from jiaoyun.forecast import conf, observe
    from jiaoyun.forecast.services import forecast_compute, last_observed_year
    from jiaoyun.people.models import EnrolmentEvent, Student

    t0 = time.perf_counter()
    reused = Student.objects.exists()
    if not reused:
        generate(scale)
        current_state()
    result: dict = {"scale": scale, "generate": 0.0 if reused else time.perf_counter() - t0}
    result["students"] = Student.objects.count()
    result["events"] = EnrolmentEvent.objects.count()
    from django.utils import timezone

    today = timezone.localdate()
    base = last_observed_year(today)

    parts: dict[str, float] = {}
    for name in ("stocks", "stocks_current", "flows", "population", "capacity"):
        plain = getattr(observe, name)

        def timed(*a, _f=plain, _n=name, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            out = _f(*a, **k)
            parts[_n] = parts.get(_n, 0.0) + time.perf_counter() - t
            return out

        setattr(observe, name, timed)
    t0 = time.perf_counter()
    forecast_compute(today=today, triggered_by="bench", rebuild=True)  # every census year from the events
    result["rebuild"] = time.perf_counter() - t0
    result["rebuild_parts"] = dict(parts)
    parts.clear()
    t0 = time.perf_counter()
    forecast_compute(today=today, triggered_by="bench")  # the routine run: the base year refreshed
    result["engine"] = time.perf_counter() - t0
    result["parts"] = parts
    if scale <= args.naive_max_scale:
        years = [base - k for k in range(max(1, min(10, args.naive_years)))]
        t0 = time.perf_counter()
        naive_stocks(years)
        history = conf.get("FORECAST_HISTORY")
        result["naive"] = (time.perf_counter() - t0) * history / len(years)
        result["naive_extrapolated"] = len(years) != history
    print(json.dumps(result))


def current_state() -> None:
    """The generator writes events only; set each student's current state from their latest event, as the
    enrolment services keep it (part of the set-up, not measured)."""
    from django.db import connection, transaction

    from jiaoyun.people.choices import IN_SCHOOL_EVENTS

    kinds = ", ".join(["%s"] * len(IN_SCHOOL_EVENTS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_student st SET current_school_id = e.school_id, current_grade = e.grade,"
            f" status = CASE WHEN e.kind IN ({kinds}) THEN 'in_school' ELSE 'graduated' END"
            " FROM people_enrolmentevent e WHERE e.student_id = st.id AND e.until IS NULL",
            [str(k) for k in IN_SCHOOL_EVENTS],
        )
        cursor.execute("ANALYZE people_student")


def naive_stocks(years: list[int]) -> Counter:
    """The baseline: per census date each student's state, counted pupil by pupil in Python."""
    from jiaoyun.core.schoolyear import SchoolYear
    from jiaoyun.people.choices import IN_SCHOOL_EVENTS
    from jiaoyun.people.selectors import students_as_of
    from jiaoyun.schools.models import School

    township = dict(School.objects.exclude(kind="special").values_list("id", "township_id"))
    counts: Counter = Counter()
    for y in years:
        rows = students_as_of(on=SchoolYear(y).census_date).values_list("as_of_kind", "as_of_school_id", "as_of_grade")
        for kind, school, grade in rows.iterator(chunk_size=5000):
            if kind in IN_SCHOOL_EVENTS and school in township and grade is not None:
                counts[(township[school], y, grade)] += 1
    return counts


if __name__ == "__main__":
    main()
