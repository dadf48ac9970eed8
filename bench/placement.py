"""Benchmark: 县管校聘 placement for a province-sized round, synthetic and in memory.

    .venv/bin/python bench/placement.py [--teachers 50000] [--schools 5000] [--seed 7] [--quick]

Builds a round with 50,000 applicants in 9 subjects over 5,000 schools (posts = applicants × 1.05 per subject,
80% competing in their own school first, 5 ranked choices each, every listed school scores its applicants),
then runs ``jiaoyun.teachers.matching.place`` (in-school stage, deferred acceptance, nearest-post county stage)
and, as the baseline, a naive greedy placement (teachers by best score take their first open choice, the rest
the first open post of their subject). Reports seconds, peak memory (tracemalloc, separate run), placements
per stage and the number of blocking pairs (0 = stable). Not run by ``make test``. The last line is the JSON of
``make bench`` (bench/run_all.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from jiaoyun.teachers.matching import Applicant, Placement, Problem, blocking_pairs, place

SUBJECTS = ["chinese", "math", "english", "pe", "music", "art", "it", "science", "morality"]
WEIGHTS = [24, 22, 14, 8, 6, 6, 5, 8, 7]


def build(n_teachers: int, n_schools: int, seed: int) -> Problem:
    rng = random.Random(seed)
    positions = {s: (22.0 + rng.random() * 7, 98.0 + rng.random() * 8) for s in range(1, n_schools + 1)}
    applicants: list[Applicant] = []
    by_subject_count: dict[str, int] = defaultdict(int)
    origins = [rng.randint(1, n_schools) for _ in range(n_teachers)]
    subjects = rng.choices(SUBJECTS, WEIGHTS, k=n_teachers)
    for i in range(n_teachers):
        by_subject_count[subjects[i]] += 1
    # Posts: per subject applicants × 1.05, spread over schools with a bias to each teacher's origin school.
    capacity: dict[tuple[int, str], int] = defaultdict(int)
    for i in range(n_teachers):
        if rng.random() < 0.8:
            capacity[(origins[i], subjects[i])] += 1
    for subject, n in by_subject_count.items():
        have = sum(v for (s, subj), v in capacity.items() if subj == subject)
        for _ in range(round(n * 1.05) - have):
            capacity[(rng.randint(1, n_schools), subject)] += 1
    schools_with: dict[str, list[int]] = defaultdict(list)
    for (s, subj), v in capacity.items():
        if v > 0:
            schools_with[subj].append(s)
    scores: dict[tuple[int, int], float] = {}
    for i in range(n_teachers):
        aid = i + 1
        pool = schools_with[subjects[i]]
        choices = tuple(dict.fromkeys(rng.choice(pool) for _ in range(5)))
        in_school = rng.random() < 0.8
        applicants.append(
            Applicant(
                id=aid,
                teacher_id=aid,
                subject=subjects[i],
                origin=origins[i],
                choices=choices,
                in_school=in_school,
                hire_ordinal=730000 + rng.randint(0, 12000),
            )  # fmt: skip
        )
        if in_school:
            scores[(origins[i], aid)] = round(rng.uniform(55, 99), 1)
        for s in choices:
            scores[(s, aid)] = round(rng.uniform(55, 99), 1)
    return Problem(applicants=applicants, capacity=dict(capacity), scores=scores, positions=positions)


def greedy(p: Problem) -> dict[int, Placement]:
    """Baseline: serial dictatorship by best score, then first open post of the subject."""
    best: dict[int, float] = defaultdict(float)
    for (_s, aid), v in p.scores.items():
        best[aid] = max(best[aid], v)
    remaining = dict(p.capacity)
    out: dict[int, Placement] = {}
    for a in sorted(p.applicants, key=lambda a: (-best[a.id], a.teacher_id)):
        for rank, s in enumerate(a.choices, start=1):
            if remaining.get((s, a.subject), 0) > 0 and (s, a.id) in p.scores:
                remaining[(s, a.subject)] -= 1
                out[a.id] = Placement(s, 2, rank, p.scores[(s, a.id)])
                break
    open_: dict[str, list[int]] = defaultdict(list)
    for (s, subj), v in remaining.items():
        if v > 0:
            open_[subj].append(s)
    for a in p.applicants:
        if a.id in out:
            continue
        for s in open_[a.subject]:
            if remaining[(s, a.subject)] > 0:
                remaining[(s, a.subject)] -= 1
                out[a.id] = Placement(s, 3, None, None)
                break
    return out


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn``; the CPU seconds of this process (the wall clock is noisy on a shared machine)."""
    t = time.process_time()
    result = fn()
    return result, time.process_time() - t


