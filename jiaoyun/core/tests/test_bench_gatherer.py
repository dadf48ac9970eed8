"""``bench/run_all.py``, the gatherer of ``make bench``: one table from every benchmark's last JSON line."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def gatherer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run_all"] = module
    spec.loader.exec_module(module)
    return module


ROW = {
    "figure": "full recompute, 10 years",
    "value": 2.5,
    "unit": "s",
    "baseline": "naive loop",
    "baseline_value": 250.0,
    "ratio": 100.0,
    "target": "≤ 10 s",
    "met": True,
}


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    d = tmp_path / "bench"
    (d / "load").mkdir(parents=True)
    quick_aware = (
        "import json, sys\n"
        "print('building the county…')\n"
        f"row = {ROW!r}\n"
        "if '--quick' in sys.argv: row['figure'] += ' (quick)'\n"
        "print(json.dumps({'bench': 'good', 'rows': [row]}))\n"
    )
    (d / "good.py").write_text(quick_aware)
    (d / "broken.py").write_text("import sys\nprint('half way', flush=True)\nsys.exit('database gone')\n")
    (d / "silent.py").write_text("print('a table for people, no JSON')\n")
    (d / "_helper.py").write_text("raise SystemExit('helpers are not run')\n")
    (d / "run_all.py").write_text("raise SystemExit('the gatherer does not run itself')\n")
    (d / "load" / "run.py").write_text(
        "import json\nprint(json.dumps({'bench': 'load', 'rows': [{'figure': 'p95 reads', 'value': 80, 'unit': 'ms',"
        " 'baseline': None, 'baseline_value': None, 'ratio': None, 'target': '≤ 100 ms', 'met': True}]}))\n"
    )
    return d


def run(gatherer, bench_dir: Path, *, quick: bool = False) -> dict:  # type: ignore[no-untyped-def]
    log = io.StringIO()
    return {
        name: gatherer.run_one(name, path, quick=quick, timeout=60, log=log)
        for name, path in gatherer.discover(bench_dir).items()
    }


def test_discovery_skips_helpers_and_the_gatherer_and_finds_subfolder_runs(gatherer, bench_dir):
    assert sorted(gatherer.discover(bench_dir)) == ["broken", "good", "load", "silent"]


def test_a_json_line_becomes_a_row_and_quick_is_passed_on(gatherer, bench_dir):
    out = run(gatherer, bench_dir, quick=True)
    good = out["good"]
    assert good.error == ""
    assert good.rows == [{**ROW, "figure": "full recompute, 10 years (quick)"}]
    assert out["load"].rows[0]["value"] == 80 and out["load"].rows[0]["ratio"] is None


def test_a_failing_script_and_one_without_json_give_a_row_saying_so(gatherer, bench_dir):
    out = run(gatherer, bench_dir)
    assert out["broken"].error == "failed (exit code 1): database gone"
    assert out["silent"].error.startswith("no JSON line: the last line is 'a table for people, no JSON'")
    rows = {r[0]: r for r in gatherer.table_rows(list(out.values()))}
    assert rows["broken"][1] == "NOT MEASURED: failed (exit code 1): database gone"
    assert rows["silent"][1].startswith("NOT MEASURED: no JSON line")
    assert rows["good"][1:] == ["full recompute, 10 years", "2.5 s", "naive loop", "250 s", "100×", "≤ 10 s", "yes"]
    assert rows["load"][3:] == ["—", "—", "—", "≤ 100 ms", "yes"]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("", "no output: the script printed no JSON line"),
        ('{"bench": "x"}', "JSON line without a list of rows"),
        ('{"bench": "x", "rows": []}', "JSON line with no rows"),
        ('{"bench": "x", "rows": [{"value": 1}]}', "row 1 of the JSON line has no figure or value"),
    ],
)
def test_malformed_json_lines_are_named(gatherer, line, error):
    assert gatherer.parse_line("x", line) == ([], "", error)


def test_the_page_keeps_its_prose_and_links_each_benchmark_to_its_module_doc(gatherer, bench_dir, tmp_path):
    out = run(gatherer, bench_dir)
    outcomes = [out["good"], out["broken"]]
    outcomes[0].name = "indicators"  # a benchmark the gatherer knows the module page of
    info = {"cores": "2", "PostgreSQL": "15.18", "SQLite": "3.40.1"}
    page = tmp_path / "benchmarks.md"
    page.write_text(
        f"# Benchmarks\n\nIntro.\n\n{gatherer.START}\nold table\n{gatherer.END}\n\n## Indicators\n\nProse.\n"
    )
    gatherer.write_page(gatherer.render_markdown(info, outcomes, quick=True, command="make bench-quick"), page)
    text = page.read_text()
    assert text.startswith("# Benchmarks\n\nIntro.\n\n") and text.endswith("## Indicators\n\nProse.\n")
    assert "old table" not in text
    assert "| cores | 2 |" in text and "| PostgreSQL | 15.18 |" in text
    assert "| [indicators](indicators.md) | full recompute, 10 years | 2.5 s | naive loop | 250 s | 100× |" in text
    assert "| broken | NOT MEASURED: failed (exit code 1): database gone |" in text
    # Written again: the block is replaced, not added.
    gatherer.write_page(gatherer.render_markdown(info, outcomes, quick=True, command="make bench-quick"), page)
    assert page.read_text().count(gatherer.START) == 1


def test_a_script_over_its_time_limit_is_stopped(gatherer, tmp_path):
    script = tmp_path / "slow.py"
    script.write_text("import time\ntime.sleep(30)\n")
    out = gatherer.run_one("slow", script, quick=False, timeout=1, log=io.StringIO())
    assert out.error == "stopped after the 1 s time limit"


def test_fake_rows_round_trip_through_json(gatherer):
    rows, doc, error = gatherer.parse_line(
        "x", "noise\n" + json.dumps({"bench": "x", "doc": "docs/x.md", "rows": [ROW]})
    )
    assert (rows, doc, error) == ([ROW], "docs/x.md", "")


def test_the_printed_table_has_the_machine_on_top_and_a_failure_in_full(gatherer, bench_dir):
    out = run(gatherer, bench_dir)
    text = gatherer.render_text({"cores": "2", "SQLite": "3.40.1"}, list(out.values()), quick=False)
    lines = text.splitlines()
    assert lines[:2] == ["cores: 2", "SQLite: 3.40.1"]
    assert lines[4].split() == [
        "benchmark",
        "figure",
        "value",
        "baseline",
        "baseline",
        "value",
        "ratio",
        "target",
        "met",
    ]
    assert any("NOT MEASURED: failed (exit code 1): database gone" in line for line in lines)
    assert any(line.startswith("good") and "100×" in line and line.endswith("yes") for line in lines)
