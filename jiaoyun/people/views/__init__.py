from jiaoyun.people.views.students import (
    student_create,
    student_detail,
    student_event_add,
    student_list,
    student_reveal_id,
)
from jiaoyun.people.views.teachers import teacher_detail, teacher_list

__all__ = [
    "student_create",
    "student_detail",
    "student_event_add",
    "student_list",
    "student_reveal_id",
    "teacher_detail",
    "teacher_list",
]
