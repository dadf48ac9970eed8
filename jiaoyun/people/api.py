import datetime as dt
from typing import Any

from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from jiaoyun.core.api_audit import audited_list
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.pagination import BoundedPageNumberPagination
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import AuthedRequest
from jiaoyun.people import selectors
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import EnrolmentEvent, Student, Teacher
from jiaoyun.people.schemas import (
    EventIn,
    EventOut,
    StateOut,
    StudentFilter,
    StudentIn,
    StudentOut,
    TeacherDetailOut,
    TeacherFilter,
    TeacherOut,
)
from jiaoyun.people.services import enrolment_record, student_admit
from jiaoyun.schools.models import School, SchoolClass

router = Router(tags=["people"])


def _student(request: AuthedRequest, student_id: int) -> Student:
    try:
        return selectors.student_get(user=request.user, student_id=student_id)
    except Student.DoesNotExist:
        raise HttpError(404, "学生不存在或不在您的数据范围内")


def _class(school: School | None, grade: int | None, number: int | None, on: dt.date) -> SchoolClass | None:
    if not number:
        return None
    if school is None or grade is None:
        raise DomainError("填写班号时须同时填写学校和年级", field="班级")
    return selectors.class_for_event(
        school=school, school_year=SchoolYear.of(on).start_year, grade=grade, number=number
    )


@router.get("/students", response=list[StudentOut], summary="学生列表（按数据范围过滤，身份证号脱敏）")
@audited_list(Student)
@paginate(BoundedPageNumberPagination, page_size=50)
def student_list(request: AuthedRequest, filters: Query[StudentFilter]) -> Any:
    return selectors.student_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.post("/students", response={201: StudentOut}, summary="新增学生（可同时办理入学）")
def student_create(request: AuthedRequest, payload: StudentIn) -> Any:
    if not selectors.student_can_edit(user=request.user):
        raise PermissionDenied("您的角色无权新增学生")
    data = payload.dict()
    fields: dict[str, Any] = {
        k: data[k]
        for k in ("name", "sex", "birth_date", "student_no", "ethnicity", "guardian_name", "guardian_phone",
                  "left_behind", "migrant", "disability", "poverty", "orphan")
        if data[k] not in (None, "") or k in ("left_behind", "migrant")
    }  # fmt: skip
    if data["hukou_village_code"]:
        fields["hukou_village"] = selectors.village_by_code(code=data["hukou_village_code"])
    if data["residence_village_code"]:
        fields["residence_village"] = selectors.village_by_code(
            code=data["residence_village_code"], field="现居住村（社区）"
        )
    school = None
    if data["school_code"]:
        school = selectors.school_for_write(user=request.user, code=data["school_code"])
    enrol_date = data["enrol_date"]
    school_class = _class(school, data["grade"], data["class_number"], enrol_date) if enrol_date else None
    student = student_admit(
        actor=request.user,
        id_number=data["id_number"],
        enrol_kind=data["enrol_kind"],
        enrol_date=enrol_date,
        school=school,
        grade=data["grade"],
        school_class=school_class,
        **fields,
    )
    return Status(201, selectors.student_get(user=request.user, student_id=student.pk))


@router.get("/students/{student_id}", response=StudentOut, summary="学生详情")
def student_detail(request: AuthedRequest, student_id: int) -> Any:
    return _student(request, student_id)


@router.get("/students/{student_id}/events", response=list[EventOut], summary="学籍变动记录")
@audited_list(EnrolmentEvent)
def student_events(request: AuthedRequest, student_id: int) -> Any:
    student = _student(request, student_id)
    return list(selectors.student_events(user=request.user, student_id=student.pk))


@router.post("/students/{student_id}/events", response={201: EventOut}, summary="办理学籍变动")
def student_event_create(request: AuthedRequest, student_id: int, payload: EventIn) -> Any:
    student = _student(request, student_id)
    if not selectors.student_can_edit(user=request.user, student=student):
        raise PermissionDenied("您的角色无权办理学籍变动")
    school = selectors.school_for_write(user=request.user, code=payload.school_code) if payload.school_code else None
    event = enrolment_record(
        actor=request.user,
        student=student,
        kind=payload.kind,
        date=payload.date,
        school=school,
        grade=payload.grade,
        school_class=_class(school, payload.grade, payload.class_number, payload.date),
        external_school=payload.external_school,
        study_level=payload.study_level,
        reason=payload.reason,
    )
    return Status(201, event)


@router.get("/students/{student_id}/state", response=StateOut, summary="指定日期的学籍状态")
def student_state(request: AuthedRequest, student_id: int, on: dt.date) -> Any:
    student = _student(request, student_id)
    state = selectors.student_state_on(student=student, on=on)
    return StateOut(
        on=on,
        status=state.status,
        status_label=str(StudentStatus(state.status).label),
        in_school=state.in_school,
        school_id=state.school_id,
        grade=state.grade,
        class_id=state.class_id,
        since=state.since,
        external_school=state.external_school,
    )


@router.get("/teachers", response=list[TeacherOut], summary="教职工列表")
@audited_list(Teacher)
@paginate(BoundedPageNumberPagination, page_size=50)
def teacher_list(request: AuthedRequest, filters: Query[TeacherFilter]) -> Any:
    return selectors.teacher_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/teachers/{teacher_id}", response=TeacherDetailOut, summary="教职工详情（含任职经历）")
def teacher_detail(request: AuthedRequest, teacher_id: int) -> Any:
    try:
        teacher = selectors.teacher_get(user=request.user, teacher_id=teacher_id)
    except Teacher.DoesNotExist:
        raise HttpError(404, "教职工不存在或不在您的数据范围内")
    teacher.assignment_list = list(selectors.teacher_assignments(user=request.user, teacher_id=teacher.pk))  # type: ignore[attr-defined]
    return teacher
