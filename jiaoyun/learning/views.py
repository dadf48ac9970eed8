"""Learning-behaviour analytics pages (read the stat tables) and a student's timeline for the class teacher."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiaoyun.core.scope import scope_for
from jiaoyun.exchange.export import Column, export_response, wants_export
from jiaoyun.learning import selectors
from jiaoyun.learning.models import LearningStat
from jiaoyun.web.paging import paginate

Level = LearningStat.Level
LEVEL_BY_SCOPE = {"county": Level.TOWNSHIP, "township": Level.SCHOOL, "school": Level.CLASS, "class": Level.CLASS}
WEEK_OPTIONS = [4, 8, 12, 20, 26]
UNIT_FIELD: dict[str, str] = {Level.TOWNSHIP: "township", Level.SCHOOL: "school", Level.CLASS: "school_class"}


def _window(request: HttpRequest) -> tuple[int, dt.date, dt.date]:
    try:
        weeks = min(max(int(request.GET.get("weeks", 12)), 1), 52)
    except ValueError:
        weeks = 12
    last = (
        selectors.LearningStat.objects.filter(period="week").order_by("-start").values_list("start", flat=True).first()
    )
    end = last or timezone.localdate()
    return weeks, end - dt.timedelta(weeks=weeks - 1), end


def _units(rows: Any, level: str, n_weeks: int) -> list[dict[str, Any]]:
    """Per unit over the window: one grouped query on the stat table."""
    field = UNIT_FIELD[level]
    out = []
    grouped = (
        rows.order_by()
        .values("unit_id", f"{field}__name" if level != Level.CLASS else "school_class__name")
        .annotate(
            weeks=Count("id"),
            statements=Sum("statements"),
            learners=Sum("learners"),
            seconds=Sum("seconds"),
            completed=Sum("completed"),
            scored=Sum("scored"),
            score_sum=Sum("score_sum"),
            in_class=Sum("in_class"),
            online=Sum("online"),
        )
    )
    names: dict[int, str] = {}
    if level == Level.CLASS:
        from jiaoyun.schools.models import SchoolClass

        ids = [g["unit_id"] for g in grouped]
        names = {c.pk: str(c) for c in SchoolClass.objects.filter(pk__in=ids).select_related("school")}
    for g in grouped:
        total = g["in_class"] + g["online"]
        out.append(
            {
                "id": g["unit_id"],
                "name": names.get(g["unit_id"]) if level == Level.CLASS else g[f"{field}__name"],
                "statements": g["statements"],
                "learners": round(g["learners"] / n_weeks, 1),
                "hours": round((g["seconds"] or 0) / 3600, 1),
                "completed": g["completed"],
                "avg_score": round(g["score_sum"] / g["scored"] * 100, 1) if g["scored"] else None,
                "in_class_share": round(g["in_class"] / total * 100, 1) if total else None,
            }
        )
    return sorted(out, key=lambda r: str(r["name"]))


def _trend_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["活跃学生", "学习时长（小时）", "平均得分率（%）", "课堂记录占比（%）"]},
        "grid": {"left": 48, "right": 48, "bottom": 30},
        "xAxis": {"type": "category", "data": [p["start"].strftime("%m-%d") for p in points]},
        "yAxis": [{"type": "value"}, {"type": "value", "max": 100}],
        "series": [
            {"name": "活跃学生", "type": "bar", "data": [p["learners"] for p in points]},
            {"name": "学习时长（小时）", "type": "line", "data": [p["hours"] for p in points]},
            {"name": "平均得分率（%）", "type": "line", "yAxisIndex": 1, "data": [p["avg_score"] for p in points]},
            {
                "name": "课堂记录占比（%）",
                "type": "line",
                "yAxisIndex": 1,
                "data": [p["in_class_share"] for p in points],
            },
        ],
    }


UNIT_COLUMNS = [
    Column("单位", lambda r: r["name"]),
    Column("记录数", lambda r: r["statements"]),
    Column("周均活跃学生", lambda r: r["learners"]),
    Column("学习时长（小时）", lambda r: r["hours"]),
    Column("完成活动", lambda r: r["completed"]),
    Column("平均得分率（%）", lambda r: r["avg_score"] if r["avg_score"] is not None else ""),
    Column("课堂记录占比（%）", lambda r: r["in_class_share"] if r["in_class_share"] is not None else ""),
]


def _page(
    request: HttpRequest, *, level: str, title: str, template: str, extra: dict[str, Any], **filters: Any
) -> HttpResponse:
    weeks, start, end = _window(request)
    rows = selectors.stat_list(user=request.user, level=level, start=start, end=end, **filters)
    units = _units(rows, level, weeks)
    if wants_export(request):
        return export_response(
            request,
            rows=units,
            columns=UNIT_COLUMNS,
            filename=f"{title}学习行为统计",
            object_type="learning.stat",
            personal=False,
        )
    points = selectors.trend(rows)
    context = {
        "title": title,
        "weeks": weeks,
        "week_options": WEEK_OPTIONS,
        "start": start,
        "end": end,
        "level": level,
        "level_label": Level(level).label,
        "units": units,
        "totals": selectors.stat_totals(rows),
        "latest": points[-1] if points else None,
        "chart_trend": _trend_chart(points),
        **extra,
    }
    return render(request, template, context)


def dashboard(request: HttpRequest) -> HttpResponse:
    level = LEVEL_BY_SCOPE.get(scope_for(request.user).level)
    if level is None:
        raise Http404("无权查看学习行为数据")
    return _page(request, level=level, title="学习行为分析", template="learning/dashboard.html", extra={})


def school_detail(request: HttpRequest, school_id: int) -> HttpResponse:
    school = selectors.school_get(user=request.user, school_id=school_id)
    if school is None:
        raise Http404("学校不存在或不在您的数据范围内")
    return _page(
        request,
        level=Level.CLASS,
        title=school.name,
        template="learning/dashboard.html",
        extra={"school": school},
        school_id=school.pk,
    )


def township_detail(request: HttpRequest, township_id: int) -> HttpResponse:
    from jiaoyun.areas.models import Area
    from jiaoyun.core.scope import area_q

    township = Area.objects.filter(area_q(request.user), pk=township_id).first()
    if township is None:
        raise Http404("乡镇不存在或不在您的数据范围内")
    return _page(
        request,
        level=Level.SCHOOL,
        title=township.name,
        template="learning/dashboard.html",
        extra={"township": township},
        township_id=township.pk,
    )


def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = selectors.class_get(user=request.user, class_id=class_id)
    if school_class is None:
        raise Http404("班级不存在或不在您的数据范围内")
    weeks, start, end = _window(request)
    rows = selectors.stat_list(user=request.user, level=Level.CLASS, start=start, end=end).filter(
        unit_id=school_class.pk
    )
    points = selectors.trend(rows)
    students = paginate(request, selectors.class_students(user=request.user, school_class=school_class))
    return render(
        request,
        "learning/class.html",
        {
            "school_class": school_class,
            "weeks": weeks,
            "totals": selectors.stat_totals(rows),
            "chart_trend": _trend_chart(points),
            "page": students,
        },
    )


VERB_LABELS = {
    "completed": "完成",
    "passed": "通过",
    "failed": "未通过",
    "attempted": "尝试",
    "answered": "作答",
    "experienced": "学习",
    "attended": "出席",
    "commented": "评论",
    "voided": "作废",
}


def _describe(data: str) -> dict[str, str]:
    st = json.loads(data)
    verb = st["verb"]["id"].rstrip("/").rsplit("/", 1)[-1]
    display = st["verb"].get("display") or {}
    obj = st.get("object", {})
    names = (obj.get("definition") or {}).get("name") or {}
    return {
        "verb": display.get("zh-CN") or VERB_LABELS.get(verb) or next(iter(display.values()), verb),
        "object": names.get("zh-CN") or next(iter(names.values()), obj.get("id", "")),
        "platform": (st.get("context") or {}).get("platform", ""),
    }


def student_timeline(request: HttpRequest, student_id: int) -> HttpResponse:
    student = selectors.student_get(user=request.user, student_id=student_id)
    if student is None:
        raise Http404("学生不存在或不在您的数据范围内")
    records = selectors.student_timeline(user=request.user, student_id=student.pk)
    if wants_export(request):
        return export_response(
            request,
            rows=records[:5000],
            columns=[
                Column("时间", lambda s: timezone.localtime(s.timestamp).strftime("%Y-%m-%d %H:%M")),
                Column("行为", lambda s: _describe(s.data)["verb"]),
                Column("学习活动", lambda s: _describe(s.data)["object"]),
                Column("时长（分钟）", lambda s: round(s.duration_s / 60, 1) if s.duration_s else ""),
                Column("得分率", lambda s: round(s.score_scaled * 100, 1) if s.score_scaled is not None else ""),
                Column("场景", lambda s: "课堂" if s.in_class else "在线"),
            ],
            filename=f"{student.name}学习记录",
            object_type="learning.statement",
        )
    page = paginate(request, records)
    items = [
        {
            "s": s,
            "minutes": round(s.duration_s / 60) if s.duration_s else None,
            "score_pct": s.score_scaled * 100 if s.score_scaled is not None else None,
            **_describe(s.data),
        }
        for s in page.object_list
    ]
    return render(request, "learning/timeline.html", {"student": student, "page": page, "items": items})
