"""Benchmark: full recompute of every indicator, all areas, ten school years.

    python bench/indicators.py [--scales 1,10] [--dbs sqlite,postgres] [--naive-max-scale 10]

For each database and scale a worker process builds a synthetic county directly with set-based SQL
(13 townships × 8 villages, ~55 schools, 90,000 × scale students with ten-plus years of 学籍 events,
population cells, teachers, classes), then measures

* ``engine``: ``indicators_compute`` for ten school years (the production path);
* ``naive``: a per-school ORM loop (one ``students_as_of`` query per school and year, Python counting)
  computing only the stock enrolment measures — a subset of the engine's work, so the ratio is
  conservative; it runs on ``--naive-years`` years (default 1) and is scaled to ten (marked "*"), up to
  ``--naive-max-scale`` (default 1: at scale 10 one naive year takes several minutes);
* ``duckdb``: the same SQL pipeline (``jiaoyun.indicators.compute.run.pipeline``) run by DuckDB over the
  same rows exported to Parquet (export time reported separately);
* ``dashboard``: median server time of the dashboard page at that scale (Django test client).

PostgreSQL: DATABASE_URL of the server (default postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun);
the worker creates and drops its own database ``jy_bench_indicators`` (``--keep`` leaves it, ``--reuse``
measures the county left by an earlier ``--keep`` run of the same scale instead of generating it again:
scale 100 takes about half an hour to generate). The generator loads students and events with their
indexes and foreign keys dropped and rebuilt afterwards, and writes the event chain (``until``, previous
school, flow, primary graduation, the student's birth date and village) with the rule of
``people.services.chain``. Below the table: the number of spans the events collapse into and the engine's
slowest statements.
"""

# The generator's statements are built from fixed table and column names and the scale (an int) only; values
# that vary are bound.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun")
PG_DB = os.environ.get("BENCH_PG_DB_PREFIX", "jy_bench_") + "indicators"
STUDENTS_PER_SCALE = 90000  # scale 1 ≈ the demo county (demo_data --scale 1): ~89,000 children
TOWNSHIPS = 13
VILLAGES_PER_TOWNSHIP = 8


# ---------------------------------------------------------------------------------------------------------
# Parent: one worker process per (database, scale); print the table.


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--dbs", default="sqlite,postgres")
    ap.add_argument("--naive-max-scale", type=int, default=1)
    ap.add_argument("--naive-years", type=int, default=1, help="years measured by the naive loop (scaled to ten)")
    ap.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB comparison (and its export)")
    ap.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: keep the county of an earlier --keep run of that scale"
    )
    ap.add_argument("--keep", action="store_true", help="PostgreSQL: leave the database for a later --reuse")
    ap.add_argument("--worker", nargs=2, metavar=("DB", "SCALE"), help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="scale 1 on PostgreSQL, naive loop on one year")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), args)
        return
    if args.quick:
        args.scales, args.dbs, args.naive_max_scale, args.naive_years, args.keep = "1", "postgres", 1, 1, False
    results = []
    for db in args.dbs.split(","):
        for scale in [int(s) for s in args.scales.split(",")]:
            env = dict(os.environ)
            if db == "sqlite":
                path = Path(tempfile.gettempdir()) / f"jy-bench-indicators-{scale}.sqlite3"
                path.unlink(missing_ok=True)
                env["DATABASE_URL"] = f"sqlite:///{path}"
            else:
                if not args.reuse:
                    _pg_recreate()
                env["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + f"/{PG_DB}"
            cmd = [sys.executable, __file__, "--worker", db, str(scale)]
            cmd += ["--naive-max-scale", str(args.naive_max_scale), "--naive-years", str(args.naive_years)]
            cmd += ["--no-duckdb"] if args.no_duckdb else []
            print(f"… {db} scale {scale}", file=sys.stderr, flush=True)
            out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
            if out.returncode != 0:
                print(out.stdout, out.stderr, file=sys.stderr)
                raise SystemExit(f"worker {db} {scale} failed")
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            if db == "postgres" and not args.keep:
                _pg_drop()
    _print_table(results)
    print(json.dumps(json_line(results), ensure_ascii=False))


def json_line(results: list[dict]) -> dict:
    """The line ``make bench`` gathers: the engine against the naive loop (and DuckDB where run), per database and
    scale; the ratio is baseline ÷ engine. Targets (the issue of the engine): ≤ 60 s at scale 100 on PostgreSQL,
    ≥ 50× the naive loop."""
    rows = []
    for r in results:
        name = {"postgres": "PostgreSQL", "sqlite": "SQLite"}.get(r["db"], r["db"])
        where = f"scale {r['scale']} ({r['students']:,} children, {r['events']:,} events), {name}"
        naive = r.get("naive")
        rows.append({
            "figure": f"indicators full recompute, 10 years, {where}", "value": round(r["engine"], 2), "unit": "s",
            "baseline": "per-school ORM loop" + (" (one year, ×10)" if r.get("naive_extrapolated") else ""),
            "baseline_value": round(naive, 1) if naive else None,
            "ratio": round(naive / r["engine"], 1) if naive else None,
            "target": "≤ 60 s at scale 100 on PostgreSQL; ≥ 50× the loop",
            "met": (r["engine"] <= 60) if (r["scale"] >= 100 and r["db"] == "postgres")
            else (naive / r["engine"] >= 50) if (naive and r["db"] == "postgres") else None,
        })  # fmt: skip
        if r.get("duckdb"):
            rows.append({
                "figure": f"indicators SQL pipeline, {where}", "value": round(r["engine"], 2), "unit": "s",
                "baseline": "DuckDB over Parquet (same SQL)", "baseline_value": round(r["duckdb"], 2),
                "ratio": round(r["duckdb"] / r["engine"], 2), "target": None, "met": None,
            })  # fmt: skip
        rows.append({
            "figure": f"dashboard page, median, {where}", "value": round(r.get("dashboard_ms", 0)), "unit": "ms",
            "baseline": None, "baseline_value": None, "ratio": None, "target": "≤ 100 ms at scale 10",
            "met": (r.get("dashboard_ms", 0) <= 100) if r["scale"] >= 10 else None,
        })  # fmt: skip
    return {"bench": "indicators", "rows": rows}


def _pg_admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True)


