"""xAPI LRS benchmark: batch POST and filtered GET throughput with a large statement store, Jiaoyun vs Ralph.

Usage (PostgreSQL database already migrated; gunicorn importable; Ralph optional, in its own venv):

    DATABASE_URL=postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jy_bench_learning \\
      .venv/bin/python bench/lrs.py --load 1000000 [--ralph-bin /tmp/ralph-venv/bin/ralph]

1. Loads ``--load`` statements into the store through the LRS's own storage path (``statement_store``:
   validation, ids, indexed columns, related-agent/activity rows), in-process, batches of 1,000, using
   ``--load-procs`` processes. This is how the 1 M base is reached quickly; it is not part of the timed
   figures.
2. Serves Jiaoyun as in production (docs/learning.md): gunicorn, ``--workers`` sync workers, persistent
   database connections; a threaded wsgiref server if gunicorn is not importable (and says so).
3. Builds every request body first, then times, over HTTP with ``--clients`` concurrent keep-alive clients:
   POST of batches of 100 statements and GETs filtered by verb, agent, activity (limit 100). Prints
   statements/s (or requests/s), p95 latency, and for each phase the wall time and the CPU time of the web
   processes, of PostgreSQL (this database's backends and the shared background processes) and of the load
   generator.
4. The same workload against Ralph (``ralph.api`` on uvicorn with ``--ralph-workers``, filesystem backend) when
   ``--ralph-bin`` is given: its base of ``--ralph-load`` statements goes in with one POST; its fs backend writes
   each target file once, so each timed POST goes to a user with its own, empty target (Ralph's best case).

Run it under ``flock /tmp/jy-bench.lock`` on a shared machine.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import importlib.util
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from _lrs_support import RALPH_PASSWORD, Auths, CpuMeter, Request, Result, p95, run_clients, start_ralph  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

VERBS = [f"http://adlnet.gov/expapi/verbs/{v}" for v in ("experienced", "attended", "answered", "completed", "passed")]
N_ACTORS = 20_000
N_ACTIVITIES = 5_000


def make_statement(rng: random.Random, *, with_id: bool = True) -> dict[str, Any]:
    actor = rng.randrange(N_ACTORS)
    act = rng.randrange(N_ACTIVITIES)
    st: dict[str, Any] = {
        "actor": {"objectType": "Agent", "name": f"学生{actor}", "mbox": f"mailto:s{actor}@bench.example.com"},
        "verb": {"id": rng.choice(VERBS), "display": {"zh-CN": "学习"}},
        "object": {
            "objectType": "Activity",
            "id": f"https://bench.example.com/activities/{act}",
            "definition": {"name": {"zh-CN": f"第{act}课"}, "type": "http://adlnet.gov/expapi/activities/lesson"},
        },
        "result": {
            "duration": f"PT{rng.randint(1, 40)}M",
            "score": {"scaled": round(rng.random(), 2)},
            "completion": True,
        },
        "context": {
            "registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "platform": "智慧课堂",
            "contextActivities": {"parent": [{"id": f"https://bench.example.com/courses/{act % 50}"}]},
        },
        "timestamp": f"2024-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(8, 21):02d}:00:00+08:00",
    }
    if with_id:
        st["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return st


# ---- loading ---------------------------------------------------------------------------------------------------


def _django() -> None:
    import django

    django.setup()


def _client_credentials() -> tuple[int, str, str]:
    from jiaoyun.learning.services import lrs_client_create

    client, secret = lrs_client_create(name="bench", all_schools=True)
    return client.pk, client.key, secret


def _load_worker(args: tuple[int, int, int]) -> int:
    client_id, count, seed = args
    _django()
    from django.db import connection

    from jiaoyun.learning.models import LrsClient
    from jiaoyun.learning.services import statement_store

    connection.close()
    client = LrsClient.objects.get(pk=client_id)
    rng = random.Random(seed)
    done = 0
    while done < count:
        n = min(1000, count - done)
        statement_store(client=client, statements=[make_statement(rng) for _ in range(n)], version="2.0.0")
        done += n
    return done


def load(client_id: int, total: int, procs: int, seed: int) -> float:
    started = time.perf_counter()
    per = [total // procs + (1 if i < total % procs else 0) for i in range(procs)]
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        pool.map(_load_worker, [(client_id, n, seed * 100 + i) for i, n in enumerate(per)])
    return time.perf_counter() - started


# ---- servers ------------------------------------------------------------------------------------------------------


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not start")


def start_jiaoyun(port: int, workers: int, threads: int) -> tuple[subprocess.Popen[bytes], str]:
    env = dict(os.environ, DB_CONN_MAX_AGE="600")
    if importlib.util.find_spec("gunicorn"):
        cmd = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
        cmd += ["-w", str(workers), "--threads", str(threads), "--keep-alive", "30", "--log-level", "warning"]
        label = f"gunicorn -w {workers} --threads {threads}"
    else:
        cmd = [sys.executable, str(ROOT / "bench" / "lrs.py"), "--serve-wsgiref", str(port)]
        label = "wsgiref (threaded; gunicorn not importable)"
    return subprocess.Popen(cmd, cwd=ROOT, env=env), label


def serve_wsgiref(port: int) -> None:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    _django()
    from django.core.wsgi import get_wsgi_application

    class Threaded(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *a: Any) -> None:
            pass

    make_server("127.0.0.1", port, get_wsgi_application(), server_class=Threaded, handler_class=Quiet).serve_forever()


# ---- workloads ------------------------------------------------------------------------------------------------


def post_plans(seed: int, clients: int, requests: int, base: str) -> list[list[Request]]:
    """Batches of 100 statements without ids (the LRS assigns them; Ralph's fs backend refuses client-supplied
    ids in batches)."""
    rng = random.Random(seed)
    per = requests // clients
    return [
        [
            (
                "POST",
                f"{base}/statements",
                json.dumps([make_statement(rng, with_id=False) for _ in range(100)]).encode(),
                100,
            )
            for _ in range(per)
        ]
        for _ in range(clients)
    ]


QUERIES: dict[str, Any] = {
    "verb": lambda r: {"verb": r.choice(VERBS)},
    "agent": lambda r: {"agent": json.dumps({"mbox": f"mailto:s{r.randrange(N_ACTORS)}@bench.example.com"})},
    "activity": lambda r: {"activity": f"https://bench.example.com/activities/{r.randrange(N_ACTIVITIES)}"},
}


def get_plans(seed: int, clients: int, requests: int, base: str, name: str) -> list[list[Request]]:
    from urllib.parse import urlencode

    rng = random.Random(seed)
    per = requests // clients
    return [
        [("GET", f"{base}/statements?{urlencode({**QUERIES[name](rng), 'limit': 100})}", None, 0) for _ in range(per)]
        for _ in range(clients)
    ]


def measure(port: int, auths: Auths, plans: list[list[Request]], meter: CpuMeter, *, per_request: bool) -> Result:
    with meter:
        secs, lat, n = run_clients(port, auths, plans)
    rate = len(lat) / secs if per_request else n / secs
    return rate, p95(lat) * 1000, n, meter


def workload(
    port: int,
    auths: list[str],
    base: str,
    meter: CpuMeter,
    *,
    post_requests: int,
    get_requests: int,
    seed: int,
    post_auths: list[str] | None = None,
) -> dict[str, Result]:
    res: dict[str, Result] = {}
    clients = len(auths)
    if post_requests:
        plans = post_plans(seed, len(post_auths or auths), post_requests, base)
        res["post"] = measure(port, post_auths or auths, plans, meter, per_request=False)
        meter = CpuMeter(meter.server_pid, meter.dbname)
    for name in QUERIES:
        res[f"get_{name}"] = measure(
            port, auths, get_plans(seed + 1, clients, get_requests, base, name), meter, per_request=True
        )
        meter = CpuMeter(meter.server_pid, meter.dbname)
    return res


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def count_statements() -> int:
    from jiaoyun.learning.models import Statement

    return Statement.objects.count()


def db_name() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"]) if "postgresql" in settings.DATABASES["default"]["ENGINE"] else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load", type=int, default=1_000_000, help="statements in the store before timing")
    parser.add_argument("--load-procs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--post-requests", type=int, default=400, help="batches of 100")
    parser.add_argument("--get-requests", type=int, default=400)
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--ralph-bin", default="")
    parser.add_argument("--ralph-port", type=int, default=8151)
    parser.add_argument("--ralph-workers", type=int, default=2, help="uvicorn worker processes for Ralph")
    parser.add_argument("--ralph-load", type=int, default=100_000)
    parser.add_argument("--ralph-get-requests", type=int, default=40, help="the fs backend scans its whole file")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--load-only", action="store_true", help="only load the store, time nothing")
    parser.add_argument("--serve-wsgiref", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="2,000 statements, 20 requests a phase (checks it runs)")
    args = parser.parse_args()
    if args.quick:
        args.load, args.post_requests, args.get_requests = 2_000, 20, 20
        args.clients, args.workers, args.ralph_load, args.ralph_get_requests = 4, 2, 1_000, 8
    if args.serve_wsgiref:
        serve_wsgiref(args.serve_wsgiref)
        return
    _django()
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    _, key, secret = _client_credentials()
    from jiaoyun.learning.models import LrsClient

    client_id = LrsClient.objects.get(key=key).pk
    have = count_statements()
    if have < args.load:
        c0 = os.times()
        secs = load(client_id, args.load - have, args.load_procs, seed=have)
        c1 = os.times()
        cpu = c1.children_user + c1.children_system - c0.children_user - c0.children_system
        print(
            f"loaded {args.load - have:,} statements via statement_store in {secs:.0f} s wall, {cpu:.0f} s CPU in "
            f"the loaders ({(args.load - have) / secs:,.0f}/s, {args.load_procs} processes)"
        )
    base_count = count_statements()
    if args.load_only:
        print(f"store holds {base_count:,} statements")
        return
    from django.db import connection

    connection.close()
    results: dict[str, dict[str, Result]] = {}
    proc, label = start_jiaoyun(args.port, args.workers, args.threads)
    try:
        wait_port(args.port)
        auth = basic(key, secret)
        # Warm-up: every worker imports, connects and caches the client before the clock starts.
        run_clients(args.port, [auth] * args.clients, get_plans(0, args.clients, args.clients * 4, "/xapi", "verb"))
        results["Jiaoyun"] = workload(
            args.port,
            [auth] * args.clients,
            "/xapi",
            CpuMeter(proc.pid, db_name()),
            post_requests=args.post_requests,
            get_requests=args.get_requests,
            seed=args.seed,
        )
    finally:
        proc.terminate()
        proc.wait()
    ralph_note = "not run (no --ralph-bin)"
    if args.ralph_bin:
        workdir = Path(tempfile.mkdtemp(prefix="ralph-bench-"))
        rproc = start_ralph(args.ralph_bin, args.ralph_port, workdir, args.post_requests, args.ralph_workers)
        try:
            wait_port(args.ralph_port, timeout=180)
            base_auth = basic("base", RALPH_PASSWORD)
            t0 = time.perf_counter()
            body = json.dumps([make_statement(random.Random(args.seed), with_id=False) for _ in range(args.ralph_load)])
            _, _, n = run_clients(
                args.ralph_port, [base_auth], [[("POST", "/xAPI/statements", body.encode(), args.ralph_load)]]
            )
            print(f"loaded Ralph with {n:,} statements in one POST in {time.perf_counter() - t0:.0f} s")
            post_auths = [basic(f"post{i}", RALPH_PASSWORD) for i in range(args.post_requests)]
            # Each POST user has its own target and posts once: one plan per request, run by `clients` threads.
            plans = post_plans(args.seed, args.post_requests, args.post_requests, "/xAPI")
            groups = [[r for j, p in enumerate(plans) if j % args.clients == i for r in p] for i in range(args.clients)]
            auth_groups = [
                [post_auths[j] for j in range(len(plans)) if j % args.clients == i] for i in range(args.clients)
            ]
            res = {"post": measure(args.ralph_port, auth_groups, groups, CpuMeter(rproc.pid, ""), per_request=False)}
            res.update(
                workload(
                    args.ralph_port,
                    [base_auth] * args.clients,
                    "/xAPI",
                    CpuMeter(rproc.pid, ""),
                    post_requests=0,
                    get_requests=args.ralph_get_requests,
                    seed=args.seed,
                )
            )
            results["Ralph (fs)"] = res
            ralph_note = f"ralph.api on uvicorn --workers {args.ralph_workers}, fs backend, base {n:,} statements"
        finally:
            rproc.terminate()
            rproc.wait()
            shutil.rmtree(workdir, ignore_errors=True)
    report(results, label, engine, base_count, ralph_note, args)
    print(json.dumps(json_line(results, base_count), ensure_ascii=False))


def json_line(results: dict[str, dict[str, Result]], base_count: int) -> dict:
    """The line ``make bench`` gathers: Jiaoyun's rates with Ralph's (when run) as the baseline; the ratio is
    Jiaoyun ÷ Ralph (a rate: higher is better). No target: the issue set none for the LRS."""
    ours, ralph = results["Jiaoyun"], results.get("Ralph (fs)")
    rows = []
    for title, k, unit in (
        ("POST statements (batches of 100)", "post", "statements/s"),
        ("GET filtered by verb", "get_verb", "requests/s"),
        ("GET filtered by agent", "get_agent", "requests/s"),
        ("GET filtered by activity", "get_activity", "requests/s"),
    ):
        rate, p95_ms = ours[k][0], ours[k][1]
        base = ralph[k][0] if ralph and ralph[k][0] else None
        rows.append({
            "figure": f"LRS {title}, store of {base_count:,}, p95 {p95_ms:.0f} ms", "value": round(rate, 1),
            "unit": unit, "baseline": "Ralph (fs backend)" if ralph else "Ralph not run (no --ralph-bin)",
            "baseline_value": round(base, 1) if base else None, "ratio": round(rate / base, 2) if base else None,
            "target": None, "met": None,
        })  # fmt: skip
    return {"bench": "lrs", "rows": rows}


def report(
    results: dict[str, dict[str, Result]], label: str, engine: str, base_count: int, ralph_note: str, args: Any
) -> None:
    print()
    print(f"Jiaoyun: {label}, {engine}, base {base_count:,} statements; Ralph: {ralph_note}")
    print(f"{args.clients} concurrent clients; POST = batches of 100; GET = limit 100; {os.cpu_count()} CPUs")
    names = list(results)
    header = f"{'workload':<16}" + "".join(f"{n + ' /s':>18}{'p95 ms':>10}" for n in names)
    if len(names) == 2:
        header += f"{'ratio':>8}"
    print(header)
    rows = [
        ("POST statements", "post"),
        ("GET by verb", "get_verb"),
        ("GET by agent", "get_agent"),
        ("GET by activity", "get_activity"),
    ]
    for title, k in rows:
        line = f"{title:<16}" + "".join(f"{results[n][k][0]:>18,.1f}{results[n][k][1]:>10.0f}" for n in names)
        if len(names) == 2 and results[names[1]][k][0] and results[names[0]][k][0]:
            line += f"{results[names[0]][k][0] / results[names[1]][k][0]:>7.1f}x"
        print(line)
    print("(POST: statements/s; GET: requests/s)")
    print()
    print("wall and CPU seconds per phase (server = web processes, db = PostgreSQL, client = this load generator)")
    print(f"{'':<28}{'wall':>8}{'server':>8}{'db':>8}{'client':>8}{'CPU ms/100 st':>15}")
    for n in names:
        for title, k in rows:
            rate, _, items, m = results[n][k]
            per = (m.server + m.db) / items * 100_000 if k == "post" and items else 0
            print(
                f"{n[:10] + ' ' + title:<28}{m.wall:>8.1f}{m.server:>8.1f}{m.db:>8.1f}{m.client:>8.1f}"
                + (f"{per:>15.1f}" if per else f"{'':>15}")
            )


if __name__ == "__main__":
    main()
