from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.core.scope import school_q
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.people.choices import Subject
from jiaoyun.schools.models import School
from jiaoyun.teachers import selectors, services
from jiaoyun.teachers.choices import ROUND_ORDER, RoundStatus
from jiaoyun.teachers.models import HiringRound
from jiaoyun.teachers.permissions import is_personnel
from jiaoyun.teachers.services.rounds import CROSS_SCORE_STATUSES, round_checks
from jiaoyun.teachers.views.common import current_year, date_param, int_param, run
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

APPLICATION_COLUMNS = [
    Column("教师", lambda a: a.teacher.name),
    Column("竞聘学科", lambda a: a.get_subject_display()),
    Column("原学校", lambda a: a.origin_school.name),
    Column("聘任学校", lambda a: a.placed_school.name if a.placed_school else ("落聘待岗" if a.stage == 4 else "")),
    Column("阶段", lambda a: a.get_stage_display() if a.stage else ""),
    Column("志愿序号", lambda a: a.preference_rank or ""),
    Column("结果说明", lambda a: "；".join(a.explanation)),
]


def _get(request: HttpRequest, pk: int) -> HiringRound:
    try:
        return selectors.round_get(user=request.user, round_id=pk)
    except HiringRound.DoesNotExist:
        raise Http404("轮次不存在或无权查看") from None


def round_list(request: HttpRequest) -> HttpResponse:
    rounds = selectors.round_list(user=request.user)
    return render_page(
        request,
        "teachers/rounds.html",
        {"page": paginate(request, rounds), "can_manage": is_personnel(request.user), "year": current_year()},
    )


@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    try:
        effective = date_param(request.POST.get("effective_date"), "聘任生效日期")
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, str(exc))
        return redirect("teachers:rounds")
    rnd = run(
        request,
        services.round_create,
        "轮次已创建",
        year=int_param(request.POST.get("year"), current_year()),
        name=request.POST.get("name", ""),
        effective_date=effective,
    )
    return redirect("teachers:round", pk=rnd.pk) if rnd else redirect("teachers:rounds")


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _get(request, pk)
    apps = selectors.round_applications(user=request.user, round=rnd, filters=request.GET)
    if wants_export(request):
        return export_response(
            request, rows=apps, columns=APPLICATION_COLUMNS, filename=f"{rnd.name}聘任结果",
            object_type="teachers.Application",
        )  # fmt: skip
    counts = selectors.round_stage_counts(round=rnd)
    idx = ROUND_ORDER.index(rnd.status)
    stages = [
        {"value": v, "label": RoundStatus(v).label, "done": i < idx, "current": i == idx}
        for i, v in enumerate(ROUND_ORDER)
    ]
    manage = is_personnel(request.user)
    chart = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "data": [
                    {"name": "校内竞聘留聘", "value": counts["s1"]},
                    {"name": "跨校竞聘录用", "value": counts["s2"]},
                    {"name": "组织调剂", "value": counts["s3"]},
                    {"name": "落聘待岗", "value": counts["s4"]},
                    {"name": "尚未安置", "value": counts["unplaced"]},
                ],
            }
        ],
    }
    next_label = RoundStatus(ROUND_ORDER[idx + 1]).label if idx + 1 < len(ROUND_ORDER) else None
    before_start = rnd.status in (RoundStatus.APPLYING, RoundStatus.DRAFT)
    feasibility, oversubscribed = round_checks(round=rnd) if before_start else ([], [])
    page = paginate(request, apps)
    return render_page(
        request,
        "teachers/round_detail.html",
        {
            "round": rnd,
            "stages": stages,
            "counts": counts,
            "chart": chart,
            "posts": selectors.round_posts(user=request.user, round=rnd),
            "page": page,
            "filters": request.GET,
            "subjects": Subject.choices,
            "can_manage": manage,
            "score_school": getattr(request.user, "school_id", None)
            if not manage
            and getattr(request.user, "role", "") == "principal"
            and rnd.status in CROSS_SCORE_STATUSES[:-1]
            else None,
            "next_label": next_label,
            "feasibility": feasibility,
            "oversubscribed": oversubscribed,
            "subject_stages": selectors.round_subject_stages(user=request.user, round=rnd),
            "standby": selectors.round_standby(user=request.user, round=rnd)
            if rnd.status == RoundStatus.APPLIED
            else [],
            "events": rnd.events.select_related("actor"),
            "appeals": selectors.round_appeals(user=request.user, round=rnd).filter(application__in=apps),
            "schools": School.objects.filter(school_q(request.user), is_active=True).order_by("code") if manage else [],
            "teachers": selectors.round_teachers(user=request.user)
            if manage and rnd.status == RoundStatus.APPLYING
            else [],
        },
    )


