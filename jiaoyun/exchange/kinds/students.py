"""学生名册: students by ID-number digest (or 全国学籍号 digest when no ID number is known).

The 全国学籍号 is an ID number too: matched by its keyed digest (one HMAC per value), encrypted when sealed,
masked in previews, rejected rows and exports unless revealed. Messages about an existing student name them only
when the importer may see them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from jiaoyun.areas.models import Area
from jiaoyun.core import idcard
from jiaoyun.core.choices import Sex
from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import student_q
from jiaoyun.exchange import aliases
from jiaoyun.exchange.db import rows_by_keys
from jiaoyun.exchange.registry import NEW, UNCHANGED, UPDATED, Col, Context, Kind, Rec, changed, register
from jiaoyun.people.choices import DisabilityCategory, Ethnicity, OrphanStatus, PovertyStatus, StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.people.services.bulk import STUDENT_FIELDS, student_bulk_create, student_bulk_update
from jiaoyun.people.services.students import _check_fields, check_student_no

SEX_EXTRA = tuple(aliases.SEX.items())
ID_ALIASES = ("身份证件号", "身份证件号码", "证件号码", "身份证号码", "公民身份号码", "身份证")
PARSED_CHOICES = ("sex", "ethnicity")
ETHNICITY_EXTRA = tuple(aliases.ETHNICITY.items())
IDENTITY = ("name", "birth_date", "sex")


def village_lookup(ctx: Context) -> dict[str, Area]:
    if "villages" not in ctx.cache:
        ctx.cache["villages"] = {a.code: a for a in Area.objects.filter(level="village").only("id", "code", "level")}
    villages: dict[str, Area] = ctx.cache["villages"]
    return villages


def village_code(village_id: Any, ctx: Context) -> str:
    """The code of a village id (for the preview's before → after), from the lookup ``prepare`` loaded."""
    codes = ctx.cache.get("village_codes")
    if codes is None:
        codes = ctx.cache["village_codes"] = {a.pk: code for code, a in village_lookup(ctx).items()}
    return str(codes.get(village_id, village_id))


def village_of(code: str, ctx: Context, label: str) -> Area | None:
    if not code:
        return None
    area = village_lookup(ctx).get(code)
    if area is None:
        raise DomainError(f"区划代码{code}不存在或不是行政村（社区）", field=label)
    return area


@register
class StudentKind(Kind):
    key = "students"
    label = "学生名册"
    object_type = "people.Student"
    description = "学生基本信息。以身份证号（无身份证号时以全国学籍号）识别同一学生；在校状态由“学籍变动”导入维护。"
    per_record_audit = True
    parallel_safe = True
    audit_repr_column = "name"
    order = 50
    columns = (
        Col("name", "姓名", required=True, aliases=("学生姓名",), example="李小明", max_length=50),
        Col("id_number", "身份证号", "id_number", aliases=ID_ALIASES, example="530521201403010017", sensitive=True,
            help="与全国学籍号至少填一项；18位，末位校验码须正确"),
        Col("student_no", "全国学籍号", aliases=("学籍号", "全国学籍号码", "学籍编号"), example="G530521201403010017",
            sensitive=True, text_cell=True, help="G/L/J开头19位，或18位身份证号"),
        Col("sex", "性别", "choice", choices=tuple(Sex.choices), extra_choices=SEX_EXTRA, example="男",
            help="填写身份证号时可省略（取自身份证号）"),
        Col("birth_date", "出生日期", "date", aliases=("出生年月日", "生日"), example="2014-03-01",
            help="填写身份证号时可省略；须与身份证号一致"),
        Col("ethnicity", "民族", "choice", choices=tuple(Ethnicity.choices), extra_choices=ETHNICITY_EXTRA,
            default="01", example="汉族", help="可写简称（汉、彝、傈僳……）或民族代码（1、01）"),
        Col("hukou_village", "户籍所在村代码", "code", lengths=(12,),
            aliases=("户籍村代码", "户籍所在地区划代码", "户籍地代码", "户籍所在村（社区）代码"), example="530521100001"),
        Col("residence_village", "现居住村代码", "code", lengths=(12,),
            aliases=("居住地代码", "现住址区划代码", "现居住村（社区）代码"), example="530521100001"),
        Col("guardian_name", "监护人", aliases=("监护人姓名",), example="李大山", max_length=50),
        Col("guardian_phone", "监护人电话", aliases=("监护人联系电话", "联系电话"), example="13800000000", max_length=20,
            text_cell=True),
        Col("left_behind", "留守儿童", "bool", aliases=("是否留守儿童",), example="否"),
        Col("disability", "残疾类别", "choice", choices=tuple(DisabilityCategory.choices), default="",
            aliases=("残疾类型",), example="无"),
        Col("poverty", "脱贫家庭/监测户", "choice", choices=tuple(PovertyStatus.choices), default="",
            aliases=("脱贫家庭", "家庭类型"), example="无"),
        Col("orphan", "孤儿/事实无人抚养", "choice", choices=tuple(OrphanStatus.choices), default="",
            aliases=("孤儿", "孤儿或事实无人抚养"), example="无"),
        Col("migrant", "随迁子女", "bool", aliases=("是否随迁子女", "进城务工人员随迁子女"), example="否"),
    )  # fmt: skip
    compare = STUDENT_FIELDS
    identity_fields = IDENTITY

    def prepare(self, ctx: Context) -> None:
        village_lookup(ctx)

    def show_value(self, field_name: str, value: Any, ctx: Context) -> str:
        if field_name.endswith("_village_id") and value is not None:
            return village_code(value, ctx)
        return super().show_value(field_name, value, ctx)

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        raw_id = values.get("id_number") or ""
        student_no = check_student_no(values["student_no"]) if values.get("student_no") else ""
        sex, birth = values.get("sex"), values.get("birth_date")
        id_hash = None
        number_value = ""
        if raw_id:
            number = idcard.validate(raw_id, today=ctx.today)
            if birth and number.birth_date != birth:
                raise DomainError(
                    f"身份证号中的出生日期{number.birth_date:%Y-%m-%d}与填写的{birth:%Y-%m-%d}不一致", field="身份证号"
                )
            if sex and number.sex != sex:
                raise DomainError("身份证号中的性别与填写的性别不一致", field="身份证号")
            birth = birth or number.birth_date
            sex = sex or number.sex
            number_value = number.value
            id_hash = idcard.match_hash(number_value)
        elif not student_no:
            raise DomainError("身份证号和全国学籍号至少填写一项", field="身份证号")
        if not sex:
            raise DomainError("未填身份证号时必填", field="性别")
        if birth is None:
            raise DomainError("未填身份证号时必填", field="出生日期")
        hukou = village_of(values.get("hukou_village") or "", ctx, "户籍所在村代码")
        residence = village_of(values.get("residence_village") or "", ctx, "现居住村代码")
        fields = {
            "name": values["name"],
            "sex": sex,
            "birth_date": birth,
            "ethnicity": values.get("ethnicity") or "01",
            "hukou_village": hukou,
            "residence_village": residence,
            "guardian_name": values.get("guardian_name") or "",
            "guardian_phone": values.get("guardian_phone") or "",
            "left_behind": values.get("left_behind", False),
            "disability": values.get("disability") or "",
            "poverty": values.get("poverty") or "",
            "orphan": values.get("orphan") or "",
            "migrant": values.get("migrant", False),
        }
        # The domain field checks; sex and ethnicity were already restricted to their choices by the column
        # parsers (re-checking them here would rebuild the 56-member choice list for every row).
        _check_fields({k: v for k, v in fields.items() if k not in PARSED_CHOICES}, today=ctx.today)
        fields["hukou_village_id"] = hukou.pk if hukou else None
        fields["residence_village_id"] = residence.pk if residence else None
        del fields["hukou_village"], fields["residence_village"]
        fields["id_hash"] = id_hash
        fields["id_number"] = number_value
        fields["student_no"] = student_no
        fields["student_no_hash"] = idcard.match_hash(student_no) if student_no else None
        return fields

    def seal(self, record: dict[str, Any], ctx: Context) -> None:
        if record["id_number"]:
            record["id_cipher"] = idcard.encrypt(record["id_number"])
        if record["student_no"]:
            record["student_no_cipher"] = idcard.encrypt(record["student_no"])

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        keys: list[tuple[str, Hashable]] = []
        if record["id_hash"]:
            keys.append(("身份证号", record["id_hash"]))
        if record["student_no_hash"]:
            keys.append(("全国学籍号", record["student_no_hash"]))
        return keys

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        hashes = [r.data["id_hash"] for r in recs if r.data["id_hash"]]
        numbers = [r.data["student_no_hash"] for r in recs if r.data["student_no_hash"]]
        fields = ("id", "id_hash", "student_no_hash", *STUDENT_FIELDS)
        by_hash = rows_by_keys(Student, "id_hash", hashes, fields)
        by_no = rows_by_keys(Student, "student_no_hash", numbers, fields)
        named = _named(ctx, [s["id"] for s in (*by_hash.values(), *by_no.values())])
        for rec in recs:
            d = rec.data
            rec.repr = d["name"]
            a = by_hash.get(d["id_hash"]) if d["id_hash"] else None
            b = by_no.get(d["student_no_hash"]) if d["student_no_hash"] else None
            if a and b and a["id"] != b["id"]:
                if a["id"] in named and b["id"] in named:
                    msg = f"身份证号属于已有学生“{a['name']}”，全国学籍号却属于另一学生“{b['name']}”，请核对"
                else:
                    msg = "身份证号与全国学籍号分别属于两名不同的已登记学生，请核对"
                rec.reject(DomainError(msg, field="全国学籍号"))
                continue
            target = a or b
            if target is None:
                rec.outcome = NEW
                continue
            rec.matched_by = "身份证号" if a else "全国学籍号"
            rec.visible = target["id"] in named
            if d["id_hash"] and target["id_hash"] and target["id_hash"] != d["id_hash"]:
                if target["id"] in named:
                    msg = f"该全国学籍号已属于身份证号不同的学生“{target['name']}”"
                else:
                    msg = "该全国学籍号已登记在身份证号不同的另一名学生名下，请核对"
                rec.reject(DomainError(msg, field="全国学籍号"))
                continue
            names = list(STUDENT_FIELDS) + [k for k in ("id_hash", "student_no_hash") if d[k]]
            diff = changed(d, target, names)
            rec.pk = target["id"]
            if diff:
                for secret in ("id_hash", "student_no_hash"):
                    if secret in diff:
                        diff[secret] = ["***", "***"]
                rec.outcome, rec.before = UPDATED, diff
            else:
                rec.outcome = UNCHANGED

    def write(self, recs: list[Rec], ctx: Context) -> None:
        new = [r for r in recs if r.outcome == NEW]
        for rec, pk in zip(new, student_bulk_create(records=[r.data for r in new]), strict=True):
            rec.pk = pk
        updated = [(r.pk, r.data) for r in recs if r.outcome == UPDATED and r.pk is not None]
        student_bulk_update(updates=updated)
        # For the next steps: students written by this import still without a 学籍 event (new ones never have one).
        waiting = len(new)
        if updated:
            ids = [pk for pk, _ in updated]
            waiting += Student.objects.filter(pk__in=ids, status=StudentStatus.NOT_ENROLLED).count()
        ctx.cache["not_enrolled"] = ctx.cache.get("not_enrolled", 0) + waiting

    def next_steps(self, ctx: Context) -> list[dict[str, Any]]:
        waiting = ctx.cache.get("not_enrolled", 0)
        if not waiting:
            return [{"text": "本次导入的学生都已有学籍记录，无须再导入学籍变动。", "count": 0, "kind": None}]
        return [
            {
                "text": f"本次导入的学生中有 {waiting} 名还没有学籍记录，在校状态为“未入学”，不计入在校生和控辍统计："
                "请接着导入他们的学籍变动（入学或转入）。",
                "count": waiting,
                "kind": "events",
                "route": "people:students",
                "query": "status=not_enrolled",
                "link": "查看未入学学生",
            }
        ]

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        return _student_rows(user, reveal)


def _named(ctx: Context, ids: list[int]) -> set[int]:
    """Of these existing students, the ones the importer may see (and so may be named in a message)."""
    if not ids:
        return set()
    visible = student_q(ctx.actor)
    if not visible:  # county-wide scope: every student may be named
        return set(ids)
    return set(Student.objects.filter(student_q(ctx.actor), pk__in=ids).values_list("pk", flat=True))


def _student_rows(user: Any, reveal: bool) -> Iterator[dict[str, Any]]:
    qs = (
        Student.objects.filter(student_q(user))
        .order_by("id")
        .values(
            "id_cipher",
            "id_masked",
            "student_no_cipher",
            "student_no_masked",
            *[f for f in STUDENT_FIELDS if not f.endswith("village_id")],
            "hukou_village__code",
            "residence_village__code",
        )
    )
    for s in qs.iterator(chunk_size=2000):
        s["id_number"] = idcard.decrypt(s["id_cipher"]) if reveal and s["id_cipher"] else s["id_masked"]
        cipher, masked = s.pop("student_no_cipher"), s.pop("student_no_masked")
        s["student_no"] = idcard.decrypt(cipher) if reveal and cipher else masked
        s["hukou_village"] = s.pop("hukou_village__code") or ""
        s["residence_village"] = s.pop("residence_village__code") or ""
        yield s
