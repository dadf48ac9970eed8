"""学籍变动 (enrolment events, validated per student as a whole chain) and 教职工 (teachers)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from django.db.models import Count

from jiaoyun.core import idcard
from jiaoyun.core.choices import Sex
from jiaoyun.core.errors import DomainError
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.scope import student_q, teacher_q
from jiaoyun.exchange.kinds.schools import GRADE_EXTRA, SCHOOL_CODE_ALIASES, school_code, school_codes, school_of
from jiaoyun.exchange.kinds.students import ID_ALIASES, SEX_EXTRA, _named
from jiaoyun.exchange.registry import (
    NEW,
    REJECTED,
    UNCHANGED,
    UPDATED,
    Col,
    Context,
    Kind,
    Rec,
    changed,
    chunks,
    register,
)
from jiaoyun.people.choices import (
    SCHOOL_EVENTS,
    BackboneLevel,
    Degree,
    EventKind,
    PostType,
    Staffing,
    StudentStatus,
    StudyLevel,
    Subject,
    Title,
)
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher
from jiaoyun.people.services.bulk import TEACHER_FIELDS, event_bulk_upsert, student_bulk_refresh, teacher_bulk_upsert
from jiaoyun.people.services.enrolment import EventView, validate_chain
from jiaoyun.people.services.students import check_student_no
from jiaoyun.people.services.teachers import _check as teacher_check
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.models import SchoolClass
from jiaoyun.schools.services import validate_grade

EVENT_COMPARE = ("school_id", "grade", "school_class_id", "external_school", "study_level", "reason")


def _identify(values: dict[str, Any], ctx: Context) -> tuple[str | None, str | None]:
    """(ID-number digest, 全国学籍号 digest): the student is found by the first, else by the second."""
    raw = values.get("id_number") or ""
    if raw:
        return idcard.match_hash(idcard.validate(raw, today=ctx.today).value), None
    if not values.get("student_no"):
        raise DomainError("身份证号和全国学籍号至少填写一项", field="身份证号")
    return None, idcard.match_hash(check_student_no(values["student_no"]))


@register
class EventKindFormat(Kind):
    key = "events"
    label = "学籍变动"
    object_type = "people.EnrolmentEvent"
    description = (
        "学生的学籍事件（入学、转入、转出、休学、复学、辍学、升级、留级、毕业、死亡、外县就读），以（学生、日期、类型）识别。"
        "每个涉及的学生的全部学籍记录作为一条链整体校验；导入后按最新事件刷新学生的在校状态。"
    )
    per_record_audit = True
    order = 60
    conflict_label = "学校或年级"
    columns = (
        Col("id_number", "身份证号", "id_number", aliases=ID_ALIASES, example="530521201403010013", sensitive=True),
        Col("student_no", "全国学籍号", aliases=("学籍号", "全国学籍号码"), example="", sensitive=True),
        Col("name", "姓名", aliases=("学生姓名",), example="李小明", help="如填写，须与学生名册一致"),
        Col("kind", "类型", "choice", required=True, choices=tuple(EventKind.choices),
            aliases=("变动类型", "学籍变动类型", "异动类型"), example="入学"),
        Col("date", "日期", "date", required=True, aliases=("变动日期", "异动日期"), example="2020-09-01"),
        Col("school", "学校标识码", "code", lengths=(10,), aliases=SCHOOL_CODE_ALIASES, example="2153000001"),
        Col("grade", "年级", "choice", choices=tuple(Grade.choices), extra_choices=GRADE_EXTRA, example="一年级"),
        Col("class_number", "班号", "int", example="1"),
        Col("external_school", "县外学校", aliases=("转出学校", "外县学校"), example="", max_length=100),
        Col("study_level", "就读学段", "choice", choices=tuple(StudyLevel.choices), aliases=("外县就读学段", "县外就读学段"),
            example="", help="仅外县就读填写：在县外就读的学段（普通高中、中职计入高中阶段毛入学率，按设置）"),
        Col("reason", "原因", aliases=("变动原因", "备注"), example="", max_length=200),
    )  # fmt: skip

    def prepare(self, ctx: Context) -> None:
        school_codes(ctx)
        ctx.cache["held"] = defaultdict(list)

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        id_hash, student_no_hash = _identify(values, ctx)
        school_id = school_of(values["school"], ctx)[0] if values.get("school") else None
        if values.get("class_number") is not None and school_id is None:
            raise DomainError("填写班号时须同时填写学校标识码", field="班号")
        if values.get("study_level") and values["kind"] != EventKind.OUT_OF_COUNTY:
            raise DomainError("就读学段仅在类型为外县就读时填写", field="就读学段")
        return {
            "id_hash": id_hash,
            "student_no_hash": student_no_hash,
            "name": values.get("name") or "",
            "kind": values["kind"],
            "date": values["date"],
            "school_id": school_id,
            "grade": values.get("grade"),
            "class_number": values.get("class_number"),
            "external_school": values.get("external_school") or "",
            "study_level": values.get("study_level") or None,
            "reason": values.get("reason") or "",
        }

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("日期", (record["id_hash"] or record["student_no_hash"], record["date"], record["kind"]))]

    def conflict_fields(self) -> tuple[str, ...]:
        return ("school_id", "grade")

    def flush(self, recs: list[Rec], ctx: Context) -> list[Rec]:
        hashes = [r.data["id_hash"] for r in recs if r.data["id_hash"]]
        numbers = [r.data["student_no_hash"] for r in recs if r.data["student_no_hash"]]
        fields = ("id", "id_hash", "student_no_hash", "name")
        by_hash = (
            {s["id_hash"]: s for s in Student.objects.filter(id_hash__in=hashes).values(*fields)} if hashes else {}
        )
        by_no = (
            {s["student_no_hash"]: s for s in Student.objects.filter(student_no_hash__in=numbers).values(*fields)}
            if numbers
            else {}
        )
        named = _named(ctx, [s["id"] for s in (*by_hash.values(), *by_no.values())])
        done = []
        held: dict[int, list[Rec]] = ctx.cache["held"]
        for rec in recs:
            d = rec.data
            student = by_hash.get(d["id_hash"]) if d["id_hash"] else by_no.get(d["student_no_hash"])
            if student is None:
                label = "身份证号" if d["id_hash"] else "全国学籍号"
                rec.reject(DomainError("学生名册中没有该学生，请先导入学生名册", field=label))
                done.append(rec)
                continue
            if d["name"] and d["name"] != student["name"]:
                shown = f"（名册为“{student['name']}”）" if student["id"] in named else ""
                rec.reject(DomainError(f"姓名与学生名册不一致{shown}", field="姓名"))
                done.append(rec)
                continue
            d["student_id"] = student["id"]
            rec.repr = f"{student['name']} {d['date']} {EventKind(d['kind']).label}"
            held[student["id"]].append(rec)
        return done

    def finish(self, ctx: Context) -> list[Rec]:
        held: dict[int, list[Rec]] = ctx.cache["held"]
        out: list[Rec] = []
        schools = dict(school_codes(ctx).values())
        for ids in chunks(sorted(held), 1000):
            births = dict(Student.objects.filter(pk__in=ids).values_list("id", "birth_date"))
            existing: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for e in (
                EnrolmentEvent.objects.filter(student_id__in=ids)
                .order_by("student_id", "date", "seq", "id")
                .values("id", "student_id", "kind", "date", "seq", *EVENT_COMPARE)
            ):
                existing[e["student_id"]].append(e)
            classes = self._classes(held, ids)
            for sid in ids:
                out.extend(self._student_chain(held[sid], existing[sid], births[sid], schools, classes))
        held.clear()
        return out

    @staticmethod
    def _classes(held: dict[int, list[Rec]], ids: list[int]) -> dict[tuple[int, int, int, int], int]:
        wanted = {r.data["school_id"] for sid in ids for r in held[sid] if r.data["class_number"] is not None}
        if not wanted:
            return {}
        return {
            (c["school_id"], c["school_year"], c["grade"], c["number"]): c["id"]
            for c in SchoolClass.objects.filter(school_id__in=wanted).values(
                "id", "school_id", "school_year", "grade", "number"
            )
        }

    def _student_chain(
        self,
        recs: list[Rec],
        current: list[dict[str, Any]],
        birth: dt.date,
        schools: dict[int, str],
        classes: dict[tuple[int, int, int, int], int],
    ) -> list[Rec]:
        chain = [dict(e) for e in current]
        by_key = {(e["date"], e["kind"]): e for e in chain}
        next_seq: dict[dt.date, int] = {}
        for e in chain:
            next_seq[e["date"]] = max(next_seq.get(e["date"], 0), e["seq"] + 1)
        ok: list[Rec] = []
        bad: list[Rec] = []
        for rec in sorted(recs, key=lambda r: (r.data["date"], r.row)):
            d = rec.data
            try:
                self._fill_defaults(d, chain)
                self._check_school(d, schools, classes)
            except DomainError as exc:
                rec.reject(exc)
                bad.append(rec)
                continue
            before = by_key.get((d["date"], d["kind"]))
            if before is not None:
                diff = changed(d, before, EVENT_COMPARE)
                rec.pk = before["id"]
                rec.outcome, rec.before = (UPDATED, diff) if diff else (UNCHANGED, None)
                before.update({k: d[k] for k in EVENT_COMPARE})
            else:
                d["seq"] = next_seq.get(d["date"], 0)
                next_seq[d["date"]] = d["seq"] + 1
                rec.outcome = NEW
                entry = {"kind": d["kind"], "date": d["date"], "seq": d["seq"], **{k: d[k] for k in EVENT_COMPARE}}
                chain.append(entry)
                chain.sort(key=lambda e: (e["date"], e["seq"]))
            ok.append(rec)
        views = [EventView(e["kind"], e["date"], e["seq"], e["school_id"], e["grade"]) for e in chain]
        try:
            validate_chain(views, birth_date=birth)
        except DomainError as exc:
            for rec in ok:
                if rec.outcome != UNCHANGED:
                    rec.reject(DomainError(f"该学生的学籍变动链不成立：{exc.message}", field=exc.field or "类型"))
        return ok + bad

    @staticmethod
    def _fill_defaults(d: dict[str, Any], chain: list[dict[str, Any]]) -> None:
        """As ``enrolment_record``: events leaving school carry the school and grade left from."""
        earlier = [
            e for e in chain if e["date"] <= d["date"] and not (e["date"] == d["date"] and e["kind"] == d["kind"])
        ]
        prev = earlier[-1] if earlier else None
        kind = d["kind"]
        if prev is None:
            return
        if kind not in SCHOOL_EVENTS:
            if d["school_id"] is None and kind != EventKind.OUT_OF_COUNTY:
                d["school_id"] = prev["school_id"]
            if d["grade"] is None:
                d["grade"] = prev["grade"]
        elif kind in (EventKind.RESUME, EventKind.REPEAT):
            d["school_id"] = d["school_id"] or prev["school_id"]
            d["grade"] = d["grade"] if d["grade"] is not None else prev["grade"]
        elif kind == EventKind.PROMOTE:
            d["school_id"] = d["school_id"] or prev["school_id"]
            d["grade"] = d["grade"] if d["grade"] is not None else (prev["grade"] or 0) + 1
        if kind == EventKind.OUT_OF_COUNTY and not d["external_school"]:
            d["external_school"] = "县外学校"

    @staticmethod
    def _check_school(
        d: dict[str, Any], schools: dict[int, str], classes: dict[tuple[int, int, int, int], int]
    ) -> None:
        d["school_class_id"] = None
        if d["kind"] not in SCHOOL_EVENTS or d["school_id"] is None:
            return
        kind = schools.get(d["school_id"], "")
        if d["grade"] is not None:
            validate_grade(kind=kind, grade=d["grade"])
        if d["class_number"] is not None:
            key = (d["school_id"], SchoolYear.of(d["date"]).start_year, d["grade"], d["class_number"])
            class_id = classes.get(key)  # type: ignore[arg-type]
            if class_id is None:
                raise DomainError(f"该校{key[1]}学年没有{d['class_number']}班（请先导入班级）", field="班号")
            d["school_class_id"] = class_id

    def write(self, recs: list[Rec], ctx: Context) -> None:
        new = [r for r in recs if r.outcome == NEW]
        pks = event_bulk_upsert(
            new=[r.data for r in new],
            updates=[(r.pk, r.data) for r in recs if r.outcome == UPDATED and r.pk is not None],
            actor=ctx.actor,
        )
        for rec, pk in zip(new, pks, strict=True):
            rec.pk = pk
        ctx.cache.setdefault("touched", set()).update(r.data["student_id"] for r in recs)

    def after_write(self, ctx: Context) -> None:
        student_bulk_refresh(student_ids=sorted(ctx.cache.get("touched", ())))

    def next_steps(self, ctx: Context) -> list[dict[str, Any]]:
        """The students whose events were written, by the state their chain now gives (one query per 1,000)."""
        touched = sorted(ctx.cache.get("touched", ()))
        counts: dict[str, int] = defaultdict(int)
        for ids in chunks(touched, 1000):
            for status, n in (
                Student.objects.filter(pk__in=ids).values_list("status").annotate(n=Count("id")).order_by()
            ):
                counts[status] += n
        if not touched:
            return []
        shown = "、".join(f"{StudentStatus(k).label} {n} 名" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        steps: list[dict[str, Any]] = [
            {
                "text": f"已按学籍变动刷新 {len(touched)} 名学生的在校状态：{shown}。",
                "count": len(touched),
                "kind": None,
            }
        ]
        if counts.get(StudentStatus.DROPPED_OUT):
            steps.append(
                {
                    "text": f"其中 {counts[StudentStatus.DROPPED_OUT]} 名为辍学：请在控辍保学中核实并建立劝返台账。",
                    "count": counts[StudentStatus.DROPPED_OUT],
                    "kind": None,
                    "route": "dropout:children",
                    "query": "",
                    "link": "打开控辍保学",
                }
            )
        return steps

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = (
            EnrolmentEvent.objects.filter(student_q(user, prefix="student__"))
            .order_by("student_id", "date", "seq")
            .values(
                "student__id_cipher",
                "student__id_masked",
                "student__student_no_cipher",
                "student__student_no_masked",
                "student__name",
                "kind",
                "date",
                "school__code",
                "grade",
                "school_class__number",
                "external_school",
                "study_level",
                "reason",
            )
        )
        for row in qs.iterator(chunk_size=2000):
            e: dict[str, Any] = dict(row)
            cipher = e.pop("student__id_cipher")
            masked = e.pop("student__id_masked")
            e["id_number"] = idcard.decrypt(cipher) if reveal and cipher else masked
            no_cipher, no_masked = e.pop("student__student_no_cipher"), e.pop("student__student_no_masked")
            e["student_no"] = idcard.decrypt(no_cipher) if reveal and no_cipher else no_masked
            e["name"] = e.pop("student__name")
            e["school"] = e.pop("school__code") or ""
            e["class_number"] = e.pop("school_class__number")
            yield e


def _subjects(values: list[str]) -> tuple[str, ...]:
    lookup = {str(label): value for value, label in Subject.choices} | {v: v for v in Subject.values}
    out = []
    for v in values:
        if v not in lookup:
            raise DomainError(f"未知学科“{v}”", field="任教学科")
        out.append(lookup[v])
    return tuple(out)


@register
class TeacherKind(Kind):
    key = "teachers"
    label = "教职工名册"
    object_type = "people.Teacher"
    description = (
        "教职工基本信息，以身份证号识别。新教职工同时登记初任任职经历；已在册教职工的学校变动须通过任职变动办理。"
    )
    per_record_audit = True
    order = 70
    columns = (
        Col("name", "姓名", required=True, aliases=("教师姓名", "教职工姓名"), example="王丽", max_length=50),
        Col("id_number", "身份证号", "id_number", required=True, aliases=ID_ALIASES, example="530521198505010022",
            sensitive=True),
        Col("staff_no", "教职工号", aliases=("工号", "教师编号"), example="T0001", max_length=30, text_cell=True),
        Col("sex", "性别", "choice", choices=tuple(Sex.choices), extra_choices=SEX_EXTRA, example="女"),
        Col("birth_date", "出生日期", "date", aliases=("出生年月日",), example="1985-05-01"),
        Col("school", "学校标识码", "code", lengths=(10,), aliases=(*SCHOOL_CODE_ALIASES, "任职学校标识码"),
            example="2153000001"),
        Col("post_type", "岗位类别", "choice", choices=tuple(PostType.choices), default=PostType.FULL_TIME,
            example="专任教师"),
        Col("main_subject", "主教学科", "choice", choices=tuple(Subject.choices), default="", example="语文"),
        Col("subjects", "任教学科", "list", choices=tuple(Subject.choices), example="语文、道德与法治"),
        Col("title", "职称", "choice", choices=tuple(Title.choices), default=Title.NONE, aliases=("专业技术职务",),
            example="一级教师"),
        Col("degree", "最高学历", "choice", choices=tuple(Degree.choices), default=Degree.BACHELOR,
            aliases=("学历",), example="本科"),
        Col("staffing", "编制情况", "choice", choices=tuple(Staffing.choices), default=Staffing.ESTABLISHED,
            aliases=("用人形式",), example="在编"),
        Col("backbone", "骨干教师", "choice", choices=tuple(BackboneLevel.choices), default="", example="无"),
        Col("hire_date", "参加工作日期", "date", aliases=("参加工作年月",), example="2008-09-01"),
        Col("school_since", "到本校日期", "date", aliases=("进本校年月",), example="2015-09-01"),
        Col("has_certificate", "持教师资格证", "bool", default=True, aliases=("是否持有教师资格证",), example="是"),
        Col("is_active", "在职", "bool", default=True, aliases=("是否在职",), example="是"),
    )  # fmt: skip

    identity_fields = ("name", "birth_date", "sex")

    def prepare(self, ctx: Context) -> None:
        school_codes(ctx)

    def show_value(self, field_name: str, value: Any, ctx: Context) -> str:
        if field_name == "school_id" and value is not None:
            return school_code(value, ctx)
        return super().show_value(field_name, value, ctx)

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        number = idcard.validate(values["id_number"], today=ctx.today)
        birth = values.get("birth_date") or number.birth_date
        if birth != number.birth_date:
            raise DomainError("身份证号中的出生日期与填写的不一致", field="身份证号")
        sex = values.get("sex") or number.sex
        subjects = _subjects(values.get("subjects") or [])
        main = values.get("main_subject") or ""
        if not subjects and main:
            subjects = (main,)
        fields = {
            "name": values["name"],
            "sex": sex,
            "birth_date": birth,
            "hire_date": values.get("hire_date"),
            "subjects": list(subjects),
        }
        teacher_check(fields)
        school_id = school_of(values["school"], ctx)[0] if values.get("school") else None
        return {
            "id_hash": idcard.match_hash(number.value),
            "id_number": number.value,
            "staff_no": values.get("staff_no") or None,
            "name": values["name"],
            "sex": sex,
            "birth_date": birth,
            "school_id": school_id,
            "post_type": values.get("post_type") or PostType.FULL_TIME,
            "main_subject": main,
            "subjects": subjects,
            "title": values.get("title") or Title.NONE,
            "degree": values.get("degree") or Degree.BACHELOR,
            "staffing": values.get("staffing") or Staffing.ESTABLISHED,
            "backbone": values.get("backbone") or "",
            "hire_date": values.get("hire_date"),
            "school_since": values.get("school_since"),
            "has_certificate": values.get("has_certificate", True),
            "is_active": values.get("is_active", True),
        }

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        keys: list[tuple[str, Hashable]] = [("身份证号", record["id_hash"])]
        if record["staff_no"]:
            keys.append(("教职工号", record["staff_no"]))
        return keys

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        fields = ("id", "id_hash", *TEACHER_FIELDS)
        by_hash = {
            t["id_hash"]: t
            for t in Teacher.objects.filter(id_hash__in=[r.data["id_hash"] for r in recs]).values(*fields)
        }
        staff = [r.data["staff_no"] for r in recs if r.data["staff_no"]]
        by_staff = dict(Teacher.objects.filter(staff_no__in=staff).values_list("staff_no", "id")) if staff else {}
        for rec in recs:
            d = rec.data
            rec.repr = d["name"]
            before = by_hash.get(d["id_hash"])
            other = by_staff.get(d["staff_no"]) if d["staff_no"] else None
            if other is not None and (before is None or other != before["id"]):
                rec.reject(DomainError(f"教职工号{d['staff_no']}已属于另一名教职工", field="教职工号"))
                continue
            if before is None:
                rec.outcome = NEW
                continue
            rec.pk = before["id"]
            rec.matched_by = "身份证号"
            before = {**before, "subjects": tuple(before["subjects"] or ())}
            if before["school_id"] != d["school_id"]:
                rec.reject(
                    DomainError(
                        "与在册的任职学校不同：调动学校请通过任职变动（交流轮岗、县管校聘）办理", field="学校标识码"
                    )
                )
                continue
            diff = changed(d, before, [f for f in TEACHER_FIELDS if f != "school_id"])
            rec.outcome, rec.before = (UPDATED, diff) if diff else (UNCHANGED, None)

    def write(self, recs: list[Rec], ctx: Context) -> None:
        new = [r for r in recs if r.outcome == NEW]
        pks = teacher_bulk_upsert(
            new=[r.data for r in new],
            updates=[(r.pk, r.data) for r in recs if r.outcome == UPDATED and r.pk is not None],
            today=ctx.today,
        )
        for rec, pk in zip(new, pks, strict=True):
            rec.pk = pk
        # For the next steps: new teachers without a school have no 任职 (post) yet.
        ctx.cache["no_school"] = ctx.cache.get("no_school", 0) + sum(1 for r in new if r.data["school_id"] is None)

    def next_steps(self, ctx: Context) -> list[dict[str, Any]]:
        waiting = ctx.cache.get("no_school", 0)
        if not waiting:
            return [
                {"text": "新登记的教职工都已按学校标识码登记了初任任职。", "count": 0, "kind": None},
                {"text": "各校可接着导入学生名册。", "count": None, "kind": "students"},
            ]
        return [
            {
                "text": f"本次新登记的教职工中有 {waiting} 名未填学校标识码，尚无任职学校，不计入任何学校的师资统计："
                "请补填学校标识码后重新导入教职工名册，或在教职工页面登记其任职。",
                "count": waiting,
                "kind": "teachers",
                "route": "people:teachers",
                "query": "",
                "link": "打开教职工名册",
            }
        ]

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterator[dict[str, Any]]:
        qs = Teacher.objects.filter(teacher_q(user)).order_by("id")
        for t in qs.values("id_cipher", "id_masked", "school__code", *[f for f in TEACHER_FIELDS if f != "school_id"]):
            cipher = t.pop("id_cipher")
            t["id_number"] = idcard.decrypt(cipher) if reveal and cipher else t["id_masked"]
            t["school"] = t.pop("school__code") or ""
            yield t


__all__ = ["REJECTED", "EventKindFormat", "TeacherKind"]
