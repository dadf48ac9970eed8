"""Computing each school's 核定编制 and subject gaps, set-based, into the stat tables."""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.types import User
from jiaoyun.people.choices import PostType, Staffing, StudentStatus, Subject
from jiaoyun.people.models import Student, Teacher
from jiaoyun.schools.choices import Level, SchoolKind, level_of
from jiaoyun.schools.models import School, SchoolClass
from jiaoyun.teachers import conf
from jiaoyun.teachers.choices import StandardLevel
from jiaoyun.teachers.models import CountyQuota, QuotaSnapshot, StaffingStandard, SubjectGap
from jiaoyun.teachers.permissions import require_personnel

# Class size used to estimate classes when a school has students but no classes registered for the year.
ESTIMATED_CLASS_SIZE = {"preschool": 30, "primary": 45, "junior": 50, "senior": 50, "special": 12}
STANDARD_FIELDS = (
    "students_per_staff",
    "staff_per_class",
    "small_below",
    "boarding_rate",
    "teachers_per_class",
    "caregivers_per_class",
    "boarding_extra_per_class",
)
SPECIAL_STUDENTS_PER_STAFF = Decimal("4")  # 特教 1:4 (Anhui table, REFERENCE §4.1) when no row is set


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def standards_ensure() -> dict[str, StaffingStandard]:
    """The standards by level, creating missing rows from the module defaults."""
    rows = {s.level: s for s in StaffingStandard.objects.all()}
    defaults: dict[str, dict[str, Any]] = conf.get("TEACHERS_STANDARDS")
    missing = []
    for level, values in defaults.items():
        if level in rows or level not in StandardLevel.values:
            continue
        missing.append(
            StaffingStandard(level=level, **{k: (_dec(v) if k != "small_below" else v) for k, v in values.items()})
        )
    if missing:
        StaffingStandard.objects.bulk_create(missing, ignore_conflicts=True)
        rows = {s.level: s for s in StaffingStandard.objects.all()}
    return rows


@transaction.atomic
def standard_update(*, actor: User, level: str, **fields: Any) -> StaffingStandard:
    """Change one level's standard (人事股 only); values must be positive."""
    require_personnel(actor)
    unknown = set(fields) - set(STANDARD_FIELDS)
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}")
    standards_ensure()
    try:
        standard = StaffingStandard.objects.select_for_update().get(level=level)
    except StaffingStandard.DoesNotExist:
        raise DomainError(f"未知学段“{level}”", field="学段") from None
    before = snapshot(standard)
    for key, value in fields.items():
        number = _dec(value) if key != "small_below" else (int(value) if value not in (None, "") else None)
        if number is not None and number < 0:
            raise DomainError(
                "不能为负数", field=str(getattr(StaffingStandard._meta.get_field(key), "verbose_name", key))
            )
        if key == "students_per_staff" and number is not None and number == 0:
            raise DomainError("生师比不能为0", field="生师比")
        setattr(standard, key, number)
    standard.full_clean()
    standard.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=standard, changes=diff(before, snapshot(standard)))
    return standard


@transaction.atomic
def county_quota_set(
    *, actor: User, year: int, approved_staffing: int, approved_posts: int, note: str = ""
) -> CountyQuota:
    require_personnel(actor)
    if approved_staffing <= 0 or approved_posts <= 0:
        raise DomainError("编制总量与岗位总量须为正整数")
    row, created = CountyQuota.objects.update_or_create(
        year=year, defaults={"approved_staffing": approved_staffing, "approved_posts": approved_posts, "note": note}
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=row, changes=snapshot(row)
    )
    return row


def _standard_level(kind: str, level: str) -> str:
    if kind == SchoolKind.TEACHING_POINT and level == Level.PRIMARY:
        return "teaching_point"
    if level == Level.VOCATIONAL:
        return "senior"
    return str(level)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def compute_school(
    *,
    kind: str,
    boarding: bool,
    students: dict[str, int],
    classes: dict[str, int],
    standards: dict[str, StaffingStandard],
) -> tuple[Decimal, list[str]]:
    """A school's exact 核定编制 from its students and classes per level (``level`` keys of schools.Level)."""
    total = Decimal(0)
    basis: list[str] = []
    for level in sorted(set(students) | set(classes)):
        n, c = students.get(level, 0), classes.get(level, 0)
        if level == Level.PRESCHOOL:
            st = standards.get("preschool")
            t = (st.teachers_per_class if st and st.teachers_per_class is not None else Decimal(2)) * c
            g = (st.caregivers_per_class if st and st.caregivers_per_class is not None else Decimal(1)) * c
            extra = Decimal(0)
            if boarding and st and st.boarding_extra_per_class:
                extra = st.boarding_extra_per_class * c
            total += t + g + extra
            basis.append(f"学前{c}班×(教师+保育员)={t + g:g}" + (f"，寄宿+{extra:g}" if extra else ""))
            continue
        if level == Level.SPECIAL:
            st = standards.get("special")
            ratio = st.students_per_staff if st and st.students_per_staff else SPECIAL_STUDENTS_PER_STAFF
            value = Decimal(n) / ratio
            total += value
            basis.append(f"特教{n}人÷{ratio:g}={value:.2f}")
            continue
        key = _standard_level(kind, level)
        st = standards.get(key) or standards.get(str(level))
        base_st = standards.get("primary") if key == "teaching_point" else st
        level_ratio = base_st.students_per_staff if base_st and base_st.students_per_staff else None
        if level_ratio is None:
            raise DomainError(f"未设置{Level(level).label}的生师比标准", field="编制标准")
        ratio = level_ratio
        by_ratio = Decimal(n) / ratio
        value = by_ratio
        label = Level(level).label
        text = f"{label}{n}人÷{ratio:g}={by_ratio:.2f}"
        small_below = base_st.small_below if base_st else None
        per_class = st.staff_per_class if st else None
        if per_class is not None and (key == "teaching_point" or (small_below is not None and n < small_below)):
            by_class = per_class * c
            if by_class > value:
                value = by_class
                text += f"，按班师比{c}班×{per_class:g}={by_class:.2f}"
        if boarding and base_st and base_st.boarding_rate:
            extra = Decimal(n) * base_st.boarding_rate
            value += extra
            text += f"，寄宿+{extra:.2f}"
        total += value
        basis.append(text)
    return total, basis


