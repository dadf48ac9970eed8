"""Pages of 辍学预警: thin — check access, call a selector or service, render."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiaoyun.core.errors import DomainError
from jiaoyun.core.errors import PermissionDenied as DomainPermissionDenied
from jiaoyun.core.types import AuthedRequest
from jiaoyun.warning import explain, selectors, services
from jiaoyun.warning.evaluate import LABELS, METHODS
from jiaoyun.warning.models import FollowupStatus
from jiaoyun.web.htmx import render_page
from jiaoyun.web.paging import paginate

T = TypeVar("T")
GROUP_LABELS = {"ethnicity": "民族", "sex": "性别", "township": "乡镇"}


def _check(user: Any) -> None:
    if not selectors.may_view(user):
        raise PermissionDenied("辍学预警仅对县、乡镇、学校和班主任开放")


def _found(row: T | None, what: str) -> T:
    """The row a selector read within the user's scope; 404 naming ``what`` when there is none (absent and out of
    the scope are not told apart)."""
    if row is None:
        raise Http404(f"该{what}不存在，或不在您的数据范围内")
    return row


def _rows(scores: Any, user: Any) -> list[dict[str, Any]]:
    sensitive = selectors.may_see_sensitive(user)
    return [{"score": s, "factors": explain.masked(s.factors, may_see_sensitive=sensitive)} for s in scores]


def dashboard(request: AuthedRequest) -> HttpResponse:
    """The county/township view: the model in use and why, flagged pupils by township, and the list in scope."""
    user = request.user
    _check(user)
    day = selectors.latest_day()
    in_use = selectors.version_in_use()
    context: dict[str, Any] = {"day": day, "in_use": in_use, "classes": selectors.my_classes(user=user)}
    if day is not None:
        page = paginate(request, selectors.scores(user=user, on=day))
        context.update(
            page=page, rows=_rows(page, user), townships=selectors.township_counts(user=user, on=day),
            due=list(selectors.followups_open(user=user)[:10]), feedback=selectors.feedback_counts(user=user),
        )  # fmt: skip
    if in_use is not None:
        figures = in_use.figures or {}
        context["verdict"] = figures.get("place_verdict", {})
        context["gate"] = figures.get("gate", {})
    return render_page(request, "warning/dashboard.html", context)


def _reliability_chart(summary: dict[str, Any]) -> dict[str, Any]:
    series: list[dict[str, Any]] = [
        {"name": "完全校准", "type": "line", "data": [[0, 0], [1, 1]], "lineStyle": {"type": "dashed"},
         "symbol": "none", "color": "#9ca3af"},
    ]  # fmt: skip
    for m in ("baseline", "learned", "place_school"):
        bins = summary.get(m, {}).get("reliability", [])
        series.append({"name": LABELS[m], "type": "line",
                       "data": [[round(b["predicted"], 4), round(b["observed"], 4)] for b in bins]})  # fmt: skip
    top = max([0.05] + [p for s in series[1:] for pair in s["data"] for p in pair])
    top = min(1.0, round(top * 1.1 + 0.005, 2))
    return {
        "tooltip": {"trigger": "item"}, "legend": {"top": 0}, "grid": {"left": 48, "right": 16, "bottom": 48},
        "xAxis": {"type": "value", "name": "预测概率", "min": 0, "max": top, "nameLocation": "middle", "nameGap": 28},
        "yAxis": {"type": "value", "name": "实际辍学率", "min": 0, "max": top},
        "series": series,
    }  # fmt: skip


def evaluation(request: AuthedRequest) -> HttpResponse:
    """The model's record year by year and by group (民族, sex, township), calibration, the place comparison, the
    gate and the versions — figures only, no child named."""
    user = request.user
    _check(user)
    in_use = selectors.version_in_use()
    versions = selectors.versions()
    current = next((v for v in versions if v.figures), None)
    figures = current.figures if current else {}
    folds = figures.get("folds", [])
    groups = figures.get("groups", {})
    from jiaoyun.areas.models import Area

    names = dict(Area.objects.filter(level="township").values_list("pk", "name"))
    group_rows = []
    for m in ("learned", "baseline"):
        for dim, gs in groups.get(m, {}).items():
            for g, f in gs.items():
                label = names.get(int(g), g) if dim == "township" else g
                group_rows.append({"method": LABELS[m], "dim": GROUP_LABELS[dim], "group": label, **f})
    context = {
        "in_use": in_use, "versions": versions, "current": current, "folds": folds, "methods": METHODS,
        "labels": LABELS, "summary": figures.get("summary", {}), "group_rows": group_rows,
        "verdict": figures.get("place_verdict", {}), "gate": figures.get("gate", {}),
        "share": figures.get("share"), "chart": _reliability_chart(figures.get("summary", {})),
    }  # fmt: skip
    return render_page(request, "warning/evaluation.html", context)


def class_page(request: AuthedRequest, class_id: int) -> HttpResponse:
    """The class teacher's page: who in the class is at risk and why, with the follow-ups."""
    user = request.user
    _check(user)
    school_class = _found(selectors.class_get(user=user, class_id=class_id), "班级")
    day = selectors.latest_day()
    scores = list(selectors.class_scores(user=user, school_class=school_class, on=day)) if day else []
    open_ = {f.student_id: f for f in selectors.followups_open(user=user).filter(school_class=school_class)}
    rows = _rows(scores, user)
    for r in rows:
        r["followup"] = open_.get(r["score"].student_id)
    context = {"school_class": school_class, "day": day, "rows": rows, "may_act": services.FOLLOWUP_ROLES,
               "followups": list(open_.values())}  # fmt: skip
    return render_page(request, "warning/class.html", context)


