"""How the audit log finds a child's or a teacher's entries (``jiaoyun.core.audit_search``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from jiaoyun.core import idcard


def audit_subjects(term: str) -> Iterator[tuple[str, QuerySet[Any]]]:
    """The people this term names: by the keyed digest of an ID number or 全国学籍号 (ADR 0003), else by full
    name (indexed columns); their students, enrolment events and teachers."""
    from jiaoyun.core.audit_search import looks_like_id_number
    from jiaoyun.people.models import EnrolmentEvent, Student, Teacher

    if looks_like_id_number(term):
        digest = idcard.match_hash(idcard.normalize(term))
        students = Student.objects.filter(Q(id_hash=digest) | Q(student_no_hash=digest))
        teachers = Teacher.objects.filter(id_hash=digest)
    else:
        students = Student.objects.filter(name=term)
        teachers = Teacher.objects.filter(name=term)
    yield "people.Student", students.values("pk")
    yield "people.EnrolmentEvent", EnrolmentEvent.objects.filter(student__in=students.values("pk")).values("pk")
    yield "people.Teacher", teachers.values("pk")


def register() -> None:
    from jiaoyun.core.audit_text import register_filter, register_subject_finder
    from jiaoyun.people.filters import STUDENT_FLAGS
    from jiaoyun.schools.choices import Grade

    register_subject_finder(audit_subjects)
    register_filter("grade", "年级", choices=Grade.choices)
    register_filter("flag", "关爱标记", choices=STUDENT_FLAGS.items())
