"""教育经费 (the county's yearly finance figures): one row per budget year, the levels as columns."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange.kinds.coded import classify_against
from jiaoyun.exchange.registry import NEW, UPDATED, Col, Context, Kind, Rec, register
from jiaoyun.finance import permissions
from jiaoyun.finance.models import FinanceYear
from jiaoyun.finance.services import LEVEL_FIELDS, YEAR_FIELDS, finance_year_save, validate_figures
from jiaoyun.schools.choices import Level

LEVEL_COLUMN = {"expenditure": "一般公共预算教育经费", "public_funds": "公用经费", "students": "在校生数"}


def _level_columns() -> tuple[Col, ...]:
    cols = []
    for level, label in Level.choices:
        for name in LEVEL_FIELDS:
            cols.append(Col(f"{level}_{name}", f"{label}{LEVEL_COLUMN[name]}",
                            "int" if name == "students" else "decimal", example=""))  # fmt: skip
    return tuple(cols)


def _flat(fy: FinanceYear) -> dict[str, Any]:
    row: dict[str, Any] = {"id": fy.pk, "year": fy.year, **{k: getattr(fy, k) for k in YEAR_FIELDS}}
    for lf in fy.levels.all():
        for name in LEVEL_FIELDS:
            row[f"{lf.level}_{name}"] = getattr(lf, name)
    return row


@register
class FinanceYearKind(Kind):
    importers = ("finance",)  # 计划财务股
    key = "finance_years"
    label = "教育经费"
    object_type = "finance.FinanceYear"
    description = (
        "县级年度教育经费，每个年度一行：一般公共预算教育支出、财政经常性收入、在校生数、教师与公务员年平均工资，"
        "以及各学段一般公共预算教育经费、公用经费和在校生数（金额单位：元，最多两位小数）。以年度识别。"
    )
    order = 80
    conflict_label = "一般公共预算教育支出"
    columns = (
        Col("year", "年度", "int", required=True, aliases=("财政年度",), example="2023"),
        Col("education_expenditure", "一般公共预算教育支出", "decimal", required=True,
            aliases=("一般公共预算教育支出（元）",), example="812345678.00"),
        Col("recurrent_revenue", "财政经常性收入", "decimal", required=True, aliases=("财政经常性收入（元）",),
            example="2345678901.00"),
        Col("students", "在校生数", "int", example="52341"),
        Col("teacher_pay", "教师年平均工资", "decimal", example="98650.00"),
        Col("civil_servant_pay", "公务员年平均工资", "decimal", aliases=("当地公务员年平均工资",),
            example="97420.00"),
        Col("source", "资料来源", max_length=200, example="施甸县2023年财政决算"),
        Col("note", "说明", max_length=1000),
        *_level_columns(),
    )  # fmt: skip

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        figures = {k: values.get(k) for k in YEAR_FIELDS}
        levels = {
            level: {n: values.get(f"{level}_{n}") for n in LEVEL_FIELDS}
            for level in Level.values
            if any(values.get(f"{level}_{n}") is not None for n in LEVEL_FIELDS)
        }
        if (
            ctx.actor is not None
            and ctx.actor.is_authenticated
            and not (permissions.can_write(ctx.actor) or ctx.actor.role == "county_admin")
        ):
            raise DomainError("无权导入教育经费数据", field="年度")
        validate_figures(year=values["year"], figures=figures, levels=levels)
        return {"year": values["year"], **figures, "source": figures["source"] or "", "note": figures["note"] or "",
                **{f"{lv}_{n}": values.get(f"{lv}_{n}") for lv in Level.values for n in LEVEL_FIELDS}}  # fmt: skip

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("年度", record["year"])]

    def conflict_fields(self) -> tuple[str, ...]:
        return ("education_expenditure",)

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        years = [r.data["year"] for r in recs]
        existing = {fy.year: _flat(fy) for fy in FinanceYear.objects.filter(year__in=years).prefetch_related("levels")}
        fields = [c.name for c in self.columns if c.name != "year"]
        classify_against(recs, existing, key=lambda d: d["year"], compared=lambda d: fields)
        for r in recs:
            r.repr = f"{r.data['year']}年度教育经费"

    def write(self, recs: list[Rec], ctx: Context) -> None:
        for r in recs:
            if r.outcome not in (NEW, UPDATED):
                continue
            d = r.data
            levels = {lv: {n: d.get(f"{lv}_{n}") for n in LEVEL_FIELDS} for lv in Level.values}
            fy = finance_year_save(actor=ctx.actor, year=d["year"], figures={k: d.get(k) for k in YEAR_FIELDS},
                                   levels=levels, check_actor=False)  # fmt: skip
            r.pk = fy.pk

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        if not permissions.can_read(user):
            return
        for fy in FinanceYear.objects.prefetch_related("levels").order_by("year"):
            row = _flat(fy)
            row.pop("id")
            yield row
