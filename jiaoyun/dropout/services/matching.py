"""四查三比对: 查户籍、查学籍、查在校学生、查脱贫户, then compare

* 户籍 vs 学籍 — a child on the police roster (or on the county's child roster) of compulsory age with no
  enrolment → suspected 失学;
* 学籍 vs 在校 — a registered student absent without leave on each of the last N school days, or whose
  学籍 status is 辍学 → suspected 辍学 (名在人不在);
* 辍学学生 vs 脱贫户 — open cases of children from 脱贫/监测 households are flagged as priority.

Matching is by ID-number hash; roster records without an ID number are linked by name and birth date
(exactly one candidate), and near misses (same village, surname and birth date) are kept as hints.
Each hit becomes (or joins) a case in 待核实; re-running never duplicates a case or a hit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record, audit_record_many
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import User
from jiaoyun.dropout import conf
from jiaoyun.dropout.choices import AbsenceKind, CaseStatus, MatchRule, Source
from jiaoyun.dropout.models import Absence, DropoutCase, HukouRecord, MatchHit, MatchRun
from jiaoyun.dropout.permissions import is_county
from jiaoyun.dropout.services.placement import case_reopen
from jiaoyun.dropout.services.roster import LINKED_BY_ID
from jiaoyun.people.choices import EventKind, StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.people.services.students import apply_id_number, students_create_many

COMPULSORY_GRADES = Q(current_grade__gte=1, current_grade__lte=9)
# Above this many open roster records (a roster imported without the link, ADR 0050) the run links by ID with
# one hash join over the roster rather than naming the records per 2,000.
ONE_JOIN_ABOVE = 50_000


def compulsory_birth_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """(born after, born on or before): children aged AGE_MIN..AGE_MAX on the school year's cut-off date."""
    month, day = conf.get("DROPOUT_CUTOFF_MONTH_DAY")
    year = SchoolYear.of(as_of).start_year
    lo, hi = int(conf.get("DROPOUT_AGE_MIN")), int(conf.get("DROPOUT_AGE_MAX"))
    return dt.date(year - hi - 1, month, day), dt.date(year - lo, month, day)


def compulsory_q(as_of: dt.date, prefix: str = "") -> Q:
    after, until = compulsory_birth_range(as_of)
    return Q(**{f"{prefix}birth_date__gt": after, f"{prefix}birth_date__lte": until})


def entry_date(birth: dt.date) -> dt.date:
    """The 1 September on which a child should have entered grade 1."""
    month, day = conf.get("DROPOUT_CUTOFF_MONTH_DAY")
    age = int(conf.get("DROPOUT_AGE_MIN"))
    year = birth.year + age + (1 if (birth.month, birth.day) > (month, day) else 0)
    return dt.date(year, 9, 1)


def school_days(as_of: dt.date, n: int) -> list[dt.date]:
    """The last ``n`` weekdays up to and including ``as_of``, oldest first."""
    days: list[dt.date] = []
    day = as_of
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


@dataclass
class Hit:
    student_id: int
    rule: str
    evidence_date: dt.date
    detail: str
    hint: str = ""
    hukou_record_id: int | None = None
    group_name: str = ""


def _open_ids(as_of: dt.date) -> list[int]:
    """The unlinked roster records of compulsory age, by id: read from the partial index of the unlinked records
    alone (after an import that linked by ID, a few thousand of a province's millions). Sorted here: asked for
    an order, PostgreSQL reckons them a quarter of the roster and walks the whole roster in that order."""
    return sorted(
        HukouRecord.objects.filter(compulsory_q(as_of), student__isnull=True).order_by().values_list("id", flat=True)
    )


def _link_by_id(as_of: dt.date, ids: list[int]) -> int:
    """Link the open roster records ``ids`` (unlinked, of compulsory age) whose ID hash is on the register:
    ``UPDATE … FROM`` joins (PostgreSQL; SQLite ≥ 3.33), not a subquery per record. The records the import could
    not link are few: they are named (per 2,000), so the join looks each up in the register's hash index; a
    roster imported without the link (every record open) is linked by one hash join."""
    after, until = compulsory_birth_range(as_of)
    qn = connection.ops.quote_name
    h, s = qn(HukouRecord._meta.db_table), qn(Student._meta.db_table)
    chunks: list[list[int] | None] = [ids[i : i + 2000] for i in range(0, len(ids), 2000)]
    if len(ids) > ONE_JOIN_ABOVE:
        chunks = [None]
    linked = 0
    with connection.cursor() as cursor:
        for chunk in chunks:
            which = f"AND {h}.id IN ({', '.join(['%s'] * len(chunk))})" if chunk else ""
            cursor.execute(
                f"""UPDATE {h} SET student_id = s.id, match_note = %s FROM {s} s
                    WHERE s.id_hash = {h}.id_hash AND {h}.student_id IS NULL AND {h}.id_hash IS NOT NULL
                      AND {h}.birth_date > %s AND {h}.birth_date <= %s {which}""",  # noqa: S608 (quoted names of our tables, placeholders)
                [LINKED_BY_ID, after, until, *(chunk or [])],
            )
            linked += cursor.rowcount
    return linked


