"""户籍名册: the police roster of the county's children, for the county (list, export; imported through the
exchange kind ``hukou``: preview, then confirm)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from jiaoyun.core.types import AuthedRequest
from jiaoyun.dropout import selectors
from jiaoyun.dropout.exchange_kinds import HukouKind
from jiaoyun.dropout.permissions import is_county
from jiaoyun.dropout.views.common import filter_options
from jiaoyun.exchange.permissions import can_import
from jiaoyun.exchange.registry import get_kind
from jiaoyun.people.choices import PovertyStatus
from jiaoyun.reports.export import Column
from jiaoyun.web.lists import list_page


def hukou(request: AuthedRequest) -> HttpResponse:
    """The 户籍 roster: list, filters, export. Importing goes through the exchange kind ``hukou`` (preview, confirm)."""
    if not is_county(request.user):
        raise PermissionDenied("户籍名册仅县教育体育局可查看和导入")
    return list_page(
        request,
        rows=selectors.hukou_list(user=request.user, filters=request.GET),
        template="dropout/hukou.html",
        columns=HUKOU_COLUMNS,
        filename="户籍名册",
        object_type="dropout.HukouRecord",
        context={
            "kind": get_kind(HukouKind.key),
            "can_import": can_import(request.user),
            "povertys": PovertyStatus.choices,
            "batches": selectors.hukou_batches(user=request.user),
            **filter_options(request),
        },
    )


HUKOU_COLUMNS = [
    Column("姓名", lambda r: r.name),
    Column("性别", lambda r: r.get_sex_display() if r.sex else ""),
    Column("出生日期", lambda r: r.birth_date),
    Column("身份证号", lambda r: r.id_masked),
    Column("乡镇", lambda r: r.hukou_village.parent.name if r.hukou_village.parent else ""),
    Column("户籍村（社区）", lambda r: r.hukou_village.name),
    Column("村民小组", lambda r: r.group_name),
    Column("户主", lambda r: r.household_head),
    Column("脱贫户/监测户", lambda r: r.get_poverty_display() if r.poverty else ""),
    Column("对应学生", lambda r: r.student.name if r.student else ""),
    Column("就读学校", lambda r: r.student.current_school.name if r.student and r.student.current_school else ""),
    Column("比对说明", lambda r: r.match_note),
    Column("导入批次", lambda r: r.batch),
]
