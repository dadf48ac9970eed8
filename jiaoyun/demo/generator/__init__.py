"""The synthetic Shidian County (施甸县): areas, schools, students with 学籍 histories, teachers, demo users.

``generate`` is deterministic for a seed: every random draw comes from ``random.Random(seed)`` (or a
generator derived from it); only the ID-number ciphertexts differ between runs (random GCM nonces).
"""

# The generator's ``random.Random`` is seeded on purpose (the same seed, the same county); nothing it draws is
# a secret. Secrets (keys, nonces, tokens) come from ``secrets``/``os.urandom`` elsewhere.
# ruff: noqa: S311

from __future__ import annotations

import datetime as dt
import importlib
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TextIO

from django.db import transaction

from jiaoyun.core.schoolyear import SchoolYear

# The modules' demo parts, in order: each may read what the ones before it wrote (the bulletin compiles from
# every module, so it comes last).
HOOK_APPS = (
    "schools",
    "teachers",
    "safety",
    "dropout",
    "learning",
    "indicators",
    "people",
    "facilities",
    "finance",
    "standards",
    "forecast",
    "quality",
    "warning",
    "supervision",
    "notices",
    "bulletins",
)


class Timer:
    def __init__(self, out: TextIO | Any) -> None:
        self.out = out
        self.started = time.perf_counter()
        self.total = self.started

    def step(self, label: str) -> float:
        now = time.perf_counter()
        took = now - self.started
        self.started = now
        self.out.write(f"  {label}：{took:.1f} 秒\n")
        return took

    def done(self) -> float:
        return time.perf_counter() - self.total


def generate(
    *,
    seed: int,
    scale: int = 1,
    years: int = 10,
    tiny: bool = False,
    today: dt.date | None = None,
    stdout: TextIO | Any,
    hooks: bool = True,
) -> dict[str, Any]:
    from django.utils import timezone

    from jiaoyun.demo.generator import staff, store, world
    from jiaoyun.demo.generator.cohorts import Simulator

    today = today or timezone.localdate()
    sy = SchoolYear.of(today).start_year
    rng = random.Random(seed)
    timer = Timer(stdout)
    summary: dict[str, Any] = {"seed": seed, "scale": scale, "school_year": sy}
    with transaction.atomic():
        w = world.build(rng=random.Random(rng.random()), scale=scale, tiny=tiny)
        summary["townships"] = len(w.townships)
        summary["villages"] = len(w.villages)
        summary["schools"] = len(w.schools)
        timer.step(f"区域与学校：{len(w.townships)}个乡镇、{len(w.villages)}个村（社区）、{len(w.schools)}所学校")
        size = 0.03 if tiny else 1.0
        totals: Counter[str] = Counter()
        orders: Counter[tuple[str, dt.date, str]] = Counter()  # ID-number order codes used so far
        for k in range(1, scale + 1):
            part = f"（第{k}/{scale}份）" if scale > 1 else ""
            sim = Simulator(
                world=w, rng=random.Random(rng.random()), today=today, sy=sy, years=years, scale=size, copy=k
            )
            sim.hukou_children()
            sim.migrants()
            timer.step(f"模拟出生队列与学籍{part}：{len(sim.kids)}名儿童")
            written = store.write(sim, random.Random(rng.random()), orders)
            totals.update(written)
            timer.step(
                f"写入学生、班级、学籍变动（{written['events']}条）、分年龄人口（{written['population_cells']}格）{part}"
            )
            del sim
        summary.update(totals)
        summary.update(staff.write_teachers(w, random.Random(rng.random()), today=today, sy=sy))
        timer.step(f"教职工：{summary['teachers']}人")
        summary["users"] = staff.write_users(w, sy=sy)
        timer.step(f"演示账号：{summary['users']}个")
    if hooks:
        for k, app in enumerate(HOOK_APPS, start=1):
            module_name = f"jiaoyun.{app}.demo"
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            gen: Callable[..., Any] = module.generate
            with transaction.atomic():
                gen(rng=random.Random(seed + k), scale=scale, stdout=stdout, today=today)
            timer.step(f"模块 {app}")
    summary["seconds"] = round(timer.done(), 1)
    return summary