def _pg_recreate() -> None:
    with _pg_admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def _pg_drop() -> None:
    with _pg_admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


def _print_table(results: list[dict]) -> None:
    head = (
        f"{'db':<9}{'scale':>6}{'students':>10}{'events':>10}{'gen s':>8}{'engine s':>10}{'cpu s':>7}{'naive s':>10}"
        f"{'naive/eng':>11}{'duckdb s':>10}{'eng/duck':>10}{'export s':>10}{'dash ms':>9}{'rows':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        naive = r.get("naive")
        ratio = f"{naive / r['engine']:.1f}×" if naive else "—"
        mark = "*" if r.get("naive_extrapolated") else ""
        duck = r.get("duckdb")
        eng_duck = f"{r['engine'] / duck:.2f}" if duck else "—"
        print(
            f"{r['db']:<9}{r['scale']:>6}{r['students']:>10}{r['events']:>10}{r['generate']:>8.1f}{r['engine']:>10.2f}"
            f"{r.get('engine_cpu', 0):>7.1f}"
            f"{(f'{naive:.1f}{mark}' if naive else '—'):>10}{ratio:>11}"
            f"{(f'{duck:.2f}' if duck else '—'):>10}{eng_duck:>10}"
            f"{r.get('export', 0):>10.1f}{r.get('dashboard_ms', 0):>9.0f}{r['rows']:>8}"
        )
    print("\nengine = indicators_compute, 10 school years, all indicators × county/townships/villages/schools;")
    print("cpu = busy CPU seconds of the whole machine (2 cores, database server included) during the engine run;")
    print("naive = per-school ORM loop over students_as_of (stock measures only; * = scaled from fewer years);")
    print("duckdb = the same SQL pipeline in DuckDB over Parquet exports of the same rows; dash = dashboard median.")
    for r in results:
        slow = "; ".join(f"{sec:.1f} s {sql[:40]}…" for sec, sql in r.get("slowest", []))
        spans = f"{r['spans']} spans from {r['events']} events; " if "spans" in r else ""
        print(f"{r['db']} scale {r['scale']}: {spans}slowest statements: {slow}")
    checks = [r for r in results if "duckdb_match" in r]
    if checks:
        print("DuckDB figures equal the database figures:", all(r["duckdb_match"] for r in checks))


# ---------------------------------------------------------------------------------------------------------
# Worker.


def worker(db: str, scale: int, args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    from _indicators_baselines import duckdb_run, naive_loop  # bench/, beside this file

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from jiaoyun.core.schoolyear import SchoolYear
    from jiaoyun.indicators.compute import Period, default_as_of
    from jiaoyun.indicators.demo import seed_targets
    from jiaoyun.indicators.services import indicators_compute
    from jiaoyun.people.models import EnrolmentEvent, Student

    t0 = time.perf_counter()
    reused = Student.objects.exists()  # --reuse: the county of an earlier run is still there
    if not reused:
        generate(scale)
        seed_targets()
    result: dict = {"db": db, "scale": scale, "generate": 0.0 if reused else time.perf_counter() - t0}
    result["students"] = Student.objects.count()
    result["events"] = EnrolmentEvent.objects.count()
    current = SchoolYear.current()
    years = [current.shift(-k) for k in range(9, -1, -1)]
    periods = [Period(y, default_as_of(y)) for y in years]
    from jiaoyun.indicators.services import recompute as compute  # the module whose executor the run calls

    timed: list[tuple[float, str]] = []
    plain = compute._execute

    def execute(sql: str, params: dict) -> int:  # the engine's statements, timed (negligible overhead)
        t = time.perf_counter()
        n = plain(sql, params)
        timed.append((time.perf_counter() - t, " ".join(sql.split())[:70]))
        if sql.startswith("CREATE TEMP TABLE jy_spans") and n >= 0:
            result["spans"] = n
        return n

    compute._execute = execute  # type: ignore[assignment]
    t0, c0 = time.perf_counter(), machine_cpu()
    run = indicators_compute(periods=periods, triggered_by="bench")
    compute._execute = plain  # type: ignore[assignment]
    result["slowest"] = sorted(timed, reverse=True)[:4]
    result["engine"] = time.perf_counter() - t0
    result["engine_cpu"] = machine_cpu() - c0
    result["rows"] = run.rows
    if scale <= args.naive_max_scale:
        n_years = max(1, min(10, args.naive_years))
        t0 = time.perf_counter()
        naive_loop(periods[-n_years:])
        result["naive"] = (time.perf_counter() - t0) * 10 / n_years
        result["naive_extrapolated"] = n_years != 10
    if not args.no_duckdb:
        with contextlib.suppress(ImportError):
            result.update(duckdb_run(periods))
    result["dashboard_ms"] = dashboard_ms()
    print(json.dumps(result))


def machine_cpu() -> float:
    """CPU seconds the whole machine spent busy (all processes, the database server included), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def generate(scale: int) -> None:
    """A synthetic county: areas, schools, classes and teachers with the ORM (few rows), students, events and
    population with set-based SQL."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jiaoyun.areas.models import Area, PopulationCell
    from jiaoyun.core.schoolyear import SchoolYear
    from jiaoyun.people.models import Teacher, TeacherAssignment
    from jiaoyun.people.services.chain import GRAD6, flow_sql, grad6_count_sql, grad6_sql
    from jiaoyun.schools.models import School

    n = STUDENTS_PER_SCALE * scale
    today = timezone.localdate()
    cy = SchoolYear.of(today).start_year
    b0 = cy - 20  # birth years b0 .. b0+18
    if connection.vendor == "sqlite":
        # One transaction of tens of GB: in WAL mode the file would hold it twice (WAL, then checkpoint).
        connection.cursor().execute("PRAGMA journal_mode=DELETE")
    with transaction.atomic():
        county = Area.objects.create(code="530521", name="施甸县", level="county")
        villages = []
        schools: list[tuple[int, str, int, School]] = []  # (township idx or -1, level, idx, school)
        code = iter(range(2153000000, 2153999999))
        for t in range(TOWNSHIPS):
            town = Area.objects.create(code=f"530521{100 + t:03d}", name=f"乡镇{t}", level="township", parent=county)
            for v in range(VILLAGES_PER_TOWNSHIP):
                villages.append(
                    Area.objects.create(code=f"{town.code}{v + 1:03d}", name=f"村{t}-{v}", level="village", parent=town)
                )
            own = "public" if t % 3 else "inclusive_private"
            schools.append((t, "kg", 0, School(code=str(next(code)), name=f"幼儿园{t}", kind="kindergarten",
                                                ownership=own, township=town)))  # fmt: skip
            for i in range(2):
                schools.append((t, "pri", i, School(code=str(next(code)), name=f"小学{t}-{i}", kind="primary",
                                                    township=town)))  # fmt: skip
            schools.append((t, "jun", 0, School(code=str(next(code)), name=f"初中{t}", kind="junior", township=town)))
        seat = Area.objects.get(code="530521100")
        for i in range(2):
            schools.append((-1, "sen", i, School(code=str(next(code)), name=f"高中{i}", kind="senior", township=seat)))
        schools.append((-1, "voc", 0, School(code=str(next(code)), name="职中", kind="vocational", township=seat)))
        School.objects.bulk_create([s for *_, s in schools])
        saved = {s.code: s for s in School.objects.all()}
        schools = [(t, lvl, i, saved[s.code]) for t, lvl, i, s in schools]
        per_school = max(2, n // len(schools) // 14)
        teachers = [
            Teacher(name=f"T{s.pk}-{k}", sex="F", birth_date=dt.date(1985, 1, 1), school=s, post_type="teacher")
            for *_, s in schools
            for k in range(per_school)
        ]
        Teacher.objects.bulk_create(teachers, batch_size=2000)
        TeacherAssignment.objects.bulk_create(
            [TeacherAssignment(teacher=t, school_id=t.school_id, start=dt.date(2010, 9, 1)) for t in
             Teacher.objects.only("id", "school_id")], batch_size=2000,
        )  # fmt: skip
        per_cell = max(1, round(n / (19 * len(villages) * 2) * 1.05))
        PopulationCell.objects.bulk_create(
            [
                PopulationCell(area=v, year=y, age=a, sex=sex, source="hukou", count=per_cell + (a + v.pk) % 2)
                for v in villages
                for y in range(cy - 12, cy + 1)
                for a in range(0, 21)
                for sex in ("M", "F")
            ],
            batch_size=5000,
        )
        with connection.cursor() as c:
            c.execute("CREATE TABLE bench_k (k INTEGER)")
            c.executemany("INSERT INTO bench_k VALUES (%s)", [(k,) for k in range(16)])
            c.execute("CREATE TABLE bench_n (i INTEGER)")
            c.executemany("INSERT INTO bench_n VALUES (%s)", [(i,) for i in range(1000)])
            c.execute(
                "CREATE TABLE bench_cal (y INTEGER, sep1 DATE, oct15 DATE, jul1n DATE, mar1n DATE, may1n DATE,"
                " birth0 DATE, birth1 DATE)"
            )
            c.executemany(
                "INSERT INTO bench_cal VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (y, dt.date(y, 9, 1), dt.date(y, 10, 15), dt.date(y + 1, 7, 1), dt.date(y + 1, 3, 1),
                     dt.date(y + 1, 5, 1), dt.date(y, 3, 15), dt.date(y, 10, 15))
                    for y in range(b0 - 1, cy + 2)
                ],
            )  # fmt: skip
            c.execute("CREATE TABLE bench_v (idx INTEGER, village_id BIGINT, tw INTEGER)")
            c.executemany(
                "INSERT INTO bench_v VALUES (%s, %s, %s)",
                [(i, v.pk, i // VILLAGES_PER_TOWNSHIP) for i, v in enumerate(villages)],
            )
            c.execute("CREATE TABLE bench_s (tw INTEGER, lvl VARCHAR(5), idx INTEGER, school_id BIGINT)")
            c.executemany(
                "INSERT INTO bench_s VALUES (%s, %s, %s, %s)", [(t, lvl, i, s.pk) for t, lvl, i, s in schools]
            )
            nv = len(villages)
            nc = 1 + scale // 5  # classes per school, year and grade
            now = timezone.now()
            restore = _drop_indexes(c, ("people_student", "people_enrolmentevent"))
            # students: id = 1..n from bench_n × bench_n
            c.execute(
                "INSERT INTO people_student (id, id_cipher, id_masked, student_no_cipher, student_no_masked, name, sex,"
                " birth_date, ethnicity, hukou_village_id, guardian_name, guardian_phone, left_behind, disability,"
                " poverty, orphan, migrant, status, created_at, updated_at)"
                " SELECT x.i, '', '', '', '', 'S', CASE WHEN x.i %% 2 = 0 THEN 'M' ELSE 'F' END,"
                " CASE WHEN x.i %% 2 = 0 THEN cal.birth0 ELSE cal.birth1 END, '01', v.village_id, '', '', FALSE,"
                " '', '', '', FALSE, 'in_school', %s, %s"
                " FROM (SELECT c.i * 1000000 + a.i * 1000 + b.i + 1 AS i FROM bench_n a CROSS JOIN bench_n b"
                " CROSS JOIN (SELECT i FROM bench_n WHERE i <= %s) c) x"
                " JOIN bench_cal cal ON cal.y = %s + x.i %% 19 JOIN bench_v v ON v.idx = x.i %% %s"
                " WHERE x.i <= %s",
                [now, now, (n - 1) // 1000000, b0, nv, n],
            )
            # classes of primary and junior schools
            c.execute(
                "INSERT INTO schools_schoolclass (school_id, school_year, grade, number, name)"
                " SELECT s.school_id, cal.y, g.k, num.k + 1, '' FROM bench_s s CROSS JOIN bench_cal cal"
                " JOIN bench_k g ON (s.lvl = 'pri' AND g.k BETWEEN 1 AND 6) OR (s.lvl = 'jun' AND g.k BETWEEN 7 AND 9)"
                " JOIN bench_k num ON num.k < %s WHERE cal.y <= %s",
                [nc, cy],
            )
            # the path of each student: kindergarten at 3, a grade a year; some repeat, drop out, leave, die
            path = (
                "SELECT s.id AS sid, k.k, %(b0)s + s.id %% 19 + 3 + k.k AS y, v.tw,"
                " k.k - 2 - CASE WHEN s.id %% 37 = 5 AND k.k >= 6 THEN 1 ELSE 0 END AS g,"
                " CASE WHEN s.id %% 37 = 5 AND k.k = 6 THEN 1 ELSE 0 END AS rep"
                " FROM people_student s CROSS JOIN bench_k k JOIN bench_v v ON v.village_id = s.hukou_village_id"
            )
            keep = (
                "x.g <= 12 AND NOT (x.sid %% 50 = 1 AND x.g > 8) AND NOT (x.sid %% 61 = 2 AND x.g > 4)"
                " AND NOT (x.sid %% 211 = 3 AND x.g > 5) AND NOT (x.sid %% 7 = 4 AND x.g >= 10)"
            )
            school = (
                "JOIN bench_s bs ON bs.tw = CASE WHEN x.g >= 10 THEN -1 ELSE x.tw END"
                " AND bs.lvl = CASE WHEN x.g <= 0 THEN 'kg' WHEN x.g <= 6 THEN 'pri' WHEN x.g <= 9 THEN 'jun'"
                " WHEN x.sid %% 3 = 0 THEN 'voc' ELSE 'sen' END"
                " AND bs.idx = CASE WHEN x.g BETWEEN 1 AND 6 THEN x.sid %% 2"
                " WHEN x.g >= 10 AND x.sid %% 3 <> 0 THEN x.sid %% 2 ELSE 0 END"
                " JOIN bench_cal c ON c.y = x.y"
            )
            # events go to a staging table first, then into people_enrolmentevent in one pass that also writes
            # the chain (until, previous school, flow, primary graduation, the student's birth date and village) with the rule of
            # people.services.chain.events_link
            c.execute(
                "CREATE TABLE bench_ev (student_id BIGINT, kind VARCHAR(20), date DATE, seq INTEGER, school_id BIGINT,"
                " grade INTEGER, school_class_id BIGINT, external_school VARCHAR(100), reason VARCHAR(200),"
                " recorded_at TIMESTAMP)"
            )
            cols = (
                "INSERT INTO bench_ev (student_id, kind, date, seq, school_id, grade, school_class_id,"
                " external_school, reason, recorded_at) "
            )
            params = {"b0": b0, "today": today, "now": now, "nc": nc}
            # enrolments, promotions, repeats (with a class for grades 1–9)
            c.execute(
                cols + "SELECT x.sid, CASE WHEN x.rep = 1 THEN 'repeat' WHEN x.k = 0 OR x.g IN (1, 7, 10)"
                " THEN 'enrol' ELSE 'promote' END, c.sep1, 0, bs.school_id, x.g, sc.id, '', '', %(now)s"
                f" FROM ({path}) x {school}"
                " LEFT JOIN schools_schoolclass sc ON sc.school_id = bs.school_id AND sc.school_year = x.y"
                " AND sc.grade = x.g AND sc.number = 1 + x.sid %% %(nc)s"
                f" WHERE {keep} AND c.sep1 <= %(today)s",
                params,
            )
            # graduations at the end of kindergarten, primary, junior and senior
            c.execute(
                cols + "SELECT x.sid, 'graduate', c.jul1n, 0, bs.school_id, x.g, NULL, '', '', %(now)s"
                f" FROM ({path}) x {school} WHERE {keep} AND x.g IN (0, 6, 9, 12) AND c.jul1n <= %(today)s"
                " AND NOT (x.sid %% 50 = 1 AND x.g = 8)",
                params,
            )
            # dropouts in grade 8, departures in grade 4, deaths in grade 5
            for kind, grade, date_col, mod, rest in (
                ("drop_out", 8, "oct15", "x.sid %% 50 = 1", ""),
                ("out_of_county", 4, "mar1n", "x.sid %% 61 = 2", ""),
                ("death", 5, "may1n", "x.sid %% 211 = 3", ""),
            ):
                school_col = "NULL" if kind == "out_of_county" else "bs.school_id"
                c.execute(
                    cols + f"SELECT x.sid, '{kind}', c.{date_col}, 1, {school_col}, x.g, NULL, '', '', %(now)s"
                    f" FROM ({path}) x {school} WHERE {mod} AND x.g = {grade} AND c.{date_col} <= %(today)s{rest}",
                    params,
                )
            c.execute(
                "INSERT INTO people_enrolmentevent (student_id, kind, date, seq, school_id, grade, school_class_id,"
                " external_school, reason, recorded_at, until, prev_school_id, flow, grad6_date, grad6_school_id,"
                " student_birth, student_village_id)"
                " SELECT v.student_id, v.kind, v.date, v.seq, v.school_id, v.grade, v.school_class_id,"
                " v.external_school, v.reason, v.recorded_at, v.until, v.prev_school_id, v.flow,"
                f" {grad6_sql('date')}, {grad6_sql('school_id')}, v.student_birth, v.student_village_id FROM"
                " (SELECT e.*, s.birth_date AS student_birth, s.hukou_village_id AS student_village_id,"
                " LAG(e.date) OVER w AS until, LEAD(e.school_id) OVER w AS prev_school_id,"
                f" {flow_sql()} AS flow, CASE WHEN {GRAD6} THEN 1 ELSE 0 END AS g6, {grad6_count_sql()} AS g6n"
                " FROM bench_ev e JOIN people_student s ON s.id = e.student_id WINDOW w AS (PARTITION BY e.student_id ORDER BY e.date DESC, e.seq DESC)) v"
                " WINDOW g AS (PARTITION BY v.student_id, v.g6n)"
            )
            for statement in restore:
                c.execute(statement)
            for t in ("bench_k", "bench_n", "bench_cal", "bench_v", "bench_s", "bench_ev"):
                c.execute(f"DROP TABLE {t}")
            if connection.vendor == "postgresql":
                c.execute(
                    "SELECT setval(pg_get_serial_sequence('people_student', 'id'), (SELECT MAX(id) FROM people_student))"
                )
        connection.cursor().execute("ANALYZE")
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA journal_mode=WAL")  # as configured for the application


def _drop_indexes(cursor, tables: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    """Bulk load: drop the tables' secondary indexes, and on PostgreSQL their unique and foreign-key constraints
    (per-row index upkeep and deferred FK checks at commit would dominate the load); return the statements that
    rebuild them."""
    if cursor.db.vendor == "sqlite":  # indexes (unique ones included) are plain CREATE INDEX statements
        names = ", ".join(f"'{t}'" for t in tables)
        cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({names})"
                       " AND sql IS NOT NULL")  # fmt: skip
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        return [ddl for _, ddl in indexes]
    if cursor.db.vendor != "postgresql":
        return []
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks already queued run now (no pending trigger events)
    names = ", ".join(f"'{t}'::regclass" for t in tables)
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        f" WHERE conrelid IN ({names}) AND contype IN ('f', 'u')"
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        f" WHERE i.indrelid IN ({names}) AND NOT i.indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
    )
    indexes = cursor.fetchall()
    for table, name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [ddl for _, ddl in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}' for table, name, ddl in constraints
    ]


def dashboard_ms() -> float:
    from django.test import Client
    from django.utils import timezone

    from jiaoyun.core.choices import Role
    from jiaoyun.core.models import User

    # a password just set: an expired one would send every page to the password change
    user, _ = User.objects.update_or_create(
        username="bench_admin", defaults={"role": Role.COUNTY_ADMIN, "password_changed_at": timezone.now()}
    )
    client = Client()
    client.force_login(user)
    client.get("/indicators/")  # warm-up
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        response = client.get("/indicators/")
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


if __name__ == "__main__":
    main()
