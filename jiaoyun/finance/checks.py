"""The legal checks of the yearly finance figures, computed in ``Decimal`` and explained in words.

Each budget year is compared with the year before (a check that needs the previous year says so when there is
none). The rules and their texts (docs/finance.md):

* **三个增长** — 《中华人民共和国教育法》第五十六条: "各级人民政府教育财政拨款的增长应当高于财政经常性收入的增长，
  并使按在校学生人数平均的教育费用逐步增长，保证教师工资和学生人均公用经费逐步增长。" Three tests: ① the growth of
  一般公共预算教育支出 is *higher than* the growth of 财政经常性收入 (equal growth fails); ② 生均一般公共预算教育支出
  grows; ③ the teachers' average pay grows and the 生均公用经费 grows. "增长" is strict: an unchanged figure has
  not grown.
* **两个只增不减** — 国办发〔2018〕82号: "确保一般公共预算教育支出逐年只增不减，确保按在校学生人数平均的一般公共
  预算教育支出逐年只增不减". "只增不减" allows an equal figure (only a decrease fails).
* **教师平均工资不低于当地公务员** — 《中华人民共和国义务教育法》第三十一条 / 《中华人民共和国教师法》第二十五条:
  equal passes.
* **生均公用经费不低于基准定额** — per level with a 定额 (``conf.benchmark``): equal passes.

Ratios are compared by cross-multiplication (a/b > c/d ⇔ a·d > c·b for positive b, d), so no rounding decides a
result; the percentages in the texts are rounded to 0.01 only for reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from jiaoyun.finance import conf
from jiaoyun.schools.choices import Level

CENT = Decimal("0.01")
THREE_GROWTHS = "三个增长"
TWO_NO_DECREASE = "两个只增不减"
PAY = "教师工资"
BENCHMARK = "公用经费基准定额"
EDUCATION_LAW = "《教育法》第五十六条"
STATE_COUNCIL_82 = "国办发〔2018〕82号"
PAY_LAW = "《义务教育法》第三十一条、《教师法》第二十五条"
BENCHMARK_RULE = "城乡义务教育生均公用经费基准定额（国发〔2015〕67号）"


def money(x: Decimal | None) -> str:
    """``1234567.5`` → ``1,234,567.50`` (元)."""
    return "—" if x is None else f"{x.quantize(CENT, ROUND_HALF_UP):,}"


def wan(x: Decimal | None) -> str:
    """An amount in 万元 with two decimals."""
    return "—" if x is None else f"{(x / 10000).quantize(CENT, ROUND_HALF_UP):,}万元"


def pct(x: Decimal | None) -> str:
    return "—" if x is None else f"{x.quantize(CENT, ROUND_HALF_UP)}%"


def per(amount: Decimal | None, count: int | None) -> Decimal | None:
    """``amount / count`` rounded to the cent, None when either is missing or the count is 0."""
    if amount is None or not count:
        return None
    return (amount / Decimal(count)).quantize(CENT, ROUND_HALF_UP)


def growth(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Growth in percent (unrounded), None without both figures or when the base is 0."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before * 100


def compare_ratios(a: Decimal, b: int | Decimal, c: Decimal, d: int | Decimal) -> int:
    """The sign of a/b − c/d for positive b and d, exactly."""
    left, right = a * Decimal(d), c * Decimal(b)
    return (left > right) - (left < right)


@dataclass(frozen=True)
class LevelRow:
    level: str
    expenditure: Decimal | None = None
    public_funds: Decimal | None = None
    students_entered: int | None = None
    students_registry: int | None = None

    @property
    def label(self) -> str:
        return str(Level(self.level).label)

    @property
    def students(self) -> int | None:
        """The count the per-student figures use: the entered 在校生数, else the registry's."""
        return self.students_entered if self.students_entered is not None else self.students_registry

    @property
    def per_student_expenditure(self) -> Decimal | None:
        return per(self.expenditure, self.students)

    @property
    def per_student_public(self) -> Decimal | None:
        return per(self.public_funds, self.students)


@dataclass(frozen=True)
class YearRow:
    year: int
    education_expenditure: Decimal
    recurrent_revenue: Decimal
    students_entered: int | None = None
    students_registry: int | None = None
    teacher_pay: Decimal | None = None
    civil_servant_pay: Decimal | None = None
    levels: list[LevelRow] = field(default_factory=list)

    @property
    def students(self) -> int | None:
        return self.students_entered if self.students_entered is not None else self.students_registry

    @property
    def students_differ(self) -> bool:
        """The entered and the registry's 在校生数 differ by more than the tolerance (percent)."""
        a, b = self.students_entered, self.students_registry
        if a is None or not b:
            return False
        return abs(Decimal(a - b)) * 100 > conf.get("FINANCE_STUDENTS_TOLERANCE") * b

    @property
    def per_student(self) -> Decimal | None:
        return per(self.education_expenditure, self.students)

    @property
    def public_funds(self) -> tuple[Decimal, int] | None:
        """(公用经费 total, its students) over the levels that report 公用经费 and have a student count."""
        rows = [r for r in self.levels if r.public_funds is not None and r.students]
        if not rows:
            return None
        return sum((r.public_funds or Decimal(0) for r in rows), Decimal(0)), sum(r.students or 0 for r in rows)

    @property
    def per_student_public(self) -> Decimal | None:
        pf = self.public_funds
        return per(pf[0], pf[1]) if pf else None

    def level(self, level: str) -> LevelRow | None:
        return next((r for r in self.levels if r.level == level), None)


