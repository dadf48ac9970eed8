"""数据导入 待办 for the home pages: the user's own uploads previewed but not yet confirmed (nothing is written
until they are), and those that failed. One query."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from jiaoyun.core.todo import TodoItem
from jiaoyun.core.types import User
from jiaoyun.exchange.choices import BatchStatus
from jiaoyun.exchange.models import ImportBatch

MODULE = "数据导入"
LIMIT = 5


def mine(*, user: User, today: dt.date | None = None) -> list[TodoItem]:
    """The user's previewed imports waiting for 确认导入 (the latest ``LIMIT``)."""
    today = today or timezone.localdate()
    if not getattr(user, "pk", None):
        return []
    batches = ImportBatch.objects.filter(created_by_id=user.pk, status=BatchStatus.PREVIEW).order_by("-created_at")
    return [
        TodoItem(key="exchange.preview", title="导入预览待确认", subject=b.file_name, module=MODULE,
                 url=reverse("exchange:batch", args=[b.pk]),
                 note=f"新增{b.new}、更新{b.updated}、拒绝{b.rejected}行；确认前不写入任何数据", today=today)
        for b in batches[:LIMIT]
    ]  # fmt: skip
