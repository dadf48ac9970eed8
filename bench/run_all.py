"""Every benchmark in one table: runs each ``bench/*.py`` (and ``bench/<dir>/run.py``), reads the JSON line each
prints last, and prints one table headed by the machine's state; writes the same as Markdown into
``docs/benchmarks.md`` between its markers (the page's prose stays).

    .venv/bin/python bench/run_all.py [--quick] [--only NAME ...] [--args NAME='…'] [--env NAME:KEY=VALUE]
                                      [--timeout S] [--no-write]

``make bench`` runs it at full scale (minutes to an hour), ``make bench-quick`` with ``--quick`` (each script's
small scale, to check that it runs). ``--only`` runs the named benchmarks (the script's file name without
``.py``, ``load`` for ``bench/load/run.py``); the page is written only when every benchmark ran, unless
``--write``. A script that fails, prints no JSON line, or prints one that is not the wave's format gives a row
saying so. The scripts' own output goes to stderr, prefixed with their name.

The JSON line: ``{"bench": NAME, "rows": [{"figure", "value", "unit", "baseline", "baseline_value", "ratio",
"target", "met"}]}`` (``doc``, a path under docs/, optional: the module page the row links to).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench-table:start (written by bench/run_all.py; edit the prose outside the markers) -->"
END = "<!-- bench-table:end -->"
SELF = {"run_all", "table"}
# The module page of each benchmark (a script may name its own with "doc" in its JSON line).
DOCS = {
    "indicators": "indicators.md",
    "bench_incremental": "indicators.md",
    "import": "adr/0012-imports-keys-in-a-temporary-table-rows-checked-in-workers.md",
    "placement": "teachers.md",
    "lrs": "learning.md",
    "bench_balance": "standards.md",
    "bench_forecast": "forecast.md",
    "dropout_crossmatch": "dropout.md",
    "bench_warning": "warning.md",
    "load": "load.md",
    "bench_bulletin": "bulletins.md",
    "bulletins": "bulletins.md",
}
COLUMNS = ("benchmark", "figure", "value", "baseline", "baseline value", "ratio", "target", "met")
ROW_KEYS = ("figure", "value", "unit", "baseline", "baseline_value", "ratio", "target", "met")


@dataclass
class Outcome:
    name: str
    script: str
    seconds: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""  # set when the script failed or its JSON line is missing or malformed
    doc: str = ""


# ---- finding and running the scripts ---------------------------------------------------------------------------


def discover(bench_dir: Path = BENCH_DIR) -> dict[str, Path]:
    """name → script: ``bench/X.py`` (not ``_*``, not this gatherer) as ``X``, ``bench/D/run.py`` as ``D``."""
    found: dict[str, Path] = {}
    for path in sorted(bench_dir.glob("*.py")):
        if not path.name.startswith("_") and path.stem not in SELF:
            found[path.stem] = path
    for path in sorted(bench_dir.glob("*/run.py")):
        if not path.parent.name.startswith(("_", ".")):
            found[path.parent.name] = path
    return found


def parse_line(name: str, stdout: str) -> tuple[list[dict[str, Any]], str, str]:
    """(rows, doc, error) from a script's output: its last non-empty line must be the wave's JSON."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        return [], "", "no output: the script printed no JSON line"
    try:
        data = json.loads(lines[-1])
    except ValueError:
        return [], "", f"no JSON line: the last line is {lines[-1][:80]!r}"
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        return [], "", "JSON line without a list of rows"
    rows = []
    for i, row in enumerate(data["rows"]):
        if not isinstance(row, dict) or "figure" not in row or "value" not in row:
            return [], "", f"row {i + 1} of the JSON line has no figure or value"
        rows.append({key: row.get(key) for key in ROW_KEYS})
    if not rows:
        return [], "", "JSON line with no rows"
    return rows, str(data.get("doc") or ""), ""