def _candidates(
    as_of: dt.date, *, records: list[int], near: bool = False
) -> dict[int, list[tuple[int, str | None, str]]]:
    """For each of the unlinked roster ``records`` (ids): the students with the same name and birth date, or
    (``near``) of the same birth date, surname and village under another name — (student id, ID hash, name), by
    student id. One join per 2,000 records, named, so that each is an index lookup in the register."""
    found: dict[int, list[tuple[int, str | None, str]]] = {}
    for i in range(0, len(records), 2000):
        found.update(_candidate_rows(as_of, ids=records[i : i + 2000], near=near))
    return found


def _candidate_rows(as_of: dt.date, *, ids: list[int], near: bool) -> dict[int, list[tuple[int, str | None, str]]]:
    after, until = compulsory_birth_range(as_of)
    qn = connection.ops.quote_name
    h, s = qn(HukouRecord._meta.db_table), qn(Student._meta.db_table)
    if near:
        on = """s.birth_date = h.birth_date AND s.name <> h.name AND substr(s.name, 1, 1) = substr(h.name, 1, 1)
                AND (s.hukou_village_id = h.hukou_village_id OR s.residence_village_id = h.hukou_village_id)"""
    else:
        on = "s.name = h.name AND s.birth_date = h.birth_date"
    found: dict[int, list[tuple[int, str | None, str]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT h.id, s.id, s.id_hash, s.name FROM {h} h JOIN {s} s ON {on}
                WHERE h.student_id IS NULL AND h.birth_date > %s AND h.birth_date <= %s
                  AND h.id IN ({", ".join(["%s"] * len(ids))})
                ORDER BY h.id, s.id""",  # noqa: S608 (quoted names of our tables, placeholders)
            [after, until, *ids],
        )
        for rec_id, sid, digest, name in cursor.fetchall():
            found[rec_id].append((sid, digest, name))
    return found


def _link_roster(*, actor: User | None, as_of: dt.date, figures: dict[str, int]) -> dict[int, str]:
    """Link roster records of compulsory age to students; create roster children without one. Returns hints.

    Set-based (ADR 0045): one join links by ID hash, one join each finds the name-and-birth-date candidates
    and the near misses of the records left, the roster students are written at once (``bulk_create``, one
    audit entry each through ``audit_record_many``). The records are decided in the roster's order exactly as
    one at a time would: a student created for an earlier record is a candidate for the later ones."""
    figures["linked_by_id"] = _link_by_id(as_of, _open_ids(as_of))
    # Read by id (per 2,000) and put in the roster's order here: asked for that order, PostgreSQL reckons the
    # open records a quarter of the roster and walks the whole roster in village order.
    ids = _open_ids(as_of)
    records = [rec for i in range(0, len(ids), 2000) for rec in HukouRecord.objects.filter(pk__in=ids[i : i + 2000])]
    records.sort(key=lambda rec: (rec.hukou_village_id, rec.birth_date, rec.pk))  # HukouRecord.Meta.ordering
    if not records:
        return {}
    exact_db = _candidates(as_of, records=[rec.pk for rec in records])

    def decided(rec: HukouRecord) -> bool:  # linked or ambiguous whatever the records before it create
        found = exact_db.get(rec.pk, [])
        return len(found) > 1 or (len(found) == 1 and (not rec.id_hash or not found[0][1]))

    near_db = _candidates(as_of, records=[rec.pk for rec in records if not decided(rec)], near=True)
    # Students created in this pass (not saved yet), as candidates for the later records.
    new_by_name: dict[tuple[str, dt.date], list[Student]] = defaultdict(list)
    new_by_place: dict[tuple[dt.date, int], list[Student]] = defaultdict(list)
    created: list[Student] = []
    near_of: dict[int, str] = {}  # id(student) -> the near miss's name
    changed: list[tuple[HukouRecord, Student | None]] = []
    for rec in records:
        exact: list[tuple[Student | int, str | None]] = [(sid, d) for sid, d, _ in exact_db.get(rec.pk, [])]
        exact += [(st, st.id_hash) for st in new_by_name[(rec.name, rec.birth_date)]]
        exact = exact[:3]
        if len(exact) == 1 and (not rec.id_hash or not exact[0][1]):
            target = exact[0][0]
            rec.match_note = "姓名、出生日期一致（一方无身份证号），请核对"
            if isinstance(target, Student):
                changed.append((rec, target))
            else:
                rec.student_id = target
                changed.append((rec, None))
            figures["linked_by_name"] = figures.get("linked_by_name", 0) + 1
            continue
        if len(exact) > 1:
            rec.match_note = f"有{len(exact)}名同名同生日学生，请人工核对"
            changed.append((rec, None))
            figures["ambiguous"] = figures.get("ambiguous", 0) + 1
            continue
        near = [name for _, _, name in near_db.get(rec.pk, [])]
        near += [
            st.name
            for st in new_by_place[(rec.birth_date, rec.hukou_village_id)]
            if st.name != rec.name and st.name[:1] == rec.name[:1]
        ]
        student = Student(
            name=rec.name,
            sex=rec.sex or "M",
            birth_date=rec.birth_date,
            hukou_village_id=rec.hukou_village_id,
            poverty=rec.poverty,
        )
        if rec.id_cipher:
            apply_id_number(student, idcard.decrypt(rec.id_cipher), birth_date=student.birth_date, sex=student.sex)
        created.append(student)
        new_by_name[(rec.name, rec.birth_date)].append(student)
        new_by_place[(rec.birth_date, rec.hukou_village_id)].append(student)
        if near:
            near_of[id(student)] = near[0]
        rec.match_note = "户籍有、学籍无：已建立适龄儿童档案"
        changed.append((rec, student))
        figures["roster_only"] = figures.get("roster_only", 0) + 1
    students_create_many(actor=actor, students=created)
    for rec, made in changed:
        if made is not None:
            rec.student_id = made.pk
    _save_links([rec for rec, _ in changed])
    return {
        st.pk: f"与学生“{near_of[id(st)]}”同村、同姓、同出生日期，可能为同一人（姓名录入差异），请核对"
        for st in created
        if id(st) in near_of
    }


def _save_links(records: list[HukouRecord]) -> None:
    """Write the records' student and note: one ``UPDATE … FROM (VALUES …)`` per 1,000 records (``bulk_update``
    writes a ``CASE`` of as many branches as records, tried in turn for every row)."""
    h = connection.ops.quote_name(HukouRecord._meta.db_table)
    with connection.cursor() as cursor:
        for i in range(0, len(records), 1000):
            part = records[i : i + 1000]
            values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS TEXT))"] * len(part))
            cursor.execute(
                f"""UPDATE {h} SET student_id = v.column2, match_note = v.column3 FROM (VALUES {values}) AS v
                    WHERE {h}.id = v.column1""",  # noqa: S608 (quoted name of our table, placeholders)
                [x for rec in part for x in (rec.pk, rec.student_id, rec.match_note)],
            )


def _collect(*, as_of: dt.date, hints: dict[int, str]) -> list[Hit]:
    hits: list[Hit] = []
    never = list(
        Student.objects.filter(compulsory_q(as_of), status=StudentStatus.NOT_ENROLLED).values("id", "birth_date")
    )
    scope = compulsory_q(as_of) | COMPULSORY_GRADES
    n = int(conf.get("DROPOUT_ABSENCE_DAYS"))
    days = school_days(as_of, n)
    absent = list(
        Absence.objects.filter(kind=AbsenceKind.UNEXCUSED, date__in=days, student__status=StudentStatus.IN_SCHOOL)
        .filter(Q(student__in=Student.objects.filter(scope)))
        .values("student_id")
        .annotate(n=Count("id"))
        .filter(n__gte=n)
    )
    dropped = list(
        Student.objects.filter(compulsory_q(as_of), status=StudentStatus.DROPPED_OUT)
        .annotate(left=Max("events__date", filter=Q(events__kind=EventKind.DROP_OUT)))
        .values("id", "left")
    )
    # The roster records of these students only (the roster lists every child of the county); a student with
    # two records gets the last in the roster's order, as a dict over the whole roster would.
    wanted = [r["id"] for r in never] + [r["student_id"] for r in absent] + [r["id"] for r in dropped]
    roster: dict[int, Any] = {}
    for i in range(0, len(wanted), 2000):
        for r in HukouRecord.objects.filter(student_id__in=wanted[i : i + 2000]).values(
            "student_id", "id", "match_note", "group_name"
        ):
            roster[r["student_id"]] = r
    # 户籍/适龄名册 vs 学籍: compulsory age, never enrolled.
    for s in never:
        rec = roster.get(s["id"])
        hits.append(
            Hit(
                student_id=s["id"],
                rule=MatchRule.HUKOU_NO_ENROLMENT if rec else MatchRule.NOT_ENROLLED,
                evidence_date=entry_date(s["birth_date"]),
                detail="户籍在册、无学籍" if rec else "适龄儿童名册在册、无学籍",
                hint=hints.get(s["id"], "") or (rec["match_note"] if rec and "核对" in rec["match_note"] else ""),
                hukou_record_id=rec["id"] if rec else None,
                group_name=rec["group_name"] if rec else "",
            )
        )
    # 学籍 vs 在校: absent without leave on each of the last N school days (over-age pupils still in
    # grades 1–9 count too: they are on a compulsory-school register).
    for row in absent:
        rec = roster.get(row["student_id"])
        hits.append(
            Hit(
                student_id=row["student_id"],
                rule=MatchRule.ABSENT,
                evidence_date=days[0],
                detail=f"{days[0]}至{days[-1]}连续{n}个上课日无故缺勤",
                group_name=rec["group_name"] if rec else "",
            )
        )
    # 学籍 status 辍学.
    for d in dropped:
        rec = roster.get(d["id"])
        left = d["left"] or as_of
        hits.append(
            Hit(
                student_id=d["id"],
                rule=MatchRule.DROPOUT_STATUS,
                evidence_date=left,
                detail=f"学籍状态为辍学（{left}）",
                group_name=rec["group_name"] if rec else "",
            )
        )
    return hits


def _open_cases(*, opened: list[tuple[DropoutCase, str, str]], students: dict[int, Student], on: dt.date) -> None:
    """Save the cases the run opens, all at once, as ``case_open`` (system actor, source 四查三比对) would one by
    one: the place taken from the child, the 包保责任人 of both lines, the 发现 event and its audit entry."""
    if not opened:
        return
    from jiaoyun.areas.models import Area
    from jiaoyun.dropout.choices import CaseKind, Line
    from jiaoyun.dropout.models import CaseEvent, CaseResponsible, ResponsiblePerson
    from jiaoyun.schools.models import School

    cases = [c for c, _, _ in opened]
    village_ids = {s.hukou_village_id or s.residence_village_id for s in students.values()} - {None}
    parents = dict(Area.objects.filter(pk__in=village_ids).values_list("id", "parent_id"))
    school_township = dict(
        School.objects.filter(pk__in={c.school_id for c in cases} - {None}).values_list("id", "township_id")
    )
    for case in cases:
        student = students[case.student_id]
        case.village_id = student.hukou_village_id or student.residence_village_id
        case.township_id = parents.get(case.village_id) if case.village_id else None
        if case.township_id is None and case.school_id:
            case.township_id = school_township.get(case.school_id)
        case.kind = CaseKind.OUT_OF_SCHOOL if student.status == StudentStatus.NOT_ENROLLED else CaseKind.DROPOUT
    DropoutCase.objects.bulk_create(cases, batch_size=2000)

    # 包保责任人 (``candidates_for`` for many cases): the first active person by id for each place.
    townships = {c.township_id for c in cases} - {None}
    counties = dict(Area.objects.filter(pk__in=townships).values_list("id", "parent_id"))
    central: dict[int, int] = {}
    for sid, tid in (
        School.objects.filter(township_id__in=townships, is_central=True, is_active=True)
        .order_by("township_id", "kind", "code")
        .values_list("id", "township_id")
    ):
        central.setdefault(tid, sid)
    school_of = {c.pk: c.school_id or central.get(c.township_id) for c in cases}  # type: ignore[arg-type]
    class_of = {c.pk: c.school_class_id or students[c.student_id].current_class_id for c in cases}
    areas = set(townships) | set(counties.values()) | {c.village_id for c in cases}
    people = ResponsiblePerson.objects.filter(is_active=True).filter(
        Q(level=1)
        | Q(area_id__in=areas - {None})
        | Q(school_id__in=set(school_of.values()) - {None})
        | Q(school_class_id__in=set(class_of.values()) - {None})
    )
    first: dict[tuple, ResponsiblePerson] = {}
    for p in people.order_by("id"):
        for key in (
            (p.line, p.level, "area", p.area_id),
            (p.line, p.level, "any", None),
            (p.line, p.level, "group", p.area_id, p.group_name),
            (p.line, p.level, "school", p.school_id),
            (p.line, p.level, "class", p.school_class_id),
        ):
            first.setdefault(key, p)
    admin, edu = Line.ADMIN, Line.EDUCATION
    responsibles: list[CaseResponsible] = []
    for case, _, group_name in opened:
        found: dict[tuple[str, int], ResponsiblePerson | None] = {}
        county = counties.get(case.township_id) if case.township_id else None  # type: ignore[arg-type]
        found[(admin, 1)] = first.get((admin, 1, "area", county)) if county else first.get((admin, 1, "any", None))
        if case.township_id:
            found[(admin, 2)] = first.get((admin, 2, "area", case.township_id))
        if case.village_id:
            found[(admin, 3)] = first.get((admin, 3, "area", case.village_id))
            group = first.get((admin, 4, "group", case.village_id, group_name)) if group_name else None
            found[(admin, 4)] = group or first.get((admin, 4, "area", case.village_id))
        found[(edu, 1)] = first.get((edu, 1, "any", None))
        if school_of[case.pk]:
            found[(edu, 2)] = first.get((edu, 2, "school", school_of[case.pk]))
        if class_of[case.pk]:
            found[(edu, 3)] = first.get((edu, 3, "class", class_of[case.pk]))
            found[(edu, 4)] = first.get((edu, 4, "class", class_of[case.pk]))
        responsibles += [
            CaseResponsible(case=case, line=line, level=level, person=person, name=person.name)
            for (line, level), person in found.items()
            if person is not None
        ]
    CaseResponsible.objects.bulk_create(responsibles, batch_size=2000)

    # The 发现 event of each case and its audit entry (one chained batch per note).
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                on=on,
                actor=None,
                actor_name="系统",
                action="发现",
                from_status="",
                to_status=case.status,
                note=note,
                data={},
            )  # fmt: skip
            for case, note, _ in opened
        ],
        batch_size=2000,
    )
    changes = {"action": "发现", "status": ["", str(CaseStatus.PENDING)]}
    by_note: dict[str, list[DropoutCase]] = defaultdict(list)
    for case, note, _ in opened:
        by_note[note].append(case)
    for note, batch in by_note.items():
        audit_record_many(
            actor=None,
            action=AuditAction.TRANSITION,
            object_type=DropoutCase._meta.label,
            entries=((c.pk, f"{students[c.student_id].name} 发现", changes) for c in batch),
            note=note,
        )


def _apply(*, actor: User | None, run: MatchRun, hits: list[Hit], as_of: dt.date, figures: dict[str, int]) -> None:
    student_ids = {h.student_id for h in hits}
    active = {
        c.student_id: c
        for c in DropoutCase.objects.filter(student_id__in=student_ids).exclude(
            status__in=(CaseStatus.DISMISSED, CaseStatus.CLOSED)
        )
    }
    decided: dict[int, dt.date] = defaultdict(lambda: dt.date.min)
    for c in DropoutCase.objects.filter(
        student_id__in=student_ids, status__in=(CaseStatus.DISMISSED, CaseStatus.CLOSED)
    ):
        day = c.closed_on or c.verified_on or c.detected_on
        decided[c.student_id] = max(decided[c.student_id], day)
    case_student = {c.pk: c.student_id for c in active.values()}
    # Keyed by (student, rule): a student has one open case, and the cases opened below have no id yet.
    existing_hits = {
        (case_student[h.case_id], h.rule): h
        for h in MatchHit.objects.filter(case__in=list(active.values())).only("id", "case_id", "rule")
    }
    seen_ids: list[int] = []
    new_hits: list[MatchHit] = []
    opened: list[tuple[DropoutCase, str, str]] = []  # (case, note of its 发现 event, 村民小组)
    students = Student.objects.in_bulk(list(student_ids))
    for hit in hits:
        case = active.get(hit.student_id)
        if (
            case is not None
            and case.pk
            and case.status in (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING)
        ):
            if hit.rule in (MatchRule.ABSENT, MatchRule.DROPOUT_STATUS) and hit.evidence_date > (
                case.returned_on or dt.date.min
            ):
                case = case_reopen(actor=actor, case=case, on=as_of, note=f"四查三比对再次发现：{hit.detail}")
                active[hit.student_id] = case
                figures["reopened"] = figures.get("reopened", 0) + 1
            else:
                continue
        if case is None:
            if decided[hit.student_id] >= hit.evidence_date:
                figures["suppressed"] = figures.get("suppressed", 0) + 1
                continue
            student = students[hit.student_id]
            case = DropoutCase(  # saved by _open_cases, as case_open would
                student=student,
                status=CaseStatus.PENDING,
                source=Source.CROSSMATCH,
                school_id=student.current_school_id,
                grade=student.current_grade,
                school_class_id=student.current_class_id,
                priority=bool(student.poverty),
                detected_on=as_of,
            )
            opened.append((case, f"四查三比对发现：{hit.detail}"[:500], hit.group_name))
            active[hit.student_id] = case
            figures["cases_created"] = figures.get("cases_created", 0) + 1
        key = (hit.student_id, hit.rule)
        if key in existing_hits:
            if existing_hits[key].pk:
                seen_ids.append(existing_hits[key].pk)
            continue
        mh = MatchHit(
            case=case,
            rule=hit.rule,
            run=run,
            hukou_record_id=hit.hukou_record_id,
            evidence_date=hit.evidence_date,
            detail=hit.detail[:300],
            hint=hit.hint[:300],
            last_seen=as_of,
        )
        new_hits.append(mh)
        existing_hits[key] = mh
        figures[str(hit.rule)] = figures.get(str(hit.rule), 0) + 1
    _open_cases(opened=opened, students=students, on=as_of)
    MatchHit.objects.bulk_create(new_hits, batch_size=2000)
    MatchHit.objects.filter(pk__in=seen_ids).update(last_seen=as_of)


def _poverty(*, run: MatchRun, as_of: dt.date, figures: dict[str, int]) -> None:
    """辍学学生 vs 脱贫户: flag open cases of children from 脱贫/监测 households."""
    cases = DropoutCase.objects.filter(status__in=(CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING))
    cases = cases.exclude(hits__rule=MatchRule.POVERTY)
    # The child's household is poor on the register, or on a roster record linked to the child: the roster is
    # read for the open cases' children only (per 2,000, by the student index), not scanned whole.
    candidates = list(cases.values_list("id", "student_id", "student__poverty"))
    asked = [sid for _, sid, poverty in candidates if not poverty]
    on_roster: set[int] = set()
    for i in range(0, len(asked), 2000):
        on_roster.update(
            HukouRecord.objects.filter(student_id__in=asked[i : i + 2000], poverty__gt="").values_list(
                "student_id", flat=True
            )
        )
    rows = [
        MatchHit(
            case_id=cid,
            rule=MatchRule.POVERTY,
            run=run,
            evidence_date=as_of,
            last_seen=as_of,
            detail="脱贫户/监测户家庭子女，优先劝返并落实资助",
        )  # fmt: skip
        for cid, sid, poverty in candidates
        if poverty or sid in on_roster
    ]
    MatchHit.objects.bulk_create(rows)
    DropoutCase.objects.filter(pk__in=[r.case_id for r in rows]).update(priority=True)
    figures[str(MatchRule.POVERTY)] = len(rows)


@transaction.atomic
def crossmatch_run(*, actor: User | None, as_of: dt.date | None = None) -> MatchRun:
    """Run the 四查三比对 for the whole county (county roles or a system job)."""
    if actor is not None and not is_county(actor):
        raise PermissionDenied("四查三比对由县教育体育局统一组织")
    as_of = as_of or timezone.localdate()
    if connection.vendor == "postgresql" and (work_mem := str(conf.get("DROPOUT_CROSSMATCH_WORK_MEM") or "")):
        with connection.cursor() as cursor:  # for this transaction only
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
    run = MatchRun.objects.create(as_of=as_of, actor=actor if getattr(actor, "is_authenticated", False) else None)
    figures: dict[str, int] = {}
    hints = _link_roster(actor=actor, as_of=as_of, figures=figures)
    hits = _collect(as_of=as_of, hints=hints)
    figures["hits"] = len(hits)
    _apply(actor=actor, run=run, hits=hits, as_of=as_of, figures=figures)
    _poverty(run=run, as_of=as_of, figures=figures)
    run.figures, run.finished_at = figures, timezone.now()
    run.save(update_fields=["figures", "finished_at"])
    audit_record(actor=actor, action=AuditAction.CREATE, obj=run, changes=figures, note="四查三比对")
    from jiaoyun.dropout.services.reporting import stats_refresh

    stats_refresh(as_of=as_of)
    return run
