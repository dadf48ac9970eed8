"""区划 (areas by 统计用区划代码) and 分年龄人口 (population by single year of age)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from jiaoyun.areas.choices import AreaLevel, PopulationSource, TownshipKind, UrbanRural
from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.areas.services import (
    area_bulk_write,
    population_bulk_write,
    validate_area_code,
    validate_population_cell,
)
from jiaoyun.core.choices import Sex
from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import area_q
from jiaoyun.exchange.kinds.coded import classify_against, classify_by_code, write_parents_first
from jiaoyun.exchange.registry import NEW, UPDATED, Col, Context, Kind, Rec, register
from jiaoyun.schools.services import validate_coordinates

LEVEL_BY_LENGTH = {6: AreaLevel.COUNTY, 9: AreaLevel.TOWNSHIP, 12: AreaLevel.VILLAGE}
LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)


def _at_level(level: str) -> Callable[[dict[str, Any]], bool]:
    return lambda record: record["level"] == level


AREA_FIELDS = ("name", "level", "parent_id", "township_kind", "urban_rural", "is_seat", "sort", "latitude", "longitude")


def area_codes(ctx: Context) -> dict[str, tuple[int, str]]:
    """code → (id, level) of every area, loaded once per run."""
    if "areas" not in ctx.cache:
        ctx.cache["areas"] = {code: (pk, level) for pk, code, level in Area.objects.values_list("id", "code", "level")}
    codes: dict[str, tuple[int, str]] = ctx.cache["areas"]
    return codes


@register
class AreaKind(Kind):
    key = "areas"
    label = "行政区划"
    object_type = "areas.Area"
    description = "县、乡镇、行政村（社区），以统计用区划代码识别。上级须已存在或在文件中排在前面。"
    order = 10
    then = (
        ("population", "接着导入分年龄人口（用于毛入学率等指标）。"),
        ("schools", "接着导入学校名录（学校须填所在乡镇、村代码）。"),
    )
    conflict_label = "名称"
    columns = (
        Col("code", "区划代码", "code", required=True, lengths=(6, 9, 12),
            aliases=("统计用区划代码", "行政区划代码", "代码"), example="530521100001"),
        Col("name", "名称", required=True, aliases=("区划名称", "单位名称"), example="甸阳社区", max_length=50),
        Col("parent", "上级区划代码", "code", lengths=(6, 9), aliases=("上级代码",), example="530521100",
            help="可省略：按代码前缀推定"),
        Col("township_kind", "乡镇类别", "choice", choices=tuple(TownshipKind.choices), default="", example=""),
        Col("urban_rural", "城乡分类", "choice", choices=tuple(UrbanRural.choices), default=UrbanRural.RURAL,
            aliases=("城乡分类代码",), extra_choices=(("111", "urban"), ("112", "urban"), ("121", "town"),
                                                     ("122", "town"), ("123", "town"), ("210", "rural"),
                                                     ("220", "rural")), example="城区"),
        Col("is_seat", "县城所在地", "bool", example="否"),
        Col("sort", "排序", "int", example="1"),
        Col("latitude", "纬度", "decimal", aliases=("中心纬度",), example="24.723000",
            help="村委会（乡镇政府）驻地，WGS-84；学前覆盖按此计算距离"),
        Col("longitude", "经度", "decimal", aliases=("中心经度",), example="99.183000"),
    )  # fmt: skip

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        code = values["code"]
        level = LEVEL_BY_LENGTH[len(code)]
        parent_code = values.get("parent") or ("" if level == AreaLevel.COUNTY else code[: len(code) - 3])
        parent_id = None
        validate_area_code(code=code, level=level, parent_code=parent_code or None)
        latitude, longitude = validate_coordinates(latitude=values.get("latitude"), longitude=values.get("longitude"))
        if level != AreaLevel.COUNTY:
            known = area_codes(ctx).get(parent_code) or ctx.cache.get("areas_in_file", {}).get(parent_code)
            if known is None:
                raise DomainError(
                    f"上级区划代码{parent_code}不存在（请先导入上级，或把上级排在前面）", field="上级区划代码"
                )
            parent_id = known[0]
        ctx.cache.setdefault("areas_in_file", {}).setdefault(code, (None, level))
        return {
            "code": code,
            "name": values["name"],
            "level": str(level),
            "parent_code": parent_code or None,
            "parent_id": parent_id,
            "township_kind": (values.get("township_kind") or "") if level == AreaLevel.TOWNSHIP else "",
            "urban_rural": values.get("urban_rural") or UrbanRural.RURAL,
            "is_seat": values.get("is_seat", False),
            "sort": values.get("sort") or 0,
            "latitude": latitude,
            "longitude": longitude,
        }

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("区划代码", record["code"])]

    def conflict_fields(self) -> tuple[str, ...]:
        return ("name",)

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        classify_by_code(
            recs,
            model=Area,
            fields=AREA_FIELDS,
            compared=lambda d: [f for f in AREA_FIELDS if f != "parent_id" or d["parent_id"] is not None],
        )

    def write(self, recs: list[Rec], ctx: Context) -> None:
        # Counties, then townships, then villages.
        write_parents_first(
            recs,
            model=Area,
            fields=AREA_FIELDS,
            codes=area_codes(ctx),
            tiers=[_at_level(level) for level in LEVELS],
            known_as=lambda area: (area.pk, area.level),
            write=area_bulk_write,
        )

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = Area.objects.filter(area_q(user)).order_by("level", "code")
        order = {AreaLevel.COUNTY: 0, AreaLevel.TOWNSHIP: 1, AreaLevel.VILLAGE: 2}
        rows = sorted(qs.values("code", "parent__code", *[f for f in AREA_FIELDS if f != "parent_id"]),
                      key=lambda a: (order[a["level"]], a["code"]))  # fmt: skip
        for a in rows:
            a["parent"] = a.pop("parent__code") or ""
            yield a


POP_FIELDS = ("count",)


@register
class PopulationKind(Kind):
    key = "population"
    label = "分年龄人口"
    object_type = "areas.PopulationCell"
    description = "某年（12月31日）某区域单岁组、分性别人口，以（区划代码、年份、年龄、性别、口径）识别。"
    order = 20
    then = (("schools", "分年龄人口已更新；指标将在后台刷新。学校名录如未导入，请接着导入。"),)
    conflict_label = "人数"
    columns = (
        Col("area", "区划代码", "code", required=True, lengths=(6, 9, 12), aliases=("统计用区划代码",),
            example="530521100001"),
        Col("year", "年份", "int", required=True, aliases=("统计年份",), example="2024"),
        Col("age", "年龄", "int", required=True, aliases=("年龄（周岁）", "周岁"), example="6"),
        Col("sex", "性别", "choice", required=True, choices=tuple(Sex.choices), example="男"),
        Col("source", "口径", "choice", choices=tuple(PopulationSource.choices), default=PopulationSource.HUKOU,
            aliases=("人口口径",), example="户籍人口"),
        Col("count", "人数", "int", required=True, aliases=("人口数",), example="37"),
    )  # fmt: skip

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        known = area_codes(ctx).get(values["area"])
        if known is None:
            raise DomainError(f"区划代码{values['area']}不存在", field="区划代码")
        cell = {
            "area_id": known[0],
            "year": values["year"],
            "age": values["age"],
            "sex": values["sex"],
            "source": values.get("source") or PopulationSource.HUKOU,
            "count": values["count"],
        }
        validate_population_cell(**{k: v for k, v in cell.items() if k != "area_id"})
        return cell

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("区划代码", (record["area_id"], record["year"], record["age"], record["sex"], record["source"]))]

    def conflict_fields(self) -> tuple[str, ...]:
        return ("count",)

    @staticmethod
    def _key(d: dict[str, Any]) -> tuple[Any, ...]:
        return d["area_id"], d["year"], d["age"], d["sex"], d["source"]

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        areas = {r.data["area_id"] for r in recs}
        years = {r.data["year"] for r in recs}
        existing = {
            self._key(dict(c)): dict(c)
            for c in PopulationCell.objects.filter(area_id__in=areas, year__in=years).values(
                "id", "area_id", "year", "age", "sex", "source", "count"
            )
        }
        classify_against(recs, existing, key=self._key, compared=lambda d: POP_FIELDS)

    def write(self, recs: list[Rec], ctx: Context) -> None:
        population_bulk_write(
            new=[r.data for r in recs if r.outcome == NEW],
            counts=[(r.pk or 0, r.data["count"]) for r in recs if r.outcome == UPDATED],
        )

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = PopulationCell.objects.filter(area_q(user, prefix="area__")).order_by("area__code", "year", "age", "sex")
        for cell in qs.values("area__code", "year", "age", "sex", "source", "count").iterator(chunk_size=2000):
            c: dict[str, Any] = dict(cell)
            c["area"] = c.pop("area__code")
            yield c
