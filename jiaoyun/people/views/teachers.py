from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from jiaoyun.core.types import AuthedRequest
from jiaoyun.people import selectors
from jiaoyun.people.choices import PostType, Subject, Title
from jiaoyun.people.models import Teacher
from jiaoyun.reports.export import Column
from jiaoyun.schools.choices_in_scope import school_choices, township_choices
from jiaoyun.web.htmx import render_page
from jiaoyun.web.lists import ListPage

TEACHER_COLUMNS = [
    Column("姓名", lambda t: t.name),
    Column("性别", lambda t: t.get_sex_display()),
    Column("出生日期", lambda t: t.birth_date),
    Column("身份证号", lambda t: t.id_masked),
    Column("教职工号", lambda t: t.staff_no or ""),
    Column("任职学校", lambda t: t.school.name if t.school else ""),
    Column("乡镇", lambda t: t.school.township.name if t.school else ""),
    Column("岗位类别", lambda t: t.get_post_type_display()),
    Column("主教学科", lambda t: t.get_main_subject_display()),
    Column("职称", lambda t: t.get_title_display()),
    Column("最高学历", lambda t: t.get_degree_display()),
    Column("编制情况", lambda t: t.get_staffing_display()),
    Column("骨干教师", lambda t: t.get_backbone_display()),
    Column("参加工作日期", lambda t: t.hire_date),
    Column("到本校日期", lambda t: t.school_since),
    Column("在职", lambda t: t.is_active),
]


TEACHER_LIST = ListPage(
    "people/teacher_list.html", TEACHER_COLUMNS, filename="教职工", object_type="people.Teacher", stream=True
)


def teacher_list(request: AuthedRequest) -> HttpResponse:
    return TEACHER_LIST(
        request,
        selectors.teacher_list(user=request.user, filters=request.GET),
        {
            "post_types": PostType.choices,
            "subjects": Subject.choices,
            "titles": Title.choices,
            "townships": township_choices(request.user),
            "schools": school_choices(request.user),
        },
    )


def teacher_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        teacher = selectors.teacher_get(user=request.user, teacher_id=pk)
    except Teacher.DoesNotExist:
        raise Http404(_("教职工不存在或不在您的数据范围内"))
    return render_page(
        request,
        "people/teacher_detail.html",
        {"teacher": teacher, "assignments": selectors.teacher_assignments(user=request.user, teacher_id=teacher.pk)},
    )