def run_one(
    name: str,
    script: Path,
    *,
    quick: bool,
    extra_args: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
    timeout: float | None = None,
    log=sys.stderr,
) -> Outcome:
    """Run one script with this interpreter from the repository's root; its stdout is kept (and echoed to ``log``
    with a prefix), its stderr goes to ``log``."""
    cmd = [sys.executable, str(script), *(["--quick"] if quick else []), *(extra_args or [])]
    env = {**os.environ, **(extra_env or {})}
    out = Outcome(name=name, script=str(script))
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace"
    )
    chunks: list[str] = []
    tail: list[str] = []

    def pump(stream, keep: list[str], limit: int | None) -> None:
        for line in stream:
            keep.append(line)
            if limit and len(keep) > limit:
                del keep[0]
            print(f"[{name}] {line}", end="" if line.endswith("\n") else "\n", file=log, flush=True)

    threads = [
        threading.Thread(target=pump, args=(proc.stdout, chunks, None), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, tail, 20), daemon=True),
    ]
    for t in threads:
        t.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = None
    for t in threads:
        t.join(5)
    out.seconds = time.perf_counter() - start
    if code is None:
        out.error = f"stopped after the {timeout:.0f} s time limit"
        return out
    if code != 0:
        last = next((line.strip() for line in reversed(tail) if line.strip()), "")
        out.error = f"failed (exit code {code})" + (f": {last[:120]}" if last else "")
        return out
    out.rows, out.doc, out.error = parse_line(name, "".join(chunks))
    return out


# ---- the machine -----------------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _postgres_version(url: str) -> str:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "unknown"
    except Exception as exc:  # the table still prints without a server
        return f"not reachable ({type(exc).__name__})"


