"""Learning-behaviour analytics pages (read the stat tables) and a student's timeline for the class teacher."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar

from django.http import Http404, HttpResponse
from django.utils import timezone

from jiaoyun.core.choices import ScopeLevel
from jiaoyun.core.scope import scope_for
from jiaoyun.core.types import AuthedRequest
from jiaoyun.learning import selectors
from jiaoyun.learning.forms import WindowForm
from jiaoyun.learning.models import LearningStat
from jiaoyun.reports.export import Column, export_response, wants_export
from jiaoyun.web.charts import empty_chart
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

Level = LearningStat.Level
LEVEL_BY_SCOPE: dict[str, str] = {
    ScopeLevel.COUNTY: Level.TOWNSHIP,
    ScopeLevel.TOWNSHIP: Level.SCHOOL,
    ScopeLevel.SCHOOL: Level.CLASS,
    ScopeLevel.CLASS: Level.CLASS,
}
UNIT_URL: dict[str, str] = {
    Level.TOWNSHIP: "learning:township",
    Level.SCHOOL: "learning:school",
    Level.CLASS: "learning:class",
}
WEEK_OPTIONS = [4, 8, 12, 20, 26]
DASHBOARD = "learning/dashboard.html"
T = TypeVar("T")


def _found(obj: T | None, message: str) -> T:
    if obj is None:
        raise Http404(message)
    return obj


def _window(request: AuthedRequest) -> tuple[int, dt.date, dt.date]:
    """The weeks asked for (``?weeks=``) and the first days of the first and last of them."""
    weeks = WindowForm(request.GET).weeks_value
    end = selectors.latest_week_start() or timezone.localdate()
    return weeks, end - dt.timedelta(weeks=weeks - 1), end


def _trend_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Weekly trend (weeks are ordinal); two value axes: counts and hours from 0, rates 0–100 %."""
    if not points:
        return empty_chart()
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["活跃学生", "学习时长（小时）", "平均得分率（%）", "课堂记录占比（%）"]},
        "grid": {"left": 48, "right": 48, "bottom": 30},
        "xAxis": {"type": "category", "data": [p["start"].strftime("%m-%d") for p in points]},
        "yAxis": [
            {"type": "value", "min": 0},
            {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        ],
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
    request: AuthedRequest,
    *,
    level: str,
    title: str,
    extra: dict[str, Any],
    school_id: int | None = None,
    township_id: int | None = None,
) -> HttpResponse:
    weeks, start, end = _window(request)
    rows = selectors.stat_list(
        user=request.user, level=level, start=start, end=end, school_id=school_id, township_id=township_id
    )
    units = selectors.stat_units(rows, level=level, n_weeks=weeks)
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
        "unit_url": UNIT_URL[level],
        "units": units,
        "totals": selectors.stat_totals(rows),
        "latest": points[-1] if points else None,
        "chart_trend": _trend_chart(points),
        **extra,
    }
    return render_page(request, DASHBOARD, context)


def dashboard(request: AuthedRequest) -> HttpResponse:
    level = _found(LEVEL_BY_SCOPE.get(scope_for(request.user).level), "无权查看学习行为数据")
    return _page(request, level=level, title="学习行为分析", extra={})


def school_detail(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = _found(selectors.school_get(user=request.user, school_id=school_id), "学校不存在或不在您的数据范围内")
    return _page(request, level=Level.CLASS, title=school.name, extra={"school": school}, school_id=school.pk)


def township_detail(request: AuthedRequest, township_id: int) -> HttpResponse:
    township = _found(
        selectors.township_get(user=request.user, township_id=township_id), "乡镇不存在或不在您的数据范围内"
    )
    return _page(
        request, level=Level.SCHOOL, title=township.name, extra={"township": township}, township_id=township.pk
    )


def class_detail(request: AuthedRequest, class_id: int) -> HttpResponse:
    school_class = _found(selectors.class_get(user=request.user, class_id=class_id), "班级不存在或不在您的数据范围内")
    weeks, start, end = _window(request)
    rows = selectors.stat_list(user=request.user, level=Level.CLASS, start=start, end=end, unit_id=school_class.pk)
    students = paginate(request, selectors.class_students(user=request.user, school_class=school_class))
    return render_page(
        request,
        "learning/class.html",
        {
            "school_class": school_class,
            "weeks": weeks,
            "totals": selectors.stat_totals(rows),
            "chart_trend": _trend_chart(selectors.trend(rows)),
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


def student_timeline(request: AuthedRequest, student_id: int) -> HttpResponse:
    student = _found(selectors.student_get(user=request.user, student_id=student_id), "学生不存在或不在您的数据范围内")
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
    return render_page(request, "learning/timeline.html", {"student": student, "page": page, "items": items})
