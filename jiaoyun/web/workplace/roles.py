"""What each role's home page shows: its 待办 providers, its figures, its links (docs/workplace.md).

A provider is ``f(*, user, today) -> list[TodoItem]`` in the module that owns the items. The county roles
(county administrator, county leader, and the bureau sections without a module of their own) keep the county
view, with a compact strip of the county's 待办 above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from jiaoyun.core import todo as core_todo
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.todo import TodoItem, ordered
from jiaoyun.core.types import User

Provider = Callable[..., list[TodoItem]]


@dataclass
class Workplace:
    """One user's home page: ``kind`` chooses the layout (``county`` renders the county view with a strip)."""

    kind: str
    title: str
    items: list[TodoItem]
    today: dt.date
    links: list[tuple[str, str]] = field(default_factory=list)
    figures: dict[str, Any] | None = None
    recent: list[Any] = field(default_factory=list)
    lead: str = ""

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


def _providers() -> dict[str, tuple[str, list[Provider], list[tuple[str, str]], str]]:
    """kind → (title, providers, links (label, URL name), lead text). Imported here so that an app left out of
    INSTALLED_APPS only removes its items."""
    from jiaoyun.bulletins import todo as bulletins
    from jiaoyun.dropout import todo as dropout
    from jiaoyun.exchange import todo as exchange
    from jiaoyun.facilities import todo as facilities
    from jiaoyun.indicators import todo as indicators
    from jiaoyun.quality import todo as quality
    from jiaoyun.safety import todo as safety
    from jiaoyun.standards import todo as standards
    from jiaoyun.supervision import todo as supervision
    from jiaoyun.teachers import todo as teachers
    from jiaoyun.warning import todo as warning

    return {
        "class_teacher": ("班主任工作台", [dropout.class_teacher, warning.class_teacher, quality.class_teacher,
                                          exchange.mine],
                          [("登记缺勤", "dropout:absences"), ("本班学生", "people:students"),
                           ("控辍保学案件", "dropout:dashboard")],
                          "本班今日缺勤、控辍保学案件与劝返家访"),
        "village": ("村（社区）工作台", [dropout.village],
                    [("适龄儿童台账", "dropout:children"), ("控辍保学", "dropout:dashboard")],
                    "本村失学辍学儿童及每人的下一步工作"),
        "township": ("乡镇工作台", [dropout.township, warning.township, safety.township, supervision.township,
                                    bulletins.addressee, exchange.mine],
                     [("控辍保学", "dropout:dashboard"), ("学校月报告", "dropout:reports"),
                      ("隐患整改", "safety:hazards"), ("设备监测", "safety:devices")],
                     "本乡镇案件按期限排列（逾期在前）、未报月报告、隐患与设备"),
        "principal": ("校长工作台", [safety.principal, dropout.principal, warning.principal, teachers.principal,
                                     quality.principal, supervision.township, bulletins.addressee, exchange.mine],
                      [("学生", "people:students"), ("控辍保学", "dropout:dashboard"),
                       ("学校月报告", "dropout:reports"), ("隐患整改", "safety:hazards"),
                       ("安全检查", "safety:inspections")],
                      "本校数据、未整改隐患及其期限、应报材料"),
        "section:safety": ("安全股工作台", [safety.section, supervision.owner],
                           [("平安校园", "safety:dashboard"), ("隐患整改", "safety:hazards"),
                            ("设备监测", "safety:devices"), ("安全检查", "safety:inspections")],
                           "全县逾期隐患、未确认预警、离线设备、应开展的安全检查"),
        "section:personnel": ("人事股工作台", [teachers.section, supervision.owner, exchange.mine],
                              [("编制与缺口", "teachers:dashboard"), ("县管校聘", "teachers:rounds"),
                               ("交流轮岗", "teachers:rotation"), ("师德档案", "teachers:ethics")],
                              "县管校聘各轮次进度、交流轮岗、缺编学校、师德违规处理"),
        "section:basic": ("基础教育股工作台", [dropout.county, warning.county, indicators.basic, standards.section,
                                              supervision.owner, exchange.mine],
                          [("控辍保学", "dropout:dashboard"), ("月度通报", "dropout:bulletins"),
                           ("学校月报告", "dropout:reports"), ("目标指标", "indicators:dashboard")],
                          "全县控辍保学案件按期限排列、未报月报告、未达标指标"),
        "section:supervision": ("督导室工作台", [bulletins.supervision, supervision.inspector, supervision.owner,
                                            supervision.strip, indicators.section, standards.section, dropout.strip,
                                            safety.strip],
                                [("工作计划", "supervision:plan"), ("督学责任区", "supervision:zones"),
                                 ("整改跟踪", "supervision:rectifications"), ("督查通报", "bulletins:list"),
                                 ("决定跟踪", "bulletins:decisions"), ("优质均衡", "standards:balance")],
                                "本月督导与待核验整改、逾期计划任务与整改、待发的督查通报与决定、未达目标的指标"),
        "section:finance": ("计划财务股工作台", [facilities.section, supervision.owner, exchange.mine],
                            [("项目建设", "facilities:projects"), ("登记新项目", "facilities:project_new")],
                            "进度滞后的建设项目（最久的在前）、竣工验收后未付清的合同款"),
        "auditor": ("审计工作台", [core_todo.audit_items],
                    [("审计日志", "web:audit")], "近7天的敏感操作：查看证件号、导出、登录失败、账号与权限变更"),
        "system_admin": ("系统管理工作台", [core_todo.account_items],
                         [("账号管理", "admin:core_user_changelist"), ("定时任务", "web:jobs")],
                         "账号锁定、密码到期"),
        "security_admin": ("安全管理工作台", [core_todo.account_items],
                           [("安全策略", "admin:core_securitypolicy_changelist"),
                            ("账号", "admin:core_user_changelist")],
                           "账号锁定、密码到期、登录失败"),
        "student": ("我的工作台", [quality.student], [("综合素质评价", "quality:evaluation")],
                    "本学期写实记录、公示与综合素质档案"),
        "county": ("全县工作台", [supervision.strip, dropout.strip, safety.strip, facilities.strip, exchange.mine],
                   [], ""),
        "county_leader": ("全县工作台", [supervision.strip, dropout.strip, safety.strip, facilities.strip], [], ""),
    }  # fmt: skip


