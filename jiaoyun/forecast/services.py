"""Computing and storing a forecast run (``forecast_compute``), and the back-test it carries."""

# The census counts' statements are built from fixed table and column names and placeholders; values are bound.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.forecast import conf, observe
from jiaoyun.forecast.model import (
    CROSS_GRADES,
    ENTRY_GRADES,
    GPR_GRADES,
    LEVEL_LABELS,
    LEVELS,
    Inputs,
    Rates,
    by_level,
    mape,
    project,
)
from jiaoyun.forecast.models import CensusCount, ForecastRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiaoyun.core.models import User


def last_observed_year(today: dt.date) -> int:
    """The latest school year whose census date has passed."""
    sy = SchoolYear.of(today)
    return sy.start_year if today >= sy.census_date else sy.start_year - 1


def townships() -> list[dict[str, Any]]:
    from jiaoyun.areas.models import Area

    return [
        {"id": a.pk, "name": a.name, "code": a.code}
        for a in Area.objects.filter(level="township").order_by("sort", "code")
    ]


def _inputs(base: int, towns: list[int], stocks: dict, flows: dict, population: dict, horizon: int) -> Inputs:
    return Inputs(
        townships=towns,
        base=base,
        stocks={k: v for k, v in stocks.items() if k[1] <= base},
        flows={k: v for k, v in flows.items() if k[2] + 1 <= base},
        population={k: v for k, v in population.items() if k[1] <= base},
        window=conf.get("FORECAST_WINDOW"),
        horizon=horizon,
        entry_age=dict(conf.get("FORECAST_ENTRY_AGE")),
        birth_years=conf.get("FORECAST_BIRTH_TREND_YEARS"),
        birth_cap=conf.get("FORECAST_BIRTH_TREND_CAP"),
    )


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def _inputs_json(rates: Rates, towns: list[int], stocks: dict, population: dict, base: int) -> dict[str, Any]:
    """The rates per township with the observations they rest on (for the page's explanation)."""
    per: dict[str, Any] = {}
    out: dict[tuple[int, int], dict[str, float | None]] = defaultdict(dict)  # (T, g) → destination → share
    for (T1, T2, gg), v in rates.flow.items():
        out[(T1, gg)][str(T2)] = _r(v)
    for T in towns:
        per[str(T)] = {
            "gpr": {str(g): [_r(rates.gpr[(T, g)].value), rates.gpr[(T, g)].den] for g in GPR_GRADES},
            "entry": {str(g): [_r(rates.entry[(T, g)].value), rates.entry[(T, g)].den] for g in ENTRY_GRADES},
            "cross": {
                str(g): {
                    "out": out.get((T, g), {}),
                    "observed": rates.flow_obs.get((T, g), 0),
                    "arrivals": _r(rates.arrivals[(T, g)].value, 5),
                }
                for g in CROSS_GRADES
            },
            "survival": [_r(rates.survival[(T, a)].value) for a in range(0, 8)],
            "births_factor": _r(rates.births[T]),
            "births": [population.get((T, y, 0), 0) for y in range(base - 5, base + 1)],
        }
    observations = {
        "pupil_years": sum(v for (T, y, g), v in stocks.items() if y in rates.window or y == base),
        "grade_transitions": sum(r.den for r in rates.gpr.values()),
    }
    return {
        "window": rates.window,
        "population_years": rates.population_years,
        "population_last": rates.population_last,
        "birth_span": list(rates.birth_span) if rates.birth_span else None,
        "observations": observations,
        "townships": per,
    }


def _capacity_series(base: int, horizon: int, current: observe.Current) -> tuple[dict, dict, list, int, bool]:
    seats, splits, unrecorded = observe.capacity(current)
    added: dict[tuple[int, str, int], int] = {}
    available = True
    for lv in LEVELS:
        for y in range(base + 1, base + horizon + 1):
            got = observe.projects_seats(level=lv, by=SchoolYear(y).census_date)
            if got is None:
                available = False
                break
            for T, n in got.items():
                added[(T, lv, y)] = n
        if not available:
            added = {}
            break
    return seats, added, splits, unrecorded, available


