"""Import → preview → confirm → export round-trips the registries exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.areas.tests.factories import PopulationCellFactory
from jiaoyun.core import idcard
from jiaoyun.exchange.files import kind_rows
from jiaoyun.exchange.registry import get_kind
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import upload
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher, TeacherAssignment
from jiaoyun.people.services import enrolment_record, student_create, teacher_create
from jiaoyun.reports.xlsx import write_xlsx
from jiaoyun.schools.tests.factories import SchoolClassFactory

KINDS = ("areas", "population", "schools", "classes", "students", "events", "teachers")


@pytest.fixture
def small_county(county_admin, village_a1, village_a2, village_b1, school_a, school_a_junior, school_b):
    PopulationCellFactory(area=village_a1, year=2024, age=6, sex="M", count=12)
    PopulationCellFactory(area=village_b1, year=2024, age=7, sex="F", count=9)
    class_2024 = SchoolClassFactory(school=school_a, school_year=2024, grade=1, number=2, name="一年级（2）班")
    SchoolClassFactory(school=school_a_junior, school_year=2024, grade=7, number=1)
    a = student_create(
        actor=county_admin,
        id_number=idcard.make("530521", dt.date(2018, 5, 3), 11),
        name="李小明",
        ethnicity="03",
        hukou_village=village_a1,
        residence_village=village_a2,
        guardian_name="李大山",
        guardian_phone="13800000000",
        left_behind=True,
        poverty="monitored",
        student_no="G530521201805030113",
    )
    b = student_create(
        actor=county_admin, name="王小芳", sex="F", birth_date=dt.date(2012, 1, 9), student_no="L530521201201090024"
    )
    enrolment_record(
        actor=county_admin,
        student=a,
        kind="enrol",
        date=dt.date(2024, 9, 1),
        school=school_a,
        grade=1,
        school_class=class_2024,
    )
    enrolment_record(actor=county_admin, student=b, kind="enrol", date=dt.date(2018, 9, 1), school=school_b, grade=1)
    enrolment_record(actor=county_admin, student=b, kind="transfer_out", date=dt.date(2020, 2, 1), reason="随父母外出")
    teacher_create(
        actor=county_admin,
        id_number=idcard.make("530521", dt.date(1985, 5, 1), 2),
        name="王丽",
        sex="F",
        school=school_a,
        main_subject="chinese",
        subjects=["chinese", "morality"],
        title="first",
        hire_date=dt.date(2008, 9, 1),
        school_since=dt.date(2015, 9, 1),
    )


def export_file(kind_key, user):
    kind = get_kind(kind_key)
    rows = list(kind_rows(kind, user, reveal=True))
    return write_xlsx([(kind.label, [c.label for c in kind.columns], rows)]), len(rows)


def snapshot():
    students = {
        idcard.decrypt(s.id_cipher) if s.id_cipher else idcard.decrypt(s.student_no_cipher): (
            s.name, s.sex, s.birth_date, s.ethnicity, s.hukou_village_id, s.residence_village_id, s.guardian_name,
            s.guardian_phone, s.left_behind, s.disability, s.poverty, s.orphan, s.migrant, s.student_no_hash, s.student_no_masked, s.status,
            s.current_school_id, s.current_grade, s.current_class_id, s.id_masked,
        )
        for s in Student.objects.all()
    }  # fmt: skip
    events = sorted(
        EnrolmentEvent.objects.values_list(
            "student__name", "kind", "date", "seq", "school_id", "grade", "school_class_id", "external_school", "reason"
        )
    )
    teachers = sorted(
        Teacher.objects.values_list(
            "id_masked", "staff_no", "name", "sex", "birth_date", "school_id", "post_type", "main_subject", "subjects",
            "title", "degree", "staffing", "backbone", "hire_date", "school_since", "has_certificate", "is_active",
        )
    )  # fmt: skip
    assignments = sorted(TeacherAssignment.objects.values_list("teacher__name", "school_id", "start", "kind"))
    return students, events, teachers, assignments


def test_export_then_reimport_is_a_noop(small_county, county_admin):
    for key in KINDS:
        data, n = export_file(key, county_admin)
        assert n > 0, key
        batch = import_file(actor=county_admin, kind=key, upload=upload(data), file_name=f"{key}.xlsx")
        assert (batch.total, batch.new, batch.updated, batch.unchanged, batch.rejected) == (n, 0, 0, n, 0), key


def test_people_registries_round_trip_into_an_empty_database(small_county, county_admin):
    before = snapshot()
    files = {key: export_file(key, county_admin)[0] for key in ("students", "events", "teachers")}
    TeacherAssignment.objects.all().delete()
    Teacher.objects.all().delete()
    EnrolmentEvent.objects.all().delete()
    Student.objects.all().delete()
    for key in ("students", "events", "teachers"):
        batch = import_file(actor=county_admin, kind=key, upload=upload(files[key]), file_name=f"{key}.xlsx")
        assert batch.rejected == 0, list(batch.rejections.values_list("row", "reason"))
        import_confirm(actor=county_admin, batch=batch)
    after = snapshot()
    assert after[0] == before[0]  # students field by field (full ID numbers decrypted)
    assert after[1] == before[1]  # events
    assert after[2] == before[2]  # teachers
    assert after[3] == before[3]  # assignments


def test_masked_export_cannot_be_mistaken_for_real_numbers(small_county, county_admin):
    kind = get_kind("students")
    rows = list(kind_rows(kind, county_admin, reveal=False))
    ids = [r[1] for r in rows if r[1]]
    assert ids and all("********" in v for v in ids)
