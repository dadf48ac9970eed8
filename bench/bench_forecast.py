"""Benchmark: the enrolment forecast on a large registry, against a naive per-pupil loop.

    python bench/bench_forecast.py [--scales 1,10] [--tile 10|0] [--naive-years 1] [--index-cost]
                                   [--db jy_bench_forecast] [--keep] [--reuse] [--quick]

For each scale a worker process builds the synthetic county of ``bench/indicators.py`` (its ``generate``:
13 townships × 8 villages, ~55 schools, 90,000 × scale children with ten-plus years of 学籍 events and the event
chain, population cells) in its own PostgreSQL database ``<db>_s<scale>``, then measures

* ``rebuild``: ``forecast_compute(rebuild=True)`` — every census year read from the events: the set-based stock
  pass over the events for ten school years, the grade-6→7 and 9→10 flows, population, capacity, the projection
  and the back-test, stored (the first run and the yearly run);
* ``engine``: ``forecast_compute()`` — the routine (monthly) run: the closed census years from the stored
  ``CensusCount`` rows, the base year from the students' current state (one pass over the students' table,
  ``observe.current_state``, an index-only scan of ``student_in_school_idx``) and the records since its census;
* ``reads``: the students' table reads of a routine run, as they are (the one pass and what is derived from it)
  and as they were (three reads: the base year's stocks, the grade-1 ages, the seat split; kept as the reference
  in ``jiaoyun/forecast/tests/test_current_state.py``), each timed in the same run;
* ``naive``: the usual ORM way for the stocks alone — per census date every student's state by
  ``students_as_of`` and a Python loop over the pupils counting them by township and grade; timed on
  ``--naive-years`` years (default 1) and scaled to the ten the engine reads (marked "*"), so the ratio is
  conservative (the naive loop does none of the flows, population or projection); up to ``--naive-max-scale``.

``--tile N`` (default 10; 0 to skip) then measures a registry N times the largest scale without generating it
(generating scale 100 takes hours and ~35 GB): the largest scale's database is copied (``CREATE DATABASE …
TEMPLATE``) to ``<db>_s<scale×N>t`` and made N times larger, set-based (``INSERT … SELECT … CROSS JOIN
generate_series``, one statement per table). ``--tile-mode townships`` (the default; the province figure):
copy k (1 … N − 1) is a county of its own, every id the source's + k × the table's largest id:

* areas: the county, its townships and villages (parent links inside the copy; codes: the county's six digits
  + k, so unique), schools (township, village, seats and kind as the source's; codes + k × 1000) and classes;
* the students: every student copied into copy k's schools, classes and villages (same grades, birth dates and
  status), so each copied school has exactly the pupils of its source school now;
* the events of the students who have a record after the base year's census (the routine run reads those, by
  the date index), with their copied students, schools, classes and villages;
* the stored census counts (``CensusCount``: closed years' stocks and the 6→7, 9→10 flows) per copied township
  (flows from copy k's township to copy k's township) and the population cells per copied village;
* no facilities projects (the generator makes none; the tiling stops if the source has any).

So scale 1 tiled ×100 is a province of 1,300 townships, ~5,500 schools and 9 M children, and every township of
copy k must get exactly its source township's figures (checked: children by level and year, seats). The big
tables' indexes and unique and foreign-key constraints are dropped for the load and rebuilt after it, in the same
transaction (the rebuilt constraints check every copied reference); the role needs no superuser rights.
``--tile-mode pupils``: the older tiling, N × the pupils in the same townships and schools (students, late
events; census counts and population cells multiplied by N); the part that grows with townships is then timed
apart with every township copied 100 times in Python from the stored counts.

Not at N ×: the rest of the events table (the history before the census, which only the rebuild reads): the
tiled county's rebuild is not measured (a rebuild there would read the source's events) — extrapolate it from
the generated scales and say so.

``--index-cost`` measures, on the largest generated scale, what ``student_in_school_idx`` costs writes: 100,000
in-school students inserted, and the grade of 100,000 pupils changed (the yearly promotion), each in a transaction
rolled back, with the index and with it dropped (in the same transaction), best of three.

The generator writes events only; the students' current state (which the enrolment services keep) is set from
their latest events before timing, then ``VACUUM ANALYZE`` (what autovacuum does after such a change; the
index-only scan relies on its visibility map). Prints the table, the ratios, and as its last line the JSON of
``make bench``. PostgreSQL: BENCH_PG_URL (default postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun) names the
server; ``--db`` (or BENCH_FORECAST_DB) the databases' prefix; ``--keep`` leaves the databases for a later
``--reuse``. ``--quick``: scale 1 tiled ×2, no naive loop, no index cost (a check that it runs).
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
PG_DB = os.environ.get("BENCH_FORECAST_DB", "jy_bench_forecast")  # a scale's database: <name>_s<scale>
TARGET_S = 10.0  # the requirement at scale 100 (a province), on PostgreSQL


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--tile", type=int, default=10, help="also measure the largest scale copied N times; 0: not")
    ap.add_argument(
        "--tile-mode", choices=("townships", "pupils"), default="townships",
        help="townships: each copy a county of its own (new townships, schools, villages); pupils: more pupils in"
        " the same townships",
    )  # fmt: skip
    ap.add_argument("--naive-years", type=int, default=1, help="census years timed by the naive loop (scaled to ten)")
    ap.add_argument("--naive-max-scale", type=int, default=10, help="skip the naive loop above this scale")
    ap.add_argument("--index-cost", action="store_true", help="write cost of student_in_school_idx (largest scale)")
    ap.add_argument("--db", default=PG_DB, help="database name prefix (env BENCH_FORECAST_DB)")
    ap.add_argument("--keep", action="store_true", help="leave the databases for a later --reuse")
    ap.add_argument("--reuse", action="store_true", help="measure the counties left by an earlier --keep run")
    ap.add_argument("--quick", action="store_true", help="scale 1 tiled ×2, no naive loop: a check that it runs")
    ap.add_argument("--worker", metavar="SCALE", help=argparse.SUPPRESS)
    ap.add_argument("--tile-from", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.quick:
        args.scales, args.tile, args.naive_max_scale, args.index_cost = "1", 2, 0, False
    if args.worker:
        worker(int(args.worker), args)
        return
    scales = [int(s) for s in args.scales.split(",")]
    runs = [(scale, f"{args.db}_s{scale}", 0) for scale in scales]
    if args.tile > 1:
        top = max(scales)
        runs.append((top * args.tile, f"{args.db}_s{top * args.tile}t", top))
    results = []
    for scale, db, source in runs:
        if source:  # a copy of the source scale's database, tiled by the worker
            if not (args.reuse and _pg_exists(db)):
                _pg(f"DROP DATABASE IF EXISTS {db}", f"CREATE DATABASE {db} TEMPLATE {args.db}_s{source}")
        elif not args.reuse or not _pg_exists(db):
            _pg(f"DROP DATABASE IF EXISTS {db}", f"CREATE DATABASE {db}")
        env = {**os.environ, "DATABASE_URL": PG_URL.rsplit("/", 1)[0] + f"/{db}"}
        cmd = [sys.executable, __file__, "--worker", str(scale), "--naive-years", str(args.naive_years),
               "--naive-max-scale", str(args.naive_max_scale), "--tile", str(args.tile),
               "--tile-mode", args.tile_mode]  # fmt: skip
        if source:
            cmd += ["--tile-from", str(source)]
        if args.index_cost and scale == max(scales) and not source:
            cmd.append("--index-cost")
        print(f"… postgres scale {scale}{' (tiled)' if source else ''} — {_load()}", file=sys.stderr, flush=True)
        out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stdout, out.stderr, file=sys.stderr)
            raise SystemExit(f"worker scale {scale} failed")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        if not args.keep and (not args.tile or scale != max(scales)):
            _pg(f"DROP DATABASE IF EXISTS {db}")
    if not args.keep:
        for _scale, db, _source in runs:
            _pg(f"DROP DATABASE IF EXISTS {db}")
    report(results)


def report(results: list[dict]) -> None:
    head = (
        f"{'scale':>7}{'towns':>7}{'students':>11}{'events':>11}{'set-up s':>10}{'rebuild s':>11}{'routine s':>11}"
        f"{'naive s':>10}{'naive/rout':>12}{'naive/rebuild':>15}{'again s':>9}{'reads s':>9}{'before s':>10}{'load':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        naive = r.get("naive")
        mark = "*" if r.get("naive_extrapolated") else ""
        rebuild, engine = r.get("rebuild"), r["engine"]
        print(
            f"{r['label']:>7}{r['townships']:>7}{r['students']:>11}{r['events']:>11}{r['generate']:>10.1f}"
            f"{(f'{rebuild:.2f}' if rebuild else '—'):>11}{r['engine']:>11.2f}"
            f"{(f'{naive:.1f}{mark}' if naive else '—'):>10}{(f'{naive / engine:.0f}×' if naive else '—'):>12}"
            f"{(f'{naive / rebuild:.1f}×' if naive and rebuild else '—'):>15}"
            f"{r['engine_again']:>9.2f}{r['reads']:>9.2f}{r['reads_before']:>10.2f}{r['load']:>7.2f}"
        )
    print("\nrebuild = forecast_compute reading all ten census years from the events (the yearly run, and the first);")
    print("routine = the routine run: closed years from the stored census counts, the base year from the students'")
    print("current state and the records since its census; both project, back-test and store the run.")
    print("again = the routine run once more in the same process (the first one is measured right after the")
    print("    rebuild, or, tiled, first in a new process on a database just copied).")
    print("naive = students_as_of + a Python loop per pupil, stocks only (* = scaled from fewer years).")
    print("reads = the students' table reads of a routine run (one pass); before = the three reads it replaced.")
    print("t = tiled from the largest generated scale: with --tile-mode townships (the default) N counties of their")
    print("    own (townships, villages, schools, classes, pupils, late records, census counts, population); with")
    print("    pupils, N × the pupils in the same townships. The events before the census are not copied: no rebuild")
    print("    there. towns = townships. load = 1-minute load average at the start.")
    print(f"Target: routine run ≤ {TARGET_S:.0f} s at scale 100 on PostgreSQL.")
    for r in results:
        for label, key in (("rebuild", "rebuild_parts"), ("routine", "parts")):
            if r.get(key):
                parts = "; ".join(f"{k} {v:.2f} s" for k, v in r[key].items())
                print(f"scale {r['label']} {label}: {parts}")
        if r.get("townships_scaling"):
            one, many = r["townships_scaling"]
            print(
                f"scale {r['label']}: projection, back-test and rates explained (Python) with {one['townships']}"
                f" townships {one['seconds']:.2f} s, with {many['townships']} (every township × 100)"
                f" {many['seconds']:.2f} s"
            )
        if "check_townships" in r:
            same, of, towns = r["check_townships"]
            print(
                f"scale {r['label']}: {towns} townships; townships whose every figure (children by level and year,"
                f" seats) equals their source township's: {same} of {of}"
            )
        if "check" in r:
            print(
                f"scale {r['label']}: observed years exactly N × the source's: {r['check_exact_history']};"
                f" every year within 1 % + 1: {r['check']}"
            )
        if r.get("index_cost"):
            c = r["index_cost"]
            print(
                f"scale {r['label']} student_in_school_idx write cost: insert {c['insert_with']:.0f} rows/s with,"
                f" {c['insert_without']:.0f} without; grade change {c['update_with']:.0f} rows/s with,"
                f" {c['update_without']:.0f} without (100,000 rows, best of 3)"
            )
    print(json.dumps({"bench": "forecast", "rows": json_rows(results)}, ensure_ascii=False))


def json_rows(results: list[dict]) -> list[dict]:
    rows = []
    naive_what = "naive students_as_of loop per pupil, stocks only, ten census years"
    for r in results:
        scale = int(r["scale"])
        at = f"{r['label']}×" + (" (tiled)" if r.get("tiled") else "") + f", {r['townships']} townships"
        naive = r.get("naive")
        met = r["engine"] <= TARGET_S if scale >= 100 else None
        rows.append({
            "figure": f"forecast routine run at {at}", "value": round(r["engine"], 3), "unit": "s",
            "baseline": naive_what, "baseline_value": round(naive, 1) if naive else None,
            "ratio": round(naive / r["engine"], 1) if naive else None,
            "target": "≤ 10 s at 100×", "met": met,
        })  # fmt: skip
        if r.get("rebuild"):
            rows.append({
                "figure": f"forecast rebuild (yearly run) at {at}", "value": round(r["rebuild"], 3), "unit": "s",
                "baseline": naive_what, "baseline_value": round(naive, 1) if naive else None,
                "ratio": round(naive / r["rebuild"], 1) if naive else None, "target": None, "met": None,
            })  # fmt: skip
        rows.append({
            "figure": f"students' table reads of a routine run at {at}", "value": round(r["reads"], 3), "unit": "s",
            "baseline": "the three separate reads before (stocks, entry ages, seat split)",
            "baseline_value": round(r["reads_before"], 3), "ratio": round(r["reads_before"] / r["reads"], 1),
            "target": None, "met": None,
        })  # fmt: skip
        if r.get("townships_scaling"):
            one, many = r["townships_scaling"]
            rows.append({
                "figure": f"forecast projection + back-test (Python) with {many['townships']} townships",
                "value": round(many["seconds"], 3), "unit": "s",
                "baseline": f"the same with the county's {one['townships']}", "baseline_value": round(one["seconds"], 3),
                "ratio": round(one["seconds"] / many["seconds"], 4), "target": None, "met": None,
            })  # fmt: skip
        if r.get("index_cost"):
            c = r["index_cost"]
            for what in ("insert", "update"):
                rows.append({
                    "figure": f"in-school students {'inserted' if what == 'insert' else 'regraded'} with"
                    f" student_in_school_idx at {at}", "value": round(c[f"{what}_with"]), "unit": "rows/s",
                    "baseline": "the same without the index", "baseline_value": round(c[f"{what}_without"]),
                    "ratio": round(c[f"{what}_without"] / c[f"{what}_with"], 2), "target": None, "met": None,
                })  # fmt: skip
    return rows


def _load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def _pg(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _pg_exists(db: str) -> bool:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone() is not None


def worker(scale: int, args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    load = os.getloadavg()[0]
    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.utils import timezone
    from indicators import generate  # bench/indicators.py: the same synthetic county

    from jiaoyun.forecast import conf, observe
    from jiaoyun.forecast.services import forecast_compute, last_observed_year
    from jiaoyun.people.models import EnrolmentEvent, Student

    today = timezone.localdate()
    base = last_observed_year(today)
    t0 = time.perf_counter()
    tiled = bool(args.tile_from)
    area_step = None
    if tiled:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_tiled') IS NOT NULL")
            done = cursor.fetchone()[0]
        reused = done
        from jiaoyun.forecast.models import ForecastRun

        if not done:
            source_run = ForecastRun.objects.filter(base_year=base).order_by("-id").first()  # the source's last run
            (tile_townships if args.tile_mode == "townships" else tile)(
                args.tile, base, source_run.pk if source_run else None
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM bench_tiled")
            row = cursor.fetchone()
            source_run = ForecastRun.objects.filter(pk=row[1]).first()
            area_step = row[2] if len(row) > 2 else None  # copy k's township = the source's + k × area_step
    else:
        reused = Student.objects.exists()
        if not reused:
            generate(scale)
            current_state()
    result: dict = {"scale": scale, "label": f"{scale}{'t' if tiled else ''}", "tiled": tiled, "load": load}
    from jiaoyun.areas.models import Area
    from jiaoyun.schools.models import School

    result["townships"] = Area.objects.filter(level="township").count()
    result["schools"] = School.objects.count()
    result["generate"] = 0.0 if reused else time.perf_counter() - t0
    result["students"] = Student.objects.count()
    result["events"] = EnrolmentEvent.objects.count()

    from jiaoyun.forecast import services

    parts: dict[str, float] = {}
    timed_parts = [(observe, name) for name in ("stocks", "current_state", "stocks_current", "flows", "population",
                                                "capacity")]  # fmt: skip
    # the Python part (projection and back-test; the rates' explanation) and the census counts' reads and writes
    timed_parts += [(services, name) for name in ("census_counts", "project", "_inputs_json")]
    for module, name in timed_parts:
        plain = getattr(module, name)

        def timed(*a, _f=plain, _n=name, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            out = _f(*a, **k)
            parts[_n] = parts.get(_n, 0.0) + time.perf_counter() - t
            return out

        setattr(module, name, timed)
    if not tiled:  # the tiled county's events before the census are the source's: no rebuild there
        t0 = time.perf_counter()
        forecast_compute(today=today, triggered_by="bench", rebuild=True)  # every census year from the events
        result["rebuild"] = time.perf_counter() - t0
        result["rebuild_parts"] = dict(parts)
        parts.clear()
    t0 = time.perf_counter()
    forecast_compute(today=today, triggered_by="bench")  # the routine run: the base year refreshed
    result["engine"] = time.perf_counter() - t0
    result["parts"] = dict(parts)
    t0 = time.perf_counter()
    forecast_compute(today=today, triggered_by="bench")  # once more: the process and the caches warm
    result["engine_again"] = time.perf_counter() - t0
    if tiled and source_run is not None:  # the tiled county's figures: N × the source's, history and projection
        from jiaoyun.forecast.models import ForecastRun

        run = ForecastRun.objects.order_by("-id").first()  # the routine run just measured
        a, b = source_run.results["series"]["county"], run.results["series"]["county"]
        result["check"] = all(
            abs(y - args.tile * x) <= 0.01 * args.tile * x + 1
            for lv in a
            for x, y in zip(a[lv]["children"], b[lv]["children"], strict=True)
        )
        result["check_exact_history"] = all(
            y == args.tile * x
            for lv in a
            for x, y in zip(a[lv]["children"][: run.base_year - run.first_year + 1],
                            b[lv]["children"][: run.base_year - run.first_year + 1], strict=True)
        )  # fmt: skip
        if area_step:  # every township of copy k: exactly the source township's children and seats, every year
            ids = [int(t["id"]) for t in source_run.results["townships"]]
            sa, sb = source_run.results["series"], run.results["series"]
            same = [sb[str(T + k * area_step)] == sa[str(T)] for k in range(args.tile) for T in ids]
            result["check_townships"] = [sum(same), len(same), len(sb) - 1]
    for module, name in timed_parts:
        setattr(module, name, getattr(module, name).__kwdefaults__["_f"])
    result["reads"], result["reads_before"] = reads(base)
    if scale <= args.naive_max_scale and args.naive_years > 0 and not tiled:
        years = [base - k for k in range(max(1, min(10, args.naive_years)))]
        t0 = time.perf_counter()
        naive_stocks(years)
        history = conf.get("FORECAST_HISTORY")
        result["naive"] = (time.perf_counter() - t0) * history / len(years)
        result["naive_extrapolated"] = len(years) != history
    if args.index_cost:
        result["index_cost"] = index_cost()
    if tiled and not area_step:  # pupils tiled in the same townships: the townships' part measured apart
        result["townships_scaling"] = townships_scaling(base, 1), townships_scaling(base, 100)
    print(json.dumps(result))


def townships_scaling(base: int, k: int) -> dict[str, float]:
    """The part of a run that grows with the number of townships, not pupils: the projection, the back-test and
    the explanation of the rates (pure Python on the matrices), on the county's stored counts and population
    with every township copied ``k`` times (a province of ``k`` such counties: flows only within each copy)."""
    from jiaoyun.forecast import conf, model, observe, services

    towns = [t["id"] for t in services.townships()]
    first = base - conf.get("FORECAST_HISTORY") + 1
    stocks, flows = services.census_counts(first=first, base=base)
    pop = observe.population(source=conf.get("FORECAST_POPULATION_SOURCE"))
    off = 10 ** (len(str(max(towns))) + 1)
    ids = [t + i * off for i in range(k) for t in towns]
    st = {(t + i * off, y, g): v for i in range(k) for (t, y, g), v in stocks.items()}
    fl = {(a + i * off, b + i * off, y, g): v for i in range(k) for (a, b, y, g), v in flows.items()}
    po = {(t + i * off, y, a): v for i in range(k) for (t, y, a), v in pop.items()}
    horizon, back = conf.get("FORECAST_HORIZON"), conf.get("FORECAST_BACKTEST_YEARS")
    t0 = time.perf_counter()
    _, P, rates = model.project(services._inputs(base, ids, st, fl, po, horizon))
    services._inputs_json(rates, ids, st, P, base)
    services._backtest(ids, st, fl, po, base - back, back)
    return {"townships": len(ids), "seconds": time.perf_counter() - t0}


def reads(base: int) -> tuple[float, float]:
    """The students' table reads of a routine run, now (one pass) and before (three reads), best of three each."""
    from jiaoyun.forecast import observe
    from jiaoyun.forecast.tests.test_current_state import old_entry_ages, old_school_grade_stock, old_stocks_current

    def now() -> None:
        current = observe.current_state()
        observe.stocks_current(base, current)
        observe.entry_ages(base, current)
        observe.school_grade_stock(current)

    def before() -> None:
        old_stocks_current(base)
        old_entry_ages(base)
        old_school_grade_stock()

    times: dict[str, list[float]] = {"now": [], "before": []}
    for _ in range(3):
        for name, f in (("now", now), ("before", before)):
            t = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t)
    return min(times["now"]), min(times["before"])