def subject_need(*, classes: dict[str, int], kind: str) -> dict[str, Decimal]:
    """Teachers needed per subject: Σ classes × weekly periods ÷ weekly load (per level)."""
    hours: dict[str, dict[str, int]] = conf.get("TEACHERS_SUBJECT_HOURS")
    load: dict[str, int] = conf.get("TEACHERS_WEEKLY_LOAD")
    need: dict[str, Decimal] = defaultdict(Decimal)
    for level, c in classes.items():
        if level == Level.PRESCHOOL:
            st_default = Decimal(str(conf.get("TEACHERS_STANDARDS")["preschool"]["teachers_per_class"]))
            need[Subject.PRESCHOOL] += st_default * c
            continue
        key = str(level)  # 中职 and 特教 follow their own curricula: no general subject norms
        if key not in hours:
            continue
        for subject, periods in hours[key].items():
            need[subject] += Decimal(c * periods) / Decimal(load[key])
    return {k: v.quantize(Decimal("0.01")) for k, v in need.items()}


@transaction.atomic
def quota_compute(*, actor: User, year: int) -> int:
    """Recompute every active school's QuotaSnapshot and SubjectGap rows of ``year`` (idempotent).

    Students and staff are counted with grouped queries (``GROUP BY school, grade`` / ``school, subject``);
    the per-school arithmetic runs over those aggregates. Returns the number of schools computed.
    """
    require_personnel(actor)
    standards = standards_ensure()
    schools = {s.pk: s for s in School.objects.filter(is_active=True).only("id", "kind", "boarding", "name")}
    students: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Student.objects.filter(status=StudentStatus.IN_SCHOOL, current_school__in=list(schools))
        .exclude(current_grade__isnull=True)
        .values("current_school", "current_grade")
        .annotate(n=Count("id"))
    ):
        school = schools[row["current_school"]]
        students[school.pk][level_of(school.kind, row["current_grade"])] += row["n"]
    classes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        SchoolClass.objects.filter(school_year=year, school__in=list(schools))
        .values("school", "grade")
        .annotate(n=Count("id"))
    ):
        school = schools[row["school"]]
        classes[school.pk][level_of(school.kind, row["grade"])] += row["n"]
    staff = {
        row["school"]: row
        for row in Teacher.objects.filter(is_active=True, school__in=list(schools))
        .values("school")
        .annotate(
            actual=Count("id", filter=Q(staffing=Staffing.ESTABLISHED)),
            full_time=Count("id", filter=Q(post_type=PostType.FULL_TIME)),
        )
    }
    by_subject: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Teacher.objects.filter(is_active=True, post_type=PostType.FULL_TIME, school__in=list(schools))
        .exclude(main_subject="")
        .values("school", "main_subject")
        .annotate(n=Count("id"))
    ):
        by_subject[row["school"]][row["main_subject"]] = row["n"]

    snapshots: list[QuotaSnapshot] = []
    gaps: list[SubjectGap] = []
    for sid, school in schools.items():
        n_by_level = dict(students.get(sid, {}))
        c_by_level = dict(classes.get(sid, {}))
        estimated = []
        for level, n in n_by_level.items():
            if n and not c_by_level.get(level):
                c_by_level[level] = math.ceil(n / ESTIMATED_CLASS_SIZE.get(str(level), 45))
                estimated.append(Level(level).label)
        exact, basis = compute_school(
            kind=school.kind, boarding=school.boarding, students=n_by_level, classes=c_by_level, standards=standards
        )
        if estimated:
            basis.append(f"{'、'.join(estimated)}未登记班级，按班额估算")
        quota = _round(exact)
        st = staff.get(sid, {"actual": 0, "full_time": 0})
        snapshots.append(
            QuotaSnapshot(
                year=year,
                school_id=sid,
                students=sum(n_by_level.values()),
                classes=sum(c_by_level.values()),
                quota_exact=exact.quantize(Decimal("0.01")),
                quota=quota,
                actual=st["actual"],
                full_time=st["full_time"],
                gap=quota - st["actual"],
                basis="；".join(basis)[:300],
            )
        )
        need = subject_need(classes=c_by_level, kind=school.kind)
        have = by_subject.get(sid, {})
        for subject in sorted(set(need) | set(have)):
            n_need = need.get(subject, Decimal(0))
            n_have = have.get(subject, 0)
            gaps.append(
                SubjectGap(year=year, school_id=sid, subject=subject, need=n_need, actual=n_have, gap=n_need - n_have)
            )
    QuotaSnapshot.objects.filter(year=year).delete()
    SubjectGap.objects.filter(year=year).delete()
    QuotaSnapshot.objects.bulk_create(snapshots, batch_size=500)
    SubjectGap.objects.bulk_create(gaps, batch_size=1000)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="teachers.QuotaSnapshot",
        object_repr=f"{year}学年编制核定（{len(snapshots)}所学校）",
        changes={"year": year, "schools": len(snapshots), "subject_rows": len(gaps)},
    )
    return len(snapshots)
