"""Every create, update and delete of people-level data writes an audit entry (who, what changed)."""

import datetime as dt

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.people.services import (
    enrolment_record,
    student_create,
    student_delete,
    student_reveal_id,
    student_update,
    teacher_assign,
    teacher_update,
)


def entries(action, object_type):
    return list(AuditEntry.objects.filter(action=action, object_type=object_type).order_by("id"))


def test_student_create_update_delete_are_audited_without_secrets(county_admin, village_a1, village_a2):
    number = idcard.make("530521", dt.date(2015, 6, 1), 35)
    s = student_create(actor=county_admin, name="甲", id_number=number, hukou_village=village_a1)
    [created] = entries("create", "people.Student")
    assert created.actor == county_admin and created.changes["name"] == "甲"
    assert (
        "id_cipher" not in created.changes and "id_hash" not in created.changes and number not in str(created.changes)
    )

    student_update(actor=county_admin, student=s, hukou_village=village_a2, left_behind=True)
    [updated] = entries("update", "people.Student")
    assert updated.changes["hukou_village_id"] == [village_a1.pk, village_a2.pk]
    assert updated.changes["left_behind"] == [False, True]

    student_delete(actor=county_admin, student=s)
    [deleted] = entries("delete", "people.Student")
    assert deleted.object_id == str(created.object_id) and deleted.changes["name"] == "甲"


def test_an_update_that_changes_nothing_writes_no_entry(county_admin, student_a):
    student_update(actor=county_admin, student=student_a, name=student_a.name)
    assert not entries("update", "people.Student")


def test_enrolment_events_and_reveals_are_audited(principal, student_a):
    enrolment_record(actor=principal, student=student_a, kind="suspend", date=dt.date(2022, 3, 1))
    event_entries = entries("create", "people.EnrolmentEvent")
    assert event_entries[-1].actor == principal and event_entries[-1].changes["kind"] == "suspend"
    student_reveal_id(actor=principal, student=student_a, reason="劝返工作", ip="10.0.0.9")
    [reveal] = entries("reveal", "people.Student")
    assert reveal.actor == principal and reveal.ip == "10.0.0.9"
    assert reveal.note == "劝返工作" and reveal.changes == {"field": "id_number", "reason": "劝返工作"}


def test_teacher_update_and_transfer_are_audited(county_admin, teacher_a, school_b):
    teacher_update(actor=county_admin, teacher=teacher_a, title="senior")
    teacher_assign(actor=county_admin, teacher=teacher_a, school=school_b, start=dt.date(2023, 9, 1), note="交流轮岗")
    updates = entries("update", "people.Teacher")
    assert updates[0].changes["title"] == ["none", "senior"]
    assert updates[1].changes["school_id"][1] == school_b.pk and updates[1].note == "交流轮岗"
