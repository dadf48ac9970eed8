"""Load test: the county's morning (bench/load/locustfile.py) against gunicorn + PostgreSQL + the task worker.

    nice -n 10 .venv/bin/python bench/load/run.py [--quick] [--scale 1] [--steps 10,25,50,100,200]
        [--step-seconds 60] [--reuse] [--keep-db] [--workers 4] [--threads 1] [--default-settings]

1. Set-up (skipped with ``--reuse``): the PostgreSQL database ``jy_b_load`` created afresh, migrated, the demo county
   loaded (``manage.py demo_data --scale N --seed 42``), then ``prepare.py`` (accounts, device tokens, LRS client,
   roster file).
   The database gets the server settings docs/operations.md recommends (``SERVER_SETTINGS``: ``random_page_cost``
   for storage that answers random reads as fast as sequential ones); ``--default-settings`` keeps PostgreSQL's.
2. Serves it as in production (README, docs/learning.md): gunicorn ``config.wsgi`` with ``--workers`` sync workers
   (two per core), persistent connections (``DB_CONN_MAX_AGE=600``), the production settings (``DEBUG`` off, CSRF,
   security middleware; only ``SESSION_COOKIE_SECURE=0`` because the test speaks plain HTTP), and
   ``manage.py db_worker`` beside it. The periodic jobs are not queued (they would run at random points of the test).
3. Runs Locust headless through the steps (each: ramp until every new user has logged in, then ``--step-seconds``
   held), with Locust's CSV stats in ``var/load/``; a sampler records each second the CPU of the web workers, the
   task worker, PostgreSQL (this database's backends and the shared background processes) and Locust, the load
   average, and the backends waiting on a lock.
4. Prints per step and per page/endpoint p50/p95/p99, errors and throughput, the CPU per step, and checks that no
   write was lost (absences, heartbeats, statements, home visits, the import) against the requests that succeeded.
5. Ends with the JSON line of ``make bench``. ``--quick``: 10 users for 20 s, on the prepared copy with ``--reuse``,
   else on a fresh database holding the demo's small test county (``demo_data --size tiny``).

The machine's two cores are shared: the load average at the start and end of every step is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from _lrs_support import database_cpu, server_cpu  # noqa: E402

PG = os.environ.get("BENCH_PG_URL", "postgres://jiaoyun:jiaoyun@127.0.0.1:5432/postgres")
DB = "jy_b_load"
OUT = ROOT / "var" / "load"
PY = sys.executable
READ_TARGET, WRITE_TARGET = 100.0, 300.0
WRITES = ("POST",)  # request names ending in POST are writes; login is neither (reported apart)


def db_url() -> str:
    return PG.rsplit("/", 1)[0] + f"/{DB}"


def psql(sql: str, db: str = "postgres") -> str:
    url = PG.rsplit("/", 1)[0] + f"/{db}"
    return subprocess.run(["psql", url, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def env() -> dict[str, str]:
    return dict(
        os.environ,
        DATABASE_URL=db_url(),
        DB_CONN_MAX_AGE="600",
        SESSION_COOKIE_SECURE="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )


def setup(scale: int, teachers: int, *, tiny: bool = False) -> None:
    t0 = time.time()
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env(), check=True)
    demo = [PY, "manage.py", "demo_data", "--scale", str(scale), "--seed", "42"] + (["--size", "tiny"] if tiny else [])
    subprocess.run(demo, cwd=ROOT, env=env(), check=True)
    prepare(teachers)
    # a copy to start every later run (--reuse) from the same state
    psql(f"DROP DATABASE IF EXISTS {DB}_tpl")
    psql(f"CREATE DATABASE {DB}_tpl TEMPLATE {DB}")
    print(f"set-up: {time.time() - t0:.0f} s", file=sys.stderr)


def restore() -> None:
    """The prepared state again, from the copy made by the set-up."""
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB} TEMPLATE {DB}_tpl")


# The PostgreSQL settings docs/operations.md recommends for a production database ("PostgreSQL server settings"),
# set on the test's database (a database made from a template does not inherit them, so after every restore).
SERVER_SETTINGS = {"random_page_cost": "1.1"}


def tune(enabled: bool = True) -> None:
    for name, value in SERVER_SETTINGS.items():
        psql(f"ALTER DATABASE {DB} SET {name} = {value}" if enabled else f"ALTER DATABASE {DB} RESET {name}")


def prepare(teachers: int) -> None:
    cmd = [PY, str(ROOT / "bench/load/prepare.py"), "--out", str(OUT / "fixture.json"), "--teachers", str(teachers)]
    subprocess.run(cmd, cwd=ROOT, env=env(), check=True)


def wait_http(port: int, timeout: float = 90) -> None:
    import http.client

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/healthz")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn on {port} did not answer")


class Sampler(threading.Thread):
    """Once a second: CPU seconds of the web server, the task worker, PostgreSQL, Locust; load average; backends of
    this database waiting on a lock, and active."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.rows: list[dict[str, Any]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        conn = psycopg.connect(db_url(), autocommit=True)
        while not self.stop.is_set():
            row: dict[str, Any] = {"t": time.time(), "load": os.getloadavg()[0]}
            for name, pid in self.pids.items():
                row[name] = server_cpu(pid)
            row["web_runq"] = runqueue_wait(self.pids["web"])
            row["postgres"] = database_cpu(DB)
            waits = conn.execute(
                "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE state = 'active') "
                "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [DB],
            ).fetchone()
            row["lock_waits"], row["active"] = waits if waits else (0, 0)
            self.rows.append(row)
            self.stop.wait(1.0)
        conn.close()

    def between(self, start: float, end: float) -> dict[str, float]:
        rows = [r for r in self.rows if start <= r["t"] <= end]
        if len(rows) < 2:
            return {}
        first, last = rows[0], rows[-1]
        secs = last["t"] - first["t"]
        out = {k: (last[k] - first[k]) / secs for k in ("web", "worker", "postgres", "locust", "web_runq")}
        out["lock_waits"] = statistics.mean(r["lock_waits"] for r in rows)
        out["lock_waits_max"] = max(r["lock_waits"] for r in rows)
        out["active"] = statistics.mean(r["active"] for r in rows)
        out["load"] = statistics.mean(r["load"] for r in rows)
        return out


