"""学校办学条件 (per school, school year and 学部) as an import kind of the exchange framework.

The teacher counts are not in the file: they come from the teachers registry (``services.sync_from_registry``).
A blank cell leaves the stored value as it is (a new row starts at 0), so a file may carry only the columns a
section keeps (the 计财股 the equipment value, the 基础教育股 the areas)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.exchange.kinds.coded import classify_against
from jiaoyun.exchange.kinds.schools import SCHOOL_CODE_ALIASES, school_of
from jiaoyun.exchange.registry import NEW, UPDATED, Col, Context, Kind, Rec, register
from jiaoyun.standards.choices import Part
from jiaoyun.standards.models import SchoolResources
from jiaoyun.standards.permissions import is_section, schools_q
from jiaoyun.standards.services import KIND_PARTS, RESOURCE_FIELDS, resources_bulk_write, validate_resources

PART_EXTRA = (("小学部", Part.PRIMARY), ("初中部", Part.JUNIOR), ("中学部", Part.JUNIOR))


@register
class ResourcesKind(Kind):
    importers = ("supervision", "basic")  # 督导室, 基础教育股
    key = "resources"
    label = "学校办学条件"
    object_type = "standards.SchoolResources"
    description = (
        "各校各学年的办学条件（校舍、运动场馆、仪器设备、多媒体教室、图书、班额），以（学校标识码、学年、学部）识别；"
        "九年一贯制学校分小学部、初中部各填一行，完全中学只填初中部。教师数取自教职工库，不在此导入。空白单元格不修改已有数据。"
    )
    order = 120
    columns = (
        Col("school", "学校标识码", "code", required=True, lengths=(10,), aliases=SCHOOL_CODE_ALIASES,
            example="2153000001"),
        Col("year", "学年", "int", required=True, aliases=("学年（起始年）", "年度"), example="2025",
            help="起始年：2025表示2025-2026学年"),
        Col("part", "学部", "choice", choices=tuple(Part.choices), extra_choices=PART_EXTRA, example="小学部",
            help="单一学段学校可不填"),
        Col("pupils", "在校生数", "int", aliases=("学生数",), example="640"),
        Col("classes", "班级数", "int", example="14"),
        Col("max_class_size", "最大班额", "int", example="48"),
        Col("teaching_area", "教学及辅助用房面积", "decimal", aliases=("教学及辅助用房面积（㎡）",), example="2900"),
        Col("ground_area", "室外运动场面积", "decimal", aliases=("运动场面积", "室外运动场面积（㎡）"), example="4200"),
        Col("indoor_sports_area", "室内体育用房面积", "decimal", aliases=("室内体育用房面积（㎡）",), example="300"),
        Col("equipment_value", "教学仪器设备值", "decimal", aliases=("教学仪器设备值（元）", "仪器设备值"),
            example="1350000"),
        Col("multimedia_rooms", "网络多媒体教室数", "int", aliases=("多媒体教室数",), example="15"),
        Col("books", "图书册数", "int", aliases=("图书（册）",), example="13000"),
        Col("building_area", "校舍建筑面积", "decimal", aliases=("校舍面积", "校舍建筑面积（㎡）"), example="5200"),
    )  # fmt: skip

    def prepare(self, ctx: Context) -> None:
        if ctx.actor is not None and not is_section(ctx.actor):  # type: ignore[arg-type]
            raise PermissionDenied("学校办学条件由县教育体育局督导室、基础教育股导入")

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        school_id, kind = school_of(values["school"], ctx)
        parts = KIND_PARTS.get(kind, ())
        part = values.get("part") or (parts[0] if len(parts) == 1 else None)
        if part is None:
            raise DomainError("九年一贯制学校须填写学部（小学部或初中部）", field="学部")
        year = values["year"]
        if not 2000 <= year <= 2100:
            raise DomainError(f"学年{year}不在2000–2100之间", field="学年")
        record = {"school_id": school_id, "year": year, "part": part}
        for name in RESOURCE_FIELDS:
            if values.get(name) is not None:
                record[name] = values[name]
        validate_resources(kind=kind, part=part, values=record)
        return record

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("学校+学年+学部", (record["school_id"], record["year"], record["part"]))]

    def conflict_fields(self) -> tuple[str, ...]:
        return ("pupils",)

    @staticmethod
    def _key(d: dict[str, Any]) -> tuple[Any, ...]:
        return d["school_id"], d["year"], d["part"]

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        schools = {r.data["school_id"] for r in recs}
        existing = {
            self._key(d): d
            for d in SchoolResources.objects.filter(school_id__in=schools).values(
                "id", "school_id", "year", "part", *RESOURCE_FIELDS
            )
        }
        for r in recs:
            r.repr = f"{r.data['year']}学年 {Part(r.data['part']).label}部"
        classify_against(recs, existing, key=self._key, compared=lambda d: [f for f in RESOURCE_FIELDS if f in d])

    def write(self, recs: list[Rec], ctx: Context) -> None:
        resources_bulk_write(
            new=[r.data for r in recs if r.outcome == NEW],
            updates=[
                (r.pk or 0, {f: r.data[f] for f in RESOURCE_FIELDS if f in r.data})
                for r in recs
                if r.outcome == UPDATED
            ],
        )

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = SchoolResources.objects.filter(schools_q(user, prefix="school__")).order_by("school__code", "year", "part")
        for d in qs.values("school__code", "year", "part", *RESOURCE_FIELDS).iterator(chunk_size=2000):
            row: dict[str, Any] = dict(d)
            row["school"] = row.pop("school__code")
            yield row


__all__ = ["KIND_PARTS", "ResourcesKind"]
