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
    (
        _("义务教育"),
        [
            (_("控辍保学"), "dropout:dashboard"),
            (_("辍学预警"), "warning:dashboard"),
            (_("月度通报"), "dropout:bulletins"),
        ],
    ),
    (
        _("教师队伍"),
        [
            (_("编制与缺口"), "teachers:dashboard"),
            (_("县管校聘"), "teachers:rounds"),
            (_("交流轮岗"), "teachers:rotation"),
            (_("师德档案"), "teachers:ethics"),
        ],
    ),
    (
        _("办学条件"),
        [
            (_("项目建设"), "facilities:projects"),
            (_("学前布局"), "facilities:coverage"),
            (_("经费保障"), "finance:dashboard"),
            (_("优质均衡"), "standards:balance"),
            (_("办学条件达标"), "standards:compliance"),
            (_("示范校创建"), "standards:demonstration"),
            (_("学位预测"), "forecast:dashboard"),
        ],
    ),
    (
        _("教育质量"),
        [
            (_("综合素质评价"), "quality:evaluation"),
            (_("1+X证书"), "quality:certificates"),
            (_("技能竞赛"), "quality:competitions"),
            (_("职普融合"), "quality:pathways"),
        ],
    ),
    (_("教育信息化"), [(_("学习行为分析"), "learning:dashboard")]),
    (
        _("校园安全"),
        [(_("平安校园"), "safety:dashboard"), (_("隐患整改"), "safety:hazards"), (_("设备监测"), "safety:devices")],
    ),
    (
        _("督导考核"),
        [
            (_("工作计划"), "supervision:plan"),
            (_("挂钩联系"), "supervision:links"),
            (_("督学责任区"), "supervision:zones"),
            (_("整改跟踪"), "supervision:rectifications"),
            (_("考核评估"), "supervision:assessment"),
            (_("督查通报"), "bulletins:list"),
            (_("数据大屏"), "bulletins:screen"),
        ],
    ),
    (_("数据交换"), [(_("导入"), "exchange:imports")]),
    (_("系统"), [(_("审计日志"), "web:audit"), (_("定时任务"), "web:jobs"), (_("管理后台"), "admin:index")]),
]


# Who may open a page: "module:function" predicates, each the same function the page itself checks (one source of
# truth: a link is shown exactly to the users the page lets in; docs/roles.md has the role × page matrix, and
# jiaoyun/web/tests/test_role_menus.py proves it for every demo role). Pages not listed are open to every
# logged-in user (they filter by data scope themselves).
ACCESS: dict[str, str] = {
    "web:audit": "jiaoyun.core.selectors:can_view_audit",
    "web:jobs": "jiaoyun.core.selectors:can_view_jobs",
    "admin:index": "jiaoyun.web.context:can_open_admin",
    "exchange:imports": "jiaoyun.exchange.permissions:can_import",
    "teachers:dashboard": "jiaoyun.teachers.permissions:can_view_quotas",
    "teachers:gaps": "jiaoyun.teachers.permissions:can_view_quotas",
    "teachers:rounds": "jiaoyun.teachers.permissions:may_see_rounds",
    "teachers:rotation": "jiaoyun.teachers.permissions:can_view_rotation",
    "teachers:ethics": "jiaoyun.teachers.permissions:can_view_ethics",
    "safety:dashboard": "jiaoyun.safety.permissions:can_read",
    "safety:hazards": "jiaoyun.safety.permissions:can_read",
    "safety:devices": "jiaoyun.safety.permissions:can_read",
    "learning:dashboard": "jiaoyun.web.context:has_learning_scope",
    "facilities:projects": "jiaoyun.facilities.permissions:can_read",
    "facilities:project_new": "jiaoyun.facilities.permissions:can_write",
    "finance:dashboard": "jiaoyun.finance.permissions:can_read",
    "facilities:coverage": "jiaoyun.facilities.coverage.access:can_view",
    "facilities:map": "jiaoyun.facilities.coverage.access:can_view",
    "standards:balance": "jiaoyun.standards.permissions:can_read",
    "standards:compliance": "jiaoyun.standards.permissions:can_read",
    "standards:demonstration": "jiaoyun.standards.permissions:can_read",
    "warning:dashboard": "jiaoyun.warning.selectors:may_view",
    "warning:followups": "jiaoyun.warning.selectors:may_view",
    "warning:evaluation": "jiaoyun.warning.selectors:may_view",
    "quality:evaluation": "jiaoyun.quality.permissions:can_view_evaluation",
    "quality:certificates": "jiaoyun.quality.permissions:can_view_quality",
    "quality:competitions": "jiaoyun.quality.permissions:can_view_quality",
    "quality:pathways": "jiaoyun.quality.permissions:can_view_quality",
    # Pages that filter by the scope chokepoint and refuse nobody: shown to whom their list can hold a row.
    "areas:list": "jiaoyun.web.context:has_people_scope",
    "schools:list": "jiaoyun.web.context:has_people_scope",
    "dropout:dashboard": "jiaoyun.web.context:has_people_scope",
    "dropout:bulletins": "jiaoyun.web.context:has_people_scope",
    "indicators:dashboard": "jiaoyun.web.context:has_people_scope",
    "people:students": "jiaoyun.web.context:has_people_scope",
    "people:teachers": "jiaoyun.web.context:has_staff_scope",
    "forecast:dashboard": "jiaoyun.forecast.permissions:can_view",
    "supervision:plan": "jiaoyun.supervision.permissions:can_view",
    "supervision:links": "jiaoyun.supervision.permissions:can_view",
    "supervision:zones": "jiaoyun.supervision.permissions:can_view",
    "supervision:rectifications": "jiaoyun.supervision.permissions:can_view_rectifications",
    "supervision:assessment": "jiaoyun.supervision.permissions:can_view_assessment",
    "bulletins:list": "jiaoyun.bulletins.permissions:can_read",
    "bulletins:screen": "jiaoyun.bulletins.permissions:can_view_screen",
}


def can_open_admin(user: User) -> bool:
    """The admin site lets in active staff accounts (``AdminSite.has_permission``): the three administrators for
    accounts, the security policy and the audit archive, and the county administrator for its scope."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def has_people_scope(user: User) -> bool:
    """Users with a data scope (not the three administrators, who see no people-level data; not a student, whose
    scope is their own record: no list is theirs)."""
    from jiaoyun.core.scope import scope_for

    return scope_for(user).level not in (ScopeLevel.NONE, ScopeLevel.STUDENT)


def has_staff_scope(user: User) -> bool:
    """教职工 (``teacher_q``): the county, a township and a school see their staff; a village cadre sees none and a
    class teacher only their own record, so the list is not theirs."""
    from jiaoyun.core.scope import scope_for

    return scope_for(user).level in (ScopeLevel.COUNTY, ScopeLevel.TOWNSHIP, ScopeLevel.SCHOOL)


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
    predicate = getattr(importlib.import_module(module_name), func_name)  # a wrong entry fails, never shows
    return bool(predicate(user))


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu, and ``page_access``: for each menu page (``teachers:rounds`` → ``teachers_rounds``) whether the
    user may open it, so that a page's own tabs and links to other pages follow the same predicates."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_sections": [], "page_access": {}}
    path = request.path
    sections: list[dict[str, Any]] = []
    access: dict[str, bool] = {}
    for label, items in NAVIGATION:
        links: list[dict[str, Any]] = []
        for item_label, name in items:
            access[name.replace(":", "_")] = allowed = _allowed(name, request.user)
            if not allowed:
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
    return {"nav_sections": sections, "page_access": access}