def kind_of(user: User) -> str:
    role = getattr(user, "role", Role.NONE)
    if role == Role.BUREAU_STAFF:
        section = getattr(user, "section", "")
        return f"section:{section}" if section in (Section.SAFETY, Section.PERSONNEL, Section.BASIC,
                                                   Section.SUPERVISION, Section.FINANCE) else "county"  # fmt: skip
    return {
        Role.CLASS_TEACHER: "class_teacher",
        Role.VILLAGE_CADRE: "village",
        Role.STUDENT: "student",
        Role.TOWNSHIP_OFFICER: "township",
        Role.TOWNSHIP_GOV: "township",
        Role.PRINCIPAL: "principal",
        Role.AUDIT_ADMIN: "auditor",
        Role.SYSTEM_ADMIN: "system_admin",
        Role.SECURITY_ADMIN: "security_admin",
        Role.COUNTY_ADMIN: "county",
        Role.COUNTY_LEADER: "county_leader",
    }.get(role, "none")


def _links(names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for label, name in names:
        try:
            found.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return found


def workplace_for(user: User, today: dt.date | None = None) -> Workplace:
    """The home page of ``user``: the items of the role's providers, the overdue first."""
    today = today or timezone.localdate()
    kind = kind_of(user)
    if kind == "none":
        return Workplace(kind="none", title="工作台", items=[], today=today,
                         lead="您的账号尚未分配角色，请联系系统管理员")  # fmt: skip
    title, providers, links, lead = _providers()[kind]
    if getattr(user, "role", "") == Role.TOWNSHIP_GOV:
        title = "乡镇人民政府工作台"
    items: list[TodoItem] = []
    for provider in providers:
        items.extend(provider(user=user, today=today))
    place = Workplace(kind=kind, title=title, items=ordered(items), today=today, links=_links(links), lead=lead)
    if kind == "principal":
        place.figures = principal_figures(user)
    if kind == "auditor":
        place.recent = core_todo.recent_sensitive(user=user)
    return place


def principal_figures(user: User) -> dict[str, Any]:
    """A principal's school: pupils in school, the open 控辍保学 cases and those back in school, the teachers."""
    from jiaoyun.dropout.todo import school_figures
    from jiaoyun.web.selectors import home_figures

    figures = home_figures(user=user)
    return {**figures, "cases": school_figures(user)}
