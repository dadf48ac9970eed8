"""Pages of the 县管校聘 rounds: the list, one round's stages, posts, applications, scores, appeals and standby."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiaoyun.core.choices import Role
from jiaoyun.core.types import AuthedRequest
from jiaoyun.people.choices import Subject
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.schools.choices_in_scope import township_choices
from jiaoyun.teachers import forms, selectors, services
from jiaoyun.teachers.choices import ROUND_ORDER, RoundStatus, Stage
from jiaoyun.teachers.models import HiringRound
from jiaoyun.teachers.permissions import can_create_round, can_manage_round, is_personnel, require_rounds
from jiaoyun.teachers.services.rounds import CROSS_SCORE_STATUSES, PERSONNEL_ONLY_TARGETS, round_checks
from jiaoyun.teachers.views.common import Action, act, run_form
from jiaoyun.web.charts import pie_chart
from jiaoyun.web.htmx import hx_redirect, render_page
from jiaoyun.web.paging import paginate

APPLICATION_COLUMNS = [
    Column("教师", lambda a: a.teacher.name),
    Column("竞聘学科", lambda a: a.get_subject_display()),
    Column("原学校", lambda a: a.origin_school.name),
    Column(
        "聘任学校",
        lambda a: a.placed_school.name if a.placed_school else ("落聘待岗" if a.stage == Stage.STANDBY else ""),
    ),
    Column("阶段", lambda a: a.get_stage_display() if a.stage else ""),
    Column("志愿序号", lambda a: a.preference_rank or ""),
    Column("结果说明", lambda a: "；".join(a.explanation)),
]


def _get(request: AuthedRequest, pk: int) -> HiringRound:
    try:
        return selectors.round_get(user=request.user, round_id=pk)
    except HiringRound.DoesNotExist:
        raise Http404("轮次不存在或无权查看") from None


def round_list(request: AuthedRequest) -> HttpResponse:
    require_rounds(request.user)
    rounds = selectors.round_list(user=request.user)
    can_create = can_create_round(request.user)
    return render_page(
        request,
        "teachers/rounds.html",
        {
            "page": paginate(request, rounds),
            "can_manage": can_create,
            "year": forms.current_year(),
            # the 人事股 picks a township (or none: county-wide); a township officer's round is his township's
            "townships": township_choices(request.user) if is_personnel(request.user) else [],
            "own_township": request.user.area if can_create and not is_personnel(request.user) else None,
        },
    )


@require_POST
def round_create(request: AuthedRequest) -> HttpResponse:
    if not can_create_round(request.user):
        raise PermissionDenied("仅县教育局人事股或中心校可新建县管校聘轮次")
    form = forms.RoundCreateForm(request.POST, user=request.user)
    rnd = run_form(
        request, form, lambda d: services.round_create(actor=request.user, year=d["year"], name=d["name"],
                                                      effective_date=d["effective_date"], township=d["township"]),
        "轮次已创建",
    )  # fmt: skip
    return hx_redirect(request, reverse("teachers:round", args=[rnd.pk]) if rnd else reverse("teachers:rounds"))


def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require_rounds(request.user)
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
    manage = can_manage_round(request.user, rnd.township_id)
    personnel = is_personnel(request.user)
    chart = pie_chart(
        [
            ("校内竞聘留聘", counts["s1"]),
            ("跨校竞聘录用", counts["s2"]),
            ("组织调剂", counts["s3"]),
            ("落聘待岗", counts["s4"]),
            ("尚未安置", counts["unplaced"]),
        ],
        radius=("40%", "70%"),
    )
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
            "is_personnel": personnel,
            # the next stage this user may open (publication and execution are the 人事股's)
            "can_advance": manage
            and next_label is not None
            and (personnel or ROUND_ORDER[idx + 1] not in PERSONNEL_ONLY_TARGETS),
            "score_school": request.user.school_id
            if not manage and request.user.role == Role.PRINCIPAL and rnd.status in CROSS_SCORE_STATUSES[:-1]
            else None,
            "next_label": next_label,
            "feasibility": feasibility,
            "oversubscribed": oversubscribed,
            "subject_stages": selectors.round_subject_stages(user=request.user, round=rnd),
            "standby": selectors.round_standby(user=request.user, round=rnd)
            if rnd.status == RoundStatus.APPLIED
            else [],
            "events": selectors.round_events(round=rnd),
            "appeals": selectors.round_appeals(user=request.user, round=rnd).filter(application__in=apps),
            "schools": selectors.round_schools(user=request.user) if manage else [],
            "teachers": selectors.round_teachers(user=request.user)
            if manage and rnd.status == RoundStatus.APPLYING
            else [],
        },
    )


ROUND_ACTIONS: dict[str, Action[HiringRound]] = {
    "advance": (forms.NoteForm, "已进入下一阶段", lambda u, rnd, d: services.round_advance(
        actor=u, round=rnd, note=d["note"])),
    "recompute": (forms.NoteForm, "已重新计算安置", lambda u, rnd, d: services.round_recompute(
        actor=u, round=rnd, note=d["note"] or "审核更正")),
    "post": (forms.PostForm, "岗位已保存", lambda u, rnd, d: services.round_post_set(
        actor=u, round=rnd, school=d["school"], subject=d["subject"], count=d["count"])),
    "apply": (forms.ApplyForm, "报名已保存", lambda u, rnd, d: services.application_submit(
        actor=u, round=rnd, teacher=d["teacher"], choices=d["choices"], subject=d["subject"],
        in_school=d["in_school"])),
    "score": (forms.ScoreForm, "评分已保存", lambda u, rnd, d: services.score_set(
        actor=u, application=d["application"], school=d["school"], score=d["score"])),
    "appeal": (forms.AppealForm, "申诉已登记", lambda u, rnd, d: services.appeal_file(
        actor=u, application=d["application"], reason=d["reason"])),
    "decide": (forms.DecideForm, "申诉已处理", lambda u, rnd, d: services.appeal_decide(
        actor=u, appeal=d["appeal"], upheld=d["upheld"], outcome=d["outcome"])),
    "training": (forms.TrainingForm, "待岗培训已登记", lambda u, rnd, d: services.standby_training_record(
        actor=u, standby=d["standby"], training=d["training"], start=d["start"], end=d["end"], passed=d["passed"],
        note=d["note"])),
    "reassign": (forms.ReassignForm, "已重新安排岗位", lambda u, rnd, d: services.standby_reassign(
        actor=u, standby=d["standby"], school=d["school"], date=d["date"], note=d["note"])),
}  # fmt: skip


@require_POST
def round_action(request: AuthedRequest, pk: int) -> HttpResponse:
    require_rounds(request.user)
    rnd = _get(request, pk)
    return act(request, ROUND_ACTIONS, rnd, back=lambda data: reverse("teachers:round", args=[rnd.pk]))
