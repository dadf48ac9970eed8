"""Benchmark: 学籍 corrections reaching the indicators incrementally (ADR 0043) against the full recompute.

    python bench/bench_incremental.py [--scales 1,10] [--dbs postgres,sqlite] [--corrections 1000] [--quick]

For each database and scale a worker process builds the synthetic county of ``bench/indicators.py``
(``generate``: 90,000 × scale students with ten-plus years of 学籍 events), then

1. runs the full recompute twice as production does: ten school years (the trends), then the default refresh
   (the current school year to date and the one before): the **baseline**, each timed. Before the incremental
   path a correction waited for the default refresh (queued after its commit, run by the task worker);
2. applies ``--corrections`` corrections, each in its own transaction through the people services, drawn
   at random (seeded) over the county's students: an event corrected in place by an import (its class, or
   its grade), a late dropout or transfer out recorded in the current or the past school year, a hukou
   village changed. The figures are updated inside each correction's transaction (``events_changing`` /
   ``events_written``), so they are correct when it commits: the time from the start of the correction to
   correct figures is the whole transaction's (reported per correction: median, p95, max; and in total),
   of which the indicators' share is reported apart;
3. checks the figures against a full recompute of the same periods (all values equal, to 1e-6).

PostgreSQL: the worker creates and drops its own database ``jy_c_bench_incremental`` on the server of
``BENCH_PG_URL`` (default postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun). ``--quick``: scale 1,
PostgreSQL if reachable else SQLite, 50 corrections. The last line printed is the JSON line of ``make bench``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun")
PG_DB = "jy_c_bench_incremental"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--dbs", default="postgres")
    ap.add_argument("--corrections", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--quick", action="store_true", help="scale 1, 50 corrections (under a minute or two)")
    ap.add_argument("--keep", action="store_true", help="PostgreSQL: leave the database for a later --reuse")
    ap.add_argument("--reuse", action="store_true", help="PostgreSQL: the county of an earlier --keep run")
    ap.add_argument("--worker", nargs=2, metavar=("DB", "SCALE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), args)
        return
    if args.quick:
        args.scales, args.corrections = "1", min(args.corrections, 50)
        args.dbs = "postgres" if _pg_reachable() else "sqlite"
    results = []
    for db in args.dbs.split(","):
        for scale in [int(s) for s in args.scales.split(",")]:
            env = dict(os.environ)
            if db == "sqlite":
                path = Path(tempfile.gettempdir()) / f"jy-c-bench-incremental-{scale}.sqlite3"
                path.unlink(missing_ok=True)
                env["DATABASE_URL"] = f"sqlite:///{path}"
            else:
                if not args.reuse:
                    _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
                    _pg(f"CREATE DATABASE {PG_DB}")
                env["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + f"/{PG_DB}"
            cmd = [sys.executable, __file__, "--worker", db, str(scale)]
            cmd += ["--corrections", str(args.corrections), "--seed", str(args.seed)]
            print(f"… {db} scale {scale}", file=sys.stderr, flush=True)
            try:
                out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
            finally:
                if db == "sqlite":
                    path.unlink(missing_ok=True)
                elif not args.keep:
                    _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
            if out.returncode != 0:
                print(out.stdout, out.stderr, file=sys.stderr)
                raise SystemExit(f"worker {db} {scale} failed")
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    _print(results)


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(sql)


def _pg_reachable() -> bool:
    try:
        _pg("SELECT 1")
    except Exception:
        return False
    return True


def _print(results: list[dict]) -> None:
    head = (
        f"{'db':<9}{'scale':>6}{'students':>10}{'events':>11}{'full 10y s':>11}{'full 2y s':>10}{'n':>6}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'ind p50':>8}{'total s':>9}{'equal':>7}{'load':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r['db']:<9}{r['scale']:>6}{r['students']:>10}{r['events']:>11}{r['full_10y']:>11.2f}{r['full_2y']:>10.2f}"
            f"{r['n']:>6}{r['p50'] * 1000:>8.0f}{r['p95'] * 1000:>8.0f}{r['max'] * 1000:>8.0f}"
            f"{r['ind_p50'] * 1000:>8.0f}{r['total']:>9.1f}{str(r['equal']):>7}{r['load']:>6.2f}"
        )
    print(
        "\nfull = indicators_compute of ten school years / the default refresh (current and previous year): the"
        " baseline, after which a queued correction's figures were right; p50/p95/max = one correction's"
        " transaction, figures included (right at its commit); ind = the indicators' share of it; total = all"
        " corrections; equal = the figures equal a full recompute afterwards; load = 1-minute load average"
        " before the corrections (2 cores, shared)."
    )
    for r in results:
        print(f"{r['db']} scale {r['scale']}: corrections by kind {r['kinds']}")
        for sec, n, sql in r.get("slowest", []):
            print(f"  {sec * 1000:7.1f} ms/correction in {n} × {sql}", file=sys.stderr)
    rows = []
    for r in results:
        base = r["full_2y"]
        rows.append(
            {
                "figure": f"学籍 correction to correct figures, p95 ({r['db']}, scale {r['scale']}, {r['n']} corrections)",
                "value": round(r["p95"], 4),
                "unit": "s",
                "baseline": "full recompute of the current and previous school year (the refresh a correction queued)",
                "baseline_value": round(base, 3),
                "ratio": round(base / r["p95"], 1) if r["p95"] else None,
                "target": "≤ 1 s at 100× (figures equal a full recompute)",
                "met": (r["p95"] <= 1.0 and r["equal"]) if r["scale"] >= 100 else None,
            }
        )
        rows.append(
            {
                "figure": f"{r['n']} corrections in total ({r['db']}, scale {r['scale']})",
                "value": round(r["total"], 2),
                "unit": "s",
                "baseline": "one full recompute of ten school years",
                "baseline_value": round(r["full_10y"], 3),
                "ratio": round(r["full_10y"] / r["total"], 2) if r["total"] else None,
                "target": None,
                "met": None,
            }
        )
    print(json.dumps({"bench": "incremental", "rows": rows}, ensure_ascii=False))


# ---------------------------------------------------------------------------------------------------------
# Worker.


def worker(db: str, scale: int, args: argparse.Namespace) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]  # this worktree's code, and bench/indicators.py
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from indicators import generate  # bench/indicators.py: the synthetic county

    from jiaoyun.core.schoolyear import SchoolYear
    from jiaoyun.indicators.compute import Period, default_as_of
    from jiaoyun.indicators.services import indicators_compute, indicators_refresh
    from jiaoyun.people.models import EnrolmentEvent, Student

    t0 = time.perf_counter()
    if not Student.objects.exists():  # (--reuse: the county of an earlier run is still there)
        generate(scale)
    print(f"generated in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    result: dict = {"db": db, "scale": scale, "students": Student.objects.count()}
    result["events"] = EnrolmentEvent.objects.count()
    current = SchoolYear.current()
    years = [current.shift(-k) for k in range(9, -1, -1)]
    t0 = time.perf_counter()
    indicators_compute(periods=[Period(y, default_as_of(y)) for y in years], triggered_by="bench")
    result["full_10y"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    indicators_refresh(triggered_by="bench")  # what a correction queued before the incremental path
    result["full_2y"] = time.perf_counter() - t0
    result["load"] = os.getloadavg()[0]

    spent = _timed_hooks()
    statements = _timed_statements()
    rng = random.Random(args.seed)
    times, shares, kinds = [], [], {}
    for _ in range(args.corrections):
        spent.clear()
        t0 = time.perf_counter()
        kind = _correct(rng, current)
        times.append(time.perf_counter() - t0)
        shares.append(sum(spent))
        kinds[kind] = kinds.get(kind, 0) + 1
    times.sort()
    result.update(
        n=len(times),
        p50=statistics.median(times),
        p95=times[int(0.95 * (len(times) - 1))],
        max=times[-1],
        total=sum(times),
        ind_p50=statistics.median(shares),
        kinds=kinds,
    )
    slow = sorted(((sum(t), len(t), sql) for sql, t in statements.items()), reverse=True)[:8]
    result["slowest"] = [(round(total / len(times), 4), n // len(times), sql) for total, n, sql in slow]
    result["equal"] = _equal_to_full_recompute()
    print(json.dumps(result))


def _timed_statements() -> dict[str, list[float]]:
    """Seconds per statement of the incremental path, by the statement's first words."""
    from jiaoyun.indicators.compute import incremental as compute
    from jiaoyun.indicators.services import incremental as service

    times: dict[str, list[float]] = {}
    for module, name in ((service, "_execute"), (compute, "_rows")):
        plain = getattr(module, name)

        def timed(sql, params=None, _plain=plain):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return _plain(sql, params)
            finally:
                text = " ".join(sql.split())
                times.setdefault(f"{text[:60]} … {text[-40:]}", []).append(time.perf_counter() - t)

        setattr(module, name, timed)
    return times