def census_counts(
    *, first: int, base: int, rebuild: bool = False, current: observe.Current | None = None
) -> tuple[dict, dict]:
    """Stocks of the census years ``first … base`` and the flows between them, from ``CensusCount``.

    A year not stored yet is read from the events in one pass (all such years at once) and stored; the base
    year's stocks are refreshed on every run from the students' current state (``observe.stocks_current``), so
    a routine run reads only the records since the base census. ``rebuild`` reads every year from the events
    again (the yearly run: late records of a closed year reach it). ``current``: the students' current state when
    the caller has read it (``observe.current_state``)."""
    years = list(range(first, base + 1))
    kept = CensusCount.objects.filter(year__gte=first, year__lte=base)
    if rebuild:
        kept.delete()
    have = {(k, y) for k, y in kept.values_list("kind", "year").distinct()} if not rebuild else set()
    pass_years = [y for y in years if (CensusCount.Kind.STOCK, y) not in have and (y != base or rebuild)]
    fresh = observe.stocks(pass_years) if pass_years else {}
    if not rebuild:
        fresh.update(observe.stocks_current(base, current))
        pass_years.append(base)
    flow_years = [y for y in years[:-1] if (CensusCount.Kind.FLOW, y) not in have]
    fresh_flows = observe.flows(flow_years) if flow_years else {}
    _replace_counts(fresh, fresh_flows, pass_years, flow_years)
    stocks: dict = {}
    flows: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, year, from_township_id, township_id, grade, n FROM forecast_censuscount"
            " WHERE year >= %s AND year <= %s",
            [first, base],
        )
        for kind, y, a, b, g, n in cursor.fetchall():
            if kind == CensusCount.Kind.STOCK:
                stocks[(b, y, g)] = float(n)
            else:
                flows[(a, b, y, g)] = float(n)
    return stocks, flows


def _replace_counts(stocks: dict, flows: dict, stock_years: list[int], flow_years: list[int]) -> None:
    """Replace the stored counts of those years by ``stocks`` and ``flows``, set-based: one DELETE per kind, the
    rows inserted in one statement on PostgreSQL (arrays unnested), batched elsewhere (the ORM's per-object
    work took seconds for the base year of a province's 1,300 townships)."""
    rows = [(y, CensusCount.Kind.STOCK.value, None, t, g, int(n)) for (t, y, g), n in stocks.items()]
    rows += [(y, CensusCount.Kind.FLOW.value, a, b, g, int(n)) for (a, b, y, g), n in flows.items()]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for kind, years in ((CensusCount.Kind.STOCK, stock_years), (CensusCount.Kind.FLOW, flow_years)):
            if years:
                marks = ", ".join(["%s"] * len(years))
                cursor.execute(
                    f"DELETE FROM forecast_censuscount WHERE kind = %s AND year IN ({marks})", [kind, *years]
                )
        if not rows:
            return
        insert = "INSERT INTO forecast_censuscount (year, kind, from_township_id, township_id, grade, n, computed_at)"
        if connection.vendor == "postgresql":
            columns = [list(c) for c in zip(*rows, strict=True)]
            cursor.execute(
                insert + " SELECT y, k, f, t, g, n, %s FROM unnest(%s::smallint[], %s::varchar[], %s::bigint[],"
                " %s::bigint[], %s::smallint[], %s::integer[]) AS r(y, k, f, t, g, n)",
                [now, *columns],
            )
        else:
            for i in range(0, len(rows), 2000):
                cursor.executemany(
                    insert + " VALUES (%s, %s, %s, %s, %s, %s, %s)", [(*r, now) for r in rows[i : i + 2000]]
                )


def compute(*, base: int, history: int, horizon: int, rebuild: bool = False) -> dict[str, Any]:
    """Everything a run stores (without saving it)."""
    towns = townships()
    ids = [t["id"] for t in towns]
    first = base - history + 1
    if connection.vendor == "postgresql":  # the run's statements are a few large aggregates: compiling them
        with connection.cursor() as cursor:  # (JIT) took longer than it saved
            cursor.execute("SET LOCAL jit = off")
    current = observe.current_state()  # one pass over the students' table: base-year stocks, entry ages, seat split
    stocks, flows = census_counts(first=first, base=base, rebuild=rebuild, current=current)
    window = conf.get("FORECAST_WINDOW")
    back = conf.get("FORECAST_BACKTEST_YEARS")
    population = observe.population(source=conf.get("FORECAST_POPULATION_SOURCE"))
    projected, P, rates = project(_inputs(base, ids, stocks, flows, population, horizon))
    observed_lv = by_level(stocks)
    projected_lv = by_level(projected)
    seats, added, splits, unrecorded, projects_ok = _capacity_series(base, horizon, current)
    years = list(range(first, base + horizon + 1))
    series = _series(ids, years, base, observed_lv, projected_lv, seats, added)
    # Back-test: the same method from base − back, with only what was known then.
    t0 = base - back
    backtest = _backtest(ids, stocks, flows, population, t0, back) if t0 - window >= first else {}
    inputs = _inputs_json(rates, ids, stocks, P, base)
    inputs["entry_ages"] = {str(k): v for k, v in sorted(observe.entry_ages(base, current).items())}
    inputs["splits"] = splits
    inputs["unrecorded_seats"] = unrecorded
    inputs["projects_available"] = projects_ok
    return {
        "results": {"townships": towns, "years": years, "base": base, "series": series, "levels": LEVEL_LABELS},
        "inputs": inputs,
        "backtest": backtest,
        "window": rates.window,
        "first": first,
    }