def tile(n: int, base: int, source_run: int | None) -> None:
    """Make the copied county ``n`` times larger in what the routine run reads (see the module's docstring)."""
    from django.db import connection, transaction
    from indicators import _drop_indexes

    from jiaoyun.forecast.observe import census

    with transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT MAX(id) FROM people_student")
        top = c.fetchone()[0]
        c.execute(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute"
            " WHERE attrelid = 'people_student'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'id'"
        )
        cols = c.fetchone()[0]
        c.execute(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute"
            " WHERE attrelid = 'people_enrolmentevent'::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attname NOT IN ('id', 'student_id')"
        )
        ecols = c.fetchone()[0]
        restore = _drop_indexes(c, ("people_student",))
        c.execute(
            f"INSERT INTO people_student (id, {cols}) SELECT st.id + k.k * %s, {', '.join(f'st.{x}' for x in cols.split(', '))}"
            " FROM people_student st CROSS JOIN generate_series(1, %s) AS k(k)",
            [top, n - 1],
        )
        for statement in restore:
            c.execute(statement)
        c.execute(
            f"INSERT INTO people_enrolmentevent (student_id, {ecols}) SELECT e.student_id + k.k * %s,"
            f" {', '.join(f'e.{x}' for x in ecols.split(', '))}"
            " FROM people_enrolmentevent e CROSS JOIN generate_series(1, %s) AS k(k)"
            " WHERE e.student_id IN (SELECT l.student_id FROM people_enrolmentevent l WHERE l.date > %s)",
            [top, n - 1, census(base)],
        )
        c.execute("UPDATE forecast_censuscount SET n = n * %s", [n])
        c.execute('UPDATE areas_populationcell SET "count" = "count" * %s', [n])
        c.execute("SELECT setval(pg_get_serial_sequence('people_student', 'id'), (SELECT MAX(id) FROM people_student))")
        c.execute("CREATE TABLE bench_tiled (n INTEGER, source_run BIGINT)")  # the source's run, for the check
        c.execute("INSERT INTO bench_tiled VALUES (%s, %s)", [n, source_run])
    connection.cursor().execute("VACUUM ANALYZE")


