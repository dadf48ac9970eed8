import datetime as dt

import factory

from jiaoyun.people.models import Student
from jiaoyun.people.tests.factories import TeacherFactory
from jiaoyun.safety.models import Guard, SafetyProfile


class GuardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guard

    name = factory.Sequence(lambda n: f"保安{n}")
    birth_date = dt.date(1980, 1, 1)
    certificate_no = factory.Sequence(lambda n: f"BA{n:08d}")
    certificate_valid_until = dt.date(2030, 12, 31)
    on_duty = True


class ProfileFactory(factory.django.DjangoModelFactory):
    """A fully compliant profile; override fields to create gaps."""

    class Meta:
        model = SafetyProfile

    gate_status = "good"
    wall_status = "complete"
    closed_management = True
    alarm_installed = True
    alarm_linked_police = True
    alarm_last_test = dt.date(2026, 10, 1)
    camera_count = 12
    cameras_key_areas = True
    cameras_linked_police = True
    video_retention_days = 30
    access_control = True
    anti_ramming = True
    police_post_nearby = True
    insurer = "中国人保财险施甸支公司"
    insurance_start = dt.date(2026, 9, 1)
    insurance_end = dt.date(2027, 8, 31)
    insured_students = 0


def people(school, *, students: int, staff: int = 0) -> None:
    """``students`` in-school students and ``staff`` active teachers at ``school`` (bulk, no events)."""
    Student.objects.bulk_create(
        Student(name=f"学生{i}", sex="M", birth_date=dt.date(2014, 3, 1), current_school=school, status="in_school")
        for i in range(students)
    )
    TeacherFactory.create_batch(staff, school=school)
