"""Benchmark: a month's 督查通报 — compile (every module's section and the proposals), issue and render the PDF.

    python bench/bench_bulletin.py [--db var/demo.sqlite3 | --scale 1] [--month 2026-10] [--repeat 3] [--quick]

Without ``--db`` a fresh SQLite database (temp file) gets the demo county (``manage.py demo_data --scale N``,
timed); ``--quick`` uses the small test county (``--size tiny``). ``--db`` names an existing demo database
(SQLite file, or a ``postgres://`` URL) instead; nothing in it is changed (every issue is rolled back).

Measured, ``--repeat`` times each (the best time is shown, with the machine's load):

* ``section <app>``: each module's ``bulletin.section`` for the month;
* ``proposals``: the commendations and decisions (控辍保学 and 校园安全 rules, the escalation ladder);
* ``compile``: ``bulletin_compile`` (sections + proposals + the draft written);
* ``issue``: ``bulletin_issue`` (文号, the PDF, the archive, the decisions) — most of it is the PDF;
* ``warm-up``: ``jiaoyun.reports.pdf.warm_up``, first in the process (WeasyPrint, Pango and the CJK fonts
  loaded): what a web worker pays once when it starts (``config/gunicorn_conf.py``), before any user's request;
* ``pdf``: ``bulletin_render_pdf`` of the issued content alone (WeasyPrint), after the warm-up;
* ``compile + issue``: the figure against the target (≤ 3 s at 10 × the demo county).

Baseline in the same run: the sections computed by ``reports.bulletin.compile_sections`` — the same
providers, without the proposals and the document — and the PDF of a one-section bulletin (the fixed cost
of WeasyPrint and the CJK fonts), so the ratio shows what the county's rows add.
The last line printed is the benchmark's JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ")[0] if Path("/proc/loadavg").exists() else "?"


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="an existing demo database: SQLite file or postgres:// URL")
    parser.add_argument("--scale", type=int, default=1, help="demo_data --scale for a fresh database")
    parser.add_argument("--month", help="YYYY-MM (default: the month before the demo's today)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="the tiny test county, one repetition")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    build_seconds = None
    if args.db:
        url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
        setup(url)
    else:
        db = Path(tempfile.mkdtemp()) / "bulletin.sqlite3"
        setup(f"sqlite:///{db}")
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        size = ["--size", "tiny"] if args.quick else []
        call_command("demo_data", "--scale", str(args.scale), "--seed", "42", *size, verbosity=0)
        build_seconds = time.perf_counter() - started
        print(
            f"demo_data --scale {args.scale} {' '.join(size)}: {build_seconds:.1f} s (load {load()})", file=sys.stderr
        )

    from django.db import transaction
    from django.utils import timezone

    from jiaoyun.bulletins import services
    from jiaoyun.bulletins.models import SupervisionBulletin
    from jiaoyun.people.models import Student
    from jiaoyun.reports.bulletin import compile_sections, section_providers

    today = timezone.localdate()
    month = dt.date.fromisoformat(f"{args.month}-01") if args.month else (today.replace(day=1) - dt.timedelta(days=1))
    month = month.replace(day=1)
    while SupervisionBulletin.objects.filter(month=month).exists():  # the demo issued recent months: take a new one
        month = (month - dt.timedelta(days=1)).replace(day=1)
    students = Student.objects.count()
    print(f"{students} students; month {month:%Y-%m}; load {load()}", file=sys.stderr)

    # The worker's warm-up first (config/gunicorn_conf.py: a web worker renders one small PDF when it starts), so the
    # figures below are those a user meets; the warm-up itself is the fixed cost paid once per process.
    from jiaoyun.reports.pdf import warm_up

    figures: dict[str, float] = {}
    start = time.perf_counter()
    warm_up()
    figures["warm-up (once per worker, at start)"] = time.perf_counter() - start
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loaded as in a worker that has served a page (the notices' links)
    with transaction.atomic():
        figures["compile"], bulletin = best(
            lambda: services.bulletin_compile(actor=None, month=month, on=today), repeat
        )

        start = time.perf_counter()
        issued = services.bulletin_issue(actor=None, bulletin=bulletin, on=today)
        figures["issue"] = time.perf_counter() - start
        content = issued.content
        pdf_size = len(issued.pdf)
        transaction.set_rollback(True)
    figures["pdf warm"], _ = best(lambda: services.bulletin_render_pdf(content), repeat)
    small = {**content, "sections": content["sections"][:1], "decisions": [], "commendations": []}
    figures["pdf one section (baseline)"], _ = best(lambda: services.bulletin_render_pdf(small), repeat)
    for label, provider in section_providers():
        figures[f"section {label}"], _ = best(lambda p=provider: p(month=month, on=today), repeat)
    figures["proposals"], _ = best(lambda: services._proposals(month=month), repeat)
    figures["sections only (baseline)"], _ = best(lambda: compile_sections(month=month, on=today), repeat)
    total = figures["compile"] + figures["issue"]
    figures["compile + issue"] = total
    # The two other monthly bulletins (each generated in one step: figures, PDF, archive), rolled back each time.
    from django.contrib.auth import get_user_model

    from jiaoyun.core.choices import Role, Section
    from jiaoyun.dropout.services import bulletin_generate
    from jiaoyun.safety.services import safety_bulletin_issue

    def rolled_back(fn: Any) -> Any:
        def run() -> Any:
            with transaction.atomic():
                out = fn()
                transaction.set_rollback(True)
            return out

        return run

    safety_staff = (
        get_user_model()
        .objects.filter(role=Role.BUREAU_STAFF, section=Section.SAFETY, is_active=True, read_only=False)
        .first()
    )
    from jiaoyun.dropout.models import Bulletin as DropoutBulletin

    # Each must really be generated (a month already archived is returned as it is, which would time nothing).
    if not DropoutBulletin.objects.filter(month=month).exists():
        figures["控辍保学 bulletin (generate: figures, PDF, workbook)"], _ = best(
            rolled_back(lambda: bulletin_generate(actor=None, month=month, on=today)), repeat
        )
    if safety_staff is not None:
        seconds, (_, created) = best(
            rolled_back(lambda: safety_bulletin_issue(actor=safety_staff, month=month, on=today)), repeat
        )
        if created:
            figures["平安校园 bulletin (issue: PDF)"] = seconds

    print(f"\n{'measurement':<32} {'ms':>9}")
    for key, value in figures.items():
        print(f"{key:<32} {value * 1000:>9.1f}")
    print(f"PDF {pdf_size} bytes, {len(content['sections'])} sections, {len(content['decisions'])} decisions; "
          f"load {load()}")  # fmt: skip
    # The scale: the demo county has 84,335 students at scale 1 (demo_data --seed 42).
    scale = "tiny" if args.quick and not args.db else f"{max(1, round(students / 84_335))}×"
    baseline = figures["sections only (baseline)"] + figures["pdf one section (baseline)"]
    at_10 = scale == "10×"
    rows = [
        {
            "figure": f"督查通报 issue (文号, PDF, archive, {len(content['decisions'])} decisions told) at {scale} "
            f"({students:,} students)",
            "value": round(figures["issue"], 3),
            "unit": "s",
            "baseline": "the sections alone + a one-section PDF",
            "baseline_value": round(baseline, 3),
            "ratio": round(baseline / figures["issue"], 2),
            "target": "≤ 3 s at 10×",
            "met": (figures["issue"] <= 3) if at_10 else None,
        },
        {
            "figure": f"督查通报 compile (the draft, a step of its own) + issue at {scale}",
            "value": round(total, 3),
            "unit": "s",
            "baseline": None,
            "baseline_value": None,
            "ratio": None,
            "target": "",
            "met": None,
        },
    ]
    for key in ("控辍保学 bulletin (generate: figures, PDF, workbook)", "平安校园 bulletin (issue: PDF)"):
        if key in figures:
            rows.append(
                {
                    "figure": f"{key} at {scale}",
                    "value": round(figures[key], 3),
                    "unit": "s",
                    "baseline": None,
                    "baseline_value": None,
                    "ratio": None,
                    "target": "≤ 3 s at 10×",
                    "met": (figures[key] <= 3) if at_10 else None,
                }
            )
    rows += [
        {"figure": f"督查通报 PDF rendering at {scale}", "value": round(figures["pdf warm"], 3), "unit": "s",
         "baseline": "a one-section PDF", "baseline_value": round(figures["pdf one section (baseline)"], 3),
         "ratio": round(figures["pdf one section (baseline)"] / figures["pdf warm"], 2), "target": "", "met": None},
    ]  # fmt: skip
    if build_seconds is not None:
        rows.append({"figure": f"demo_data --scale {args.scale}{' --size tiny' if args.quick else ''}",
                     "value": round(build_seconds, 1), "unit": "s", "baseline": "", "baseline_value": None,
                     "ratio": None, "target": "", "met": None})  # fmt: skip
    print(json.dumps({"bench": "bulletin", "rows": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
