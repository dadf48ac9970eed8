"""学期成绩 (term results) as an import kind of the exchange framework: schools enter each pupil's term average."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal
from typing import Any

from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import student_q
from jiaoyun.exchange.kinds.students import ID_ALIASES
from jiaoyun.exchange.registry import NEW, UNCHANGED, UPDATED, Col, Context, Kind, Rec, changed, register
from jiaoyun.people.models import Student
from jiaoyun.warning.models import TermResult
from jiaoyun.warning.services import term_results_write

FIELDS = ("score",)


@register
class TermResultKind(Kind):
    importers = ("basic",)  # 基础教育股
    key = "term_results"
    label = "学期成绩"
    object_type = "warning.TermResult"
    description = "学生每学期各科平均成绩（百分制），按身份证号识别学生；学校汇总后报县教育体育局导入，用于辍学预警的学业表现指标。"
    order = 95
    compare = FIELDS
    columns = (
        Col("id_number", "身份证号", "id_number", required=True, aliases=ID_ALIASES, example="530521201403010013",
            sensitive=True),
        Col("school_year", "学年（起始年）", "int", required=True, example="2025"),
        Col("term", "学期", "choice", required=True, choices=((1, "第一学期"), (2, "第二学期")),
            extra_choices=(("1", 1), ("2", 2), ("上学期", 1), ("下学期", 2)), example="第一学期"),
        Col("score", "平均成绩", "decimal", required=True, example="78.5"),
    )  # fmt: skip

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        score = Decimal(str(values["score"]))
        if not Decimal(0) <= score <= Decimal(100):
            raise DomainError(f"平均成绩{score}不在0–100之间", field="平均成绩")
        year = int(values["school_year"])
        if not 2000 <= year <= ctx.today.year:
            raise DomainError(f"学年{year}无效", field="学年（起始年）")
        digest = idcard.match_hash(idcard.validate(values["id_number"], today=ctx.today).value)
        students = Student.objects.filter(id_hash=digest)
        if ctx.actor is not None:
            students = students.filter(student_q(ctx.actor))
        student = students.values("id", "name", "current_school_id").first()
        if student is None:
            raise DomainError("找不到该身份证号的学生，或不在您的数据范围内", field="身份证号")
        return {"student_id": student["id"], "name": student["name"], "school_id": student["current_school_id"],
                "school_year": year, "term": int(values["term"]), "score": score.quantize(Decimal("0.1"))}  # fmt: skip

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("身份证号+学年+学期", (record["student_id"], record["school_year"], record["term"]))]

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        ids = [r.data["student_id"] for r in recs]
        existing = {
            (t["student_id"], t["school_year"], t["term"]): t
            for t in TermResult.objects.filter(student_id__in=ids).values(
                "id", "student_id", "school_year", "term", "score"
            )  # fmt: skip
        }
        for rec in recs:
            d = rec.data
            rec.repr = f"{d['name']} {d['school_year']}学年第{d['term']}学期"
            before = existing.get((d["student_id"], d["school_year"], d["term"]))
            if before is None:
                rec.outcome = NEW
                continue
            rec.pk, rec.matched_by = before["id"], "身份证号、学年和学期"
            diff = changed(d, dict(before), FIELDS)
            rec.outcome, rec.before = (UPDATED, diff) if diff else (UNCHANGED, None)

    def write(self, recs: list[Rec], ctx: Context) -> None:
        new = [
            TermResult(
                student_id=r.data["student_id"],
                school_year=r.data["school_year"],
                term=r.data["term"],
                score=r.data["score"],
                school_id=r.data["school_id"],
            )  # fmt: skip
            for r in recs
            if r.outcome == NEW
        ]
        updates = [(r.pk or 0, r.data["score"]) for r in recs if r.outcome == UPDATED]
        term_results_write(new=new, updates=updates)
        for r, o in zip([r for r in recs if r.outcome == NEW], new, strict=True):
            r.pk = o.pk

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        rows = TermResult.objects.filter(student_q(user, prefix="student__")).select_related("student")
        for t in rows.order_by("student_id", "school_year", "term"):
            cipher = t.student.id_cipher
            yield {"id_number": idcard.decrypt(cipher) if reveal and cipher else t.student.id_masked,
                   "school_year": t.school_year, "term": t.term, "score": t.score}  # fmt: skip
