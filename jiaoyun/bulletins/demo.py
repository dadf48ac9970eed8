"""Demo data of the 督查通报: the bulletin of the month before last issued by the 督导室 with its decisions
followed (one reported and verified), and last month's compiled and issued as well — through the real services,
so the archive, the 文号 and the notifications are those a running county has."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.bulletins import services
from jiaoyun.bulletins.choices import Addressee, DecisionKind, DecisionState
from jiaoyun.bulletins.models import SupervisionBulletin
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User


def _month_before(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def generate(*, rng: random.Random, scale: float, stdout: Any, today: dt.date) -> None:
    office = User.objects.filter(role=Role.BUREAU_STAFF, section=Section.SUPERVISION, is_active=True).first()
    if office is None or SupervisionBulletin.objects.exists():
        return
    last = _month_before(today)
    before = _month_before(last)
    township = Area.objects.filter(level=AreaLevel.TOWNSHIP, name="老麦乡").first()
    issued_on = min(today, last.replace(day=5))
    first = services.bulletin_compile(actor=office, month=before, on=issued_on)
    if township is not None:
        first = services.bulletin_decision_add(
            actor=office, bulletin=first, kind=Addressee.TOWNSHIP, township=township,
            matter_label="工作计划任务逾期", decision=DecisionKind.NOTICE, reason="校舍维修改造任务未按期完成",
        )  # fmt: skip
    first = services.bulletin_issue(actor=office, bulletin=first, on=issued_on)
    decisions = list(first.decisions.order_by("seq"))
    for d in decisions[:1]:
        answer = services.addressee_users(kind=d.addressee_kind, township_id=d.township_id, school_id=d.school_id,
                                          section=d.section)  # fmt: skip
        if answer:
            services.decision_report(actor=answer[0], decision=d, note="已召开专题会议，逐校逐生落实整改")
            services.decision_verify(actor=office, decision=d, passed=True, note="核验属实")
    services.decisions_check_overdue(on=today)
    second = services.bulletin_compile(actor=office, month=last, on=today)
    second = services.bulletin_issue(actor=office, bulletin=second, on=today)
    open_ = second.decisions.exclude(state=DecisionState.VERIFIED).count()
    stdout.write(
        f"督查通报：{first.number}、{second.number}，决定{len(decisions) + second.decisions.count()}项（本月待跟踪{open_}项）\n"
    )
