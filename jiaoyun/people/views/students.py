from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.core.http import client_ip
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.types import AuthedRequest
from jiaoyun.people import selectors
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.forms import REVEAL_REASONS, EnrolmentEventForm, RevealForm, StudentCreateForm
from jiaoyun.people.models import Student
from jiaoyun.people.services import enrolment_record, student_admit
from jiaoyun.people.services import student_reveal_id as service_reveal
from jiaoyun.reports.export import Column, id_column
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.choices_in_scope import school_choices, township_choices
from jiaoyun.schools.selectors import school_list
from jiaoyun.web.forms import attach_domain_error
from jiaoyun.web.htmx import hx_redirect, render_page
from jiaoyun.web.lists import ALL, ListPage, with_default


def _flags(s: Student) -> str:
    flags = []
    if s.left_behind:
        flags.append("留守")
    if s.migrant:
        flags.append("随迁")
    if s.disability:
        flags.append(s.get_disability_display())
    if s.poverty:
        flags.append(s.get_poverty_display())
    if s.orphan:
        flags.append(s.get_orphan_display())
    return "、".join(flags)


STUDENT_COLUMNS = [
    Column("姓名", lambda s: s.name),
    Column("性别", lambda s: s.get_sex_display()),
    Column("出生日期", lambda s: s.birth_date),
    # Both numbers are ID numbers: masked, full only for a user who may reveal and asked to (audited as a reveal).
    id_column("身份证号"),
    id_column("全国学籍号", masked=lambda s: s.student_no_masked, cipher=lambda s: s.student_no_cipher),
    Column("民族", lambda s: s.get_ethnicity_display()),
    Column("学籍状态", lambda s: s.get_status_display()),
    Column("学校", lambda s: s.current_school.name if s.current_school else ""),
    Column("年级", lambda s: s.get_current_grade_display() if s.current_grade is not None else ""),
    Column("班级", lambda s: str(s.current_class) if s.current_class else ""),
    Column("户籍乡镇", lambda s: s.hukou_village.parent.name if s.hukou_village and s.hukou_village.parent else ""),
    Column("户籍村（社区）", lambda s: s.hukou_village.name if s.hukou_village else ""),
    Column("关爱标记", _flags),
]


def _refused(request: AuthedRequest, status: int) -> int:
    """HTMX swaps only 2xx responses, so a refusal meant to be shown in place is sent as 200 to HTMX."""
    return 200 if getattr(request, "htmx", False) else status


def _get_student(request: AuthedRequest, pk: int) -> Student:
    try:
        return selectors.student_get(user=request.user, student_id=pk)
    except Student.DoesNotExist:
        raise Http404(_("学生不存在或不在您的数据范围内"))


STUDENT_LIST = ListPage(
    "people/student_list.html", STUDENT_COLUMNS, filename="学生", object_type="people.Student", stream=True
)


def student_list(request: AuthedRequest) -> HttpResponse:
    # The list shows the children in school unless another status (or 全部状态, ``status=all``) is chosen.
    filters = with_default(request.GET, "status", StudentStatus.IN_SCHOOL)
    return STUDENT_LIST(
        request,
        selectors.student_list(user=request.user, filters=filters),
        {
            "filters": filters,
            "status_all": ALL,
            "statuses": StudentStatus.choices,
            "grades": Grade.choices,
            "townships": township_choices(request.user),
            "schools": school_choices(request.user),
            "can_edit": selectors.student_can_edit(user=request.user),
            "flag_choices": list(selectors.STUDENT_FLAGS.items()),
        },
    )


