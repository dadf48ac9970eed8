"""Invariants of the synthetic county, checked on the small test county (same code path as the full one)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter, defaultdict

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from jiaoyun.areas.models import Area, PopulationCell
from jiaoyun.core import idcard
from jiaoyun.core.models import User
from jiaoyun.core.schoolyear import SchoolYear, age_on
from jiaoyun.demo.generator import staff
from jiaoyun.people.choices import EVENT_STATUS
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher
from jiaoyun.people.services.enrolment import EventView, student_refresh_state, validate_chain
from jiaoyun.schools.models import School, SchoolClass

SEED = 7


def fingerprint() -> dict[str, object]:
    names = hashlib.sha256()
    for row in Student.objects.order_by("id").values_list("name", "birth_date", "sex", "status", "current_grade"):
        names.update(repr(row).encode())
    events = hashlib.sha256()
    for row in EnrolmentEvent.objects.order_by("id").values_list(
        "student__name", "kind", "date", "grade", "school__code"
    ):
        events.update(repr(row).encode())
    return {
        "areas": Area.objects.count(),
        "schools": School.objects.count(),
        "students": Student.objects.count(),
        "events": EnrolmentEvent.objects.count(),
        "classes": SchoolClass.objects.count(),
        "cells": PopulationCell.objects.count(),
        "teachers": Teacher.objects.count(),
        "names": names.hexdigest(),
        "history": events.hexdigest(),
    }


def run(seed: int = SEED, *args: str) -> str:
    out = io.StringIO()
    call_command("demo_data", "--size", "tiny", "--seed", str(seed), "--no-hooks", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Generate the small county twice with the same seed (rolled back in between), keep the second."""
    with django_db_blocker.unblock(), transaction.atomic():
        sid = transaction.savepoint()
        run()
        first = fingerprint()
        transaction.savepoint_rollback(sid)
        output = run()
        yield {"first": first, "second": fingerprint(), "output": output}
        transaction.set_rollback(True)


@pytest.fixture
def data(county, db):  # type: ignore[no-untyped-def]
    return county


def histories() -> dict[int, list[EnrolmentEvent]]:
    by_student: dict[int, list[EnrolmentEvent]] = defaultdict(list)
    for e in EnrolmentEvent.objects.order_by("student_id", "date", "seq", "id"):
        by_student[e.student_id].append(e)
    return by_student


def test_generation_is_deterministic_for_a_seed(data):
    assert data["first"] == data["second"]
    assert data["second"]["students"] > 300
    assert data["second"]["events"] > data["second"]["students"]


def test_county_has_the_townships_villages_and_school_kinds(data):
    county = Area.objects.get(code="530521", level="county")
    assert county.name == "施甸县"
    townships = dict(Area.objects.filter(level="township").values_list("name", "code"))
    assert townships == {"甸阳镇": "530521100", "老麦乡": "530521206"}
    assert Area.objects.get(code="530521100").is_seat
    villages = Area.objects.filter(level="village")
    assert all(len(v.code) == 12 and v.code.startswith(v.parent.code) for v in villages)
    seat_communities = villages.filter(parent__code="530521100", name__endswith="社区")
    assert seat_communities.exists() and all(v.urban_rural == "urban" for v in seat_communities)
    kinds = set(School.objects.values_list("kind", flat=True))
    assert {"kindergarten", "primary", "teaching_point", "junior", "senior", "vocational", "special"} <= kinds
    assert all(len(s.code) == 10 and s.code.isdigit() for s in School.objects.all())
    assert not School.objects.filter(kind="teaching_point", parent__isnull=True).exists()
    assert School.objects.filter(name="老麦乡中心小学", is_central=True).exists()


