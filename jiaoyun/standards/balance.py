"""The arithmetic of 优质均衡 (教督〔2017〕6号, REFERENCE.md §2.1–2.2), free of the database.

A school's 学部 (``Row``) holds its pupils and, per indicator, the *amount* of the resource (teachers, ㎡, 元,
rooms). The indicator value is the amount per pupil (× 100 for the "每百名学生" indicators). The county's
校际差异系数 of an indicator is the enrolment-weighted coefficient of variation (§2.2):

    X̄ = Σ PᵢXᵢ / P,   S = √( Σ (Pᵢ/P)(Xᵢ − X̄)² ),   CV = S / X̄

With Xᵢ = c·Rᵢ/Pᵢ (c = 100 or 1, Rᵢ the amount) this is, exactly, CV = √( P·Σ(Rᵢ²/Pᵢ) / (ΣRᵢ)² − 1 ): the
form the database computes in one grouped pass (``selectors``) and the cheapest-plan search updates in O(1)
per candidate. ``cv`` keeps the textbook form for the hand-computed tests.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal

from jiaoyun.standards import conf
from jiaoyun.standards.choices import Part


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    short: str
    unit: str
    scale: int  # 100: 每百名学生拥有…; 1: 生均…
    field: str  # the SchoolResources field (or sum) holding the amount
    step_label: str  # what one unit added is (名教师, ㎡, 元, 间)
    cost_key: str  # key of STANDARDS_UNIT_COSTS
    integral: bool  # amounts added in whole units (teachers, rooms)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("qualified", "每百名学生拥有高于规定学历教师数", "高学历教师", "人", 100, "qualified_teachers", "名教师",
              "teacher", True),
    Indicator("backbone", "每百名学生拥有县级以上骨干教师数", "骨干教师", "人", 100, "backbone_teachers", "名教师",
              "teacher", True),
    Indicator("pe_art", "每百名学生拥有体育、艺术（美术、音乐）专任教师数", "体艺教师", "人", 100, "pe_art_teachers",
              "名教师", "teacher", True),
    Indicator("teaching_area", "生均教学及辅助用房面积", "教辅用房", "㎡", 1, "teaching_area", "㎡", "building_m2",
              False),
    Indicator("sports_area", "生均体育运动场馆面积", "运动场馆", "㎡", 1, "sports_area", "㎡", "ground_m2", False),
    Indicator("equipment", "生均教学仪器设备值", "仪器设备", "元", 1, "equipment_value", "元", "equipment_yuan", False),
    Indicator("multimedia", "每百名学生拥有网络多媒体教室数", "多媒体教室", "间", 100, "multimedia_rooms", "间",
              "multimedia_room", True),
)  # fmt: skip
BY_CODE = {i.code: i for i in INDICATORS}
CODES = tuple(i.code for i in INDICATORS)


def part_index(part: str) -> int:
    return 0 if part == Part.PRIMARY else 1


def threshold(code: str, part: str) -> float:
    return float(conf.get("STANDARDS_THRESHOLDS")[code][part_index(part)])


def cv_limit(part: str) -> float:
    return float(conf.get("STANDARDS_CV_LIMITS")[part_index(part)])


@dataclass(frozen=True)
class Row:
    """One school's 学部 in one year: pupils and the amount of each indicator's resource."""

    school_id: int
    name: str
    township_id: int
    township: str
    part: str
    pupils: int
    amounts: dict[str, float]

    def value(self, code: str) -> float:
        return indicator_value(self.amounts.get(code, 0.0), self.pupils, BY_CODE[code].scale)


def indicator_value(amount: float, pupils: int, scale: int) -> float:
    """每百名学生拥有 (scale 100) or 生均 (scale 1) of ``amount`` over ``pupils``; 0 for a school without pupils."""
    return float(amount) * scale / pupils if pupils else 0.0


def cv(pairs: Iterable[tuple[float, float]]) -> tuple[float, float, float]:
    """(X̄, S, CV) of per-school values Xᵢ weighted by enrolment Pᵢ, REFERENCE §2.2; pairs are (Xᵢ, Pᵢ)."""
    pairs = [(float(x), float(p)) for x, p in pairs if p > 0]
    total = sum(p for _, p in pairs)
    if not total:
        return 0.0, 0.0, 0.0
    mean = sum(x * p for x, p in pairs) / total
    s = math.sqrt(sum(p / total * (x - mean) ** 2 for x, p in pairs))
    return mean, s, (s / mean if mean else 0.0)


def cv_from_sums(total_pupils: float, total_amount: float, sum_sq_over_p: float) -> float:
    """The same CV from the three sums P = ΣPᵢ, ΣRᵢ and Σ Rᵢ²/Pᵢ (the scale cancels out)."""
    if total_pupils <= 0 or total_amount <= 0:
        return 0.0
    return math.sqrt(max(total_pupils * sum_sq_over_p / (total_amount * total_amount) - 1.0, 0.0))


@dataclass
class SchoolResult:
    row: Row
    values: dict[str, float]
    met: dict[str, bool]
    share: dict[str, float]  # value ÷ threshold
    passes: bool
    met_count: int
    failing: list[str]  # codes below the threshold

    @property
    def cells(self) -> list[tuple[float, bool, float]]:
        """(value, met, share of threshold) per indicator, in INDICATORS order (for templates)."""
        return [(self.values[c], self.met[c], self.share[c]) for c in CODES]

    @property
    def reason(self) -> str:
        if self.passes:
            return ""
        low = [BY_CODE[c].short for c in self.failing]
        under = [BY_CODE[c].short for c in self.failing if self.share[c] < remainder_share()]
        if under and len(self.failing) <= 7 - min_met():
            return f"{'、'.join(under)}低于标准的{remainder_share():.0%}"
        return f"{len(self.failing)}项未达标：{'、'.join(low)}"


def min_met() -> int:
    return int(conf.get("STANDARDS_SCHOOL_MIN_MET"))


def remainder_share() -> float:
    return float(conf.get("STANDARDS_REMAINDER_SHARE"))


def assess_school(row: Row) -> SchoolResult:
    """The school-level rule: at least 6 of the 7 indicators met, and the remaining one ≥ 85 % of its threshold."""
    values = {c: row.value(c) for c in CODES}
    share = {c: (values[c] / threshold(c, row.part) if threshold(c, row.part) else 1.0) for c in CODES}
    met = {c: share[c] >= 1.0 - 1e-12 for c in CODES}
    failing = [c for c in CODES if not met[c]]
    passes = len(CODES) - len(failing) >= min_met() and all(share[c] >= remainder_share() - 1e-12 for c in failing)
    return SchoolResult(row, values, met, share, passes, len(CODES) - len(failing), failing)


@dataclass
class Coefficient:
    code: str
    mean: float
    s: float
    cv: float
    limit: float

    @property
    def passes(self) -> bool:
        return self.cv <= self.limit + 1e-12


@dataclass
class PartResult:
    part: str
    schools: list[SchoolResult]
    coefficients: dict[str, Coefficient]

    @property
    def schools_meeting(self) -> int:
        return sum(1 for s in self.schools if s.passes)

    @property
    def passes(self) -> bool:
        return (
            bool(self.schools)
            and self.schools_meeting == len(self.schools)
            and all(c.passes for c in self.coefficients.values())
        )

    @property
    def failing_coefficients(self) -> list[Coefficient]:
        return [c for c in self.coefficients.values() if not c.passes]


def assess(rows: Sequence[Row], part: str) -> PartResult:
    mine = [r for r in rows if r.part == part and r.pupils > 0]
    schools = [assess_school(r) for r in mine]
    coefficients = {}
    for c in CODES:
        mean, s, v = cv((r.value(c), r.pupils) for r in mine)
        coefficients[c] = Coefficient(c, mean, s, v, cv_limit(part))
    return PartResult(part, schools, coefficients)


# -- what-if ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Add ``amount`` of indicator ``code``'s resource at one school's 学部."""

    school_id: int
    part: str
    code: str
    amount: float
    cost: Decimal = Decimal(0)
    why: str = ""
    school: str = ""

    @property
    def text(self) -> str:
        ind = BY_CODE[self.code]
        amount = f"{self.amount:g}" if ind.integral else f"{self.amount:,.0f}"
        return f"{self.school}（{Part(self.part).label}部）增加{ind.short}{amount}{ind.step_label}"


