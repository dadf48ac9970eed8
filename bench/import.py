"""Benchmark: a generated student roster imported with full validation, against two baselines.

    python bench/import.py [--rows 1000000] [--dbs postgres,sqlite] [--iie-rows 20000] [--xlsx-rows 0] [--quick]

One CSV roster of ``--rows`` students is generated (姓名, 身份证号, 全国学籍号, 性别, 出生日期, 民族, village
codes, guardian, flags: every row valid, every ID number unique). Each measurement runs in a fresh worker
process on a fresh database (PostgreSQL: ``jy_bench_import``, created and dropped here; SQLite: a temp file),
so the peak RSS it reports (``ru_maxrss``) is that of the measured run alone:

* ``preview``: the dry run (read, parse, validate with the domain rules, hash ID numbers, one set-based
  comparison per batch) — what the upload page does;
* ``import``: the confirm step — the same full validation again plus the set-based write (COPY on
  PostgreSQL), ID encryption and one audit entry per created student, in one transaction;
  both check rows in worker processes (one per CPU) once the file is large (``IMPORT_PARALLEL_BYTES``);
* ``copy``: baseline (a), PostgreSQL ``COPY`` of the same file into a table of the same columns, no validation;
* ``iie``: baseline (b), the same file through django-import-export (``use_bulk``, tablib CSV) creating the
  same students with no domain validation; on ``--iie-rows`` rows when fewer than ``--rows`` (marked ``*``;
  its rate is per row, so the ratio stays fair).

``--flat`` also runs the preview on a tenth of the rows to show that peak memory does not grow with the file
(the peak is that of the importing process; each worker's is printed in the stage table).

CPU seconds are counted per process: the importing process, its worker processes, and the PostgreSQL
backend serving it (read from ``/proc`` when the server runs on this machine). A second table splits the
importing process's wall time into stages (read+check: reading the file and waiting for checked rows;
duplicates: the in-file key check in the temporary table; compare: the per-batch query against the
registry; write; audit; the rest: commit and bookkeeping).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun")
PG_DB = os.environ.get("BENCH_PG_DB_PREFIX", "jy_bench_") + "import"
TOWNSHIPS, VILLAGES = 13, 8
HEADER = ["姓名", "身份证号", "全国学籍号", "性别", "出生日期", "民族", "户籍所在村代码", "现居住村代码", "监护人",
          "监护人电话", "留守儿童", "随迁子女"]  # fmt: skip
SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "明华强伟芳娜敏静丽军杰磊洋勇艳涛超霞平刚桂英秀兰玉珍凤梅云莲红娟春雪琳晶慧佳欣怡梓涵子轩浩宇宸睿一诺俊熙"


# ---------------------------------------------------------------------------------------------------------
# The file.


def village_codes() -> list[str]:
    return [f"530521{100 + t:03d}{v + 1:03d}" for t in range(TOWNSHIPS) for v in range(VILLAGES)]


def generate_csv(path: Path, rows: int, seed: int = 42) -> None:
    sys.path.insert(0, str(ROOT))
    from jiaoyun.core.idcard import check_char

    rng = random.Random(seed)
    villages = village_codes()
    start = dt.date(2006, 9, 1)
    days = 5000
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            birth = start + dt.timedelta(days=i % days)
            first17 = f"530521{birth:%Y%m%d}{i // days:03d}"
            number = first17 + check_char(first17)
            sex = "男" if int(number[16]) % 2 else "女"
            village = villages[i % len(villages)]
            surname = rng.choice(SURNAMES)
            w.writerow([
                surname + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))), number, "G" + number, sex,
                birth.isoformat(), "汉族" if i % 7 else "彝族", village, village, surname + rng.choice(GIVEN) + "华",
                f"13{rng.randint(0, 999999999):09d}", "是" if i % 9 == 0 else "否", "否",
            ])  # fmt: skip


def generate_xlsx(path: Path, csv_path: Path, rows: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("学生名册")
    sheet.write_row(0, 0, ["2024年秋季学期学生名册"])
    with open(csv_path, encoding="utf-8") as fh:
        for r, row in enumerate(csv.reader(fh)):
            if r > rows:
                break
            sheet.write_row(r + 1, 0, row)
    book.close()


# ---------------------------------------------------------------------------------------------------------
# Parent.


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dbs", default="postgres,sqlite")
    ap.add_argument("--iie-rows", type=int, default=20_000, help="rows for django-import-export (slow)")
    ap.add_argument("--xlsx-rows", type=int, default=0, help="also preview an XLSX of this many rows")
    ap.add_argument("--flat", action="store_true", help="also preview a tenth of the rows (memory flatness)")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--worker", nargs=3, metavar=("DB", "METHOD", "FILE"), help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="5,000 rows on SQLite (checks that it runs)")
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if args.quick:
        args.rows, args.iie_rows, args.dbs, args.xlsx_rows, args.flat = 5_000, 2_000, "sqlite", 0, False
    tmp = Path(tempfile.mkdtemp(prefix="jy-bench-import-"))
    files = {"full": tmp / f"roster-{args.rows}.csv"}
    t = time.perf_counter()
    generate_csv(files["full"], args.rows)
    print(f"… generated {args.rows:,} rows ({files['full'].stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f}s",
          file=sys.stderr, flush=True)  # fmt: skip
    iie_rows = min(args.rows, args.iie_rows)
    if iie_rows < args.rows:
        files["iie"] = tmp / f"roster-{iie_rows}.csv"
        _head(files["full"], files["iie"], iie_rows)
    if args.flat:
        files["tenth"] = tmp / f"roster-{args.rows // 10}.csv"
        _head(files["full"], files["tenth"], args.rows // 10)
    if args.xlsx_rows:
        files["xlsx"] = tmp / f"roster-{args.xlsx_rows}.xlsx"
        generate_xlsx(files["xlsx"], files["full"], args.xlsx_rows)
    results = []
    for db in args.dbs.split(","):
        plan = [("preview", files["full"]), ("import", files["full"])]
        if args.flat:
            plan.insert(0, ("preview", files["tenth"]))
        if "xlsx" in files:
            plan.append(("preview", files["xlsx"]))
        if db == "postgres":
            plan.append(("copy", files["full"]))
        plan.append(("iie", files.get("iie", files["full"])))
        for method, path in plan:
            results.append(_run_worker(db, method, path))
    if not args.keep:
        for p in files.values():
            p.unlink(missing_ok=True)
        tmp.rmdir()
    _print_table(results, args.rows)
    print(json.dumps(json_line(results, args.rows), ensure_ascii=False))


def json_line(results: list[dict], rows: int) -> dict:
    """The line ``make bench`` gathers: preview and confirm rates per database against django-import-export (and
    PostgreSQL's bare COPY); the ratio is ours ÷ theirs (a rate: higher is better)."""
    by = {}
    for r in results:
        full_file = r.get("rows") == rows and not r.get("file", "").endswith(".xlsx")
        if "error" not in r and (full_file or r["method"] in ("iie", "copy")):
            by[(r["db"], r["method"])] = r
    out = []
    for db in dict.fromkeys(r["db"] for r in results):
        name = {"postgres": "PostgreSQL", "sqlite": "SQLite"}.get(db, db)
        for method, what in (
            ("preview", "preview (dry run, full validation)"),
            ("import", "confirm (validated write)"),
        ):
            r = by.get((db, method))
            if r is None or "rate" not in r:
                continue
            for base_method, base_name in (("iie", "django-import-export, no domain validation"),
                                           ("copy", "PostgreSQL COPY, no validation")):  # fmt: skip
                b = by.get((db, base_method))
                if base_method == "copy" and (method != "import" or b is None):
                    continue
                out.append({
                    "figure": f"student roster {what}, {rows:,} rows, {name}", "value": round(r["rate"]),
                    "unit": "rows/s", "baseline": base_name if b else f"{base_name}: not measured",
                    "baseline_value": round(b["rate"]) if b else None,
                    "ratio": round(r["rate"] / b["rate"], 2) if b else None,
                    "target": "≥ 50,000 validated rows/s on PostgreSQL" if db == "postgres" else None,
                    "met": (r["rate"] >= 50_000) if db == "postgres" and rows >= 1_000_000 else None,
                })  # fmt: skip
    return {"bench": "import", "rows": out}


def _head(src: Path, dst: Path, rows: int) -> None:
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for i, line in enumerate(fin):
            if i > rows:
                break
            fout.write(line)


def _run_worker(db: str, method: str, path: Path) -> dict:
    env = dict(os.environ)
    if db == "sqlite":
        sqlite = Path(tempfile.gettempdir()) / "jy-bench-import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{sqlite}"
    else:
        _pg_recreate()
        env["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + f"/{PG_DB}"
    env["JIAOYUN_VAR_DIR"] = env.get("JIAOYUN_VAR_DIR", str(ROOT / "var"))
    env["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="jy-bench-media-")
    print(f"… {db} {method} {path.name}", file=sys.stderr, flush=True)
    command = [sys.executable, __file__, "--worker", db, method, str(path)]  # this script itself, in a fresh process
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if db == "postgres":
        _pg_drop()
    if out.returncode != 0:
        print(out.stdout, out.stderr, file=sys.stderr)
        return {"db": db, "method": method, "file": path.name, "error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


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


def _print_table(results: list[dict], rows: int) -> None:
    head = (
        f"{'db':<10}{'method':<9}{'file':<24}{'rows':>10}{'seconds':>9}{'rows/s':>10}{'py cpu s':>9}{'wrk cpu s':>10}"
        f"{'pg cpu s':>9}{'rows/cpu-s':>11}{'peak MB':>9}{'vs import':>11}"
    )
    print(head)
    print("-" * len(head))
    base = {r["db"]: r["rate"] for r in results if r.get("method") == "import" and "rate" in r}
    for r in results:
        if "error" in r:
            print(f"{r['db']:<10}{r['method']:<9}{r['file']:<24}  failed: {r['error']}")
            continue
        mark = "*" if r["rows"] < rows else ""
        ratio = f"{r['rate'] / base[r['db']]:.2f}×" if base.get(r["db"]) else "—"
        pg = r.get("pg_cpu")
        total_cpu = r["cpu"] + r.get("workers_cpu", 0.0) + (pg or 0.0)
        print(
            f"{r['db']:<10}{r['method']:<9}{r['file']:<24}{r['rows']:>9,}{mark:1}{r['seconds']:>9.1f}"
            f"{r['rate']:>10,.0f}{r['cpu']:>9.1f}{r.get('workers_cpu', 0.0):>10.1f}"
            f"{'—' if pg is None else f'{pg:.1f}':>9}{r['rows'] / max(total_cpu, 1e-9):>11,.0f}"
            f"{r['peak_mb']:>9.0f}{ratio:>11}"
        )
    print("\npreview = dry run (parse, validate, hash, compare); import = confirm: validate again + COPY/bulk write +")
    print("encryption + per-student audit, one transaction. copy = PostgreSQL COPY of the raw file, no validation;")
    print("iie = django-import-export (use_bulk) creating the same students without domain validation (* = subset).")
    print("vs import = rows/s relative to the validated import on the same database (>1 is faster than ours).")
    print("py cpu s = the importing process; wrk cpu s = its worker processes (parse, validate, hash, encrypt);")
    print("pg cpu s = the PostgreSQL backend serving it; rows/cpu-s = rows per CPU-second of all three, which")
    print("shows the cost per row independent of the load from other processes on a shared machine.")
    staged = [r for r in results if r.get("stages")]
    if not staged:
        return
    names = ["read+check", "duplicates", "compare", "write", "audit"]
    head = f"{'db':<10}{'method':<9}{'file':<24}" + "".join(f"{n:>12}" for n in [*names, "rest"]) + f"{'wrk MB':>8}"
    print("\nwhere the importing process's time goes (wall seconds per stage):")
    print(head)
    print("-" * len(head))
    for r in staged:
        st = r["stages"]
        rest = r["seconds"] - sum(st.get(n, 0.0) for n in names)
        cells = "".join(f"{st.get(n, 0.0):>12.1f}" for n in names)
        print(f"{r['db']:<10}{r['method']:<9}{r['file']:<24}{cells}{rest:>12.1f}{r.get('workers_peak_mb', 0):>8.0f}")


# ---------------------------------------------------------------------------------------------------------
# Worker.


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from jiaoyun.areas.models import Area

    county = Area.objects.create(code="530521", name="施甸县", level="county")
    for t in range(TOWNSHIPS):
        town = Area.objects.create(code=f"530521{100 + t:03d}", name=f"乡镇{t}", level="township", parent=county)
        Area.objects.bulk_create(
            [
                Area(code=f"{town.code}{v + 1:03d}", name=f"村{t}-{v}", level="village", parent=town)
                for v in range(VILLAGES)
            ]
        )


def _count_rows(path: Path) -> int:
    if path.suffix == ".xlsx":
        return int(path.stem.rsplit("-", 1)[1])
    with open(path, "rb") as fh:
        return sum(1 for _ in fh) - 1


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def worker(db: str, method: str, file: str) -> None:
    worker_cpu0 = 0.0
    _setup()
    path = Path(file)
    rows = _count_rows(path)
    t = time.perf_counter()
    cpu = time.process_time()
    pg_cpu0 = _pg_cpu() if db == "postgres" else 0.0
    if method in ("preview", "import"):
        from jiaoyun.exchange import services

        with open(path, "rb") as fh:
            batch = services.import_upload(actor=services.SYSTEM, kind="students", upload=fh, file_name=path.name)
        t, cpu, pg_cpu0 = time.perf_counter(), time.process_time(), _pg_cpu() if db == "postgres" else 0.0
        worker_cpu0 = _children_cpu()
        batch = services.import_preview(actor=services.SYSTEM, batch=batch)
        if method == "import":
            t, cpu, pg_cpu0 = time.perf_counter(), time.process_time(), _pg_cpu() if db == "postgres" else 0.0
            worker_cpu0 = _children_cpu()
            batch = services.import_confirm(actor=services.SYSTEM, batch=batch)
        assert batch.new == rows and batch.rejected == 0, (batch.new, batch.rejected, batch.message)
    elif method == "copy":
        _copy(path)
    elif method == "iie":
        _iie(path, rows)
    seconds = time.perf_counter() - t
    cpu_seconds = time.process_time() - cpu
    children = os.times()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"db": db, "method": method, "file": path.name, "rows": rows, "seconds": seconds, "rate": rows / seconds,
           "cpu": cpu_seconds, "peak_mb": peak_mb, "workers_cpu": children.children_user + children.children_system - worker_cpu0,
           "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
           "pg_cpu": _pg_cpu() - pg_cpu0 if db == "postgres" else None,
           "stages": (batch.run_seconds or {}) if method in ("preview", "import") else {}}  # fmt: skip
    print(json.dumps(out))


def _pg_cpu() -> float:
    """CPU seconds of the PostgreSQL backend serving this connection (0 when not on this machine)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _copy(path: Path) -> None:
    from django.db import connection, transaction

    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"CREATE TABLE bench_roster ({columns})")
        with open(path, "rb") as fh, cur.cursor.copy("COPY bench_roster FROM STDIN (FORMAT csv, HEADER true)") as copy:
            while chunk := fh.read(1 << 20):
                copy.write(chunk)


def _iie(path: Path, rows: int) -> None:
    import tablib
    from import_export import fields, resources, widgets

    from jiaoyun.core import idcard
    from jiaoyun.people.models import Student

    class SexWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
            return {"男": "M", "女": "F"}.get(value, value)

    class YesNoWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
            return value == "是"

    class DigestWidget(widgets.Widget):  # the 全国学籍号 is matched by its keyed digest, as the platform does
        def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
            return idcard.match_hash(value) if value else None

    class StudentResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        student_no = fields.Field(attribute="student_no_hash", column_name="全国学籍号", widget=DigestWidget())
        sex = fields.Field(attribute="sex", column_name="性别", widget=SexWidget())
        birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget("%Y-%m-%d"))
        guardian_name = fields.Field(attribute="guardian_name", column_name="监护人")
        guardian_phone = fields.Field(attribute="guardian_phone", column_name="监护人电话")
        left_behind = fields.Field(attribute="left_behind", column_name="留守儿童", widget=YesNoWidget())

        class Meta:
            model = Student
            import_id_fields = ("student_no",)
            fields = ("name", "student_no", "sex", "birth_date", "guardian_name", "guardian_phone", "left_behind")
            use_bulk = True
            batch_size = 1000
            skip_diff = True

    data = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    result = StudentResource().import_data(data, dry_run=False, use_transactions=True, raise_errors=True)
    assert result.totals["new"] == rows, result.totals


if __name__ == "__main__":
    main()
