"""The 四查三比对 results and the dropout module's audit entries in words (no ``linked_by_id=3``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet

from jiaoyun.dropout.choices import MatchRule

# The counts a cross-match run records (``MatchRun.figures``), in the order they are shown.
FIGURE_LABELS: dict[str, str] = {
    "linked_by_id": "户籍按身份证号对应学籍",
    "linked_by_name": "按姓名和出生日期对应（待核对）",
    "ambiguous": "同名同生日需人工核对",
    "roster_only": "户籍有、学籍无（新建适龄儿童档案）",
    "hits": "比对命中",
    **{str(rule.value): str(rule.label) for rule in MatchRule},
    "cases_created": "新建案件",
    "reopened": "再次发现、案件重开",
    "suppressed": "已有案件、不重复立案",
}


def figures_text(figures: Mapping[str, Any] | None) -> list[str]:
    """``{"linked_by_id": 3, …}`` → ``["户籍按身份证号对应学籍 3", …]`` (known counts first, in order)."""
    figures = dict(figures or {})
    keys = [k for k in FIGURE_LABELS if k in figures] + [k for k in figures if k not in FIGURE_LABELS]
    return [f"{FIGURE_LABELS.get(k, '其他')} {figures[k]}" for k in keys]


def audit_subjects(term: str) -> Iterator[tuple[str, QuerySet[Any]]]:
    """A child's dropout cases, found through the people module's finder (name or ID-number digest)."""
    from jiaoyun.dropout.models import DropoutCase
    from jiaoyun.people.audit_text import audit_subjects as people_subjects

    for object_type, pks in people_subjects(term):
        if object_type == "people.Student":
            yield "dropout.DropoutCase", DropoutCase.objects.filter(student__in=pks).values("pk")


def register() -> None:
    from jiaoyun.core.audit_text import register_subject_finder, register_type

    register_type("dropout.MatchRun", labels=FIGURE_LABELS)
    register_subject_finder(audit_subjects)