@dataclass(frozen=True)
class Check:
    """One legal test of one year: ``passed`` is None when it cannot be computed (the text says why)."""

    key: str
    group: str
    title: str
    basis: str
    passed: bool | None
    text: str

    @property
    def status(self) -> str:
        return "未计算" if self.passed is None else ("达标" if self.passed else "未达标")


def _no_previous(key: str, group: str, title: str, basis: str, year: int) -> Check:
    return Check(key, group, title, basis, None, f"无{year - 1}年度数据，无法与上年比较")


def _revenue_growth(y: YearRow, p: YearRow | None) -> Check:
    key, group, title = "growth_vs_revenue", THREE_GROWTHS, "教育财政拨款增长高于财政经常性收入增长"
    if p is None:
        return _no_previous(key, group, title, EDUCATION_LAW, y.year)
    g_e, g_r = (
        growth(y.education_expenditure, p.education_expenditure),
        growth(y.recurrent_revenue, p.recurrent_revenue),
    )
    if g_e is None or g_r is None:
        return Check(key, group, title, EDUCATION_LAW, None, f"{p.year}年度教育支出或经常性收入为0，无法计算增长率")
    # g_e > g_r ⇔ E1/E0 > R1/R0 ⇔ E1·R0 > R1·E0 (E0, R0 > 0)
    higher = compare_ratios(y.education_expenditure, p.education_expenditure, y.recurrent_revenue,
                            p.recurrent_revenue) > 0  # fmt: skip
    verdict = "高于" if higher else ("等于" if g_e == g_r else "低于")
    text = (
        f"一般公共预算教育支出{wan(p.education_expenditure)}→{wan(y.education_expenditure)}，增长{pct(g_e)}；"
        f"财政经常性收入{wan(p.recurrent_revenue)}→{wan(y.recurrent_revenue)}，增长{pct(g_r)}。"
        f"教育支出增长{verdict}经常性收入增长" + ("，符合规定。" if higher else "，不符合“高于”的要求。")
    )
    return Check(key, group, title, EDUCATION_LAW, higher, text)


def _per_student_change(
    y: YearRow, p: YearRow | None, *, key: str, group: str, title: str, basis: str, strict: bool
) -> Check:
    if p is None:
        return _no_previous(key, group, title, basis, y.year)
    if not y.students or not p.students:
        return Check(key, group, title, basis, None, "缺少在校生数，无法计算生均支出")
    sign = compare_ratios(y.education_expenditure, y.students, p.education_expenditure, p.students)
    passed = sign > 0 if strict else sign >= 0
    word = "增长" if sign > 0 else ("持平" if sign == 0 else "下降")
    text = (
        f"生均一般公共预算教育支出{p.year}年{money(p.per_student)}元（{p.students}人），"
        f"{y.year}年{money(y.per_student)}元（{y.students}人），{word}。"
    )
    if passed:
        text += "符合规定。"
    else:
        text += "未逐步增长（持平不算增长）。" if strict and sign == 0 else "出现下降，不符合规定。"
    return Check(key, group, title, basis, passed, text)


def _teacher_pay_growth(y: YearRow, p: YearRow | None) -> Check:
    key, title = "teacher_pay_growth", "教师工资逐步增长"
    if p is None:
        return _no_previous(key, THREE_GROWTHS, title, EDUCATION_LAW, y.year)
    if y.teacher_pay is None or p.teacher_pay is None:
        return Check(key, THREE_GROWTHS, title, EDUCATION_LAW, None, "缺少教师年平均工资，无法比较")
    passed = y.teacher_pay > p.teacher_pay
    word = "增长" if passed else ("持平" if y.teacher_pay == p.teacher_pay else "下降")
    return Check(
        key, THREE_GROWTHS, title, EDUCATION_LAW, passed,
        f"教师年平均工资{p.year}年{money(p.teacher_pay)}元，{y.year}年{money(y.teacher_pay)}元，{word}"
        f"（增长{pct(growth(y.teacher_pay, p.teacher_pay))}）" + ("，符合规定。" if passed else "，未逐步增长。"),
    )  # fmt: skip


