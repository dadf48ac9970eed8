"""The cohort-component projection on aggregated matrices (pure Python, no database).

Inputs are counts by township: pupils by school year and grade (the autumn census stock of the 学籍), the
grade-6→7 and grade-9→10 flows between townships, and population by calendar year and single age. docs/forecast.md
gives the formulas; in short, for a base school year ``t`` and the window ``Y = t−W … t−1``:

* grade progression ratio (年级递进比) ``r[T,g] = Σ_Y E[T,y+1,g+1] ÷ Σ_Y E[T,y,g]`` within a level (it holds
  promotion, repetition, dropout and net migration of pupils as observed);
* entry ratio ``e[T,g] = Σ E[T,y,g] ÷ Σ P[T,y,age_g]`` (y = t−W+1 … t) for the first grade of 学前 (K1, age 3)
  and 小学 (grade 1, age 6), against the township's population of that age;
* 小升初 and 中考 (grades 7 and 10) by the observed flow matrix ``f[T'→T] = Σ_Y F[T',T,y] ÷ Σ_Y E[T',y,g−1]`` plus
  arrivals from outside the registry ``a[T] = (Σ_Y E[T,y+1,g] − Σ_T' Σ_Y F[T',T,y]) ÷ Σ_Y E[county,y,g−1]``;
* population: survival and net migration by age ``m[T,a] = Σ P[T,y+1,a+1] ÷ Σ P[T,y,a]`` over the last W
  population transitions, births ``P[T,y,0] = P[T,y−1,0] × b[T]`` with ``b`` the yearly trend of recorded births
  (geometric, over ``birth_years``, held within ± ``birth_cap``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

GRADES: tuple[int, ...] = tuple(range(-2, 13))
LEVELS: tuple[str, ...] = ("preschool", "primary", "junior", "senior")
LEVEL_LABELS = {"preschool": "学前", "primary": "小学", "junior": "初中", "senior": "高中阶段"}
LEVEL_GRADES: dict[str, tuple[int, ...]] = {
    "preschool": (-2, -1, 0),
    "primary": (1, 2, 3, 4, 5, 6),
    "junior": (7, 8, 9),
    "senior": (10, 11, 12),
}
ENTRY_GRADES: dict[int, str] = {-2: "preschool", 1: "primary"}  # first grades set against the population
CROSS_GRADES: tuple[int, ...] = (7, 10)  # first grades reached through flows between townships
GPR_GRADES: tuple[int, ...] = tuple(g for g in GRADES[:-1] if g + 1 not in ENTRY_GRADES and g + 1 not in CROSS_GRADES)
MAX_AGE = 18

Stocks = dict[tuple[int, int, int], float]  # (township, school year, grade) → pupils
Flows = dict[tuple[int, int, int, int], float]  # (from township, to township, source year, grade reached) → pupils
Population = dict[tuple[int, int, int], float]  # (township, calendar year, age) → people


_LEVEL_OF: dict[int, str] = {g: lv for lv, gs in LEVEL_GRADES.items() for g in gs}


def level_of(grade: int) -> str:
    return _LEVEL_OF[grade]


@dataclass
class Inputs:
    townships: list[int]
    base: int  # last observed school year
    stocks: Stocks
    flows: Flows
    population: Population
    window: int = 3
    horizon: int = 10
    entry_age: dict[str, int] = field(default_factory=lambda: {"preschool": 3, "primary": 6})
    birth_years: int = 5
    birth_cap: float = 0.08


@dataclass
class Rate:
    """A ratio with what it was estimated from (numerator and denominator summed over the window)."""

    num: float
    den: float

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None


@dataclass
class Rates:
    window: list[int]  # source school years y of the transitions y → y+1
    gpr: dict[tuple[int, int], Rate]  # (T, g) → ratio of grade g+1 next year to grade g
    entry: dict[tuple[int, int], Rate]  # (T, entry grade) → ratio to the population of the entry age
    flow: dict[tuple[int, int, int], float]  # (T', T, grade reached) → share of T''s grade g−1
    flow_obs: dict[tuple[int, int], float]  # (T', grade reached) → pupils of grade g−1 observed
    arrivals: dict[tuple[int, int], Rate]  # (T, grade reached) → arrivals ÷ the county's grade g−1
    survival: dict[tuple[int, int], Rate]  # (T, age) → P[a+1] next year ÷ P[a]
    births: dict[int, float]  # T → yearly factor of births
    birth_span: tuple[int, int] | None  # the calendar years of the births trend
    population_years: list[int]  # calendar years y of the population transitions y → y+1
    population_last: int | None


def estimate(inp: Inputs) -> Rates:
    t, w = inp.base, inp.window
    years = list(range(t - w, t))
    gpr: dict[tuple[int, int], Rate] = {}
    entry: dict[tuple[int, int], Rate] = {}
    arrivals: dict[tuple[int, int], Rate] = {}
    E = inp.stocks
    get = E.get  # the sums below add the same terms in the same order as a sum over a generator
    for T in inp.townships:
        for g in GPR_GRADES:
            gpr[(T, g)] = Rate(sum([get((T, y + 1, g + 1), 0) for y in years]), sum([get((T, y, g), 0) for y in years]))
    # Population: the last w transitions of the recorded years.
    pop_years = sorted({y for (_, y, _) in inp.population})
    pop_last = pop_years[-1] if pop_years else None
    P = inp.population
    for T in inp.townships:
        for g, lv in ENTRY_GRADES.items():
            age = inp.entry_age[lv]
            ys = [y for y in range(t - w + 1, t + 1) if (T, y, age) in P or y in pop_years]
            entry[(T, g)] = Rate(sum(E.get((T, y, g), 0) for y in ys), sum(P.get((T, y, age), 0) for y in ys))
    flow: dict[tuple[int, int, int], float] = {}
    flow_obs: dict[tuple[int, int], float] = {}
    pos = {T: i for i, T in enumerate(inp.townships)}
    # The pairs of townships with an observed flow (sparse: a province's townships send their leavers to a few).
    pairs: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for a, b, _, g in inp.flows:
        if a in pos and b in pos:
            pairs[g].add((a, b))
    for g in CROSS_GRADES:
        county_prev = sum(E.get((T, y, g - 1), 0) for T in inp.townships for y in years)
        into: dict[int, float] = defaultdict(float)
        den = {T: sum(E.get((T, y, g - 1), 0) for y in years) for T in inp.townships}
        for T_from in inp.townships:
            flow_obs[(T_from, g)] = den[T_from]
        for T_from, T_to in sorted(pairs[g], key=lambda p: (pos[p[0]], pos[p[1]])):
            n = sum(inp.flows.get((T_from, T_to, y, g), 0) for y in years)
            into[T_to] += n
            if n and den[T_from]:
                flow[(T_from, T_to, g)] = n / den[T_from]
        for T in inp.townships:
            reached = sum(E.get((T, y + 1, g), 0) for y in years)
            arrivals[(T, g)] = Rate(max(0.0, reached - into[T]), county_prev)
    ptrans = [y for y in pop_years if y + 1 in pop_years][-w:]
    survival: dict[tuple[int, int], Rate] = {}
    births: dict[int, float] = {}
    span: tuple[int, int] | None = None
    pget = P.get
    for T in inp.townships:
        for a in range(MAX_AGE):
            survival[(T, a)] = Rate(
                sum([pget((T, y + 1, a + 1), 0) for y in ptrans]), sum([pget((T, y, a), 0) for y in ptrans])
            )
        births[T] = 1.0
        if pop_last is not None:
            first = max(pop_years[0], pop_last - inp.birth_years)
            k = pop_last - first
            lo, hi = P.get((T, first, 0), 0), P.get((T, pop_last, 0), 0)
            if k > 0 and lo > 0 and hi > 0:
                span = (first, pop_last)
                factor = (hi / lo) ** (1 / k)
                births[T] = min(1 + inp.birth_cap, max(1 - inp.birth_cap, factor))
    return Rates(years, gpr, entry, flow, flow_obs, arrivals, survival, births, span, ptrans, pop_last)


def project_population(inp: Inputs, rates: Rates, until: int) -> Population:
    """Observed population, extended year by year from the last recorded year to ``until``."""
    P: Population = dict(inp.population)
    if rates.population_last is None:
        return P
    # The rates are read once, not once per projected year (a province has some 1,300 townships).
    survival = {
        T: [m if (m := rates.survival[(T, a)].value) is not None else 1.0 for a in range(MAX_AGE)]
        for T in inp.townships
    }
    last = rates.population_last
    ages = range(MAX_AGE)
    # each township's ages 0 … MAX_AGE − 1 of the year before: read once, then the values just projected
    prev = {T: [P.get((T, last, a), 0) for a in ages] for T in inp.townships}
    for y in range(last + 1, until + 1):
        for T in inp.townships:
            before, kept = prev[T], survival[T]
            now = [before[0] * rates.births[T]] + [before[a] * kept[a] for a in ages]
            for a, v in enumerate(now):
                P[(T, y, a)] = v
            prev[T] = now
    return P


def project(inp: Inputs, rates: Rates | None = None) -> tuple[Stocks, Population, Rates]:
    """Pupils by township, year and grade for the years ``base+1 … base+horizon``."""
    rates = rates or estimate(inp)
    t = inp.base
    P = project_population(inp, rates, t + inp.horizon)
    out: Stocks = {}

    # Each township's sources by grade reached, in the townships' order (the sum below adds the same terms in the
    # same order as over every township, the absent ones being zero).
    pos = {T: i for i, T in enumerate(inp.townships)}
    sources: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for (Tf, T, g), share in sorted(rates.flow.items(), key=lambda kv: pos.get(kv[0][0], len(pos))):
        if Tf in pos:
            sources[(T, g)].append((Tf, share))

    # The rates are read once, not once per projected year (a province has some 1,300 townships).
    entry = {(T, g): rates.entry[(T, g)].value or 0.0 for T in inp.townships for g in ENTRY_GRADES}
    gpr = {(T, g): rates.gpr[(T, g)].value or 0.0 for T in inp.townships for g in GPR_GRADES}
    arrivals = {(T, g): rates.arrivals[(T, g)].value or 0.0 for T in inp.townships for g in CROSS_GRADES}
    ages = [(g, inp.entry_age[lv]) for g, lv in ENTRY_GRADES.items()]
    for y in range(t + 1, t + inp.horizon + 1):
        # last year's pupils: projected (every grade is) or, for the base year, observed (absent: none)
        prev = (out if y - 1 > t else inp.stocks).get
        for T in inp.townships:
            for g, age in ages:
                out[(T, y, g)] = entry[(T, g)] * P.get((T, y, age), 0)
            for g in GPR_GRADES:
                out[(T, y, g + 1)] = gpr[(T, g)] * prev((T, y - 1, g), 0)
        for g in CROSS_GRADES:
            county_prev = sum([prev((T, y - 1, g - 1), 0) for T in inp.townships])
            for T in inp.townships:
                n = sum([share * prev((Tf, y - 1, g - 1), 0) for Tf, share in sources.get((T, g), ())])
                out[(T, y, g)] = n + arrivals[(T, g)] * county_prev
    return out, P, rates


def by_level(stocks: Stocks) -> dict[tuple[int, int, str], float]:
    """(township, year, level) → pupils."""
    out: dict[tuple[int, int, str], float] = defaultdict(float)
    level = _LEVEL_OF
    for (T, y, g), n in stocks.items():
        out[(T, y, level[g])] += n
    return dict(out)


def mape(
    projected: dict[tuple[int, int, str], float],
    actual: dict[tuple[int, int, str], float],
    years: list[int],
    townships: list[int],
) -> dict[tuple[int | None, str], float | None]:
    """Mean absolute percentage error by (township, level) over ``years`` (years with no pupils skipped); the
    key (None, level) is the county total."""
    out: dict[tuple[int | None, str], float | None] = {}
    for lv in LEVELS:
        for T in [*townships, None]:
            errs = []
            for y in years:
                if T is None:
                    a = sum(actual.get((x, y, lv), 0) for x in townships)
                    p = sum(projected.get((x, y, lv), 0) for x in townships)
                else:
                    a, p = actual.get((T, y, lv), 0), projected.get((T, y, lv), 0)
                if a > 0:
                    errs.append(abs(p - a) / a)
            out[(T, lv)] = 100 * sum(errs) / len(errs) if errs else None
    return out
