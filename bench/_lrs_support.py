"""Helpers of the LRS benchmark (``bench/lrs.py``): CPU accounting of the processes under test, the timed HTTP
clients, and starting Ralph, the LRS it is compared against."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

Request = tuple[str, str, bytes | None, int]  # method, url, body, statements sent
Auths = list[str] | list[list[str]]  # per plan: the credentials of all its requests, or of each one


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values or [0])


# ---- CPU accounting ---------------------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and of its waited-for children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / TICK


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def server_cpu(pid: int) -> float:
    """The server's CPU: the process and its live children (gunicorn master and workers)."""
    todo, total = [pid], 0.0
    while todo:
        p = todo.pop()
        total += _proc_cpu(p)
        todo += _children(p)
    return total


def database_cpu(dbname: str) -> float:
    """PostgreSQL's CPU for this run: the backends serving ``dbname`` and the shared background processes
    (WAL writer, checkpointer, background writer, autovacuum)."""
    total = 0.0
    if not dbname:
        return total
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmd.startswith("postgres: ") and (f" {dbname} " in cmd or "(" not in cmd):
            total += _proc_cpu(int(proc.name))
    return total


class CpuMeter:
    """Wall and CPU seconds (server, database, load generator) around one workload phase."""

    def __init__(self, server_pid: int, dbname: str) -> None:
        self.server_pid, self.dbname = server_pid, dbname

    def __enter__(self) -> CpuMeter:
        self.t0 = time.perf_counter()
        self.s0 = server_cpu(self.server_pid)
        self.d0 = database_cpu(self.dbname) if self.dbname else 0.0
        self.c0 = time.process_time()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall = time.perf_counter() - self.t0
        self.server = server_cpu(self.server_pid) - self.s0
        self.db = (database_cpu(self.dbname) - self.d0) if self.dbname else 0.0
        self.client = time.process_time() - self.c0


Result = tuple[float, float, int, CpuMeter]  # rate, p95 ms, items, cpu


# ---- load generation ------------------------------------------------------------------------------------------


def run_clients(port: int, auths: Auths, plans: list[list[Request]]) -> tuple[float, list[float], int]:
    """One thread per plan, each with one keep-alive connection and its own credentials (``auths[i]``: of all
    requests of plan ``i``, or a list with those of each of its requests, as Ralph's POSTs need); the requests
    (bodies included) are built before the clock starts. Returns (seconds, latencies, statements sent or
    received)."""
    latencies: list[float] = []
    items = [0]
    errors: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        mine = auths[i]
        for auth, (method, url, body, count) in zip(
            mine if isinstance(mine, list) else [mine] * len(plans[i]), plans[i], strict=True
        ):
            headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
            t0 = time.perf_counter()
            try:
                conn.request(method, url, body=body, headers=headers)
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

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(plans))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  ! {len(errors)} failed requests, first: {errors[0]}")
    return time.perf_counter() - started, latencies, items[0]


# ---- Ralph, the baseline ----------------------------------------------------------------------------------------


RALPH_PASSWORD = "bench-password"


def start_ralph(ralph_bin: str, port: int, workdir: Path, post_users: int, workers: int) -> subprocess.Popen[bytes]:
    """Ralph's LRS server on its filesystem backend. Its fs backend writes each target's file once (a second
    POST to the same target fails), so the base is one user's target and every timed POST goes to a user of
    its own (``post0`` …): Ralph's POST is measured into empty stores, its most favourable case."""
    env = dict(os.environ, RALPH_APP_DIR=str(workdir), RALPH_AUTH_FILE=str(workdir / "auth.json"))
    env["RALPH_RUNSERVER_BACKEND"] = "fs"
    (workdir / "fs").mkdir(parents=True, exist_ok=True)
    python = str(Path(ralph_bin).parent / "python")
    # bcrypt with a low cost: Ralph checks each user's password once (then caches it), and the bench should time
    # statements, not 200 first logins.
    hashed = subprocess.run(
        [python, "-c", f"import bcrypt; print(bcrypt.hashpw({RALPH_PASSWORD!r}.encode(), bcrypt.gensalt(4)).decode())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    users = [
        {
            "agent": {"mbox": f"mailto:{name}@bench.example.com", "objectType": "Agent"},
            "scopes": ["all"],
            "target": name,
            "hash": hashed,
            "username": name,
        }
        for name in ["base", *(f"post{i}" for i in range(post_users))]
    ]
    (workdir / "auth.json").write_text(json.dumps(users))
    for user in users:
        (workdir / "fs" / str(user["target"])).mkdir()
    # Served the way Ralph's docs say to serve it in production (not ``ralph runserver``, which reloads and logs at
    # debug level): uvicorn with ``workers`` processes.
    env["RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH"] = str(workdir / "fs")
    return subprocess.Popen(
        [str(Path(ralph_bin).parent / "uvicorn"), "ralph.api:app", "--host", "127.0.0.1", "--port", str(port)]
        + ["--workers", str(workers), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