def _public_growth(y: YearRow, p: YearRow | None) -> Check:
    key, title = "public_growth", "生均公用经费逐步增长"
    if p is None:
        return _no_previous(key, THREE_GROWTHS, title, EDUCATION_LAW, y.year)
    now, before = y.public_funds, p.public_funds
    if now is None or before is None:
        return Check(key, THREE_GROWTHS, title, EDUCATION_LAW, None, "缺少公用经费或在校生数，无法计算生均公用经费")
    sign = compare_ratios(now[0], now[1], before[0], before[1])
    word = "增长" if sign > 0 else ("持平" if sign == 0 else "下降")
    return Check(
        key, THREE_GROWTHS, title, EDUCATION_LAW, sign > 0,
        f"生均公用经费（各学段合计）{p.year}年{money(p.per_student_public)}元，{y.year}年"
        f"{money(y.per_student_public)}元，{word}" + ("，符合规定。" if sign > 0 else "，未逐步增长。"),
    )  # fmt: skip


def _expenditure_not_less(y: YearRow, p: YearRow | None) -> Check:
    key, title = "expenditure_not_less", "一般公共预算教育支出逐年只增不减"
    if p is None:
        return _no_previous(key, TWO_NO_DECREASE, title, STATE_COUNCIL_82, y.year)
    passed = y.education_expenditure >= p.education_expenditure
    diff = y.education_expenditure - p.education_expenditure
    word = "增加" if diff > 0 else ("持平" if diff == 0 else "减少")
    return Check(
        key, TWO_NO_DECREASE, title, STATE_COUNCIL_82, passed,
        f"一般公共预算教育支出{p.year}年{wan(p.education_expenditure)}，{y.year}年{wan(y.education_expenditure)}，"
        f"{word}{wan(abs(diff))}" + ("，符合规定。" if passed else "，不符合“只增不减”。"),
    )  # fmt: skip


def _pay_vs_civil_servants(y: YearRow) -> Check:
    key, title = "teacher_vs_civil_servant", "教师平均工资不低于当地公务员"
    if y.teacher_pay is None or y.civil_servant_pay is None:
        return Check(key, PAY, title, PAY_LAW, None, "缺少教师或公务员年平均工资，无法比较")
    passed = y.teacher_pay >= y.civil_servant_pay
    diff = y.teacher_pay - y.civil_servant_pay
    tail = f"高出{money(diff)}元" if diff > 0 else ("持平" if diff == 0 else f"低{money(-diff)}元")
    return Check(
        key, PAY, title, PAY_LAW, passed,
        f"教师年平均工资{money(y.teacher_pay)}元，当地公务员{money(y.civil_servant_pay)}元，{tail}"
        + ("，符合规定。" if passed else "，不符合“不低于”的要求。"),
    )  # fmt: skip


def _benchmarks(y: YearRow) -> list[Check]:
    out = []
    for row in y.levels:
        amount = conf.benchmark(row.level, y.year)
        if amount is None:
            continue
        key, title = f"benchmark_{row.level}", f"{row.label}生均公用经费不低于基准定额"
        if row.public_funds is None or not row.students:
            out.append(Check(key, BENCHMARK, title, BENCHMARK_RULE, None, f"缺少{row.label}公用经费或在校生数"))
            continue
        sign = compare_ratios(row.public_funds, row.students, amount, 1)
        gap = amount * row.students - row.public_funds
        text = (
            f"{row.label}公用经费{wan(row.public_funds)}，在校生{row.students}人，生均{money(row.per_student_public)}元，"
            f"基准定额{money(amount)}元/生/年，"
        )
        text += "符合规定。" if sign >= 0 else f"低于定额，按定额应拨{wan(amount * row.students)}，差{wan(gap)}。"
        out.append(Check(key, BENCHMARK, title, BENCHMARK_RULE, sign >= 0, text))
    return out


def year_checks(y: YearRow, p: YearRow | None) -> list[Check]:
    """Every check of year ``y`` against the previous year ``p`` (None when not entered)."""
    if p is not None and p.year != y.year - 1:
        p = None  # a gap in the years: no year-on-year comparison
    return [
        _revenue_growth(y, p),
        _per_student_change(y, p, key="per_student_growth", group=THREE_GROWTHS, title="生均教育费用逐步增长",
                            basis=EDUCATION_LAW, strict=True),
        _teacher_pay_growth(y, p),
        _public_growth(y, p),
        _expenditure_not_less(y, p),
        _per_student_change(y, p, key="per_student_not_less", group=TWO_NO_DECREASE,
                            title="生均一般公共预算教育支出逐年只增不减", basis=STATE_COUNCIL_82, strict=False),
        _pay_vs_civil_servants(y),
        *_benchmarks(y),
    ]  # fmt: skip


def all_checks(rows: list[YearRow]) -> dict[int, list[Check]]:
    """year → its checks, for rows sorted by year."""
    rows = sorted(rows, key=lambda r: r.year)
    by_year = {r.year: r for r in rows}
    return {r.year: year_checks(r, by_year.get(r.year - 1)) for r in rows}