def _series(
    ids: list[int], years: list[int], base: int, observed: dict, projected: dict, seats: dict, added: dict
) -> dict[str, Any]:
    """Children (observed up to ``base``, projected after), seats and seats added by projects, by township and
    level, and for the county: each township's figures are read once, and the county's are the sums of the
    townships' in their order (the same terms added in the same order as summing the county directly)."""
    series: dict[str, Any] = {str(T): {} for T in ids}
    for lv in LEVELS:
        children, caps, extras = [], [], []
        for T in ids:
            raw = [(observed if y <= base else projected).get((T, y, lv), 0) for y in years]
            cap = seats.get((T, lv), 0)
            extra = [added.get((T, lv, y), 0) if y > base else 0 for y in years]
            series[str(T)][lv] = {"children": [round(v) for v in raw], "seats": cap, "projects": extra}
            children.append(raw)
            caps.append(cap)
            extras.append(extra)
        series.setdefault("county", {})[lv] = {
            "children": [round(sum(column)) for column in zip(*children, strict=True)] or [0] * len(years),
            "seats": sum(caps),
            "projects": [sum(column) for column in zip(*extras, strict=True)] or [0] * len(years),
        }
    return series


def _backtest(ids: list[int], stocks: dict, flows: dict, population: dict, t0: int, years: int) -> dict[str, Any]:
    """Project ``years`` years from ``t0`` with the data up to ``t0``; MAPE against the observed stocks."""
    projected, _, _ = project(_inputs(t0, ids, stocks, flows, population, years))
    proj_lv, obs_lv = by_level(projected), by_level(stocks)
    bt_years = list(range(t0 + 1, t0 + years + 1))
    err = mape(proj_lv, obs_lv, bt_years, ids)
    return {
        "base": t0,
        "years": bt_years,
        "mape": {("county" if T is None else str(T)) + ":" + lv: _r(v, 1) for (T, lv), v in err.items()},
        "county": {
            lv: {
                "projected": [round(sum(proj_lv.get((x, y, lv), 0) for x in ids)) for y in bt_years],
                "actual": [round(sum(obs_lv.get((x, y, lv), 0) for x in ids)) for y in bt_years],
            }
            for lv in LEVELS
        },
    }


def backtest(*, base: int, years: int) -> dict[str, Any]:
    """The back-test alone (``manage.py forecast_backtest``): from school year ``base``, ``years`` years on."""
    towns = townships()
    ids = [t["id"] for t in towns]
    first = base - conf.get("FORECAST_WINDOW")
    stocks = observe.stocks(list(range(first, base + years + 1)))
    flows = observe.flows(list(range(first, base)))
    population = observe.population(source=conf.get("FORECAST_POPULATION_SOURCE"))
    return {"townships": towns, **_backtest(ids, stocks, flows, population, base, years)}


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A run builds a few million small tuples and floats (the counts' keys) and no reference cycles: the cyclic
    garbage collector's passes over them took a quarter of the Python part at 1,300 townships. It is paused for
    the computation (everything is still freed by reference counting) and resumed as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@transaction.atomic
def forecast_compute(
    *,
    actor: User | AnonymousUser | None = None,
    today: dt.date | None = None,
    triggered_by: str = "",
    rebuild: bool = False,
) -> ForecastRun:
    """Compute the forecast from the registry as it stands and store it as a run (``rebuild``: every census
    year read from the events again, see ``census_counts``)."""
    today = today or timezone.localdate()
    base = last_observed_year(today)
    horizon, history = conf.get("FORECAST_HORIZON"), conf.get("FORECAST_HISTORY")
    t0 = time.perf_counter()
    with _collector_paused():
        data = compute(base=base, history=history, horizon=horizon, rebuild=rebuild)
    params = {k: conf.get(k) for k in conf.DEFAULTS} | {"rebuild": rebuild}
    run = ForecastRun.objects.create(
        created_by=cast("User", actor) if getattr(actor, "is_authenticated", False) else None,
        triggered_by=triggered_by,
        base_year=base,
        first_year=data["first"],
        horizon=horizon,
        window=data["window"],
        params=params,
        inputs=data["inputs"],
        results=data["results"],
        backtest=data["backtest"],
        seconds=round(time.perf_counter() - t0, 3),
    )
    audit_record(actor=actor, action="create", obj=run, note=f"学位预测：基准{base}学年，预测{horizon}年")
    return run


def forecast_refresh() -> ForecastRun:
    """The scheduled monthly recompute; in ``FORECAST_REBUILD_MONTH`` (after the autumn census) every census year
    is read from the events again."""
    rebuild = timezone.localdate().month == conf.get("FORECAST_REBUILD_MONTH")
    return forecast_compute(triggered_by="schedule", rebuild=rebuild)
