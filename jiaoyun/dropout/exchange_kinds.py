"""The 户籍 roster (police hukou list of school-age children) as an import kind of the exchange framework."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core import idcard
from jiaoyun.core.choices import Sex
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.dropout.models import HukouRecord
from jiaoyun.dropout.permissions import is_county
from jiaoyun.dropout.services.roster import hukou_bulk_write
from jiaoyun.exchange import aliases
from jiaoyun.exchange.registry import NEW, UNCHANGED, UPDATED, Col, Context, Kind, Rec, changed, register
from jiaoyun.people.choices import PovertyStatus

FIELDS = ("name", "sex", "birth_date", "hukou_village_id", "group_name", "household_head", "poverty")


@register
class HukouKind(Kind):
    key = "hukou"
    label = "户籍适龄儿童名册"
    object_type = "dropout.HukouRecord"
    description = "公安户籍中的义务教育适龄儿童（查户籍），用于四查三比对。有身份证号的按证号更新，无证号的按姓名、出生日期和户籍村识别。"
    order = 90
    per_record_audit = True
    compare = FIELDS
    identity_fields = ("name", "sex", "birth_date")
    columns = (
        Col("name", "姓名", required=True, example="杨小勇", max_length=50),
        Col("sex", "性别", "choice", choices=tuple(Sex.choices), extra_choices=tuple(aliases.SEX.items()), example="男"),
        Col("birth_date", "出生日期", "date", example="2015-03-01"),
        Col("id_number", "身份证号", "id_number", aliases=("公民身份号码", "证件号码"), example="", sensitive=True),
        Col("village", "户籍村（社区）代码", "code", required=True, lengths=(12,), aliases=("户籍地区划代码",),
            example="530521201001"),
        Col("group_name", "村民小组", example="一组", max_length=30),
        Col("household_head", "户主", example="杨大山", max_length=50),
        Col("poverty", "脱贫户/监测户", "choice", choices=tuple(PovertyStatus.choices),
            extra_choices=(("脱贫户", PovertyStatus.LIFTED),), default="", example=""),
    )  # fmt: skip

    def prepare(self, ctx: Context) -> None:
        if ctx.actor is not None and not is_county(ctx.actor):
            raise PermissionDenied("户籍名册由县教育体育局导入")
        ctx.cache["villages"] = dict(Area.objects.filter(level=AreaLevel.VILLAGE).values_list("code", "id"))

    def show_value(self, field_name: str, value: Any, ctx: Context) -> str:
        if field_name == "hukou_village_id" and value is not None:
            codes = ctx.cache.setdefault("village_codes", {v: k for k, v in ctx.cache["villages"].items()})
            return str(codes.get(value, value))
        return super().show_value(field_name, value, ctx)

    def next_steps(self, ctx: Context) -> list[dict[str, Any]]:
        return [
            {
                "text": "户籍名册已更新"
                + (f"（{n}名适龄儿童已按身份证号对应学籍）" if (n := ctx.cache.get("linked_by_id")) else "")
                + "：请在控辍保学首页点击“运行四查三比对”，找出户籍在本县而未在校的适龄儿童。",
                "count": None,
                "kind": None,
                "route": "dropout:dashboard",
                "query": "",
                "link": "打开控辍保学",
            }
        ]

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        village_id = ctx.cache["villages"].get(values["village"])
        if village_id is None:
            raise DomainError(f"未知的村（社区）代码{values['village']}", field="户籍村（社区）代码")
        digest, birth, sex = None, values.get("birth_date"), values.get("sex") or ""
        if values.get("id_number"):
            number = idcard.validate(values["id_number"], today=ctx.today)
            if birth and birth != number.birth_date:
                raise DomainError("身份证号与出生日期不一致", field="身份证号")
            birth, sex, digest = number.birth_date, sex or number.sex, idcard.match_hash(number.value)
        if birth is None:
            raise DomainError("无身份证号时须填写出生日期", field="出生日期")
        return {
            "id_hash": digest,
            "id_number": values.get("id_number") or "",
            "name": values["name"],
            "sex": sex,
            "birth_date": birth,
            "hukou_village_id": village_id,
            "group_name": values.get("group_name") or "",
            "household_head": values.get("household_head") or "",
            "poverty": values.get("poverty") or "",
        }

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        if record["id_hash"]:
            return [("身份证号", record["id_hash"])]
        return [("姓名+出生日期+户籍村", (record["name"], record["birth_date"], record["hukou_village_id"]))]

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        hashes = [r.data["id_hash"] for r in recs if r.data["id_hash"]]
        by_hash = {
            h["id_hash"]: h for h in HukouRecord.objects.filter(id_hash__in=hashes).values("id", "id_hash", *FIELDS)
        }
        names = [r.data["name"] for r in recs if not r.data["id_hash"]]
        by_name = {
            (h["name"], h["birth_date"], h["hukou_village_id"]): h
            for h in HukouRecord.objects.filter(name__in=names, id_hash__isnull=True).values("id", "id_hash", *FIELDS)
        }
        for rec in recs:
            d = rec.data
            rec.repr = d["name"]
            before = (
                by_hash.get(d["id_hash"])
                if d["id_hash"]
                else by_name.get((d["name"], d["birth_date"], d["hukou_village_id"]))
            )
            if before is None:
                rec.outcome = NEW
                continue
            rec.pk = before["id"]
            rec.matched_by = "身份证号" if d["id_hash"] else "姓名、出生日期和户籍村"
            diff = changed(d, before, FIELDS)
            rec.outcome, rec.before = (UPDATED, diff) if diff else (UNCHANGED, None)

    def write(self, recs: list[Rec], ctx: Context) -> None:
        batch = f"导入批次{ctx.batch_id}" if ctx.batch_id else "导入"
        new, updates = [], []
        for r in recs:
            d = r.data
            values = {f: d[f] for f in FIELDS}
            if r.outcome == NEW:
                extra: dict[str, Any] = {}
                if d["id_number"]:
                    number = idcard.normalize(d["id_number"])
                    extra = {
                        "id_hash": d["id_hash"],
                        "id_cipher": idcard.encrypt(number),
                        "id_masked": idcard.mask(number),
                    }
                new.append((r, HukouRecord(**values, **extra, batch=batch)))
            else:
                updates.append((r.pk or 0, {**values, "batch": batch}))
        linked = hukou_bulk_write(new=[o for _, o in new], updates=updates, today=ctx.today)
        ctx.cache["linked_by_id"] = ctx.cache.get("linked_by_id", 0) + linked
        for r, o in new:
            r.pk = o.pk
            if o.student_id is not None:  # linked by ID number at import (ADR 0050): in the record's audit entry
                r.before = {"student": [None, o.student_id], "match_note": ["", o.match_note]}

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        if not is_county(user):
            return
        for h in HukouRecord.objects.select_related("hukou_village").order_by("hukou_village__code", "birth_date"):
            yield {
                "name": h.name, "sex": h.sex, "birth_date": h.birth_date,
                "id_number": idcard.decrypt(h.id_cipher) if (reveal and h.id_cipher) else h.id_masked,
                "village": h.hukou_village.code, "group_name": h.group_name, "household_head": h.household_head,
                "poverty": h.poverty,
            }  # fmt: skip