@require_POST
def round_action(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _get(request, pk)
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    if action == "advance":
        run(request, services.round_advance, "已进入下一阶段", round=rnd, note=note)
    elif action == "recompute":
        run(request, services.round_recompute, "已重新计算安置", round=rnd, note=note or "审核更正")
    elif action == "post":
        try:
            school = School.objects.get(pk=int_param(request.POST.get("school"), 0))
        except School.DoesNotExist:
            school = None
        if school is None:
            from django.contrib import messages

            messages.error(request, "请选择学校")
        else:
            run(
                request,
                services.round_post_set,
                "岗位已保存",
                round=rnd,
                school=school,
                subject=request.POST.get("subject", ""),
                count=int_param(request.POST.get("count"), 0) or 0,
            )
    elif action == "apply":
        teacher = selectors.round_teacher_get(user=request.user, teacher_id=int_param(request.POST.get("teacher"), 0))
        choices = [int(c) for c in request.POST.getlist("choices") if c.isdigit()]
        if teacher is None:
            from django.contrib import messages

            messages.error(request, "请选择教师")
        else:
            run(
                request,
                services.application_submit,
                "报名已保存",
                round=rnd,
                teacher=teacher,
                choices=choices,
                subject=request.POST.get("subject", ""),
                in_school=request.POST.get("in_school") == "1",
            )
    elif action == "score":
        app = selectors.round_application_get(
            user=request.user, round=rnd, application_id=int_param(request.POST.get("application"), 0)
        )
        school = School.objects.filter(pk=int_param(request.POST.get("school"), 0)).first()
        if app and school:
            run(
                request,
                services.score_set,
                "评分已保存",
                application=app,
                school=school,
                score=request.POST.get("score"),
            )
    elif action == "appeal":
        app = selectors.round_application_get(
            user=request.user, round=rnd, application_id=int_param(request.POST.get("application"), 0)
        )
        if app:
            run(request, services.appeal_file, "申诉已登记", application=app, reason=request.POST.get("reason", ""))
    elif action == "decide":
        appeal = selectors.round_appeal_get(
            user=request.user, round=rnd, appeal_id=int_param(request.POST.get("appeal"), 0)
        )
        if appeal:
            run(
                request,
                services.appeal_decide,
                "申诉已处理",
                appeal=appeal,
                upheld=request.POST.get("upheld") == "1",
                outcome=request.POST.get("outcome", ""),
            )
    elif action in ("training", "reassign"):
        standby = selectors.round_standby_get(
            user=request.user, round=rnd, standby_id=int_param(request.POST.get("standby"), 0)
        )
        if standby is None:
            raise Http404("待岗记录不存在或无权查看")
        try:
            if action == "training":
                run(
                    request, services.standby_training_record, "待岗培训已登记", standby=standby,
                    training=request.POST.get("training", ""), start=date_param(request.POST.get("start"), "培训开始"),
                    end=date_param(request.POST.get("end"), "培训结束"), passed=request.POST.get("passed") == "1",
                    note=request.POST.get("note", ""),
                )  # fmt: skip
            else:
                target = School.objects.filter(
                    school_q(request.user), pk=int_param(request.POST.get("school"), 0)
                ).first()
                if target is None:
                    raise DomainError("请选择学校", field="学校")
                run(
                    request, services.standby_reassign, "已重新安排岗位", standby=standby, school=target,
                    date=date_param(request.POST.get("date"), "到岗日期"), note=request.POST.get("note", ""),
                )  # fmt: skip
        except DomainError as exc:
            from django.contrib import messages

            messages.error(request, str(exc))
    return redirect("teachers:round", pk=rnd.pk)
