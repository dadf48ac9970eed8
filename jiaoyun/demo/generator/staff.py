"""Teachers (by school size, with a realistic subject mix and careers) and the demo login of each role."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from itertools import accumulate
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Count, Q
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.choices import Role
from jiaoyun.core.models import User
from jiaoyun.demo.generator import bulk, specs
from jiaoyun.demo.generator.cohorts import pick_surname, weighted
from jiaoyun.demo.generator.world import Sch, World
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student, Teacher, TeacherAssignment
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School, SchoolClass

# The one published password of the demo accounts (``demo_logins`` prints it): demo data only, never a real account.
PASSWORD = "Jiaoyun2021"  # noqa: S105

# Students per 专任教师 and the minimum number of teachers, by kind of school.
RATIO = {
    "kindergarten": (15.0, 2),
    "teaching_point": (12.0, 1),
    "primary": (18.5, 5),
    "nine_year": (14.0, 14),
    "junior": (13.5, 12),
    "complete_secondary": (13.5, 30),
    "senior": (14.0, 30),
    "vocational": (16.0, 20),
    "special": (4.0, 8),
}
MIX_PRIMARY_URBAN = (
    ("chinese", 36), ("math", 29), ("english", 8), ("pe", 7), ("music", 5), ("art", 4), ("science", 4),
    ("it", 2), ("morality", 4), ("psychology", 1))  # fmt: skip
MIX_PRIMARY_RURAL = (
    ("chinese", 46), ("math", 40), ("english", 3), ("pe", 3), ("music", 1.5), ("art", 1), ("science", 2),
    ("it", 0.5), ("morality", 3))  # fmt: skip
MIX_JUNIOR = (
    ("chinese", 15), ("math", 15), ("english", 14), ("physics", 7), ("chemistry", 5), ("biology", 6),
    ("history", 6), ("geography", 6), ("morality", 7), ("pe", 7), ("music", 3), ("art", 3), ("it", 3),
    ("psychology", 1))  # fmt: skip
MIX_SENIOR = (
    ("chinese", 13), ("math", 13), ("english", 13), ("physics", 9), ("chemistry", 8), ("biology", 7),
    ("history", 6), ("geography", 6), ("politics", 7), ("pe", 6), ("music", 2), ("art", 2), ("it", 3),
    ("psychology", 2))  # fmt: skip
MIX_VOCATIONAL = (
    ("vocational", 45), ("chinese", 9), ("math", 9), ("english", 7), ("pe", 6), ("politics", 6), ("it", 10),
    ("art", 4), ("other", 4))  # fmt: skip
MIX_KG = (("preschool", 92), ("music", 4), ("art", 3), ("pe", 1))
MIX_SPECIAL = (("special", 70), ("pe", 10), ("music", 10), ("art", 10))
EXTRA = ("music", "art", "pe", "morality", "science")


def _mix(school: Sch, rng: random.Random) -> tuple[tuple[str, float], ...]:
    kind = school.kind
    if kind == "kindergarten":
        return MIX_KG
    if kind == "special":
        return MIX_SPECIAL
    if kind == "vocational":
        return MIX_VOCATIONAL
    if kind == "senior":
        return MIX_SENIOR
    if kind in ("junior",):
        return MIX_JUNIOR
    if kind == "complete_secondary":
        return MIX_JUNIOR if rng.random() < 0.5 else MIX_SENIOR
    if kind == "nine_year" and rng.random() < 0.45:
        return MIX_JUNIOR
    return MIX_PRIMARY_URBAN if school.urban_rural == "urban" else MIX_PRIMARY_RURAL


def _title(rng: random.Random, years: int) -> str:
    if years < 2:
        return "none"
    if years < 8:
        return "second" if rng.random() < 0.85 else "third"
    if years < 18:
        return "first" if rng.random() < 0.7 else "second"
    r = rng.random()
    if years > 25 and r < 0.004:
        return "professor"
    return "senior" if r < 0.35 else "first" if r < 0.9 else "second"


def _degree(rng: random.Random, kind: str, age: int) -> str:
    if kind == "kindergarten":
        table: tuple[tuple[str, float], ...] = (("college", 55), ("bachelor", 35), ("secondary", 10))
    elif kind in ("primary", "teaching_point", "special"):
        table = (("bachelor", 62), ("college", 34), ("secondary", 4))
    elif kind in ("senior", "complete_secondary"):
        table = (("bachelor", 87), ("master", 12), ("college", 1))
    else:
        table = (("bachelor", 86), ("college", 12), ("master", 2))
    degree = str(weighted(rng, table))
    if age >= 50 and degree == "bachelor" and rng.random() < 0.4:
        degree = "college"
    return degree


def write_teachers(world: World, rng: random.Random, *, today: dt.date, sy: int) -> dict[str, int]:
    counts = dict(
        Student.objects.filter(status=StudentStatus.IN_SCHOOL)
        .values_list("current_school")
        .annotate(n=Count("id"))
        .values_list("current_school", "n")
    )
    first = bulk.next_id(Teacher)
    tid = first
    rows: list[Teacher] = []
    assignments: list[TeacherAssignment] = []
    orders: Counter[tuple[str, dt.date, str]] = Counter()
    cum = list(accumulate(specs.SURNAME_WEIGHTS))
    by_kind: dict[str, list[Sch]] = {}
    for s in world.schools:
        by_kind.setdefault(s.kind, []).append(s)
    for school in world.schools:
        ratio, minimum = RATIO[school.kind]
        n_students = counts.get(school.id, 0)
        n_teachers = max(minimum, round(n_students / ratio))
        if school.kind == "kindergarten" and school.ownership != "public":
            n_teachers = max(3, round(n_students / 16))
        extra = round(n_teachers * (0.09 if school.boarding else 0.05))
        posts = ["teacher"] * n_teachers
        posts += [str(weighted(rng, (("admin", 5), ("support", 3), ("worker", 3)))) for _ in range(extra)]
        rural = school.urban_rural != "urban"
        for post in posts:
            sex = "F" if rng.random() < (0.92 if school.kind == "kindergarten" else 0.62) else "M"
            retire = 55 if sex == "F" else 60
            staffing = "established"
            if school.ownership != "public":
                staffing = "contract"
            elif school.kind == "teaching_point" and rng.random() < 0.25:
                staffing = "substitute"
            elif rural and school.kind in ("primary", "teaching_point", "junior", "nine_year") and rng.random() < 0.11:
                staffing = "special_post"
            elif rng.random() < 0.02:
                staffing = "contract"
            if staffing == "special_post":
                age = rng.randint(23, 29)
            else:
                age = min(retire - 1, int(22 + rng.betavariate(1.6, 1.5) * (retire - 22)))
            birth = dt.date(today.year - age - 1, 1, 1) + dt.timedelta(days=rng.randrange(365))
            hire_age = rng.randint(20, 24)
            hire = dt.date(birth.year + hire_age, 9, 1)
            if staffing == "special_post":
                hire = dt.date(today.year - rng.randint(0, 2) - (1 if today.month < 9 else 0), 9, 1)
            if hire > today:
                hire = dt.date(today.year - 1, 9, 1)
            years = (today - hire).days // 365
            if rng.random() < 0.3 or years < 2:
                since = hire
            else:
                since = hire + dt.timedelta(days=rng.randrange(0, max(1, (today - hire).days - 200)))
                since = dt.date(since.year, 9, 1) if since.month >= 9 else dt.date(since.year, 2, 20)
                since = min(max(since, hire), today)
            mix = _mix(school, rng) if post == "teacher" else (("other", 1),)
            main = str(weighted(rng, mix))
            subjects = [main]
            if rural and post == "teacher" and school.kind in ("primary", "teaching_point") and rng.random() < 0.5:
                subjects.append(rng.choice([s for s in EXTRA if s != main]))
            area = specs.COUNTY_CODE if rng.random() < 0.85 else rng.choice(specs.OTHER_AREA_CODES[:4])
            number = _teacher_number(area, birth, sex, orders)
            backbone = ""
            if years >= 8:
                r = rng.random()
                backbone = (
                    "province"
                    if r < 0.004
                    else "city"
                    if r < 0.02
                    else "county"
                    if r < 0.07
                    else "school"
                    if r < 0.15
                    else ""
                )
            pool = specs.GIVEN_M if sex == "M" else specs.GIVEN_F
            given = rng.choice(pool) + (rng.choice(specs.GIVEN_ANY + pool) if rng.random() < 0.7 else "")
            rows.append(
                Teacher(
                    id=tid,
                    id_hash=idcard.match_hash(number),
                    id_cipher=idcard.encrypt(number),
                    id_masked=idcard.mask(number),
                    staff_no=f"JS{specs.COUNTY_CODE}{tid:07d}",
                    name=pick_surname(rng, cum) + given,
                    sex=sex,
                    birth_date=birth,
                    school_id=school.id,
                    post_type=post,
                    main_subject=main if post == "teacher" else "",
                    subjects=subjects if post == "teacher" else [],
                    title=_title(rng, years) if post in ("teacher", "admin") else "none",
                    degree=_degree(rng, school.kind, age),
                    staffing=staffing,
                    backbone=backbone if post == "teacher" else "",
                    hire_date=hire,
                    school_since=since,
                    has_certificate=rng.random() < (0.5 if staffing == "substitute" else 0.985),
                )
            )
            if since > hire:
                peers = [s for s in by_kind.get(school.kind, []) if s is not school] or world.schools
                earlier = rng.choice(peers)
                middle = since - dt.timedelta(days=1)
                if (since - hire).days > 6 * 365 and rng.random() < 0.4:
                    split = hire + dt.timedelta(days=(since - hire).days // 2)
                    other = rng.choice(peers)
                    assignments.append(
                        TeacherAssignment(teacher_id=tid, school_id=earlier.id, start=hire, end=split, kind="initial")
                    )
                    assignments.append(
                        TeacherAssignment(
                            teacher_id=tid,
                            school_id=other.id,
                            start=split + dt.timedelta(days=1),
                            end=middle,
                            kind=rng.choice(("transfer", "rotation")),
                        )
                    )
                else:
                    assignments.append(
                        TeacherAssignment(teacher_id=tid, school_id=earlier.id, start=hire, end=middle, kind="initial")
                    )
                kind = str(weighted(rng, (("transfer", 6), ("rotation", 2), ("hiring_round", 2))))
            else:
                kind = "initial"
            assignments.append(TeacherAssignment(teacher_id=tid, school_id=school.id, start=since, kind=kind))
            tid += 1
    Teacher.objects.bulk_create(rows, batch_size=2000)
    TeacherAssignment.objects.bulk_create(assignments, batch_size=5000)
    bulk.reset_sequences(Teacher, TeacherAssignment)
    return {"teachers": len(rows), "assignments": len(assignments)}


def _teacher_number(area: str, birth: dt.date, sex: str, orders: Counter[tuple[str, dt.date, str]]) -> str:
    for code in (area, *specs.OTHER_AREA_CODES):
        n = orders[(code, birth, sex)]
        orders[(code, birth, sex)] += 1
        order = 2 * n + (1 if sex == "M" else 2)
        if order <= 999:
            return idcard.make(code, birth, order)
    raise RuntimeError("too many teachers born on one day")  # pragma: no cover


# username, role, section, display name, scope hint — the order of the login table
DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", Role.COUNTY_ADMIN, "", "县局管理员"),
    ("personnel", Role.BUREAU_STAFF, "personnel", "人事股"),
    ("safety", Role.BUREAU_STAFF, "safety", "安全股"),
    ("supervision", Role.BUREAU_STAFF, "supervision", "督导室"),
    ("basic", Role.BUREAU_STAFF, "basic", "基础教育股"),
    ("leader", Role.COUNTY_LEADER, "", "县领导"),
    ("township", Role.TOWNSHIP_OFFICER, "", "老麦乡中心校"),
    ("towngov", Role.TOWNSHIP_GOV, "", "老麦乡人民政府"),
    ("principal", Role.PRINCIPAL, "", "校长"),
    ("teacher", Role.CLASS_TEACHER, "", "班主任"),
    ("village", Role.VILLAGE_CADRE, "", "村干部"),
    ("sysadmin", Role.SYSTEM_ADMIN, "", "系统管理员"),
    ("secadmin", Role.SECURITY_ADMIN, "", "安全管理员"),
    ("auditor", Role.AUDIT_ADMIN, "", "审计管理员"),
)
PRINCIPAL_SCHOOL = "老麦乡中心小学"


def write_users(world: World, *, sy: int) -> int:
    township = next((t for t in world.townships if t.name == "老麦乡"), world.townships[-1])
    school = (
        School.objects.filter(township_id=township.id, is_central=True, kind=SchoolKind.PRIMARY).order_by("id").first()
    )
    if school is None:
        raise RuntimeError("the demo county has no central primary school in 老麦乡")
    klass = (
        SchoolClass.objects.filter(school=school, school_year=sy, grade=4).order_by("number").first()
        or SchoolClass.objects.filter(school=school, school_year=sy).order_by("-grade", "number").first()
    )
    village = _cadre_village(township.id, school.pk)
    # PASSWORD passes the password validators (length, letters and digits, three character classes), so the demo
    # logins are no exception to the password rules; it counts as changed today (no forced change at first login).
    password = make_password(PASSWORD)
    changed = timezone.now()
    users: list[User] = []
    for username, role, section, label in DEMO_USERS:
        user = User(username=username, password=password, role=role, section=section, display_name=label,
                    password_changed_at=changed)  # fmt: skip
        # Nobody is a superuser (三员分立): the three administrators use the admin site for accounts (system),
        # the security policy (security) and the audit log (audit); the county administrator views its scope there.
        if role in (Role.COUNTY_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
            user.is_staff = True
        if role == Role.COUNTY_LEADER:
            user.read_only = True
        if role == Role.TOWNSHIP_OFFICER:
            user.area_id = township.id
            user.display_name = f"{township.name}中心校"
        if role == Role.TOWNSHIP_GOV:
            user.area_id = township.id
            user.display_name = f"{township.name}人民政府"
        if role in (Role.PRINCIPAL, Role.CLASS_TEACHER):
            user.school_id = school.pk
        if role == Role.VILLAGE_CADRE:
            user.area_id = village
        users.append(user)
    User.objects.bulk_create(users)
    saved = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in DEMO_USERS])}
    if klass is not None:
        saved["teacher"].classes.add(klass)
    # Link the principal and the class teacher to teachers of the school.
    staff = list(Teacher.objects.filter(school=school, user__isnull=True).order_by("-hire_date", "id"))
    head = next((t for t in reversed(staff) if t.post_type in ("admin", "teacher")), None)
    if head is not None:
        Teacher.objects.filter(pk=head.pk).update(user=saved["principal"], post_type="admin")
        User.objects.filter(pk=saved["principal"].pk).update(display_name=f"{head.name}（校长）")
    form = next((t for t in staff if t.post_type == "teacher" and t is not head and t.main_subject == "chinese"), None)
    form = form or next((t for t in staff if t.post_type == "teacher" and t is not head), None)
    if form is not None:
        Teacher.objects.filter(pk=form.pk).update(user=saved["teacher"])
        User.objects.filter(pk=saved["teacher"].pk).update(display_name=f"{form.name}（班主任）")
    return len(users)


def _cadre_village(township_id: int, school_id: int) -> int:
    """The village of the township with children at the school and the most dropouts."""
    rows: list[dict[str, Any]] = list(
        Student.objects.filter(hukou_village__parent_id=township_id)
        .values("hukou_village")
        .annotate(
            at_school=Count("id", filter=Q(current_school_id=school_id)),
            dropped=Count("id", filter=Q(status=StudentStatus.DROPPED_OUT)),
        )
        .order_by("-dropped", "-at_school", "hukou_village")
    )
    for row in rows:
        if row["at_school"] > 0:
            return int(row["hukou_village"])
    return int(rows[0]["hukou_village"])