def _commit() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        return sha + (" (with uncommitted changes)" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine(pg_url: str) -> dict[str, str]:
    ram = _ram_gb()
    load = os.getloadavg()
    return {
        "cores": str(os.cpu_count()),
        "CPU": _cpu_model(),
        "RAM": f"{ram:.1f} GB" if ram else "unknown",
        "load average (1/5/15 min) at start": " / ".join(f"{x:.2f}" for x in load),
        "PostgreSQL": _postgres_version(pg_url),
        "SQLite": sqlite3.sqlite_version,
        "Python": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
    }


# ---- the table -------------------------------------------------------------------------------------------------


def fmt_number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 1 or magnitude == 0:
        return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{value:.3g}"


def fmt_met(met: Any) -> str:
    return {True: "yes", False: "NO", None: "—"}.get(met, str(met))


def table_rows(outcomes: list[Outcome]) -> list[list[str]]:
    """One list of cells per figure; a failed benchmark is one row whose figure says what went wrong."""
    rows = []
    for o in outcomes:
        if o.error:
            rows.append([o.name, f"NOT MEASURED: {o.error}", "—", "—", "—", "—", "—", "—"])
            continue
        for r in o.rows:
            unit = f" {r['unit']}" if r.get("unit") else ""
            ratio = r.get("ratio")
            rows.append(
                [
                    o.name,
                    str(r["figure"]),
                    fmt_number(r["value"]) + (unit if r["value"] is not None else ""),
                    str(r.get("baseline") or "—"),
                    fmt_number(r.get("baseline_value")) + (unit if r.get("baseline_value") is not None else ""),
                    f"{fmt_number(ratio)}×" if isinstance(ratio, int | float) else "—",
                    str(r.get("target") or "—"),
                    fmt_met(r.get("met")),
                ]
            )
    return rows


def render_text(info: dict[str, str], outcomes: list[Outcome], *, quick: bool) -> str:
    head = [f"{k}: {v}" for k, v in info.items()] + [
        f"scale: {'--quick (small, checks that each runs)' if quick else 'full'}"
    ]
    rows = table_rows(outcomes)
    # The figure column is wide enough for a failure's reason; the others are cut at 50 characters.
    limits = [50, 110, 50, 50, 50, 50, 50, 50]
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(COLUMNS)]
    widths = [min(w, limit) for w, limit in zip(widths, limits, strict=True)]

    def line(cells: list[str] | tuple[str, ...]) -> str:
        return "  ".join(str(c)[:w].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [*head, "", line(COLUMNS), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def render_markdown(info: dict[str, str], outcomes: list[Outcome], *, quick: bool, command: str) -> str:
    scale = "`--quick` (each benchmark at its small scale: checks that it runs, not the targets)" if quick else "full"
    lines = [f"Measured by `{command}` — scale: {scale}.", ""]
    lines += ["| machine | |", "|---|---|"] + [f"| {_md(k)} | {_md(v)} |" for k, v in info.items()]
    lines += ["", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    docs = {o.name: o.doc or (f"docs/{DOCS[o.name]}" if o.name in DOCS else "") for o in outcomes}
    for cells in table_rows(outcomes):
        name = cells[0]
        doc = docs.get(name, "")
        if doc:
            target = doc.removeprefix("docs/")
            cells = [f"[{name}]({target})", *cells[1:]]
        lines.append("| " + " | ".join(_md(c) if i else c for i, c in enumerate(cells)) + " |")
    seconds = ", ".join(f"{o.name} {o.seconds:.0f} s" for o in outcomes)
    lines += ["", f"Wall time per benchmark: {seconds}."]
    return "\n".join(lines)


def write_page(markdown: str, page: Path = DOC) -> None:
    """Replace what stands between the markers (the page's prose stays); add them at the end if missing."""
    text = page.read_text(encoding="utf-8") if page.exists() else "# Benchmarks\n"
    block = f"{START}\n{markdown}\n{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    page.write_text(text, encoding="utf-8")


# ---- the command -----------------------------------------------------------------------------------------------


def _per_name(values: list[str], sep: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for value in values:
        name, _, rest = value.partition(sep)
        if not rest:
            raise SystemExit(f"expected NAME{sep}VALUE, got {value!r}")
        out.setdefault(name, []).append(rest)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="each script's --quick (small scale, under a minute)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this benchmark (repeatable)")
    ap.add_argument("--args", action="append", default=[], metavar="NAME=ARGS", help="extra arguments for one script")
    ap.add_argument("--env", action="append", default=[], metavar="NAME:KEY=VALUE", help="environment for one script")
    ap.add_argument("--timeout", type=float, default=None, help="seconds each script may take")
    ap.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://jiaoyun:jiaoyun@127.0.0.1:5432/jiaoyun"))
    ap.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md even with --only")
    args = ap.parse_args(argv)

    scripts = discover()
    unknown = [n for n in args.only if n not in scripts]
    if unknown:
        raise SystemExit(f"no benchmark named {', '.join(unknown)}; there are: {', '.join(scripts)}")
    chosen = {n: p for n, p in scripts.items() if not args.only or n in args.only}
    extra_args = {n: [a for v in vs for a in shlex.split(v)] for n, vs in _per_name(args.args, "=").items()}
    extra_env = {n: dict(v.split("=", 1) for v in vs) for n, vs in _per_name(args.env, ":").items()}

    info = machine(args.pg_url)
    outcomes = []
    for name, script in chosen.items():
        print(f"== {script.relative_to(ROOT)}", file=sys.stderr, flush=True)
        outcomes.append(
            run_one(
                name,
                script,
                quick=args.quick,
                extra_args=extra_args.get(name),
                extra_env=extra_env.get(name),
                timeout=args.timeout,
            )
        )
    info["load average (1/5/15 min) at end"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print()
    print(render_text(info, outcomes, quick=args.quick))
    if not args.no_write and (args.write or not args.only):
        command = (
            "make bench-quick"
            if args.quick and not args.only
            else "make bench"
            if not args.only
            else "bench/run_all.py"
        )
        write_page(render_markdown(info, outcomes, quick=args.quick, command=command))
        print(f"\nwritten to {DOC.relative_to(ROOT)}")
    return 1 if any(o.error for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
