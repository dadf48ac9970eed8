"""学校 (by 学校标识码) and 班级 (by school, school year, grade, class number)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from jiaoyun.areas.choices import AreaLevel, UrbanRural
from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import school_q
from jiaoyun.exchange import aliases
from jiaoyun.exchange.kinds.areas import area_codes
from jiaoyun.exchange.kinds.coded import classify_against, classify_by_code, write_parents_first
from jiaoyun.exchange.registry import NEW, UPDATED, Col, Context, Kind, Rec, register
from jiaoyun.schools.choices import Grade, Ownership, SchoolKind
from jiaoyun.schools.models import School, SchoolClass
from jiaoyun.schools.services import class_bulk_write, school_bulk_write, validate_class, validate_coordinates

SCHOOL_FIELDS = (
    "name",
    "kind",
    "ownership",
    "township_id",
    "village_id",
    "urban_rural",
    "latitude",
    "longitude",
    "boarding",
    "is_central",
    "parent_id",
    "is_active",
    "address",
    "phone",
)
SCHOOL_CODE_ALIASES = ("学校代码", "学校识别码", "学校标识", "标识码")
GRADE_EXTRA = tuple(aliases.GRADE.items())


def school_codes(ctx: Context) -> dict[str, tuple[int, str]]:
    """code → (id, kind) of every school, loaded once per run."""
    if "schools" not in ctx.cache:
        ctx.cache["schools"] = {code: (pk, kind) for pk, code, kind in School.objects.values_list("id", "code", "kind")}
    codes: dict[str, tuple[int, str]] = ctx.cache["schools"]
    return codes


def school_code(school_id: Any, ctx: Context) -> str:
    """The code of a school id (for the preview's before → after)."""
    codes = ctx.cache.get("school_ids")
    if codes is None:
        codes = ctx.cache["school_ids"] = {pk: code for code, (pk, _) in school_codes(ctx).items()}
    return str(codes.get(school_id, school_id))


def school_of(code: str, ctx: Context, label: str = "学校标识码") -> tuple[int, str]:
    known = school_codes(ctx).get(code)
    if known is None:
        raise DomainError(f"学校标识码{code}在本县学校名录中不存在（请先导入学校）", field=label)
    return known


@register
class SchoolKindFormat(Kind):
    key = "schools"
    label = "学校名录"
    object_type = "schools.School"
    description = "学校（含幼儿园、教学点），以10位学校标识码识别。教学点须填主校标识码，主校须已存在或排在前面。"
    order = 30
    then = (("classes", "接着导入各校本学年的班级（学生的学籍变动可填写班号）。"),)
    conflict_label = "学校名称"
    columns = (
        Col("code", "学校标识码", "code", required=True, lengths=(10,), aliases=SCHOOL_CODE_ALIASES,
            example="2153000001"),
        Col("name", "学校名称", required=True, aliases=("学校全称", "单位名称", "名称"), example="甸阳镇中心小学",
            max_length=100),
        Col("kind", "办学类型", "choice", required=True, choices=tuple(SchoolKind.choices),
            aliases=("学校类型", "办学类别"), example="小学"),
        Col("ownership", "举办者类型", "choice", choices=tuple(Ownership.choices), default=Ownership.PUBLIC,
            aliases=("办学性质",), example="公办"),
        Col("township", "所在乡镇代码", "code", required=True, lengths=(9,), aliases=("乡镇代码", "所在乡镇区划代码"),
            example="530521100"),
        Col("village", "所在村代码", "code", lengths=(12,), aliases=("所在村（社区）代码", "村代码"),
            example="530521100001"),
        Col("urban_rural", "城乡分类", "choice", choices=tuple(UrbanRural.choices), default=UrbanRural.RURAL,
            example="乡村"),
        Col("latitude", "纬度", "decimal", example="24.723000"),
        Col("longitude", "经度", "decimal", example="99.183000"),
        Col("boarding", "寄宿制", "bool", aliases=("是否寄宿制",), example="否"),
        Col("is_central", "中心校", "bool", aliases=("是否中心校",), example="是"),
        Col("parent", "主校标识码", "code", lengths=(10,), aliases=("主校代码", "所属学校标识码"), example=""),
        Col("is_active", "在办", "bool", default=True, aliases=("是否在办",), example="是"),
        Col("address", "地址", aliases=("学校地址",), example="甸阳镇文化路1号", max_length=200),
        Col("phone", "联系电话", aliases=("电话",), example="0875-8120000", max_length=30, text_cell=True),
    )  # fmt: skip

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        areas = area_codes(ctx)
        township = areas.get(values["township"])
        if township is None or township[1] != AreaLevel.TOWNSHIP:
            raise DomainError(f"乡镇代码{values['township']}不存在或不是乡镇", field="所在乡镇代码")
        village_id = None
        if values.get("village"):
            village = areas.get(values["village"])
            if village is None or village[1] != AreaLevel.VILLAGE:
                raise DomainError(f"村代码{values['village']}不存在或不是行政村（社区）", field="所在村代码")
            if not values["village"].startswith(values["township"]):
                raise DomainError(f"村{values['village']}不属于乡镇{values['township']}", field="所在村代码")
            village_id = village[0]
        parent_code = values.get("parent") or ""
        if values["kind"] == SchoolKind.TEACHING_POINT and not parent_code:
            raise DomainError("教学点须填写主校标识码", field="主校标识码")
        if parent_code:
            known = school_codes(ctx).get(parent_code) or ctx.cache.get("schools_in_file", {}).get(parent_code)
            if known is None:
                raise DomainError(f"主校标识码{parent_code}不存在（主校须已存在或排在前面）", field="主校标识码")
            if parent_code == values["code"]:
                raise DomainError("主校不能是本校", field="主校标识码")
        ctx.cache.setdefault("schools_in_file", {})[values["code"]] = (None, values["kind"])
        values["latitude"], values["longitude"] = validate_coordinates(
            latitude=values.get("latitude"), longitude=values.get("longitude")
        )
        return {
            "code": values["code"],
            "name": values["name"],
            "kind": values["kind"],
            "ownership": values.get("ownership") or Ownership.PUBLIC,
            "township_id": township[0],
            "village_id": village_id,
            "urban_rural": values.get("urban_rural") or UrbanRural.RURAL,
            "latitude": values.get("latitude"),
            "longitude": values.get("longitude"),
            "boarding": values.get("boarding", False),
            "is_central": values.get("is_central", False),
            "parent_code": parent_code or None,
            "parent_id": (school_codes(ctx).get(parent_code) or (None,))[0] if parent_code else None,
            "is_active": values.get("is_active", True),
            "address": values.get("address") or "",
            "phone": values.get("phone") or "",
        }

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("学校标识码", record["code"])]

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        # The main school is compared when the file names one, and when it says there is none.
        classify_by_code(
            recs,
            model=School,
            fields=SCHOOL_FIELDS,
            compared=lambda d: [
                f for f in SCHOOL_FIELDS if f != "parent_id" or d["parent_id"] is not None or d["parent_code"] is None
            ],
        )

    def write(self, recs: list[Rec], ctx: Context) -> None:
        # Main schools before teaching points.
        write_parents_first(
            recs,
            model=School,
            fields=SCHOOL_FIELDS,
            codes=school_codes(ctx),
            tiers=[lambda d: d["kind"] != SchoolKind.TEACHING_POINT, lambda d: d["kind"] == SchoolKind.TEACHING_POINT],
            known_as=lambda school: (school.pk, school.kind),
            write=school_bulk_write,
        )

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = School.objects.filter(school_q(user)).order_by("parent_id", "code")
        fields = [f for f in SCHOOL_FIELDS if not f.endswith("_id")]
        rows = list(qs.values("code", "township__code", "village__code", "parent__code", *fields))
        rows.sort(key=lambda s: (s["parent__code"] is not None, s["code"]))
        for s in rows:
            s["township"] = s.pop("township__code")
            s["village"] = s.pop("village__code") or ""
            s["parent"] = s.pop("parent__code") or ""
            yield s