def test_every_history_passes_the_enrolment_rules_and_never_doubles_up(data):
    students = {s.pk: s for s in Student.objects.all()}
    chains = histories()
    assert chains
    for sid, events in chains.items():
        views = [EventView(e.kind, e.date, e.seq, e.school_id, e.grade) for e in events]
        validate_chain(views, birth_date=students[sid].birth_date)
        # in-school spans of one student never overlap: each starts after the previous one ended
        spans: list[tuple[dt.date, dt.date | None, int | None]] = []
        for e in events:
            in_school = EVENT_STATUS[e.kind] == "in_school"
            if spans and spans[-1][1] is None and (not in_school or e.school_id != spans[-1][2]):
                spans[-1] = (spans[-1][0], e.date, spans[-1][2])
            if in_school and (not spans or spans[-1][1] is not None):
                spans.append((e.date, None, e.school_id))
        for earlier, later in zip(spans, spans[1:], strict=False):
            assert earlier[1] is not None and earlier[1] <= later[0]


def test_ages_are_consistent_with_grades(data):
    wrong = []
    for e in EnrolmentEvent.objects.filter(grade__isnull=False).select_related("student"):
        age = age_on(e.student.birth_date, dt.date(SchoolYear.of(e.date).start_year, 9, 1))
        if not (e.grade + 5 - 2 <= age <= e.grade + 5 + 2):
            wrong.append((e.student.name, e.kind, e.date, e.grade, age))
    assert wrong == []


def test_cached_state_equals_the_latest_event(data):
    for student in Student.objects.all():
        cached = (student.status, student.current_school_id, student.current_grade, student.current_class_id)
        events = list(student.events.order_by("date", "seq", "id"))
        if not events:
            assert cached == ("not_enrolled", None, None, None)
            continue
        with_school = [e for e in events if e.school_id is not None]
        assert student.current_school_id == (with_school[-1].school_id if with_school else None)
        recomputed = student_refresh_state(student=Student.objects.get(pk=student.pk))
        assert cached == (
            recomputed.status,
            recomputed.current_school_id,
            recomputed.current_grade,
            recomputed.current_class_id,
        )


def test_population_cells_reconcile_with_the_children(data):
    sy = SchoolYear.current().start_year
    first_birth, last_birth = sy - 9 - 18, sy - 3
    cells = Counter(
        {
            (a, y - age, s): c
            for a, y, age, s, c in PopulationCell.objects.filter(source="hukou", year=sy).values_list(
                "area_id", "year", "age", "sex", "count"
            )
            if first_birth <= y - age <= last_birth
        }
    )
    dead = set(EnrolmentEvent.objects.filter(kind="death", date__year__lte=sy).values_list("student_id", flat=True))
    people: Counter[tuple[int, int, str]] = Counter()
    for pk, village, birth, sex in Student.objects.filter(hukou_village__isnull=False).values_list(
        "pk", "hukou_village", "birth_date", "sex"
    ):
        if pk not in dead and sy - birth.year <= 25:
            people[(village, birth.year, sex)] += 1
    assert cells == people
    # every year of the window has 户籍 and 常住 cells for all ages 0–25
    years = PopulationCell.objects.values("year", "source").annotate(ages=Count("age", distinct=True))
    assert len(years) == 20 and all(row["ages"] == 26 for row in years)
    assert not Student.objects.filter(migrant=True, hukou_village__isnull=False).exists()


def test_classes_hold_the_students_placed_in_them(data):
    sy = SchoolYear.current().start_year
    in_school = Student.objects.filter(status="in_school").select_related("current_class")
    assert in_school.exists()
    for s in in_school:
        c = s.current_class
        assert c is not None
        assert (c.school_id, c.grade, c.school_year) == (s.current_school_id, s.current_grade, sy)
    placed = Counter(EnrolmentEvent.objects.filter(school_class__school_year=sy).values_list("school_class", flat=True))
    classes = SchoolClass.objects.filter(school_year=sy)
    assert set(placed) == set(classes.values_list("id", flat=True))
    now = Counter(Student.objects.filter(status="in_school").values_list("current_class", flat=True))
    assert sum(now.values()) == in_school.count()
    assert all(now[c] <= placed[c] for c in now)


