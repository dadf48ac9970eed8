"""The baseline of ``bench/dropout_crossmatch.py``: ``crossmatch_run`` as it was before the set-based pass
(ADR 0045) — a roster student (``student_create``) and a case (``case_open``) per row, the whole linked roster
read into a dict. Kept verbatim so the benchmark measures both in the same run; not used by the application.

四查三比对: 查户籍、查学籍、查在校学生、查脱贫户, then compare

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

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import User
from jiaoyun.dropout import conf
from jiaoyun.dropout.choices import AbsenceKind, CaseStatus, MatchRule, Source
from jiaoyun.dropout.models import Absence, DropoutCase, HukouRecord, MatchHit, MatchRun
from jiaoyun.dropout.permissions import is_county
from jiaoyun.dropout.services.cases import case_open
from jiaoyun.dropout.services.placement import case_reopen
from jiaoyun.people.choices import EventKind, StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.people.services import student_create

COMPULSORY_GRADES = Q(current_grade__gte=1, current_grade__lte=9)


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


def _link_roster(*, actor: User | None, as_of: dt.date, figures: dict[str, int]) -> dict[int, str]:
    """Link roster records of compulsory age to students; create roster children without one. Returns hints."""
    hints: dict[int, str] = {}
    # One UPDATE … SET student_id = (SELECT …): link every roster record whose ID hash is on the register.
    same_id = Student.objects.filter(id_hash=OuterRef("id_hash"))
    figures["linked_by_id"] = (
        HukouRecord.objects.filter(compulsory_q(as_of), student__isnull=True, id_hash__isnull=False)
        .filter(Exists(same_id))
        .update(student_id=Subquery(same_id.values("id")[:1]), match_note="身份证号一致")
    )
    for rec in HukouRecord.objects.filter(compulsory_q(as_of), student__isnull=True).select_related("hukou_village"):
        exact = list(Student.objects.filter(name=rec.name, birth_date=rec.birth_date).values_list("id", "id_hash")[:3])
        if len(exact) == 1 and (not rec.id_hash or not exact[0][1]):
            rec.student_id = exact[0][0]
            rec.match_note = "姓名、出生日期一致（一方无身份证号），请核对"
            rec.save(update_fields=["student", "match_note"])
            figures["linked_by_name"] = figures.get("linked_by_name", 0) + 1
            continue
        if len(exact) > 1:
            rec.match_note = f"有{len(exact)}名同名同生日学生，请人工核对"
            rec.save(update_fields=["match_note"])
            figures["ambiguous"] = figures.get("ambiguous", 0) + 1
            continue
        near = (
            Student.objects.filter(birth_date=rec.birth_date, name__startswith=rec.name[:1])
            .filter(Q(hukou_village_id=rec.hukou_village_id) | Q(residence_village_id=rec.hukou_village_id))
            .exclude(name=rec.name)
            .values_list("name", flat=True)
            .first()
        )
        student = student_create(
            actor=actor,
            id_number=idcard.decrypt(rec.id_cipher) if rec.id_cipher else None,
            name=rec.name,
            sex=rec.sex or "M",
            birth_date=rec.birth_date,
            hukou_village=rec.hukou_village,
            poverty=rec.poverty,
        )
        rec.student = student
        rec.match_note = "户籍有、学籍无：已建立适龄儿童档案"
        rec.save(update_fields=["student", "match_note"])
        figures["roster_only"] = figures.get("roster_only", 0) + 1
        if near:
            hints[student.pk] = f"与学生“{near}”同村、同姓、同出生日期，可能为同一人（姓名录入差异），请核对"
    return hints


def _collect(*, as_of: dt.date, hints: dict[int, str]) -> list[Hit]:
    hits: list[Hit] = []
    roster = {
        r["student_id"]: r
        for r in HukouRecord.objects.filter(student__isnull=False).values(
            "student_id", "id", "match_note", "group_name"
        )
    }
    # 户籍/适龄名册 vs 学籍: compulsory age, never enrolled.
    for s in Student.objects.filter(compulsory_q(as_of), status=StudentStatus.NOT_ENROLLED).values("id", "birth_date"):
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
    scope = compulsory_q(as_of) | COMPULSORY_GRADES
    n = int(conf.get("DROPOUT_ABSENCE_DAYS"))
    days = school_days(as_of, n)
    absent = (
        Absence.objects.filter(kind=AbsenceKind.UNEXCUSED, date__in=days, student__status=StudentStatus.IN_SCHOOL)
        .filter(Q(student__in=Student.objects.filter(scope)))
        .values("student_id")
        .annotate(n=Count("id"))
        .filter(n__gte=n)
    )
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
    dropped = (
        Student.objects.filter(compulsory_q(as_of), status=StudentStatus.DROPPED_OUT)
        .annotate(left=Max("events__date", filter=Q(events__kind=EventKind.DROP_OUT)))
        .values("id", "left")
    )
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
    existing_hits = {
        (h.case_id, h.rule): h
        for h in MatchHit.objects.filter(case__in=list(active.values())).only("id", "case_id", "rule")
    }
    seen_ids: list[int] = []
    new_hits: list[MatchHit] = []
    students = Student.objects.in_bulk(list(student_ids))
    for hit in hits:
        case = active.get(hit.student_id)
        if case is not None and case.status in (CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING):
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
            case = case_open(
                actor=None,
                student=students[hit.student_id],
                on=as_of,
                source=Source.CROSSMATCH,
                note=f"四查三比对发现：{hit.detail}",
                group_name=hit.group_name,
            )
            active[hit.student_id] = case
            figures["cases_created"] = figures.get("cases_created", 0) + 1
        key = (case.pk, hit.rule)
        if key in existing_hits:
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
    MatchHit.objects.bulk_create(new_hits)
    MatchHit.objects.filter(pk__in=seen_ids).update(last_seen=as_of)


def _poverty(*, run: MatchRun, as_of: dt.date, figures: dict[str, int]) -> None:
    """辍学学生 vs 脱贫户: flag open cases of children from 脱贫/监测 households."""
    poor = Q(student__poverty__gt="") | Q(
        student_id__in=HukouRecord.objects.filter(poverty__gt="", student__isnull=False).values("student_id")
    )
    cases = DropoutCase.objects.filter(poor, status__in=(CaseStatus.PENDING, CaseStatus.VERIFIED, CaseStatus.RETURNING))
    cases = cases.exclude(hits__rule=MatchRule.POVERTY)
    rows = [
        MatchHit(
            case_id=cid,
            rule=MatchRule.POVERTY,
            run=run,
            evidence_date=as_of,
            last_seen=as_of,
            detail="脱贫户/监测户家庭子女，优先劝返并落实资助",
        )  # fmt: skip
        for cid in cases.values_list("id", flat=True)
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
