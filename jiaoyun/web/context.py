"""Navigation by the work-plan areas of the seed (part 三 targets, parts 四/五 measures)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiaoyun.core.choices import ScopeLevel
from jiaoyun.core.types import User

# (section label, [(item label, url name)]) — items whose URL is not (yet) installed are hidden.
NAVIGATION: list[tuple[str | Promise, list[tuple[str | Promise, str]]]] = [
    (_("工作目标"), [(_("目标指标"), "indicators:dashboard")]),
    (
        _("基础数据"),
        [
            (_("区域与人口"), "areas:list"),
            (_("学校"), "schools:list"),
            (_("学生"), "people:students"),
            (_("教职工"), "people:teachers"),
        ],
    ),
    (_("义务教育"), [(_("控辍保学"), "dropout:dashboard"), (_("月度通报"), "dropout:bulletins")]),
    (
        _("教师队伍"),
        [
            (_("编制与缺口"), "teachers:dashboard"),
            (_("县管校聘"), "teachers:rounds"),
            (_("交流轮岗"), "teachers:rotation"),
            (_("师德档案"), "teachers:ethics"),
        ],
    ),
    (_("教育信息化"), [(_("学习行为分析"), "learning:dashboard")]),
    (
        _("校园安全"),
        [(_("平安校园"), "safety:dashboard"), (_("隐患整改"), "safety:hazards"), (_("设备监测"), "safety:devices")],
    ),
    (_("数据交换"), [(_("导入"), "exchange:imports")]),
    (_("系统"), [(_("审计日志"), "web:audit"), (_("定时任务"), "web:jobs")]),
]


# Who may open a page: "module:function" predicates of the owning app, so a link is shown only to users who
# can use it. Pages not listed are open to every logged-in user (they filter by data scope themselves).
ACCESS: dict[str, str] = {
    "web:audit": "jiaoyun.core.selectors:can_view_audit",
    "web:jobs": "jiaoyun.core.selectors:can_view_jobs",
    "exchange:imports": "jiaoyun.exchange.permissions:can_import",
    "teachers:ethics": "jiaoyun.teachers.selectors:can_view_ethics",
    "safety:dashboard": "jiaoyun.safety.permissions:can_read",
    "safety:hazards": "jiaoyun.safety.permissions:can_read",
    "safety:devices": "jiaoyun.safety.permissions:can_read",
    "learning:dashboard": "jiaoyun.web.context:has_learning_scope",
    "dropout:dashboard": "jiaoyun.web.context:has_people_scope",
    "dropout:bulletins": "jiaoyun.web.context:has_people_scope",
    "indicators:dashboard": "jiaoyun.web.context:has_people_scope",
    "people:students": "jiaoyun.web.context:has_people_scope",
    "people:teachers": "jiaoyun.web.context:has_people_scope",
    "teachers:dashboard": "jiaoyun.web.context:has_people_scope",
    "teachers:rounds": "jiaoyun.web.context:has_people_scope",
    "teachers:rotation": "jiaoyun.web.context:has_people_scope",
}


def has_people_scope(user: User) -> bool:
    """Users with a data scope (not the three administrators, who see no people-level data)."""
    from jiaoyun.core.scope import scope_for

    return scope_for(user).level != ScopeLevel.NONE


def has_learning_scope(user: User) -> bool:
    """Learning analytics are by township, school and class: not for village cadres."""
    from jiaoyun.core.scope import scope_for

    return scope_for(user).level in (ScopeLevel.COUNTY, ScopeLevel.TOWNSHIP, ScopeLevel.SCHOOL, ScopeLevel.CLASS)


def _allowed(name: str, user: User) -> bool:
    target = ACCESS.get(name)
    if target is None:
        return True
    import importlib

    module_name, func_name = target.split(":")
    try:
        predicate = getattr(importlib.import_module(module_name), func_name)
    except (ImportError, AttributeError):
        return True
    return bool(predicate(user))


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_sections": []}
    path = request.path
    sections: list[dict[str, Any]] = []
    for label, items in NAVIGATION:
        links: list[dict[str, Any]] = []
        for item_label, name in items:
            if not _allowed(name, request.user):
                continue
            url = _url(name)
            if url:
                links.append({"label": item_label, "url": url, "active": False})
        if links:
            sections.append({"label": label, "links": links})
    # Only the link with the longest URL prefix of the current path is marked active.
    matching = [
        link for section in sections for link in section["links"] if link["url"] != "/" and path.startswith(link["url"])
    ]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["active"] = True
    return {"nav_sections": sections}
