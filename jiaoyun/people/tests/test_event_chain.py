"""The chain kept on the 学籍 events: each event's state lasts until the student's next event."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from jiaoyun.people.choices import EventFlow
from jiaoyun.people.models import EnrolmentEvent
from jiaoyun.people.services.bulk import event_bulk_upsert
from jiaoyun.people.services.chain import chain_columns, events_link
from jiaoyun.people.services.enrolment import enrolment_record
from jiaoyun.people.tests.factories import StudentFactory

D = dt.date


@pytest.fixture
def pupil(village_a1):  # type: ignore[no-untyped-def]
    return StudentFactory(name="链", birth_date=D(2012, 3, 1), hukou_village=village_a1)


def chain(student):  # type: ignore[no-untyped-def]
    return list(student.events.order_by("date", "seq").values_list("kind", "until", "prev_school_id", "flow"))


def test_recording_an_event_links_it_and_its_neighbours(county_admin, pupil, school_a, school_b):
    enrolment_record(actor=county_admin, student=pupil, kind="enrol", date=D(2019, 9, 1), school=school_a, grade=1)
    enrolment_record(actor=county_admin, student=pupil, kind="promote", date=D(2021, 9, 1))
    # a late event between the two: the enrolment now lasts until it, and it until the promotion
    enrolment_record(actor=county_admin, student=pupil, kind="repeat", date=D(2020, 9, 1))
    enrolment_record(actor=county_admin, student=pupil, kind="transfer_out", date=D(2022, 3, 1))
    enrolment_record(
        actor=county_admin, student=pupil, kind="transfer_in", date=D(2022, 3, 2), school=school_b, grade=2
    )
    assert chain(pupil) == [
        ("enrol", D(2020, 9, 1), None, EventFlow.ARRIVE),  # a first record
        ("repeat", D(2021, 9, 1), school_a.pk, EventFlow.NONE),
        ("promote", D(2022, 3, 1), school_a.pk, EventFlow.NONE),
        ("transfer_out", D(2022, 3, 2), school_a.pk, EventFlow.LEAVE),  # leaving while in school
        ("transfer_in", None, school_a.pk, EventFlow.ARRIVE),  # back after a transfer out
    ]
    assert events_link() == 0


def test_bulk_upsert_relinks_the_students_it_touched(county_admin, pupil, school_a, school_b):
    enrolment_record(actor=county_admin, student=pupil, kind="enrol", date=D(2019, 9, 1), school=school_a, grade=1)
    first = pupil.events.get()
    row = {"student_id": pupil.pk, "kind": "promote", "date": D(2020, 9, 1), "seq": 0, "school_id": school_a.pk}
    row |= {"school_class_id": None, "external_school": "", "reason": ""}
    event_bulk_upsert(
        new=[{**row, "grade": 2}],
        updates=[
            (
                first.pk,
                {"student_id": pupil.pk, "school_id": school_b.pk, "grade": 1, "external_school": "", "reason": ""},
            )
        ],
        actor=None,
    )
    assert chain(pupil) == [
        ("enrol", D(2020, 9, 1), None, EventFlow.ARRIVE),
        ("promote", None, school_b.pk, EventFlow.NONE),  # the corrected school of the event before
    ]


def test_relink_repairs_a_chain_and_reports_what_it_changed(pupil, school_a):
    EnrolmentEvent.objects.create(student=pupil, kind="enrol", date=D(2019, 9, 1), school=school_a, grade=1)
    EnrolmentEvent.objects.create(student=pupil, kind="drop_out", date=D(2020, 1, 1), school=school_a, grade=1)
    assert events_link(student_ids=[pupil.pk]) == 2
    assert chain(pupil) == [
        ("enrol", D(2020, 1, 1), None, EventFlow.ARRIVE),
        ("drop_out", None, school_a.pk, EventFlow.NONE),
    ]
    assert events_link(student_ids=[pupil.pk]) == 0


def test_python_chain_matches_the_sql_rule():
    events = [
        ("enrol", D(2019, 9, 1), 1, 5),
        ("out_of_county", D(2020, 2, 1), None, 5),
        ("death", D(2021, 5, 1), None, 5),
    ]
    assert chain_columns(events) == [
        (D(2020, 2, 1), None, EventFlow.ARRIVE, None, None, None, None),
        (D(2021, 5, 1), 1, EventFlow.LEAVE, None, None, None, None),
        (None, None, EventFlow.NONE, None, None, None, None),  # dying while out of the county is no leaving
    ]


def test_primary_graduation_is_carried_until_the_next_one(county_admin, pupil, school_a, school_b, township_a):
    """升入初中 follows a school's graduates: every later event knows the latest 小学毕业 (date and school)."""
    from jiaoyun.schools.tests.factories import SchoolFactory

    junior = SchoolFactory(kind="junior", township=township_a)
    steps = [
        ("enrol", D(2019, 9, 1), school_a, 6),
        ("graduate", D(2020, 7, 1), school_a, 6),
        ("enrol", D(2020, 9, 1), junior, 7),
        ("transfer_in", D(2021, 3, 1), school_b, 6),  # sent back to primary school, graduates again
        ("graduate", D(2021, 7, 1), school_b, 6),
        ("enrol", D(2021, 9, 1), junior, 7),
    ]
    for kind, date, school, grade in steps:
        enrolment_record(actor=county_admin, student=pupil, kind=kind, date=date, school=school, grade=grade)
    got = list(pupil.events.order_by("date", "seq").values_list("grad6_date", "grad6_school_id"))
    assert got == [
        (None, None),
        (D(2020, 7, 1), school_a.pk),
        (D(2020, 7, 1), school_a.pk),
        (D(2020, 7, 1), school_a.pk),
        (D(2021, 7, 1), school_b.pk),  # the later graduation counts from its day on
        (D(2021, 7, 1), school_b.pk),
    ]
    python = chain_columns([(k, d, s.pk, g) for k, d, s, g in steps])
    assert [c[3:5] for c in python] == got
    # the first graduation's date corrected: it, the enrolment before it (until) and the two after it change
    EnrolmentEvent.objects.filter(student=pupil, kind="graduate", grade=6, date=D(2020, 7, 1)).update(
        date=D(2020, 6, 30)
    )
    assert events_link(student_ids=[pupil.pk]) == 4
    assert events_link() == 0


