"""Import kinds of the quality module: 学业水平考试成绩 and 1+X 证书 (preview → confirm, Chinese row errors)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import student_q
from jiaoyun.exchange.kinds.people import _identify
from jiaoyun.exchange.kinds.students import ID_ALIASES
from jiaoyun.exchange.registry import NEW, UNCHANGED, UPDATED, Col, Context, Kind, Rec, changed, register
from jiaoyun.people.models import Student
from jiaoyun.quality.choices import CertLevel, ResultGrade, Subject
from jiaoyun.quality.models import AcademicResult, Certificate, VocationalStudent
from jiaoyun.quality.services import certificates_bulk_write, results_bulk_write

RESULT_FIELDS = ("exam_date", "score", "grade")
CERT_FIELDS = ("name", "level", "issued_on")
GRADE_EXTRA = (("合格", "pass"), ("不合格", "fail"), ("E", "E"))
LEVEL_EXTRA = (("初", "junior"), ("中", "middle"), ("高", "senior"))


def _students(recs: list[Rec], ctx: Context) -> None:
    """Find each row's student (by 身份证号, else 全国学籍号) among those the importer may see; else reject."""
    hashes = [r.data["id_hash"] for r in recs if r.data["id_hash"]]
    numbers = [r.data["student_no_hash"] for r in recs if r.data["student_no_hash"]]
    visible = Student.objects.filter(student_q(ctx.actor)) if ctx.actor is not None else Student.objects.all()
    fields = ("id", "id_hash", "student_no_hash", "name")
    by_hash = {s["id_hash"]: s for s in visible.filter(id_hash__in=hashes).values(*fields)} if hashes else {}
    by_no = (
        {s["student_no_hash"]: s for s in visible.filter(student_no_hash__in=numbers).values(*fields)}
        if numbers
        else {}
    )
    for rec in recs:
        d = rec.data
        student = by_hash.get(d["id_hash"]) if d["id_hash"] else by_no.get(d["student_no_hash"])
        if student is None:
            label = "身份证号" if d["id_hash"] else "全国学籍号"
            rec.reject(DomainError("学生名册中没有该学生（或不在您的数据范围内），请先导入学生名册", field=label))
            continue
        if d.get("name") and d["name"] != student["name"]:
            rec.reject(DomainError(f"姓名与学生名册不一致（名册为“{student['name']}”）", field="姓名"))
            continue
        d["student_id"] = student["id"]


@register
class ResultsKind(Kind):
    importers = ("basic",)  # 基础教育股
    key = "quality_results"
    label = "学业水平考试成绩"
    object_type = "quality.AcademicResult"
    description = (
        "普通高中学业水平考试各科成绩，以（学生、科目、考试批次）识别；导入后计入综合素质评价的“学业水平”维度。"
    )
    per_record_audit = True
    order = 120
    columns = (
        Col("id_number", "身份证号", "id_number", aliases=ID_ALIASES, example="530521200803010013", sensitive=True),
        Col("student_no", "全国学籍号", aliases=("学籍号",), example="", sensitive=True),
        Col("name", "姓名", aliases=("学生姓名",), example="李小明", help="如填写，须与学生名册一致"),
        Col("subject", "科目", "choice", required=True, choices=tuple(Subject.choices),
            extra_choices=(("英语", "english"), ("政治", "politics"), ("生物", "biology")), example="物理"),
        Col("session", "考试批次", required=True, aliases=("批次", "考试时间"), example="2025年6月", max_length=20),
        Col("exam_date", "考试日期", "date", required=True, example="2025-06-20"),
        Col("score", "成绩", "decimal", aliases=("分数",), example="86"),
        Col("grade", "等级", "choice", required=True, choices=tuple(ResultGrade.choices), extra_choices=GRADE_EXTRA,
            aliases=("成绩等级",), example="A"),
    )  # fmt: skip

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        id_hash, student_no_hash = _identify(values, ctx)
        score = values.get("score")
        if score is not None and not (0 <= score <= 150):
            raise DomainError("成绩须在0到150之间", field="成绩")
        if values["exam_date"] > ctx.today:
            raise DomainError("考试日期不能晚于今天", field="考试日期")
        return {"id_hash": id_hash, "student_no_hash": student_no_hash, "name": values.get("name") or "",
                "subject": values["subject"], "session": values["session"].strip(),
                "exam_date": values["exam_date"], "score": score, "grade": values["grade"]}  # fmt: skip

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        who = record["id_hash"] or record["student_no_hash"]
        return [("科目", (who, record["subject"], record["session"]))]

    def conflict_fields(self) -> tuple[str, ...]:
        return ("grade",)

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        _students(recs, ctx)
        live = [r for r in recs if "student_id" in r.data]
        existing = {
            (row["student_id"], row["subject"], row["session"]): row
            for row in AcademicResult.objects.filter(student_id__in={r.data["student_id"] for r in live}).values(
                "id", "student_id", "subject", "session", *RESULT_FIELDS
            )
        }
        for rec in live:
            d = rec.data
            rec.repr = f"{d['name'] or '学生'} {Subject(d['subject']).label} {d['session']}"
            before = existing.get((d["student_id"], d["subject"], d["session"]))
            if before is None:
                rec.outcome = NEW
                continue
            rec.pk = before["id"]
            diff = changed(d, before, RESULT_FIELDS)
            rec.outcome, rec.before = (UPDATED, diff) if diff else (UNCHANGED, None)

    def write(self, recs: list[Rec], ctx: Context) -> None:
        new, updates = [], []
        for r in recs:
            d = r.data
            values = {f: d[f] for f in RESULT_FIELDS}
            if r.outcome == NEW:
                new.append((r, AcademicResult(student_id=d["student_id"], subject=d["subject"], session=d["session"],
                                              **values)))  # fmt: skip
            else:
                updates.append((r.pk or 0, values))
        results_bulk_write(new=[o for _, o in new], updates=updates)
        for r, o in new:
            r.pk = o.pk

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = AcademicResult.objects.filter(student_q(user, "student__")).select_related("student")
        for r in qs.order_by("student__name", "exam_date", "subject"):
            yield {"id_number": r.student.id_masked, "student_no": r.student.student_no_masked, "name": r.student.name,
                   "subject": r.subject, "session": r.session, "exam_date": r.exam_date, "score": r.score,
                   "grade": r.grade}  # fmt: skip