def _columns(c, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    c.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
        " ORDER BY attnum",
        [table],
    )
    return [r[0] for r in c.fetchall()]


def _copy(c, table: str, n: int, remap: dict[str, str | None], where: str = "", params: list | None = None) -> int:  # type: ignore[no-untyped-def]
    """Copy ``table``'s rows n − 1 times in one statement (copy k = 1 … n − 1, ``k.k`` in the expressions): each
    column as it is, or by its expression in ``remap`` over the row ``t`` (None: left to its default, the id)."""
    cols = [x for x in _columns(c, table) if remap.get(x, "") is not None]
    exprs = ", ".join(remap.get(x) or f"t.{x}" for x in cols)
    names = ", ".join(f'"{x}"' for x in cols)
    c.execute(
        f"INSERT INTO {table} ({names}) SELECT {exprs} FROM {table} t CROSS JOIN generate_series(1, %s) AS k(k)"
        f" {where}",
        [n - 1, *(params or [])],
    )
    return c.rowcount


def tile_townships(n: int, base: int, source_run: int | None) -> None:
    """A province of n counties: copy k (1 … n − 1) of the county is a county of its own — its areas (county,
    townships, villages, parent links kept inside the copy, codes made unique), its schools (seats and kinds as
    the source's), their classes, its pupils (in copy k's schools and villages), the events of the pupils with a
    record after the base year's census (what the routine run reads), the stored census counts and the
    population cells of its townships and villages. Every id of copy k is the source's plus k × the source's
    largest id of that table, so each copied township has exactly the figures of its source township. Set-based
    (INSERT … SELECT … CROSS JOIN generate_series), in one transaction; the big tables' indexes, unique and
    foreign-key constraints are dropped for the load and rebuilt after it (which checks every copied reference)."""
    from django.db import connection, transaction
    from indicators import _drop_indexes

    from jiaoyun.forecast.observe import census

    with transaction.atomic(), connection.cursor() as c:
        top = {}
        for table in ("areas_area", "schools_school", "schools_schoolclass", "people_student"):
            c.execute(f"SELECT COALESCE(MAX(id), 0), COUNT(*) FROM {table}")
            top[table], _count = c.fetchone()
        c.execute("SELECT COUNT(*), MAX(code::bigint) FROM schools_school")
        schools, code_max = c.fetchone()
        if schools >= 1000 or code_max + (n - 1) * 1000 >= 10**10:
            raise SystemExit("school codes: the copies' codes (+ k × 1000) would not be unique")
        c.execute("SELECT COUNT(*) FROM facilities_project")
        if c.fetchone()[0]:
            raise SystemExit("the source county has facilities projects: copy them too before tiling it")
        A, S, C, P = (top[t] for t in ("areas_area", "schools_school", "schools_schoolclass", "people_student"))

        def off(col: str, step: int) -> str:
            return f"t.{col} + k.k * {int(step)}"

        restore = _drop_indexes(
            c, ("people_student", "people_enrolmentevent", "areas_populationcell", "schools_schoolclass",
                "forecast_censuscount", "schools_school", "areas_area"),
        )  # fmt: skip
        _copy(c, "areas_area", n, {
            "id": off("id", A), "parent_id": off("parent_id", A), "name": "t.name || '·' || k.k",
            "code": "lpad((substr(t.code, 1, 6)::int + k.k)::text, 6, '0') || substr(t.code, 7)",
        })  # fmt: skip
        _copy(c, "schools_school", n, {
            "id": off("id", S), "parent_id": off("parent_id", S), "township_id": off("township_id", A),
            "village_id": off("village_id", A), "name": "t.name || '·' || k.k",
            "code": "(t.code::bigint + k.k * 1000)::text",
        })  # fmt: skip
        _copy(c, "schools_schoolclass", n, {"id": off("id", C), "school_id": off("school_id", S)})
        _copy(c, "people_student", n, {
            "id": off("id", P), "current_school_id": off("current_school_id", S),
            "current_class_id": off("current_class_id", C), "hukou_village_id": off("hukou_village_id", A),
            "residence_village_id": off("residence_village_id", A),
        })  # fmt: skip
        _copy(c, "people_enrolmentevent", n, {
            "id": None, "student_id": off("student_id", P), "school_id": off("school_id", S),
            "prev_school_id": off("prev_school_id", S), "grad6_school_id": off("grad6_school_id", S),
            "school_class_id": off("school_class_id", C), "student_village_id": off("student_village_id", A),
        }, "WHERE t.student_id IN (SELECT l.student_id FROM people_enrolmentevent l WHERE l.date > %s)",
            [census(base)])  # fmt: skip
        _copy(c, "forecast_censuscount", n, {
            "id": None, "township_id": off("township_id", A), "from_township_id": off("from_township_id", A),
        })  # fmt: skip
        _copy(c, "areas_populationcell", n, {"id": None, "area_id": off("area_id", A)})
        for statement in restore:
            c.execute(statement)
        for table in ("areas_area", "schools_school", "schools_schoolclass", "people_student"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        c.execute("CREATE TABLE bench_tiled (n INTEGER, source_run BIGINT, area_step BIGINT)")
        c.execute("INSERT INTO bench_tiled VALUES (%s, %s, %s)", [n, source_run, A])
    connection.cursor().execute("VACUUM ANALYZE")


def index_cost(rows: int = 100_000) -> dict[str, float]:
    """Rows/s inserting in-school students and changing pupils' grades, with ``student_in_school_idx`` and with
    it dropped, each in a transaction rolled back; best of three."""
    from django.db import connection, transaction

    with connection.cursor() as c:
        c.execute("SELECT MAX(id) FROM people_student")
        top = c.fetchone()[0]
        c.execute(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute"
            " WHERE attrelid = 'people_student'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'id'"
        )
        cols = c.fetchone()[0]
    qualified = ", ".join(f"st.{x}" for x in cols.split(", "))
    statements = {
        "insert": (
            f"INSERT INTO people_student (id, {cols}) SELECT st.id + %s, {qualified} FROM people_student st"
            " WHERE st.status = 'in_school' ORDER BY st.id LIMIT %s",
            [top, rows],
        ),
        "update": (
            "UPDATE people_student SET current_grade = current_grade + 1 WHERE id IN (SELECT id FROM people_student"
            " WHERE status = 'in_school' AND current_grade IS NOT NULL ORDER BY id LIMIT %s)",
            [rows],
        ),
    }
    best: dict[str, float] = {}
    for _ in range(3):
        for what, (sql, params) in statements.items():
            for with_index in (True, False):
                key = f"{what}_{'with' if with_index else 'without'}"
                with transaction.atomic(), connection.cursor() as c:
                    if not with_index:
                        c.execute("DROP INDEX student_in_school_idx")
                    t = time.perf_counter()
                    c.execute(sql, params)
                    took = time.perf_counter() - t
                    transaction.set_rollback(True)
                best[key] = max(best.get(key, 0.0), rows / took)
    return best


def current_state() -> None:
    """The generator writes events only; set each student's current state from their latest event, as the
    enrolment services keep it, then VACUUM ANALYZE as autovacuum would (part of the set-up, not measured)."""
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
    connection.cursor().execute("VACUUM ANALYZE people_student")


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
