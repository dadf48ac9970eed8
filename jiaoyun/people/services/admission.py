"""Creating a student as a person with a data scope does it: the record and (optionally) the first 学籍 event
in one transaction, refused as a whole when anything is wrong or the new student would fall outside the
creator's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import student_q
from jiaoyun.core.types import User
from jiaoyun.people.choices import EventKind
from jiaoyun.people.models import Student
from jiaoyun.people.services.enrolment import enrolment_record
from jiaoyun.people.services.students import student_create
from jiaoyun.schools.models import School, SchoolClass

ADMIT_KINDS = (EventKind.ENROL, EventKind.TRANSFER_IN)


@transaction.atomic
def student_admit(
    *,
    actor: User | None,
    id_number: str | None = None,
    enrol_kind: str | None = None,
    enrol_date: dt.date | None = None,
    school: School | None = None,
    grade: int | None = None,
    school_class: SchoolClass | None = None,
    **fields: Any,
) -> Student:
    """Create a student and, when ``enrol_kind`` is given, record the 入学/转入 event; all or nothing."""
    student = student_create(actor=actor, id_number=id_number, **fields)
    if enrol_kind:
        if enrol_kind not in ADMIT_KINDS:
            raise DomainError("新增学生时只能办理“入学”或“转入”", field="类型")
        if enrol_date is None:
            raise DomainError("不能为空", field="日期")
        if enrol_date <= student.birth_date:
            raise DomainError(f"入学日期{enrol_date}早于出生日期{student.birth_date}", field="日期")
        enrolment_record(
            actor=actor,
            student=student,
            kind=enrol_kind,
            date=enrol_date,
            school=school,
            grade=grade,
            school_class=school_class,
        )
    if not Student.objects.filter(student_q(actor), pk=student.pk).exists():
        raise DomainError("新增的学生不在您的数据范围内：请填写本辖区的户籍村（社区）或办理本辖区学校的入学")
    return student