def _timed_hooks() -> list[float]:
    """Seconds spent in the indicators' hooks of each correction (the signal handlers call these by name)."""
    from jiaoyun.indicators.services import incremental

    spent: list[float] = []
    for name in ("indicators_before_events", "indicators_after_events"):
        plain = getattr(incremental, name)

        def timed(*, student_ids, _plain=plain):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return _plain(student_ids=student_ids)
            finally:
                spent.append(time.perf_counter() - t)

        setattr(incremental, name, timed)
    return spent


def _correct(rng: random.Random, current) -> str:  # type: ignore[no-untyped-def]
    """One correction in its own transaction, committed: an event corrected in place (class or grade), a late
    dropout or transfer out, or a hukou village."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jiaoyun.areas.models import Area
    from jiaoyun.core.errors import DomainError
    from jiaoyun.core.schoolyear import SchoolYear
    from jiaoyun.people.choices import IN_SCHOOL_EVENTS
    from jiaoyun.people.models import EnrolmentEvent, Student
    from jiaoyun.people.services.bulk import event_bulk_upsert
    from jiaoyun.people.services.enrolment import enrolment_record
    from jiaoyun.people.services.students import student_update
    from jiaoyun.schools.models import SchoolClass

    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM people_enrolmentevent")
        lo, hi = cursor.fetchone()
    window = current.shift(-1).start
    while True:
        event = EnrolmentEvent.objects.filter(id__gte=rng.randint(lo, hi)).order_by("id").first()
        if event is not None and event.date >= window:
            break
    choice = rng.random()
    with transaction.atomic():
        if choice < 0.5:
            other = (
                SchoolClass.objects.filter(
                    school_id=event.school_id, school_year=SchoolYear.of(event.date).start_year, grade=event.grade
                )
                .exclude(pk=event.school_class_id)
                .values_list("pk", flat=True)
                .first()
                if event.school_id and event.grade
                else None
            )
            grade = event.grade if other else (event.grade or 0) + rng.choice((-1, 1))
            fields = ("external_school", "study_level", "reason")
            record = {f: getattr(event, f) for f in fields} | {
                "student_id": event.student_id,
                "school_id": event.school_id,
                "grade": grade,
                "school_class_id": other,
            }
            event_bulk_upsert(new=[], updates=[(event.pk, record)], actor=None)
            return "event corrected (class)" if other else "event corrected (grade)"
        last = EnrolmentEvent.objects.filter(student_id=event.student_id).order_by("-date", "-seq").first()
        if choice < 0.8 and last is not None and last.kind in IN_SCHOOL_EVENTS and last.date >= window:
            student = Student.objects.get(pk=event.student_id)
            day = min(last.date + dt.timedelta(days=rng.randint(1, 120)), timezone.localdate())
            kind = rng.choice(("drop_out", "transfer_out"))
            try:
                with transaction.atomic():
                    enrolment_record(actor=None, student=student, kind=kind, date=day)
                return f"late {kind}"
            except DomainError:
                pass
        village = Area.objects.filter(level="village").order_by("?").first()
        student_update(actor=None, student=Student.objects.get(pk=event.student_id), hukou_village=village)
        return "hukou village"


def _equal_to_full_recompute() -> bool:
    from django.db import transaction

    from jiaoyun.indicators.compute.incremental import kept_periods, kept_runs
    from jiaoyun.indicators.models import IndicatorValue
    from jiaoyun.indicators.services import indicators_compute

    def figures() -> dict:
        rows = IndicatorValue.objects.values_list(
            "code", "level", "area_id", "school_id", "school_year", "as_of", "value", "numerator", "denominator",
            "extra",
        )  # fmt: skip
        r = lambda x: None if x is None else round(x, 6)  # noqa: E731
        return {tuple(k): (r(v), r(n), r(d), r(e)) for *k, v, n, d, e in rows}

    incremental = figures()
    periods = [p for run in kept_runs() for p in kept_periods(run)]

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            indicators_compute(periods=periods, triggered_by="bench check")
            raise Rollback(figures())
    except Rollback as done:
        full = done.args[0]
    differ = [k for k in set(incremental) | set(full) if incremental.get(k) != full.get(k)]
    if differ:
        print(f"{len(differ)} figures differ, e.g. {sorted(differ, key=str)[:3]}", file=sys.stderr)
    return not differ


if __name__ == "__main__":
    main()