def runqueue_wait(pid: int) -> float:
    """Seconds the process and its children (gunicorn's workers) have waited, runnable, for a CPU
    (``/proc/PID/schedstat``): what a busy shared machine takes from the server."""
    todo, total = [pid], 0.0
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            continue
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return total


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * len(s) + 0.5)) - 1))]


def is_write(name: str) -> bool:
    return name.endswith(WRITES)


def run(args: argparse.Namespace) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    results = OUT / "results.json"
    results.unlink(missing_ok=True)
    e = env()
    log = open(OUT / "server.log", "w")  # noqa: SIM115 (closed at the end)
    gunicorn = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "config/gunicorn_conf.py", "config.wsgi:application", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers),
         "--threads", str(args.threads), "--keep-alive", "30", "--log-level", "warning", "--backlog", "2048"],
        cwd=ROOT, env=e, stdout=log, stderr=log,
    )  # fmt: skip
    worker = subprocess.Popen([PY, "manage.py", "db_worker"], cwd=ROOT, env=e, stdout=log, stderr=log)
    try:
        wait_http(args.port)
        le = dict(e, LOAD_FIXTURE=str(OUT / "fixture.json"), LOAD_RESULTS=str(results), LOAD_STEPS=args.steps,
                  LOAD_STEP_SECONDS=str(args.step_seconds), LOAD_IMPORT_STEP=str(args.import_step or ""),
                  LOAD_SPAWN_RATE=str(args.spawn_rate))  # fmt: skip
        cmd = [PY, "-m", "locust", "-f", str(ROOT / "bench/load/locustfile.py"), "--headless", "--host",
               f"http://127.0.0.1:{args.port}", "--csv", str(OUT / "locust"), "--csv-full-history", "--only-summary",
               "--loglevel", "WARNING"]  # fmt: skip
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr, flush=True)
        locust = subprocess.Popen(cmd, cwd=ROOT, env=le, stdout=open(OUT / "locust.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
        sampler = Sampler({"web": gunicorn.pid, "worker": worker.pid, "locust": locust.pid})
        sampler.start()
        locust.wait()
        # let the task worker finish the import before the writes are counted
        deadline = time.time() + args.drain
        while time.time() < deadline and _import_running():
            time.sleep(2)
        sampler.stop.set()
        sampler.join()
    finally:
        for p in (gunicorn, worker):
            p.terminate()
        for p in (gunicorn, worker):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()
    data = json.loads(results.read_text())
    data["cpu"] = {ph["phase"]: sampler.between(ph["start"], ph["end"] or time.time()) for ph in data["phases"]}
    return data


def _import_running() -> bool:
    out = psql("SELECT count(*) FROM exchange_importbatch WHERE status IN ('processing', 'confirming')", DB)
    return out not in ("", "0")


# ---- the checks: no lost writes -----------------------------------------------------------------------------------


def check_writes(data: dict[str, Any]) -> dict[str, Any]:
    """What the requests that succeeded wrote, against what the database holds."""
    w = data["written"]
    fx = json.loads((OUT / "fixture.json").read_text())
    check = [PY, "-c", CHECK_SCRIPT]
    payload = json.dumps({"written": w, "client_id": fx["lrs"]["client_id"], "devices": [d["serial"] for d in fx["devices"]],
                          "prepared_at": fx["prepared_at"]})  # fmt: skip
    out = subprocess.run(check, cwd=ROOT, env=env(), input=payload, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


CHECK_SCRIPT = r"""
import json, sys
import django
django.setup()
from jiaoyun.dropout.models import Absence, ReturnAttempt
from jiaoyun.people.models import Student
from jiaoyun.learning.models import Statement
from jiaoyun.safety.models import DeviceNonce
from jiaoyun.exchange.models import ImportBatch

p = json.load(sys.stdin)
w = p["written"]
res = {}
# absences: each (class, day) saved holds exactly the pupils the last successful save marked
bad, uncertain = 0, set(w["uncertain"])
for key, marked in w["registers"].items():
    if key in uncertain:  # a later save of the same day failed on the client: it may or may not have been written
        continue
    klass, day = key.split("|")
    roster = Student.objects.filter(current_class_id=int(klass), status="in_school").values("id")  # the saved roster
    got = sorted(Absence.objects.filter(student_id__in=roster, date=day).values_list("student_id", flat=True))
    bad += got != sorted(marked)
res["registers"] = {"saved": len(w["registers"]), "absences_expected": sum(len(m) for m in w["registers"].values()),
                    "mismatched": bad, "uncertain_skipped": len(uncertain & set(w["registers"]))}
# heartbeats: the nonce of every accepted heartbeat is stored (nothing purges them: the periodic jobs are not queued);
# more may be stored than accepted (a request the client gave up on that the server still served)
ok = set(w["heartbeats"])
stored = set(DeviceNonce.objects.filter(serial__in=p["devices"], sent_at__gte=p["prepared_at"])
             .exclude(nonce__startswith="!").values_list("nonce", flat=True))
res["heartbeats"] = {"accepted": len(ok), "stored": len(stored), "lost": len(ok - stored),
                     "stored_unacknowledged": len(stored - ok)}
# statements: every id the LRS accepted is stored
ids = w["statement_ids"]
found = 0
for i in range(0, len(ids), 5000):
    found += Statement.objects.filter(statement_id__in=ids[i:i + 5000]).count()
res["statements"] = {"accepted": len(ids), "stored": found, "lost": len(ids) - found}
# home visits: every accepted one is stored with its note
got = ReturnAttempt.objects.filter(note__in=w["visits"]).count()
res["visits"] = {"accepted": len(w["visits"]), "stored": got, "lost": len(w["visits"]) - got}
b = ImportBatch.objects.filter(created_at__gte=p["prepared_at"]).order_by("-pk").first()
res["import"] = {"status": b.status if b else None, "total": getattr(b, "total", None), "new": getattr(b, "new", None), "updated": getattr(b, "updated", None),
                 "rejected": getattr(b, "rejected", None), **w.get("import", {})}
print(json.dumps(res))
"""


# ---- the report ---------------------------------------------------------------------------------------------------


def report(data: dict[str, Any], checks: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    steps = [str(s) for s in data["steps"]]
    phases = {ph["phase"]: ph for ph in data["phases"]}
    samples, failures = data["samples"], data["failures"]
    names = sorted({n for s in steps for n in samples.get(s, {})}, key=lambda n: (is_write(n), n))
    print(
        f"\nLoad test on {DB} ({args.label}), gunicorn -w {args.workers} --threads {args.threads}, shared 2-core machine"
    )
    print(
        "Per step: requests/s, errors, p50/p95/p99 ms of reads and writes, CPU (cores busy), lock waits, load average"
    )
    head = f"{'users':>5} {'secs':>5} {'req/s':>7} {'err':>5} {'read p50/p95/p99':>20} {'write p50/p95/p99':>20}"
    head += f" {'web':>5} {'wrk':>5} {'pg':>5} {'locst':>5} {'runq':>5} {'ms/rq':>6} {'lockw':>5} {'load':>5}"
    print(head)
    summary: dict[str, Any] = {}
    for s in steps:
        ph = phases.get(s)
        if not ph:
            continue
        secs = (ph["end"] or ph["start"]) - ph["start"]
        reads = [
            v
            for n, vs in samples.get(s, {}).items()
            if not is_write(n) and n not in ("login", "login page")
            for v in vs
        ]
        writes = [v for n, vs in samples.get(s, {}).items() if is_write(n) for v in vs]
        total = sum(len(vs) for vs in samples.get(s, {}).values())
        errs = sum(failures.get(s, {}).values())
        cpu = data["cpu"].get(s, {})
        summary[s] = {"rps": total / secs if secs else 0, "errors": errs, "requests": total,
                      "read": [pct(reads, q) for q in (50, 95, 99)], "write": [pct(writes, q) for q in (50, 95, 99)],
                      "cpu": cpu, "load": ph.get("load"), "secs": secs,
                      # CPU of the web workers and PostgreSQL per request served: steadier than latency when the
                      # machine is shared, and what sets the capacity of a dedicated machine
                      "cpu_ms": (cpu.get("web", 0) + cpu.get("postgres", 0)) * secs * 1000 / total if total else 0}  # fmt: skip
        r, wr = summary[s]["read"], summary[s]["write"]
        print(f"{s:>5} {secs:>5.0f} {total / secs if secs else 0:>7.1f} {errs:>5} "
              f"{r[0]:>6.0f}/{r[1]:>6.0f}/{r[2]:>6.0f} {wr[0]:>6.0f}/{wr[1]:>6.0f}/{wr[2]:>6.0f} "
              f"{cpu.get('web', 0):>5.2f} {cpu.get('worker', 0):>5.2f} {cpu.get('postgres', 0):>5.2f} "
              f"{cpu.get('locust', 0):>5.2f} {cpu.get('web_runq', 0):>5.2f} {summary[s]['cpu_ms']:>6.1f} "
              f"{cpu.get('lock_waits', 0):>5.2f} {cpu.get('load', 0):>5.2f}")  # fmt: skip
    print("\nPer page/endpoint and step: count, errors, p50/p95/p99 ms")
    print(f"{'page / endpoint':<22}" + "".join(f"{'| ' + s + ' users':<26}" for s in steps))
    for n in names + ["login"]:
        cells = []
        for s in steps:
            vs = samples.get(s, {}).get(n, []) + (samples.get(f"ramp-{s}", {}).get(n, []) if n == "login" else [])
            e = failures.get(s, {}).get(n, 0)
            cells.append(
                f"| {len(vs):>5} {e:>3} {pct(vs, 50):>4.0f}/{pct(vs, 95):>5.0f}/{pct(vs, 99):>5.0f}" if vs else "|"
            )
        print(f"{n:<22}" + "".join(f"{c:<26}" for c in cells))
    if data.get("failure_kinds"):
        print("\nErrors (name: reason × count):")
        for k, v in sorted(data["failure_kinds"].items(), key=lambda kv: -kv[1])[:15]:
            print(f"  {k} × {v}")
    print("\nWrites (the requests that succeeded against the database):")
    for k, v in checks.items():
        print(f"  {k}: {v}")
    return summary


def json_line(summary: dict[str, Any], checks: dict[str, Any], args: argparse.Namespace) -> str:
    top = str(args.steps.split(",")[-1])
    s = summary.get(top, {})
    lost = (checks["registers"]["mismatched"] + checks["heartbeats"]["lost"] + checks["statements"]["lost"]
            + checks["visits"]["lost"])  # fmt: skip
    read95, write95 = (s.get("read") or [0, 0, 0])[1], (s.get("write") or [0, 0, 0])[1]
    rows = [
        {"figure": f"p95 of reads at {top} users", "value": round(read95, 1), "unit": "ms", "baseline": f"p95 of reads at {args.steps.split(',')[0]} users",
         "baseline_value": round((summary.get(args.steps.split(",")[0], {}).get("read") or [0, 0])[1], 1), "ratio": None,
         "target": "≤ 100 ms at 200 users", "met": read95 <= READ_TARGET if top == "200" else None},
        {"figure": f"p95 of writes at {top} users", "value": round(write95, 1), "unit": "ms", "baseline": f"p95 of writes at {args.steps.split(',')[0]} users",
         "baseline_value": round((summary.get(args.steps.split(",")[0], {}).get("write") or [0, 0])[1], 1), "ratio": None,
         "target": "≤ 300 ms at 200 users", "met": write95 <= WRITE_TARGET if top == "200" else None},
        {"figure": f"errors at {top} users", "value": s.get("errors", 0), "unit": "requests", "baseline": "none", "baseline_value": None,
         "ratio": None, "target": "0", "met": s.get("errors", 0) == 0},
        {"figure": f"throughput at {top} users", "value": round(s.get("rps", 0), 1), "unit": "req/s", "baseline": "none",
         "baseline_value": None, "ratio": None, "target": "", "met": None},
        {"figure": "lost writes", "value": lost, "unit": "writes", "baseline": "none", "baseline_value": None, "ratio": None,
         "target": "0", "met": lost == 0},
    ]  # fmt: skip
    for r in rows:
        base = r["baseline_value"]
        if base and r["value"]:
            r["ratio"] = round(base / r["value"], 3)
    return json.dumps({"bench": "load", "rows": rows}, ensure_ascii=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 users for 20 s")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--steps", default="10,25,50,100,200")
    ap.add_argument("--step-seconds", type=float, default=60)
    ap.add_argument(
        "--import-step", type=int, default=0, help="the step during which the import runs (default: the last)"
    )
    ap.add_argument("--spawn-rate", type=float, default=10)
    ap.add_argument("--teachers", type=int, default=200)
    ap.add_argument("--reuse", action="store_true", help="reuse the prepared database (no set-up)")
    ap.add_argument("--keep-db", action="store_true", help="keep jy_b_load (and its prepared copy) at the end")
    ap.add_argument("--port", type=int, default=8202)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--drain", type=float, default=300, help="seconds to wait for the import to finish")
    ap.add_argument(
        "--default-settings",
        action="store_true",
        help="PostgreSQL's default planner settings, not those docs/operations.md recommends (SERVER_SETTINGS)",
    )
    args = ap.parse_args()
    if args.quick:
        args.steps, args.step_seconds = "10", 20
    args.label = f"demo county × {args.scale}" + (" (tiny)" if args.quick and not args.reuse else "")
    args.label += ", PostgreSQL defaults" if args.default_settings else f", {SERVER_SETTINGS}"
    if not args.reuse:
        # --quick on a fresh database: the demo's small test county (two townships), so the set-up is short
        setup(args.scale, min(args.teachers, 20) if args.quick else args.teachers, tiny=args.quick)
    elif psql(f"SELECT count(*) FROM pg_database WHERE datname = '{DB}_tpl'") == "1":  # noqa: S608 (a constant)
        restore()
    tune(not args.default_settings)
    data = run(args)
    checks = check_writes(data)
    summary = report(data, checks, args)
    (OUT / f"summary-{args.steps.replace(',', '-')}.json").write_text(
        json.dumps({"summary": summary, "checks": checks, "phases": data["phases"]}, ensure_ascii=False, indent=1)
    )
    if not args.keep_db:
        psql(f"DROP DATABASE IF EXISTS {DB}")
        psql(f"DROP DATABASE IF EXISTS {DB}_tpl")
    print(json_line(summary, checks, args))


if __name__ == "__main__":
    main()