CLASS_FIELDS = ("name",)


@register
class ClassKind(Kind):
    key = "classes"
    label = "班级"
    object_type = "schools.SchoolClass"
    description = "各校各学年的班级，以（学校标识码、学年、年级、班号）识别。"
    order = 40
    then = (("students", "接着导入学生名册，再导入学籍变动（入学、转入……）。"),)
    conflict_label = "班级名称"
    columns = (
        Col("school", "学校标识码", "code", required=True, lengths=(10,), aliases=SCHOOL_CODE_ALIASES,
            example="2153000001"),
        Col("school_year", "学年", "int", required=True, aliases=("学年（起始年）", "入学学年"), example="2024",
            help="起始年：2024表示2024-2025学年"),
        Col("grade", "年级", "choice", required=True, choices=tuple(Grade.choices), extra_choices=GRADE_EXTRA,
            example="一年级"),
        Col("number", "班号", "int", required=True, aliases=("班级号",), example="1"),
        Col("name", "班级名称", aliases=("班级",), example="一年级（1）班", max_length=30),
    )  # fmt: skip

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        school_id, kind = school_of(values["school"], ctx)
        grade = values["grade"]
        validate_class(kind=kind, school_year=values["school_year"], grade=grade, number=values["number"])
        return {
            "school_id": school_id,
            "school_year": values["school_year"],
            "grade": grade,
            "number": values["number"],
            "name": values.get("name") or "",
        }

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("班号", (record["school_id"], record["school_year"], record["grade"], record["number"]))]

    @staticmethod
    def _key(d: dict[str, Any]) -> tuple[Any, ...]:
        return d["school_id"], d["school_year"], d["grade"], d["number"]

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        schools = {r.data["school_id"] for r in recs}
        existing = {
            self._key(dict(c)): dict(c)
            for c in SchoolClass.objects.filter(school_id__in=schools).values(
                "id", "school_id", "school_year", "grade", "number", "name"
            )
        }
        classify_against(recs, existing, key=self._key, compared=lambda d: CLASS_FIELDS)

    def write(self, recs: list[Rec], ctx: Context) -> None:
        class_bulk_write(
            new=[r.data for r in recs if r.outcome == NEW],
            names=[(r.pk or 0, r.data["name"]) for r in recs if r.outcome == UPDATED],
        )

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = SchoolClass.objects.filter(school_q(user, prefix="school__")).order_by(
            "school__code", "school_year", "grade", "number"
        )
        for row in qs.values("school__code", "school_year", "grade", "number", "name").iterator(chunk_size=2000):
            c: dict[str, Any] = dict(row)
            c["school"] = c.pop("school__code")
            yield c
