"""The tabs of each module (控辍保学, 平安校园, 教师队伍…), drawn by one partial (``web/partials/subnav.html``).

A module page writes ``{% subnav "dropout" %}``; the tabs are listed here once, as (label, URL name, URL args,
who may see it). A tab is shown only to users who may open it: the sidebar's rule for that URL name
(``jiaoyun.web.context.ACCESS``) and, where given, the tab's own predicate (``"module:function"`` of the owning
app, imported when the tab is drawn, so ``web`` does not import the domain apps). The tab whose URL is the
longest prefix of the current path is marked ``aria-current="page"``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from jiaoyun.core.types import User


@dataclass(frozen=True)
class Tab:
    label: str
    name: str
    args: tuple[Any, ...] = ()
    may_see: str | None = None  # "module:function" taking the user


# module → (aria label of the navigation, tabs)
MODULES: dict[str, tuple[str, list[Tab]]] = {
    "quality": (
        "教育质量",
        [
            Tab("综合素质评价", "quality:evaluation"),
            Tab("1+X证书", "quality:certificates"),
            Tab("技能竞赛", "quality:competitions"),
            Tab("职普融合", "quality:pathways"),
        ],
    ),
    "dropout": (
        "控辍保学",
        [
            Tab("台账总览", "dropout:dashboard"),
            Tab("适龄儿童台账", "dropout:children"),
            Tab("疑似辍学/失学台账", "dropout:ledger", ("suspected",)),
            Tab("辍学学生台账", "dropout:ledger", ("dropouts",)),
            Tab("预防性跟进台账", "dropout:followups"),
            Tab("缺勤登记", "dropout:absences"),
            Tab("双线四级责任人", "dropout:responsibles"),
            Tab("月报与季度复核", "dropout:reports"),
            Tab("月度通报", "dropout:bulletins"),
            Tab("户籍名册", "dropout:hukou", may_see="jiaoyun.dropout.permissions:is_county"),
        ],
    ),
    "warning": (
        "辍学预警",
        [
            Tab("预警总览", "warning:dashboard"),
            Tab("预防性跟进", "warning:followups"),
            Tab("模型评估", "warning:evaluation"),
        ],
    ),
    "safety": (
        "平安校园",
        [
            Tab("总览", "safety:dashboard"),
            Tab("达标情况", "safety:compliance"),
            Tab("安全检查", "safety:inspections"),
            Tab("隐患整改", "safety:hazards"),
            Tab("设备监测", "safety:devices"),
            Tab("周边风险", "safety:risks"),
            Tab("达标规则", "safety:rules"),
            Tab("月度通报", "safety:bulletin"),
        ],
    ),
    "preschool": (
        "学前布局",
        [Tab("覆盖与普惠学位", "facilities:coverage"), Tab("布局地图", "facilities:map")],
    ),
    "standards": (
        "办学标准与均衡",
        [
            Tab("优质均衡", "standards:balance"),
            Tab("模拟测算", "standards:whatif", may_see="jiaoyun.standards.permissions:is_county_reader"),
            Tab("自评清单", "standards:checklist", may_see="jiaoyun.standards.permissions:is_county_reader"),
            Tab("办学条件达标", "standards:compliance"),
            Tab("示范校创建", "standards:demonstration"),
        ],
    ),
    "supervision": (
        "督导",
        [
            Tab("工作计划", "supervision:plan"),
            Tab("挂钩联系", "supervision:links"),
            Tab("督学责任区", "supervision:zones"),
            Tab("整改跟踪", "supervision:rectifications"),
            Tab("考核评估", "supervision:assessment"),
        ],
    ),
    "teachers": (
        "教师队伍",
        [
            Tab("编制与缺口", "teachers:dashboard"),
            Tab("学科缺口明细", "teachers:gaps"),
            Tab("县管校聘", "teachers:rounds"),
            Tab("交流轮岗", "teachers:rotation"),
            Tab("师德档案", "teachers:ethics"),
        ],
    ),
    "basic": (
        "基础数据",
        [
            Tab("区域与人口", "areas:list"),
            Tab("学校", "schools:list"),
            Tab("学生", "people:students"),
            Tab("教职工", "people:teachers"),
        ],
    ),
    "facilities": (
        "项目与经费",
        [
            Tab("项目建设", "facilities:projects"),
            Tab("登记新项目", "facilities:project_new", may_see="jiaoyun.facilities.permissions:can_write"),
            Tab("学前布局", "facilities:coverage"),
        ],
    ),
    "bulletins": (
        "督查通报",
        [
            Tab("月度督查通报", "bulletins:list"),
            Tab("决定跟踪", "bulletins:decisions"),
            Tab("数据大屏", "bulletins:screen"),
        ],
    ),
    "notices": (
        "消息",
        [
            Tab("消息", "notices:inbox"),
            Tab("提醒设置", "notices:preferences"),
            Tab("发送记录", "notices:deliveries", may_see="jiaoyun.notices.permissions:can_view_log"),
        ],
    ),
    "indicators": (
        "目标指标",
        [
            Tab("指标总览", "indicators:dashboard"),
            Tab("目标与参照值", "indicators:references"),
        ],
    ),
    "forecast": ("学位预测", [Tab("学位预测", "forecast:dashboard")]),
}


def _predicate(target: str, user: User | AnonymousUser) -> bool:
    module_name, func_name = target.split(":")
    return bool(getattr(importlib.import_module(module_name), func_name)(user))


def _sidebar_allows(name: str, user: User | AnonymousUser) -> bool:
    from jiaoyun.web import context

    return context._allowed(name, user)  # type: ignore[arg-type]  # pages with tabs require a login


def tabs(module: str, request: HttpRequest) -> dict[str, Any]:
    """The tabs of ``module`` the requesting user may open, the current one marked ``active``."""
    label, module_tabs = MODULES[module]
    user = request.user
    links: list[dict[str, Any]] = []
    for tab in module_tabs:
        if not _sidebar_allows(tab.name, user) or (tab.may_see and not _predicate(tab.may_see, user)):
            continue
        try:
            url = reverse(tab.name, args=tab.args)
        except NoReverseMatch:
            continue
        links.append({"label": tab.label, "url": url, "active": False})
    matching = [link for link in links if request.path.startswith(link["url"])]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["active"] = True
    return {"label": label, "links": links, "module": module}