def pupil(request: AuthedRequest, student_id: int) -> HttpResponse:
    """A pupil's risk: the latest score with its factors, the trend over scoring days, the follow-ups."""
    user = request.user
    _check(user)
    student = _found(selectors.student_get(user=user, student_id=student_id), "学生")
    history = selectors.student_scores(student=student)
    latest = history[0] if history else None
    sensitive = selectors.may_see_sensitive(user)
    context = {
        "student": student, "latest": latest, "history": history,
        "factors": explain.masked(latest.factors, may_see_sensitive=sensitive) if latest else [],
        "followups": selectors.student_followups(student=student), "statuses": services.FEEDBACK,
        "status_labels": dict(FollowupStatus.choices),
        "refusal": services.followup_refusal(user, latest) if latest else "尚无评估",
        "trend_chart": {
            "tooltip": {"trigger": "axis"}, "grid": {"left": 48, "right": 16, "bottom": 32},
            "xAxis": {"type": "category", "data": [h.on.isoformat() for h in reversed(history)]},
            "yAxis": {"type": "value", "name": "风险", "min": 0},
            "series": [{"name": "风险", "type": "line", "data": [round(h.risk, 4) for h in reversed(history)]}],
        },
    }  # fmt: skip
    return render_page(request, "warning/pupil.html", context)


def followups(request: AuthedRequest) -> HttpResponse:
    """The open preventive follow-ups in scope, the earliest deadline first."""
    user = request.user
    _check(user)
    page = paginate(request, selectors.followups_open(user=user))
    return render_page(request, "warning/followups.html", {"page": page, "today": timezone.localdate()})


@require_POST
def followup_open(request: AuthedRequest, score_id: int) -> HttpResponse:
    user = request.user
    _check(user)
    score = _found(selectors.score_get(user=user, pk=score_id), "预警")
    try:
        f = services.followup_open(actor=user, score=score, on=timezone.localdate())
    except DomainPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已发起预防性跟进，责任人{f.responsible_name or '（未配置班主任）'}，期限{f.deadline}"
        )
    nxt = request.POST.get("next") or ""
    return redirect(nxt if _safe(nxt) else reverse("warning:pupil", args=[score.student_id]))


@require_POST
def followup_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    _check(user)
    f = _found(selectors.followup_get(user=user, pk=pk), "跟进")
    try:
        services.followup_feedback(actor=user, followup=f, status=request.POST.get("status", ""),
                                   note=request.POST.get("note", ""), on=timezone.localdate())  # fmt: skip
    except DomainPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已记录跟进结果")
    return redirect(reverse("warning:pupil", args=[f.student_id]))


def _safe(url: str) -> bool:
    """A local path only (no scheme, no other host, no ``//`` or ``/\\`` trick)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
