"""Benchmark: the whole 四查三比对 (``crossmatch_run``) at county and province scale, against the row-by-row
baseline measured in the same run.

    python bench/dropout_crossmatch.py [--db sqlite|postgres] [--scale 1,10,100] [--baseline-max 10] [--quick]
                                       [--keep] [--reuse] [--build-only] [--fresh-roster] [--no-rerun]

``--scale N`` builds N × the demo county (90,000 children aged 0–18 each; 9 M at N = 100): N × 10 townships of
10 villages, a 小学 and an 初中 per township, the 包保责任人 of both lines, the register (``people_student``), the
police 户籍 roster (``dropout_hukourecord``, the county's children) and the class registers' 旷课 days. The mix,
per 10,000 children (by a fixed hash of the child's number, so every scale has the same shares):

* 7 only on the roster with an ID number and 3 without one (never registered: a roster student and a 失学 case
  each), 5 registered but never enrolled (户籍有、无学籍 → 失学), 2 with 学籍 status 辍学, 2 absent without leave on
  each of the last 5 school days (名在人不在) and 6 on only 3 of them (not a hit);
* 50 deaths (死亡 in the register, still on the police roster), 500 studying outside the county (外县就读),
  300 only in the register (随迁子女: no 户籍 here, not on the roster), 20 on the roster without an ID number
  but registered with one (linked by name and birth date, or left as ambiguous when names collide);
* the rest matched (same ID number on both sides), in school by age; 8 % from 脱贫/监测 households.

ID numbers are valid GB 11643 numbers (check digit included), one per child, hashed (HMAC-SM3) and encrypted
(SM4-GCM) exactly as ``jiaoyun.core.idcard`` stores them (same keys and format, checked on the first rows). Those
two need Python, so one pool row per child (number's hash, cipher, mask, birth date, name, place) is computed in
Python and COPYed; every table is then filled by ``INSERT … SELECT`` from that pool. On PostgreSQL the filled
tables' secondary indexes and unique and foreign-key constraints are dropped for the fill and put back after it,
identical (definitions read from the catalogue): 100× builds in about 16 minutes instead of an hour.

The roster is what its import writes (ADR 0050): a record with an ID number, of compulsory age on the import
day (the run's day), carries the student with that ID hash (one join, the import's rule). ``--fresh-roster``
builds it as imported before that (nothing linked): the first run then links it all.

Measured at each scale, on the same data (each run in a transaction that is rolled back, so that the database
stays as built for ``--reuse``; then VACUUM ANALYZE):

* ``baseline``: ``crossmatch_run`` as before the set-based pass (``bench/_crossmatch_baseline.py``: a roster
  student and a case opened one by one through the services, the linked roster read into a dict) — only up to
  ``--baseline-max``; beyond that it is extrapolated linearly from the largest scale measured in the run, or
  from ``--baseline-from SCALE=SECONDS`` (a figure measured in an earlier run), labelled so;
* ``crossmatch``: today's ``crossmatch_run``, a month's run (both must give the same figures, checked);
* ``re-run``: ``crossmatch_run`` again on the same day, as the next run finds the county: the roster linked,
  the cases open (after an untimed first run in the same transaction; ``--no-rerun`` skips it).

The deferred foreign-key checks a commit runs are forced (``SET CONSTRAINTS ALL IMMEDIATE``) inside each
measurement.

PostgreSQL: a database per scale, ``jy_c_crossmatch_s<N>`` (``_fresh`` with ``--fresh-roster``), created from a
migrated template ``jy_c_crossmatch_tpl``; all dropped at the end unless ``--keep``; ``--reuse`` measures on a
kept database as built; ``--build-only`` builds and measures nothing.
The last line printed is the benchmark's JSON line. Target: ≤ 60 s at 100× on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PER_COUNTY = 90_000  # children aged 0–18 in the demo county
DAYS = 6935  # 19 years of birth dates
AS_OF = dt.date(2026, 11, 13)  # a Friday: the last five school days are 9–13 November
TOWNSHIPS, VILLAGES = 10, 10  # per county unit; per township
PG = "postgres://jiaoyun:jiaoyun@127.0.0.1:5432"
DB, TEMPLATE = "jy_c_crossmatch", "jy_c_crossmatch_tpl"  # a database per scale: jy_c_crossmatch_s100
SURNAMES = "杨李张赵王刘陈段何字罗杜蒋施郭尹周"
GIVEN = "国华建明春兰海燕志强红梅永福丽娟德文俊秀正荣家兴玉芬天云光辉"

# The mix: category → upper bound of its bucket (bucket = a fixed hash of the child's index, 0–9999).
ROSTER_ONLY_ID, ROSTER_ONLY_NOID, DROPPED, ABSENT5, ABSENT3 = 7, 10, 12, 14, 20
NOT_ENROLLED, DECEASED, OUT_OF_COUNTY, REGISTER_ONLY, ROSTER_NOID = 25, 75, 575, 875, 895


def bucket_sql(g: str = "p.g") -> str:
    return f"(({g} * 7919 + 13) %% 10000)"  # %% : the statements take parameters


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(["psql", f"{PG}/{db}", "-qv", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True)


def setup(engine: str, sqlite_file: Path | None) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{DB}" if engine == "postgres" else f"sqlite:///{sqlite_file}"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def fresh_database(engine: str, name: str) -> None:
    """An empty migrated database: on PostgreSQL a copy of the migrated template (migrating takes minutes)."""
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    if engine == "postgres":
        exists = f"SELECT 1 FROM pg_database WHERE datname = '{TEMPLATE}'"  # noqa: S608 (a constant)
        have = subprocess.run(["psql", f"{PG}/postgres", "-tAc", exists], capture_output=True, text=True, check=True)
        psql(f"DROP DATABASE IF EXISTS {name}")
        if not have.stdout.strip():
            psql(f"CREATE DATABASE {name}")
            call_command("migrate", verbosity=0)
            connection.close()
            psql(f"ALTER DATABASE {name} RENAME TO {TEMPLATE}")
        psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    else:
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        call_command("migrate", verbosity=0)


def pool_rows(n: int):
    """One row per child: (g, hash, cipher, masked, birth, sex, name, township index, village index, grade).

    The number's HMAC-SM3 and SM4-GCM are those of ``jiaoyun.core.idcard`` (same keys, same format; the first rows
    are checked against ``match_hash``/``decrypt``/``mask``), with the per-call set-up hoisted out of the loop and
    the check digit summed from per-part tables: 9 M rows take minutes, not an hour."""
    import base64
    import hmac

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from django.conf import settings

    from jiaoyun.core import idcard

    enc_key, mac_key = idcard._keys(settings.DATA_KEY)
    sm4, gcm, urandom, b64, digest = algorithms.SM4(enc_key), modes.GCM, os.urandom, base64.b64encode, hmac.digest
    weights, check = idcard.WEIGHTS, idcard.CHECK_CHARS

    def part_sum(digits: str, offset: int) -> int:
        return sum(int(c) * w for c, w in zip(digits, weights[offset:], strict=False))

    births = [AS_OF - dt.timedelta(days=1 + d) for d in range(DAYS)]
    birth_text = [f"{b:%Y%m%d}" for b in births]
    birth_sum = [part_sum(t, 6) for t in birth_text]
    order_sum = [part_sum(f"{o:03d}", 14) for o in range(1000)]
    entry = [b.year + 6 + (1 if (b.month, b.day) > (8, 31) else 0) for b in births]
    grades = [AS_OF.year - e + 1 if AS_OF.month >= 9 else AS_OF.year - e for e in entry]
    stars = "*" * 16
    for u in range((n + PER_COUNTY - 1) // PER_COUNTY):
        area = f"53{u:04d}"
        area_sum = part_sum(area, 0)
        for k in range(min(PER_COUNTY, n - u * PER_COUNTY)):
            g = u * PER_COUNTY + k
            d, order = k % DAYS, k // DAYS
            first17 = f"{area}{birth_text[d]}{order:03d}"
            number = first17 + check[(area_sum + birth_sum[d] + order_sum[order]) % 11]
            raw = number.encode("ascii")
            nonce = urandom(12)
            enc = Cipher(sm4, gcm(nonce)).encryptor()
            cipher = b64(b"S" + nonce + enc.update(raw) + enc.finalize() + enc.tag).decode("ascii")
            if g < 3:  # the application's own functions give the same values
                assert idcard.check_char(first17) == number[-1] and idcard.decrypt(cipher) == number
                assert idcard.mask(number) == number[0] + stars + number[-1]
                assert idcard.match_hash(number) == digest(mac_key, raw, "sm3").hex()
            township = u * TOWNSHIPS + k % TOWNSHIPS
            village = township * VILLAGES + (k // TOWNSHIPS) % VILLAGES
            name = SURNAMES[g % 17] + GIVEN[(g // 17) % 30] + GIVEN[(g // 510) % 30]
            yield (g, digest(mac_key, raw, "sm3").hex(), cipher, number[0] + stars + number[-1], births[d],
                   "M" if order % 2 else "F", name, township, village, grades[d])  # fmt: skip


BULK_TABLES = ("people_student", "dropout_hukourecord", "dropout_absence")


def build(engine: str, scale: int, *, import_link: bool = True) -> dict[str, Any]:
    """Fill a fresh database with ``scale`` × the demo county; returns counts."""
    from django.db import connection
    from django.utils import timezone

    from jiaoyun.areas.models import Area
    from jiaoyun.dropout.models import ResponsiblePerson
    from jiaoyun.dropout.services.matching import compulsory_birth_range
    from jiaoyun.dropout.services.roster import LINKED_BY_ID
    from jiaoyun.schools.models import School

    n = scale * PER_COUNTY
    county = Area.objects.create(code="530521", name="施甸县", level="county")
    towns = Area.objects.bulk_create(
        [
            Area(code=f"530521{t:03d}", name=f"第{t}乡", level="township", parent=county)
            for t in range(scale * TOWNSHIPS)
        ]
    )
    villages = Area.objects.bulk_create(
        [
            Area(code=f"{town.code}{v:03d}", name=f"{town.name}{v}村", level="village", parent=town)
            for town in towns
            for v in range(VILLAGES)
        ],
        batch_size=5000,  # fmt: skip
    )
    schools = School.objects.bulk_create(
        [
            School(
                code=f"2153{2 * t + j:06d}",
                name=f"{town.name}{'中心小学' if j == 0 else '中学'}",
                kind="primary" if j == 0 else "junior",
                township=town,
                is_central=j == 0,
            )
            for t, town in enumerate(towns)
            for j in (0, 1)
        ]  # fmt: skip
    )
    vbase, sbase = villages[0].pk, schools[0].pk
    assert villages[-1].pk == vbase + len(villages) - 1 and schools[-1].pk == sbase + len(schools) - 1
    people = [ResponsiblePerson(line="admin", level=1, name="县长", post="县长", area=county),
              ResponsiblePerson(line="education", level=1, name="局长", post="县教育体育局局长")]  # fmt: skip
    people += [ResponsiblePerson(line="admin", level=2, name=f"{t.name}长", post="乡（镇）长", area=t) for t in towns]
    people += [ResponsiblePerson(line="admin", level=3, name=f"{v.name}主任", post="村（居）委会主任", area=v)
               for v in villages]  # fmt: skip
    people += [
        ResponsiblePerson(line="education", level=2, name=f"{s.name}校长", post="校长", school=s) for s in schools
    ]
    ResponsiblePerson.objects.bulk_create(people, batch_size=5000)

    pg = connection.vendor == "postgresql"
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            f"""CREATE {"UNLOGGED" if pg else "TEMP"} TABLE bench_pool (g bigint PRIMARY KEY, id_hash varchar(64),
                id_cipher text, id_masked varchar(18), birth date, sex varchar(1), name varchar(50),
                township int, village int, grade int)"""
        )
        if pg:
            with cur.cursor.copy("COPY bench_pool FROM STDIN") as copy:
                for row in pool_rows(n):
                    copy.write_row(row)
        else:
            batch: list[tuple[Any, ...]] = []
            for row in pool_rows(n):
                batch.append(row)
                if len(batch) == 5000:
                    cur.executemany("INSERT INTO bench_pool VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", batch)
                    batch = []
            cur.executemany("INSERT INTO bench_pool VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", batch)
    pool_seconds = time.perf_counter() - started
    b = bucket_sql()
    compulsory = "p.grade BETWEEN 1 AND 9"
    status = f"""CASE WHEN {b} < {DECEASED} AND {b} >= {NOT_ENROLLED} THEN 'deceased'
                      WHEN {b} >= {DECEASED} AND {b} < {OUT_OF_COUNTY} THEN 'out_of_county'
                      WHEN {b} >= {ROSTER_ONLY_NOID} AND {b} < {DROPPED} AND {compulsory} THEN 'dropped_out'
                      WHEN {b} >= {ABSENT3} AND {b} < {NOT_ENROLLED} AND {compulsory} THEN 'not_enrolled'
                      WHEN {compulsory} THEN 'in_school' WHEN p.grade >= 10 THEN 'graduated'
                      ELSE 'not_enrolled' END"""
    poverty = "CASE WHEN (p.g * 31) %% 100 < 6 THEN 'lifted' WHEN (p.g * 31) %% 100 < 8 THEN 'monitored' ELSE '' END"
    schooled = f"({b} >= {ROSTER_ONLY_NOID} AND {b} < {ABSENT3} OR {b} >= {OUT_OF_COUNTY}) AND {compulsory}"
    register_only = f"{b} >= {OUT_OF_COUNTY} AND {b} < {REGISTER_ONLY}"
    now = timezone.now()
    after, until = compulsory_birth_range(AS_OF)
    from indicators import _drop_indexes  # bench/ is on the path when a benchmark runs

    with connection.cursor() as cur:
        # Filling 9 M rows into indexed tables row by row takes most of an hour; sorting each index once, minutes.
        restore = _drop_indexes(cur, BULK_TABLES) if pg else []
        cur.execute(
            f"""INSERT INTO people_student (id, id_hash, id_cipher, id_masked, name, sex, birth_date, ethnicity,
                    guardian_name, guardian_phone, left_behind, disability, poverty, orphan, migrant, status,
                    current_grade, created_at, updated_at, current_school_id, hukou_village_id, residence_village_id,
                    student_no_hash, student_no_cipher, student_no_masked)
                SELECT p.g + 1, p.id_hash, p.id_cipher, p.id_masked, p.name, p.sex, p.birth, '01', '', '', FALSE, '',
                       {poverty}, '', {register_only}, {status},
                       CASE WHEN {schooled} THEN p.grade END, %s, %s,
                       CASE WHEN {schooled} THEN {sbase} + 2 * p.township + (CASE WHEN p.grade > 6 THEN 1 ELSE 0 END) END,
                       CASE WHEN {register_only} THEN NULL ELSE {vbase} + p.village END, {vbase} + p.village,
                       NULL, '', ''
                FROM bench_pool p WHERE {b} >= {ROSTER_ONLY_NOID}""",  # noqa: S608 (constants)
            [now, now],
        )
        students = cur.rowcount
        if pg:
            cur.execute("SELECT setval(pg_get_serial_sequence('people_student', 'id'), %s)", [n + 1])
        noid = f"{b} >= {ROSTER_ONLY_ID} AND {b} < {ROSTER_ONLY_NOID} OR {b} >= {REGISTER_ONLY} AND {b} < {ROSTER_NOID}"
        # The roster as its import writes it (ADR 0050): a record with an ID number of compulsory age on the
        # import day (the run's day here) carries the student with that ID hash, found by one join.
        linked = "s.id IS NOT NULL AND p.birth > %s AND p.birth <= %s" if import_link else "FALSE"
        cur.execute(
            f"""INSERT INTO dropout_hukourecord (id_hash, id_cipher, id_masked, name, sex, birth_date, group_name,
                    household_head, poverty, match_note, batch, imported_at, hukou_village_id, student_id)
                SELECT CASE WHEN {noid} THEN NULL ELSE p.id_hash END, CASE WHEN {noid} THEN '' ELSE p.id_cipher END,
                       CASE WHEN {noid} THEN '' ELSE p.id_masked END, p.name, p.sex, p.birth,
                       '第' || (p.g %% 6 + 1) || '组', '', {poverty},
                       CASE WHEN {linked} THEN %s ELSE '' END, '2026-11公安户籍', %s, {vbase} + p.village,
                       CASE WHEN {linked} THEN s.id END
                FROM bench_pool p LEFT JOIN people_student s ON s.id_hash = p.id_hash AND NOT ({noid})
                WHERE NOT ({register_only}) ORDER BY p.g""",  # noqa: S608 (constants)
            ([after, until, LINKED_BY_ID, now, after, until] if import_link else [LINKED_BY_ID, now]),
        )
        roster = cur.rowcount
        cur.execute("SELECT count(*) FROM dropout_hukourecord WHERE student_id IS NOT NULL")
        linked_at_import = cur.fetchone()[0]
        days = [AS_OF - dt.timedelta(days=d) for d in range(5)]  # Monday–Friday of the week ending AS_OF
        absences = 0
        for i, day in enumerate(days):
            cur.execute(
                f"""INSERT INTO dropout_absence (date, kind, note, recorded_at, student_id)
                    SELECT %s, 'unexcused', '', %s, p.g + 1 FROM bench_pool p
                    WHERE {compulsory} AND ({b} >= {DROPPED} AND {b} < {ABSENT5} OR {b} >= {ABSENT5} AND {b} < {ABSENT3}
                          AND %s < 3)""",  # noqa: S608 (constants)
                [day, now, i],
            )
            absences += cur.rowcount
        cur.execute("DROP TABLE bench_pool")
        if restore:
            cur.execute("SET maintenance_work_mem = '512MB'")
            started_indexes = time.perf_counter()
            for statement in restore:
                cur.execute(statement)
            index_seconds = round(time.perf_counter() - started_indexes, 1)
    return {"children": n, "students": students, "roster": roster, "linked_at_import": linked_at_import,
            "absences": absences, "pool_seconds": round(pool_seconds, 1),
            "index_seconds": index_seconds if restore else 0}  # fmt: skip


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def timed(run: Any, *, before: Any = None) -> tuple[float, dict[str, int]]:
    """Run ``run(as_of)`` in a transaction that is rolled back (the database stays as built, for ``--reuse``),
    after ``before`` (untimed, its deferred checks run before the clock starts); (seconds, figures)."""
    from django.db import connection, transaction

    pg = connection.vendor == "postgresql"
    with transaction.atomic():
        if before is not None:
            before(actor=None, as_of=AS_OF)
            if pg:
                with connection.cursor() as cur:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cur.execute("SET CONSTRAINTS ALL DEFERRED")
        start = time.perf_counter()
        figures = dict(run(actor=None, as_of=AS_OF).figures)
        if pg:
            with connection.cursor() as cur:  # the deferred foreign-key checks a commit would run, counted too
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    analyze()
    return seconds, figures


def uptime() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[0] if Path("/proc/loadavg").exists() else "?"


def use_database(engine: str, scale: int, *, import_link: bool, reuse: bool) -> tuple[str, bool]:
    """Point the connection at this scale's database; (its name, whether it is reused as built)."""
    from django.db import connection

    if engine != "postgres":
        fresh_database(engine, str(connection.settings_dict["NAME"]))
        return str(connection.settings_dict["NAME"]), False
    name = f"{DB}_s{scale}" + ("" if import_link else "_fresh")
    connection.close()
    connection.settings_dict["NAME"] = name
    if reuse:
        found = subprocess.run(
            ["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        if found.stdout.strip():
            from jiaoyun.dropout.models import MatchRun
            from jiaoyun.people.models import Student

            if Student.objects.exists() and not MatchRun.objects.exists():
                return name, True
    fresh_database(engine, name)
    return name, False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--scale", default="1,10,100", help="comma-separated multiples of the demo county")
    parser.add_argument("--baseline-max", type=int, default=10, help="largest scale the baseline is run at")
    parser.add_argument("--quick", action="store_true", help="scale 1 only")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    parser.add_argument("--reuse", action="store_true", help="measure on a kept database of the scale (no rebuild)")
    parser.add_argument(
        "--baseline-from",
        default="",
        help="SCALE=SECONDS: a baseline measured in an earlier run, for the larger scales",
    )
    parser.add_argument("--no-rerun", action="store_true", help="measure the first run only")
    parser.add_argument("--build-only", action="store_true", help="build (or reuse) the databases, measure nothing")
    parser.add_argument(
        "--fresh-roster", action="store_true",
        help="the roster as imported before ADR 0050 (no link at import): the first run links it all",
    )  # fmt: skip
    args = parser.parse_args()
    scales = [1] if args.quick else [int(s) for s in args.scale.split(",")]
    import_link = not args.fresh_roster
    tmp = Path(tempfile.mkdtemp())
    setup(args.db, tmp / "crossmatch.sqlite3")
    sys.path.insert(0, str(ROOT / "bench"))
    from _crossmatch_baseline import crossmatch_run as baseline_run

    from jiaoyun.dropout.services import crossmatch_run

    results: list[dict[str, Any]] = []
    names: list[str] = []
    try:
        for scale in scales:
            name, reused = use_database(args.db, scale, import_link=import_link, reuse=args.reuse)
            names.append(name)
            if reused:
                counts: dict[str, Any] = {"children": scale * PER_COUNTY, "reused": name}
            else:
                started = time.perf_counter()
                counts = build(args.db, scale, import_link=import_link)
                analyze()
                counts["build_seconds"] = round(time.perf_counter() - started, 1)
            print(f"scale {scale}: {counts}", file=sys.stderr)
            if args.build_only:
                continue
            base = None
            if scale <= args.baseline_max:
                load = uptime()
                base = timed(baseline_run)
                print(f"  baseline   {base[0]:8.2f} s  load {load}-{uptime()}  {base[1]}", file=sys.stderr)
            load = uptime()
            new = timed(crossmatch_run)
            load_end = uptime()
            print(f"  crossmatch {new[0]:8.2f} s  load {load}-{load_end}  {new[1]}", file=sys.stderr)
            load_again, again = uptime(), (float("nan"), {})
            if not args.no_rerun:  # the next run: the roster linked, the cases open
                again = timed(crossmatch_run, before=crossmatch_run)
                print(f"  re-run     {again[0]:8.2f} s  load {load_again}-{uptime()}  {again[1]}", file=sys.stderr)
            if base is not None and base[1] != new[1]:
                raise SystemExit(f"figures differ at scale {scale}: baseline {base[1]} != crossmatch {new[1]}")
            results.append({"scale": scale, "seconds": new[0], "baseline": base[0] if base else None,
                            "figures": new[1], "counts": counts, "load": f"{load}-{load_end}", "again": again[0],
                            "load_again": load_again})  # fmt: skip
    finally:
        from django.db import connection

        connection.close()
        if args.db == "postgres" and not args.keep:
            for name in names:
                psql(f"DROP DATABASE IF EXISTS {name}")
            psql(f"DROP DATABASE IF EXISTS {TEMPLATE}")
    measured = [r for r in results if r["baseline"] is not None]
    print(f"\n{'scale':>5} {'children':>10} {'hits':>7} {'crossmatch s':>13} {'baseline s':>11} {'ratio':>7}  load")
    rows = []
    earlier = args.baseline_from.split("=") if args.baseline_from else None
    roster = "roster linked at import" if import_link else "fresh roster, no link at import"
    for r in results:
        label = "crossmatch_run (row-by-row, as before)"
        base = r["baseline"]
        if base is None and measured:  # linear in the children from the largest measured scale
            ref = measured[-1]
            base = ref["baseline"] * r["scale"] / ref["scale"]
            label += f", extrapolated linearly from {ref['scale']}×"
        elif base is None and earlier:
            base = float(earlier[1]) * r["scale"] / int(earlier[0])
            label += f", extrapolated linearly from {earlier[1]} s measured at {earlier[0]}× in an earlier run"
        ratio = base / r["seconds"] if base else None
        note = "" if r["baseline"] is not None else " (extrapolated)"
        print(f"{r['scale']:>5} {r['counts']['children']:>10} {r['figures'].get('hits', 0):>7} {r['seconds']:>13.2f} "
              f"{base or float('nan'):>11.2f} {ratio or float('nan'):>7.1f}{note}  {r['load']}")  # fmt: skip
        target = r["scale"] == 100 and args.db == "postgres"
        rows.append({"figure": f"四查三比对 crossmatch_run at {r['scale']}× the demo county ({args.db}, {roster})",
                     "value": round(r["seconds"], 3), "unit": "s", "baseline": label,
                     "baseline_value": round(base, 3) if base else None, "ratio": round(ratio, 1) if ratio else None,
                     "target": "≤ 60 s at 100×" if target else "", "met": (r["seconds"] <= 60) if target else None})  # fmt: skip
    for r in results if not args.no_rerun else []:
        print(f"re-run at {r['scale']}× (roster linked, cases open): {r['again']:.2f} s  load {r['load_again']}")
        target = r["scale"] == 100 and args.db == "postgres"
        rows.append({"figure": f"四查三比对 re-run (roster already linked) at {r['scale']}× ({args.db})",
                     "value": round(r["again"], 3), "unit": "s", "baseline": "", "baseline_value": None,
                     "ratio": None, "target": "≤ 60 s at 100×" if target else "",
                     "met": (r["again"] <= 60) if target else None})  # fmt: skip
    print(json.dumps({"bench": "dropout_crossmatch", "rows": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
