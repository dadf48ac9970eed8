"""The monthly 平安校园 bulletin, issued as an official document (GB/T 9704 layout, a 文号 of the 发文登记)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.types import User
from jiaoyun.reports.models import IssuedDocument
from jiaoyun.reports.official import OfficialDocument, render_official_pdf
from jiaoyun.reports.services import document_archive, document_register
from jiaoyun.safety.permissions import is_safety_section

BULLETIN_LETTERHEAD = "safety_bulletin"


def bulletin_subject(month: dt.date) -> str:
    """The safety bulletin's entry in the 发文登记 (one number per month)."""
    return f"{BULLETIN_LETTERHEAD}:{month:%Y-%m}"


def bulletin_title(month: dt.date) -> str:
    return f"{month.year}年{month.month}月平安校园情况通报"


@transaction.atomic
def safety_bulletin_issue(*, actor: User, month: dt.date, on: dt.date | None = None) -> tuple[IssuedDocument, bool]:
    """Issue the bulletin of a month that has ended: number it, render and archive the PDF. A month already
    issued is returned as it is (``created`` False): an archived document is never generated twice."""
    from jiaoyun.safety.selectors import bulletin_section

    if not is_safety_section(actor) or not actor.can_write:
        raise PermissionDenied("平安校园月度通报由县教育体育局安全股生成")
    first = month.replace(day=1)
    today = on or timezone.localdate()
    if first >= today.replace(day=1):
        raise DomainError(f"{first.year}年{first.month}月尚未结束，月度通报在次月生成", field="月份")
    record, created = document_register(
        actor=actor, key=BULLETIN_LETTERHEAD, subject=bulletin_subject(first), title=bulletin_title(first), on=today
    )
    if created:
        section = bulletin_section(month=first)
        pdf = render_official_pdf(
            "safety/pdf/bulletin.html", OfficialDocument.from_parts(record.parts), {"section": section}
        )
        document_archive(record=record, pdf=pdf)
    return record, created