def peak(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--teachers", type=int, default=50_000)
    ap.add_argument("--schools", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="5,000 teachers, 500 schools (checks that it runs)")
    args = ap.parse_args()
    if args.quick:
        args.teachers, args.schools = 5_000, 500
    problem, t_build = timed(lambda: build(args.teachers, args.schools, args.seed))
    posts = sum(problem.capacity.values())
    print(f"round: {args.teachers} teachers, {args.schools} schools, {posts} posts, "
          f"{len(problem.scores)} scores (built in {t_build:.1f} s)")  # fmt: skip
    result, t_da = timed(lambda: place(problem))
    base, t_greedy = timed(lambda: greedy(problem))
    m_da = peak(lambda: place(problem))
    m_greedy = peak(lambda: greedy(problem))
    bp_da = blocking_pairs(problem, result.placements)
    greedy_marked = dict(base)
    bp_greedy = blocking_pairs(problem, greedy_marked)
    stages = defaultdict(int)
    for pl in result.placements.values():
        stages[pl.stage] += 1
    g_stages = defaultdict(int)
    for pl in base.values():
        g_stages[pl.stage] += 1
    first = sum(1 for pl in result.placements.values() if pl.rank == 1)
    g_first = sum(1 for pl in base.values() if pl.rank == 1)
    rows = [
        ("algorithm", "CPU seconds", "peak MiB", "placed", "in-school", "cross-school", "county", "1st choice",
         "blocking pairs"),
        ("deferred acceptance", f"{t_da:.2f}", f"{m_da:.0f}", len(result.placements), stages[1], stages[2], stages[3],
         first, bp_da),
        ("naive greedy (baseline)", f"{t_greedy:.2f}", f"{m_greedy:.0f}", len(base), 0, g_stages[2], g_stages[3],
         g_first, bp_greedy),
    ]  # fmt: skip
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print(
            "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
    print(f"ratio DA/greedy: time {t_da / t_greedy:.1f}×, memory {m_da / m_greedy:.1f}×; "
          f"blocking pairs {bp_da} vs {bp_greedy}")  # fmt: skip
    size = f"{args.teachers:,} teachers, {args.schools:,} schools"
    print(json.dumps({"bench": "placement", "rows": [
        {"figure": f"deferred acceptance placement, {size}", "value": round(t_da, 3), "unit": "s",
         "baseline": "naive greedy placement (unstable)", "baseline_value": round(t_greedy, 3),
         "ratio": round(t_greedy / t_da, 3), "target": "stable: 0 blocking pairs", "met": bp_da == 0},
        {"figure": f"blocking pairs, {size}", "value": bp_da, "unit": "pairs",
         "baseline": "naive greedy placement", "baseline_value": bp_greedy, "ratio": None,
         "target": "0", "met": bp_da == 0},
        {"figure": f"peak memory of the placement, {size}", "value": round(m_da, 1), "unit": "MiB",
         "baseline": "naive greedy placement", "baseline_value": round(m_greedy, 1),
         "ratio": round(m_greedy / m_da, 3) if m_da else None, "target": None, "met": None},
    ]}, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
