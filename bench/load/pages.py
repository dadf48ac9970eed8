"""One user at a time: the SQL queries and the server time of each page of the load test's personas.

    DATABASE_URL=…/jy_b_load .venv/bin/python bench/load/pages.py [--repeat 5]

Runs in-process (Django's test client, the production settings), as the personas' accounts of
``var/load/fixture.json``; prints per page the median milliseconds (wall, and CPU of this process: the web side of the request,
steadier than wall time on a shared machine), the number of queries and their total milliseconds, and the slowest
query. It explains the load test's slow pages (a query count, a slow query, or
Python time), it is not a load figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--fixture", type=Path, default=ROOT / "var/load/fixture.json")
    args = ap.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiaoyun.core.models import User

    fx = json.loads(args.fixture.read_text())
    teacher = next(t for t in fx["teachers"] if t["cases"])
    town = fx["townships"][0]

    def client(username: str) -> Client:
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c

    tc, zc, dc = client(teacher["username"]), client(town), client(fx["directors"][0])
    dash = dc.get("/indicators/").content.decode()
    links = re.findall(r'href="(/indicators/(?:area/\d+/|school/\d+/|drill/\?[^"]+))"', dash)
    links = [u.replace("&amp;", "&") for u in links]
    pages = [
        ("缺勤登记 GET", tc, f"/dropout/absences/?klass={teacher['class_id']}&date=2026-12-04"),
        ("首页（待办） teacher", tc, "/"),
        ("案件 teacher", tc, f"/dropout/cases/{teacher['cases'][0]}/"),
        ("首页（待办） township", zc, "/"),
        ("控辍保学", zc, "/dropout/"),
        ("控辍保学 学生台账", zc, "/dropout/children/"),
        ("指标看板", dc, "/indicators/"),
        ("首页（待办） director", dc, "/"),
    ]
    for kind, pattern in (("指标 乡镇", "/area/"), ("指标 学校", "/school/"), ("指标 下钻", "/drill/")):
        url = next((u for u in links if pattern in u), None)
        if url:
            pages.append((kind, dc, url))
    print(f"{'page':<24} {'ms (median)':>11} {'CPU ms':>7} {'queries':>8} {'SQL ms':>7}  slowest query")
    rows = []
    for name, c, url in pages:
        times, cpu, captured = [], [], None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as q:
                t0, c0 = time.perf_counter(), time.process_time()
                resp = c.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            captured = q
            assert resp.status_code == 200, (url, resp.status_code)
        qs = captured.captured_queries if captured else []
        sql_ms = sum(float(x["time"]) for x in qs) * 1000
        slow = max(qs, key=lambda x: float(x["time"]), default={"sql": "", "time": "0"})
        print(f"{name:<24} {statistics.median(times):>11.1f} {statistics.median(cpu):>7.1f} {len(qs):>8} {sql_ms:>7.1f}  "
              f"{float(slow['time']) * 1000:.1f} ms {slow['sql'][:110]}")  # fmt: skip
        rows.append(
            {
                "page": name,
                "url": url,
                "ms": statistics.median(times),
                "cpu_ms": statistics.median(cpu),
                "queries": len(qs),
                "sql_ms": sql_ms,
            }
        )
    out = ROOT / "var/load" / (os.environ.get("PAGES_OUT") or "pages.json")
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