def apply(rows: Sequence[Row], changes: Iterable[Change]) -> list[Row]:
    """The rows with the changes added (nothing is written anywhere)."""
    out = {(r.school_id, r.part): r for r in rows}
    for ch in changes:
        key = (ch.school_id, ch.part)
        r = out.get(key)
        if r is None:
            continue
        amounts = dict(r.amounts)
        amounts[ch.code] = amounts.get(ch.code, 0.0) + float(ch.amount)
        out[key] = replace(r, amounts=amounts)
    return [out[(r.school_id, r.part)] for r in rows]


def unit_cost(code: str) -> Decimal:
    return Decimal(conf.get("STANDARDS_UNIT_COSTS")[BY_CODE[code].cost_key])


def _round_up(amount: float, integral: bool) -> float:
    if amount <= 0:
        return 0.0
    if integral:
        return float(math.ceil(amount - 1e-9))
    return float(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_CEILING))


def _lift(row: Row, code: str, share: float) -> float:
    """The amount to add so that indicator ``code`` of ``row`` reaches ``share`` of its threshold."""
    ind = BY_CODE[code]
    need = share * threshold(code, row.part) * row.pupils / ind.scale - row.amounts.get(code, 0.0)
    return _round_up(need, ind.integral)


def school_plan(row: Row) -> list[Change]:
    """The cheapest set of additions that makes one school meet the 6-of-7 rule (exact: every choice of the
    indicators left below threshold — at most 7 − 6 of them, each raised to 85 % — is priced)."""
    result = assess_school(row)
    if result.passes:
        return []
    best: tuple[Decimal, list[Change]] | None = None
    spare = len(CODES) - min_met()
    for k in range(0, spare + 1):
        for left in itertools.combinations(result.failing, k):
            changes = []
            for code in result.failing:
                amount = _lift(row, code, remainder_share() if code in left else 1.0)
                if amount > 0:
                    why = "该校达标" if code not in left else f"该校余项达{remainder_share():.0%}"
                    changes.append(Change(row.school_id, row.part, code, amount, unit_cost(code) * Decimal(str(amount)),
                                          why, row.name))  # fmt: skip
            total = sum((c.cost for c in changes), Decimal(0))
            if best is None or total < best[0]:
                best = (total, changes)
    return best[1] if best else []


