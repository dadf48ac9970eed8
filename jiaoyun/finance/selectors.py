"""Reads of the finance figures: the years with their levels, the registry's 在校生数, and the checks."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Max

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.finance import conf, permissions
from jiaoyun.finance.checks import Check, LevelRow, YearRow, all_checks
from jiaoyun.finance.models import FinanceYear
from jiaoyun.schools.choices import Level

# The registry's 在校生数 of a level: the numerator of the county's indicator that counts every pupil of the level
# in school on the counting day of the school year starting in the budget year's autumn (the indicators module
# computes it from the 学籍 event chain; one counting function per figure, ADR 0031). 特殊教育 has no such
# indicator: its count is the entered one only.
REGISTRY_INDICATORS: dict[str, str] = {
    Level.PRESCHOOL: "preschool_gross",
    Level.PRIMARY: "primary_gross",
    Level.JUNIOR: "junior_gross",
    Level.SENIOR: "ptr_senior",
    Level.VOCATIONAL: "ptr_vocational",
}
LEVELS: tuple[str, ...] = tuple(Level.values)


def registry_students(years: list[int]) -> dict[int, dict[str, int]]:
    """year → level → the registry's 在校生数 (county, latest counting day of school year ``year``)."""
    from jiaoyun.indicators.models import IndicatorValue

    qs = IndicatorValue.objects.filter(
        level=AreaLevel.COUNTY, code__in=list(REGISTRY_INDICATORS.values()), school_year__in=years
    )
    latest = dict(qs.values_list("school_year").annotate(last=Max("as_of")).values_list("school_year", "last"))
    by_code = {code: level for level, code in REGISTRY_INDICATORS.items()}
    out: dict[int, dict[str, int]] = {}
    for year, code, as_of, n in qs.values_list("school_year", "code", "as_of", "numerator"):
        if as_of == latest.get(year):
            out.setdefault(year, {})[by_code[code]] = int(n)
    return out


def year_rows(years: list[FinanceYear]) -> list[YearRow]:
    """The stored years as check rows, with the registry's counts beside the entered ones."""
    registry = registry_students([y.year for y in years])
    rows = []
    for y in years:
        reg = registry.get(y.year, {})
        stored = {lf.level: lf for lf in y.levels.all()}
        levels = []
        for level in LEVELS:
            lf = stored.get(level)
            if lf is None and level not in reg:
                continue
            levels.append(
                LevelRow(
                    level=level,
                    expenditure=lf.expenditure if lf else None,
                    public_funds=lf.public_funds if lf else None,
                    students_entered=lf.students if lf else None,
                    students_registry=reg.get(level),
                )
            )
        rows.append(
            YearRow(
                year=y.year,
                education_expenditure=y.education_expenditure,
                recurrent_revenue=y.recurrent_revenue,
                students_entered=y.students,
                students_registry=sum(reg.values()) if reg else None,
                teacher_pay=y.teacher_pay,
                civil_servant_pay=y.civil_servant_pay,
                levels=levels,
            )
        )
    return rows


@dataclass(frozen=True)
class Overview:
    rows: list[YearRow]
    checks: dict[int, list[Check]]

    @property
    def latest(self) -> YearRow | None:
        return self.rows[-1] if self.rows else None

    @property
    def latest_checks(self) -> list[Check]:
        return self.checks.get(self.rows[-1].year, []) if self.rows else []

    def failing(self, year: int) -> list[Check]:
        return [c for c in self.checks.get(year, []) if c.passed is False]


def finance_overview(*, user: object, last: int | None = None) -> Overview:
    """The last ``last`` years (setting ``FINANCE_YEARS_SHOWN``) with their checks; only for readers."""
    if not permissions.can_read(user):
        raise PermissionDenied("无权查看教育经费数据")
    return overview(last=last)


def overview(*, last: int | None = None) -> Overview:
    """County-wide figures (no personal data): also used by the bulletin section and the API."""
    n = last or int(conf.get("FINANCE_YEARS_SHOWN"))
    years = list(FinanceYear.objects.prefetch_related("levels").order_by("-year")[: n + 1])[::-1]
    rows = year_rows(years)
    checks = all_checks(rows)
    shown = rows[-n:]
    return Overview(rows=shown, checks={r.year: checks[r.year] for r in shown})


def finance_year_get(*, user: object, year: int) -> FinanceYear | None:
    if not permissions.can_read(user):
        raise PermissionDenied("无权查看教育经费数据")
    return FinanceYear.objects.prefetch_related("levels").filter(year=year).first()
