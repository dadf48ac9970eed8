"""Every write of people-level data: students, enrolment events, teachers."""

from jiaoyun.people.services.admission import student_admit
from jiaoyun.people.services.enrolment import enrolment_record, student_refresh_state, validate_chain
from jiaoyun.people.services.students import (
    student_create,
    student_delete,
    student_reveal_id,
    student_update,
)
from jiaoyun.people.services.teachers import teacher_assign, teacher_create, teacher_reveal_id, teacher_update

__all__ = [
    "enrolment_record",
    "student_admit",
    "student_create",
    "student_delete",
    "student_refresh_state",
    "student_reveal_id",
    "student_update",
    "teacher_assign",
    "teacher_create",
    "teacher_reveal_id",
    "teacher_update",
    "validate_chain",
]
