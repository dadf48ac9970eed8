"""Navigation by the work-plan areas of the seed (part 三 targets, parts 四/五 measures)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (section label, [(item label, url name)]) — items whose URL is not (yet) installed are hidden.
NAVIGATION: list[tuple[str, list[tuple[str, str]]]] = [
    ("工作目标", [("目标指标", "indicators:dashboard")]),
    (
        "基础数据",
        [
            ("区域与人口", "areas:list"),
            ("学校", "schools:list"),
            ("学生", "people:students"),
            ("教职工", "people:teachers"),
        ],
    ),
    ("义务教育", [("控辍保学", "dropout:dashboard"), ("月度通报", "dropout:bulletins")]),
    (
        "教师队伍",
        [
            ("编制与缺口", "teachers:dashboard"),
            ("县管校聘", "teachers:rounds"),
            ("交流轮岗", "teachers:rotation"),
            ("师德档案", "teachers:ethics"),
        ],
    ),
    ("教育信息化", [("学习行为分析", "learning:dashboard")]),
    ("校园安全", [("平安校园", "safety:dashboard"), ("隐患整改", "safety:hazards"), ("设备监测", "safety:devices")]),
    ("数据交换", [("导入", "exchange:imports")]),
    ("系统", [("审计日志", "web:audit")]),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_sections": []}
    path = request.path
    sections = []
    for label, items in NAVIGATION:
        links = []
        for item_label, name in items:
            url = _url(name)
            if url:
                links.append({"label": item_label, "url": url, "active": path.startswith(url) and url != "/"})
        if links:
            sections.append({"label": label, "links": links})
    return {"nav_sections": sections}
