"""xAPI LRS benchmark: batch POST and filtered GET throughput with a large statement store, Jiaoyun vs Ralph.

Usage (PostgreSQL database already migrated; Ralph optional, installed in its own venv):

    DATABASE_URL=postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jy_bench_learning \\
      .venv/bin/python bench/lrs.py --load 1000000 [--ralph-bin /tmp/ralph-venv/bin/ralph]

1. Loads ``--load`` statements into the store through the LRS's own storage path (``statement_store``:
   validation, ids, indexed columns, related-agent/activity rows), in-process, batches of 1,000, using
   ``--load-procs`` processes. This is how the 1 M base is reached quickly; it is not part of the timed
   figures.
2. Serves Jiaoyun with gunicorn (``--workers``, sync workers) if gunicorn is importable (e.g. put a
   ``pip install --target DIR gunicorn`` directory on PYTHONPATH), otherwise with a threaded wsgiref
   server (and says so).
3. Times, over HTTP with ``--clients`` concurrent keep-alive clients: POST of batches of 100 statements
   and GETs filtered by verb, agent, activity (limit 100). Prints statements/s (or requests/s) and p95
   latency.
4. The same workload against Ralph (``ralph runserver -b fs``) when ``--ralph-bin`` is given, after
   loading it with ``--ralph-load`` statements via its own POST endpoint.
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
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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


def start_jiaoyun(port: int, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    env = dict(os.environ, DB_CONN_MAX_AGE="600")
    if importlib.util.find_spec("gunicorn"):
        cmd = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
        cmd += ["-w", str(workers), "--keep-alive", "30", "--log-level", "warning"]
        label = f"gunicorn, {workers} sync workers"
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


def start_ralph(ralph_bin: str, port: int, workdir: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    auth_file = workdir / "auth.json"
    user, password = "bench", "bench-password"
    env = dict(
        os.environ,
        RALPH_APP_DIR=str(workdir),
        RALPH_AUTH_FILE=str(auth_file),
        RALPH_RUNSERVER_BACKEND="fs",
    )
    (workdir / "fs").mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [ralph_bin, "auth", "-u", user, "-p", password, "-s", "all", "-M", "mailto:bench@example.com", "-w"],
        env=env,
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [ralph_bin, "runserver", "-b", "fs", "--fs-default-directory-path", str(workdir / "fs"), "-h", "127.0.0.1"]
        + ["-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, user, password


# ---- load generation --------------------------------------------------------------------------------------------


def run_clients(
    port: int, auth: str, path: str, clients: int, requests_each: int, make: Any, method: str
) -> tuple[float, list[float], int]:
    """``clients`` threads, each with one keep-alive connection; returns (seconds, latencies, items)."""
    latencies: list[float] = []
    items = [0]
    errors: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        rng = random.Random(i * 7919 + int(time.time() * 1000))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
        for _ in range(requests_each):
            url, body, count = make(rng)
            t0 = time.perf_counter()
            try:
                conn.request(method, url if method == "GET" else path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                errors.append(repr(exc))
                continue
            dt = time.perf_counter() - t0
            if response.status >= 300:
                errors.append(f"{response.status} {data[:200]!r}")
                continue
            if method == "GET":
                count = len(json.loads(data)["statements"])
            with lock:
                latencies.append(dt)
                items[0] += count
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  ! {len(errors)} failed requests, first: {errors[0]}")
    return time.perf_counter() - started, latencies, items[0]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values or [0])


def workload(port: int, auth: str, base: str, clients: int, post_requests: int, get_requests: int) -> dict[str, Any]:
    res: dict[str, Any] = {}

    def post_batch(rng: random.Random) -> tuple[str, bytes, int]:
        # Without ids: the LRS assigns them (Ralph's fs backend refuses client-supplied ids in batches).
        return "", json.dumps([make_statement(rng, with_id=False) for _ in range(100)]).encode(), 100

    res["post"] = (0.0, 0.0, 0)
    if post_requests:
        secs, lat, n = run_clients(
            port, auth, f"{base}/statements", clients, post_requests // clients, post_batch, "POST"
        )
        res["post"] = (n / secs, p95(lat) * 1000, n)
    queries = {
        "verb": lambda r: {"verb": r.choice(VERBS)},
        "agent": lambda r: {"agent": json.dumps({"mbox": f"mailto:s{r.randrange(N_ACTORS)}@bench.example.com"})},
        "activity": lambda r: {"activity": f"https://bench.example.com/activities/{r.randrange(N_ACTIVITIES)}"},
    }
    from urllib.parse import urlencode

    for name, q in queries.items():

        def make(rng: random.Random, q: Any = q) -> tuple[str, None, int]:
            return f"{base}/statements?{urlencode({**q(rng), 'limit': 100})}", None, 0

        secs, lat, n = run_clients(port, auth, "", clients, get_requests // clients, make, "GET")
        res[f"get_{name}"] = (len(lat) / secs, p95(lat) * 1000, n)
    return res


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def count_statements() -> int:
    from jiaoyun.learning.models import Statement

    return Statement.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load", type=int, default=1_000_000, help="statements in the store before timing")
    parser.add_argument("--load-procs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--post-requests", type=int, default=200, help="batches of 100")
    parser.add_argument("--get-requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--ralph-bin", default="")
    parser.add_argument("--ralph-port", type=int, default=8151)
    parser.add_argument("--ralph-load", type=int, default=100_000)
    parser.add_argument("--ralph-get-requests", type=int, default=40, help="the fs backend scans its whole file")
    parser.add_argument("--load-only", action="store_true", help="only load the store, time nothing")
    parser.add_argument("--serve-wsgiref", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
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
        secs = load(client_id, args.load - have, args.load_procs, seed=have)
        print(
            f"loaded {args.load - have:,} statements via statement_store in {secs:.0f} s "
            f"({(args.load - have) / secs:,.0f}/s, {args.load_procs} processes)"
        )
    base_count = count_statements()
    if args.load_only:
        print(f"store holds {base_count:,} statements")
        return
    results: dict[str, dict[str, Any]] = {}
    proc, label = start_jiaoyun(args.port, args.workers)
    try:
        wait_port(args.port)
        results["Jiaoyun"] = workload(
            args.port, basic(key, secret), "/xapi", args.clients, args.post_requests, args.get_requests
        )
    finally:
        proc.terminate()
        proc.wait()
    ralph_note = "not run (no --ralph-bin)"
    if args.ralph_bin:
        workdir = Path(tempfile.mkdtemp(prefix="ralph-bench-"))
        rproc, user, password = start_ralph(args.ralph_bin, args.ralph_port, workdir)
        try:
            wait_port(args.ralph_port, timeout=180)
            auth = basic(user, password)
            # Ralph's fs backend writes its file once ("create"): a second POST fails with "Statements bulk
            # indexation failed". So its base goes in with one single POST, and its POST workload is not run.
            t0 = time.perf_counter()
            _, lat, n = run_clients(
                args.ralph_port,
                auth,
                "/xAPI/statements",
                1,
                1,
                lambda r: (
                    "",
                    json.dumps([make_statement(r, with_id=False) for _ in range(args.ralph_load)]).encode(),
                    args.ralph_load,
                ),
                "POST",
            )
            print(f"loaded Ralph with {n:,} statements in one POST in {time.perf_counter() - t0:.0f} s")
            results["Ralph (fs)"] = workload(args.ralph_port, auth, "/xAPI", args.clients, 0, args.ralph_get_requests)
            ralph_note = f"ralph runserver -b fs (uvicorn, 1 process), base {n:,} statements, POST n/a (see above)"
        finally:
            rproc.terminate()
            rproc.wait()
            shutil.rmtree(workdir, ignore_errors=True)
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


if __name__ == "__main__":
    main()