def test_id_numbers_are_valid_unique_and_stored_encrypted(data):
    seen = set()
    for s in Student.objects.all():
        number = idcard.decrypt(s.id_cipher)
        parsed = idcard.validate(number)
        assert parsed.birth_date == s.birth_date and parsed.sex == s.sex
        assert s.id_hash == idcard.match_hash(number)
        assert s.id_masked == idcard.mask(number) and number not in s.id_cipher
        assert idcard.decrypt(s.student_no_cipher) == "G" + number and number not in s.student_no_cipher
        assert s.student_no_hash == idcard.match_hash("G" + number) and s.student_no_masked == idcard.mask("G" + number)
        seen.add(number)
        assert (s.hukou_village_id is None) == s.migrant
        assert s.migrant == (not number.startswith("530521"))
    assert len(seen) == Student.objects.count()
    teacher_ids = [idcard.decrypt(t.id_cipher) for t in Teacher.objects.all()]
    assert len(set(teacher_ids)) == len(teacher_ids) and all(idcard.is_valid(n) for n in teacher_ids)


def test_histories_include_every_kind_of_movement(data):
    kinds = set(EnrolmentEvent.objects.values_list("kind", flat=True))
    assert {"enrol", "promote", "graduate", "transfer_in"} <= kinds
    assert Student.objects.filter(status="not_enrolled").exists()
    assert Student.objects.filter(migrant=True, events__kind="transfer_in").exists()


def test_demo_logins_work_and_have_their_scope(data, client):
    for username, role, section, _label in staff.DEMO_USERS:
        user = User.objects.get(username=username)
        assert (user.role, user.section) == (role, section)
        assert client.login(username=username, password="Jiaoyun2021"), username
        client.logout()
    # 三员分立: no demo login is a superuser; one account for each of the three administrators.
    assert not User.objects.filter(is_superuser=True).exists()
    assert {u.role for u in User.objects.filter(is_staff=True)} >= {"system_admin", "security_admin", "audit_admin"}
    for username, _role, _section, _label in staff.DEMO_USERS:
        validate_password("Jiaoyun2021", User(username=username))  # the demo password passes the rules
    principal = User.objects.get(username="principal")
    assert principal.school.name == "老麦乡中心小学" and principal.teacher.school_id == principal.school_id
    teacher = User.objects.get(username="teacher")
    klass = teacher.classes.get()
    assert klass.school_id == principal.school_id and klass.grade == 4
    assert klass.school_year == SchoolYear.current().start_year
    assert teacher.teacher.school_id == principal.school_id
    village = User.objects.get(username="village").area
    assert village.parent.name == "老麦乡"
    assert Student.objects.filter(hukou_village=village, current_school=principal.school).exists()
    assert User.objects.get(username="township").area.name == "老麦乡"


def test_demo_logins_command_prints_a_table(data):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "Jiaoyun2021" in text and "老麦乡中心小学" in text and "审计管理员" in text and "动态口令" in text
    assert len([line for line in text.splitlines() if "Jiaoyun2021" in line]) == len(staff.DEMO_USERS)


def test_if_empty_skips_and_existing_data_is_refused_without_reset(data):
    before = Student.objects.count()
    assert "跳过" in run(SEED, "--if-empty")
    with pytest.raises(CommandError, match="--reset"):
        run()
    assert Student.objects.count() == before


def test_reset_regenerates_the_same_county(data):
    run(SEED, "--reset")
    assert fingerprint() == data["second"]


def test_generated_event_chain_is_what_every_event_writer_keeps(data):
    # the generator fills until / previous school / flow itself; the write path's relink finds nothing to change
    from jiaoyun.people.services.chain import events_link

    assert EnrolmentEvent.objects.exclude(flow="").exists()
    assert events_link() == 0


def test_out_of_county_events_carry_the_level_of_study(data):
    levels = set(EnrolmentEvent.objects.filter(kind="out_of_county").values_list("study_level", flat=True))
    assert None not in levels and "senior" in levels  # 县外高中就读 counts in 高中阶段毛入学率 (setting)
    assert not EnrolmentEvent.objects.exclude(kind="out_of_county").exclude(study_level=None).exists()