def cv_plan(rows: Sequence[Row], part: str, code: str, *, max_steps: int = 5000) -> list[Change]:
    """A greedy plan lowering indicator ``code``'s CV to its limit: each step adds one unit (a teacher, a room,
    a block of ㎡ or 元) where it lowers the CV most. All steps of one indicator cost the same, so the step
    that lowers the CV most is also the cheapest per unit of CV."""
    ind = BY_CODE[code]
    limit = cv_limit(part)
    mine = [r for r in rows if r.part == part and r.pupils > 0]
    if not mine:
        return []
    step = (
        1.0
        if ind.integral
        else float(conf.get("STANDARDS_EQUIPMENT_STEP") if code == "equipment" else conf.get("STANDARDS_AREA_STEP"))
    )
    amounts = [float(r.amounts.get(code, 0.0)) for r in mine]
    pupils = [float(r.pupils) for r in mine]
    total_p = sum(pupils)
    s1 = sum(amounts)
    s2 = sum(a * a / p for a, p in zip(amounts, pupils, strict=True))
    added = [0.0] * len(mine)
    steps = 0
    while cv_from_sums(total_p, s1, s2) > limit and steps < max_steps:
        best_i, best_cv = -1, math.inf
        for i, (a, p) in enumerate(zip(amounts, pupils, strict=True)):
            v = cv_from_sums(total_p, s1 + step, s2 + (2 * a * step + step * step) / p)
            if v < best_cv:
                best_i, best_cv = i, v
        a, p = amounts[best_i], pupils[best_i]
        s1 += step
        s2 += (2 * a * step + step * step) / p
        amounts[best_i] += step
        added[best_i] += step
        steps += 1
    cost = unit_cost(code)
    return [
        Change(
            r.school_id,
            part,
            code,
            added[i],
            cost * Decimal(str(added[i])),
            f"{ind.short}差异系数降至{limit:.2f}以下",
            r.name,
        )  # fmt: skip
        for i, r in enumerate(mine)
        if added[i] > 0
    ]


@dataclass
class Plan:
    part: str
    changes: list[Change] = field(default_factory=list)
    result: PartResult | None = None

    @property
    def cost(self) -> Decimal:
        return sum((c.cost for c in self.changes), Decimal(0))

    def cost_of(self, why_prefix: str) -> Decimal:
        return sum((c.cost for c in self.changes if c.why.startswith(why_prefix)), Decimal(0))


def cheapest_plan(rows: Sequence[Row], part: str) -> Plan:
    """The changes that lift the county over each line at least cost: first every school over the 6-of-7 rule
    (exact per school), then, on the rows so improved, each indicator's 差异系数 under its limit (greedy)."""
    mine = [r for r in rows if r.part == part and r.pupils > 0]
    changes: list[Change] = []
    for r in mine:
        changes.extend(school_plan(r))
    improved = apply(mine, changes)
    for code in CODES:
        more = cv_plan(improved, part, code)
        changes.extend(more)
        improved = apply(improved, more)
    return Plan(part, changes, assess(improved, part))