def _parse_day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def student_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    student = _get_student(request, pk)
    on = _parse_day(request.GET.get("on"))
    bad_on = bool(request.GET.get("on")) and on is None
    on = on or timezone.localdate()
    state = selectors.student_state_on(student=student, on=on)
    state_school = None
    if state.school_id:
        state_school = school_list(user=request.user, filters={"active": "all"}).filter(pk=state.school_id).first()
    can_edit = selectors.student_can_edit(user=request.user, student=student)
    return render_page(
        request,
        "people/student_detail.html",
        {
            "student": student,
            "events": selectors.student_events(user=request.user, student_id=student.pk),
            "on": on,
            "bad_on": bad_on,
            "state": state,
            "state_status": StudentStatus(state.status).label,
            "state_grade": Grade(state.grade).label if state.grade is not None else "",
            "state_school": state_school,
            "can_edit": can_edit,
            "can_reveal": getattr(request.user, "can_reveal_id", False),
            "reasons": REVEAL_REASONS if getattr(request.user, "can_reveal_id", False) else None,
            "event_form": EnrolmentEventForm(user=request.user) if can_edit else None,
        },
    )


REVEAL_PARTIALS = {"id_number": "people/partials/_id_number.html", "student_no": "people/partials/_student_no.html"}


@require_POST
def student_reveal_id(request: AuthedRequest, pk: int) -> HttpResponse:
    """Reveal the full ID number, or with ``what=student_no`` the full 全国学籍号, for the reason given
    (``reason_kind`` and/or ``reason``; required); audited by the service with the reason."""
    student = _get_student(request, pk)
    form = RevealForm(request.POST)
    what = form.target()
    template = REVEAL_PARTIALS[what]
    try:
        number = service_reveal(
            actor=request.user, student=student, reason=form.reason_text(), ip=client_ip(request), what=what
        )
    except DomainError as exc:
        status = 400 if exc.field == "reason" else 403
        context = {"student": student, "error": str(exc), "asked": form.data}
        if status == 400:  # the form again, with what was chosen
            context["reasons"] = REVEAL_REASONS
        return render(request, template, context, status=_refused(request, status))
    return render(request, template, {"student": student, "number": number})


def student_event_add(request: AuthedRequest, pk: int) -> HttpResponse:
    student = _get_student(request, pk)
    if not selectors.student_can_edit(user=request.user, student=student):
        return render(
            request,
            "people/partials/_event_form.html",
            {"student": student, "denied": _("您的角色无权办理学籍变动")},
            status=_refused(request, 403),
        )
    form = EnrolmentEventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school = data["school"]
            if school is not None:
                school = selectors.school_for_write(user=request.user, school_id=school.pk)
            school_class = None
            if data["class_number"]:
                if school is None or data["grade"] is None:
                    raise DomainError("填写班号时须同时填写学校和年级", field="班级")
                school_class = selectors.class_for_event(
                    school=school,
                    school_year=SchoolYear.of(data["date"]).start_year,
                    grade=data["grade"],
                    number=data["class_number"],
                )
            event = enrolment_record(
                actor=request.user,
                student=student,
                kind=data["kind"],
                date=data["date"],
                school=school,
                grade=data["grade"],
                school_class=school_class,
                external_school=data["external_school"],
                study_level=data["study_level"] or None,
                reason=data["reason"],
            )
        except DomainError as exc:
            attach_domain_error(form, exc, aliases={"班级": "class_number", "就读学段": "study_level"})
        else:
            messages.success(request, _("已记录学籍变动：%(event)s") % {"event": event})
            return hx_redirect(request, reverse("people:student_detail", args=[student.pk]))
    status = _refused(request, 400) if request.method == "POST" else 200
    return render(request, "people/partials/_event_form.html", {"student": student, "form": form}, status=status)


def student_create(request: AuthedRequest) -> HttpResponse:
    if not selectors.student_can_edit(user=request.user):
        raise Http404(_("您的角色无权新增学生"))
    form = StudentCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            student = student_admit(actor=request.user, **form.service_fields())
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            messages.success(request, _("已新增学生“%(name)s”") % {"name": student.name})
            return hx_redirect(request, reverse("people:student_detail", args=[student.pk]))
    return render_page(request, "people/student_form.html", {"form": form})