def test_events_carry_the_students_birth_date_and_village_through_every_student_writer(
    county_admin, pupil, school_a, village_a1, village_b1
):
    from jiaoyun.people.services.bulk import STUDENT_FIELDS, student_bulk_update
    from jiaoyun.people.services.students import student_update

    enrolment_record(actor=county_admin, student=pupil, kind="enrol", date=D(2019, 9, 1), school=school_a, grade=1)
    enrolment_record(actor=county_admin, student=pupil, kind="promote", date=D(2020, 9, 1))

    def copies() -> set:
        return set(pupil.events.values_list("student_birth", "student_village_id"))

    assert copies() == {(D(2012, 3, 1), village_a1.pk)}
    student_update(actor=county_admin, student=pupil, hukou_village=village_b1, birth_date=D(2012, 4, 1))
    assert copies() == {(D(2012, 4, 1), village_b1.pk)}
    pupil.refresh_from_db()
    record = {f: getattr(pupil, f) for f in STUDENT_FIELDS} | {"birth_date": D(2012, 5, 1)}
    student_bulk_update(updates=[(pupil.pk, record | {"hukou_village_id": village_a1.pk})])
    assert copies() == {(D(2012, 5, 1), village_a1.pk)}
    assert events_link() == 0


def _modules_where(found: Callable[[str], bool]) -> set[str]:
    """The application modules (tests and migrations left out) whose text satisfies ``found``."""
    root = Path(__file__).resolve().parents[2]
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "/tests/" not in path.as_posix() and "/migrations/" not in path.as_posix()
        if found(path.read_text(encoding="utf-8"))
    }


def test_events_are_written_only_where_the_chain_is_kept():
    """Every module that inserts or corrects 学籍 events keeps the chain (the indicators read it)."""
    writers = _modules_where(
        lambda text: (
            "EnrolmentEvent.objects.bulk_create" in text
            or "EnrolmentEvent.objects.create" in text
            or "EnrolmentEvent.objects.bulk_update" in text
            or bool(re.search(r"[=\[(]\s*EnrolmentEvent\(", text))
            or "bulk.insert(EnrolmentEvent" in text
            or "INSERT INTO people_enrolmentevent" in text
        )
    )
    assert writers == {
        "people/services/bulk.py",  # event_bulk_upsert → events_link
        "people/services/enrolment.py",  # enrolment_record → events_link
        "demo/generator/store.py",  # chain_columns
    }


def test_students_birth_date_and_village_are_changed_only_where_events_are_relinked():
    """The events carry copies of both fields: only the two student writers change existing students."""
    writers = _modules_where(
        lambda text: (
            "Student.objects.bulk_update" in text
            or bool(re.search(r"UPDATE people_student\b", text))
            or bool(re.search(r"Student\.objects\.filter\([^)]*\)\.update\([^)]*(birth_date|hukou_village)", text))
            or "def student_update" in text
        )
    )
    assert writers == {
        "people/services/bulk.py",  # student_bulk_update → events_link
        "people/services/students.py",  # student_update → events_link
        "warning/demo.py",  # the demo's siblings: guardian name and phone only (no birth date, no village)
    }