@register
class CertificatesKind(Kind):
    importers = ("basic",)  # 基础教育股 (职业教育)
    key = "quality_certificates"
    label = "1+X职业技能等级证书"
    object_type = "quality.Certificate"
    description = "中职学生取得的1+X职业技能等级证书，以（发证机构、证书编号）识别；学生须已登记专业。用于计算持证率。"
    per_record_audit = True
    order = 121
    columns = (
        Col("id_number", "身份证号", "id_number", aliases=ID_ALIASES, example="530521200803010013", sensitive=True),
        Col("student_no", "全国学籍号", aliases=("学籍号",), example="", sensitive=True),
        Col("name_of_student", "姓名", aliases=("学生姓名",), example="李小明", help="如填写，须与学生名册一致"),
        Col("cert_name", "证书名称", required=True, aliases=("职业技能等级证书名称",), example="Web前端开发", max_length=100),
        Col("level", "等级", "choice", required=True, choices=tuple(CertLevel.choices), extra_choices=LEVEL_EXTRA,
            example="初级"),
        Col("organisation", "发证机构", required=True, aliases=("培训评价组织",), example="工业和信息化部教育与考试中心",
            max_length=100),
        Col("issued_on", "发证日期", "date", required=True, example="2025-06-30"),
        Col("number", "证书编号", required=True, example="W0123456789", max_length=40, text_cell=True),
    )  # fmt: skip

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        id_hash, student_no_hash = _identify(values, ctx)
        if values["issued_on"] > ctx.today:
            raise DomainError("发证日期不能晚于今天", field="发证日期")
        return {"id_hash": id_hash, "student_no_hash": student_no_hash, "name": values.get("name_of_student") or "",
                "cert_name": values["cert_name"].strip(), "level": values["level"],
                "organisation": values["organisation"].strip(), "issued_on": values["issued_on"],
                "number": values["number"].strip()}  # fmt: skip

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("证书编号", (record["organisation"], record["number"]))]

    def conflict_fields(self) -> tuple[str, ...]:
        return ("cert_name",)

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        _students(recs, ctx)
        live = [r for r in recs if "student_id" in r.data]
        vocational = set(
            VocationalStudent.objects.filter(student_id__in={r.data["student_id"] for r in live}).values_list(
                "student_id", flat=True
            )
        )
        existing = {
            (row["organisation"], row["number"]): row
            for row in Certificate.objects.filter(number__in={r.data["number"] for r in live}).values(
                "id", "student_id", "organisation", "number", *CERT_FIELDS
            )
        }
        for rec in live:
            d = rec.data
            if d["student_id"] not in vocational:
                rec.reject(DomainError("该学生未登记中职专业，不能登记1+X证书", field="身份证号"))
                continue
            rec.repr = f"{d['name'] or '学生'} {d['cert_name']} {d['number']}"
            before = existing.get((d["organisation"], d["number"]))
            if before is None:
                rec.outcome = NEW
                continue
            if before["student_id"] != d["student_id"]:
                rec.reject(DomainError("该证书编号已登记在另一名学生名下", field="证书编号"))
                continue
            rec.pk = before["id"]
            diff = changed({**d, "name": d["cert_name"]}, before, CERT_FIELDS)
            rec.outcome, rec.before = (UPDATED, diff) if diff else (UNCHANGED, None)

    def write(self, recs: list[Rec], ctx: Context) -> None:
        new, updates = [], []
        actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        for r in recs:
            d = r.data
            values = {"name": d["cert_name"], "level": d["level"], "issued_on": d["issued_on"]}
            if r.outcome == NEW:
                new.append((r, Certificate(student_id=d["student_id"], organisation=d["organisation"],
                                           number=d["number"], created_by=actor, **values)))  # fmt: skip
            else:
                updates.append((r.pk or 0, values))
        certificates_bulk_write(new=[o for _, o in new], updates=updates)
        for r, o in new:
            r.pk = o.pk

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = Certificate.objects.filter(student_q(user, "student__")).select_related("student")
        for c in qs.order_by("student__name", "issued_on"):
            yield {"id_number": c.student.id_masked, "student_no": c.student.student_no_masked,
                   "name_of_student": c.student.name, "cert_name": c.name, "level": c.level,
                   "organisation": c.organisation, "issued_on": c.issued_on, "number": c.number}  # fmt: skip
