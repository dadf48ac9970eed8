"""Test helpers: the 户籍 roster imported the one way it is imported, through the exchange kind ``hukou``."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.services import import_confirm, import_file

HEADER = ("姓名", "性别", "出生日期", "身份证号", "户籍村（社区）代码", "村民小组", "户主", "脱贫户/监测户")


def roster_csv(rows: Iterable[Mapping[str, Any]]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(row.get(c, "")) for c in HEADER) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def preview_roster(actor: Any, data: bytes, file_name: str = "户籍.csv") -> ImportBatch:
    return import_file(actor=actor, kind="hukou", upload=io.BytesIO(data), file_name=file_name)


def import_roster(actor: Any, rows: Iterable[Mapping[str, Any]]) -> ImportBatch:
    """Preview then confirm; the batch (its ``pk`` names the records' ``batch`` 导入批次N)."""
    return import_confirm(actor=actor, batch=preview_roster(actor, roster_csv(rows)))
