"""Schemas of ``GET /api/indicators``: its query parameters and one figure."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class IndicatorQuery(Schema):
    """``area`` is a 区划代码 (default: the county), ``school`` a 学校标识码 (it wins over ``area``), ``year`` a
    school year by its first calendar year (default: the current one), ``code`` one indicator (default: all)."""

    year: int | None = None
    area: str | None = None
    school: str | None = None
    code: str | None = None
    as_of: dt.date | None = None


class IndicatorOut(Schema):
    code: str
    name: str
    level: str
    area: str
    area_id: int | None
    school_id: int | None
    year: int
    as_of: str | None
    value: float | None
    numerator: float
    denominator: float
    unit: str
    target: float | None
    status: str | None
    status_label: str
    gap: int | None
    city: float | None
    national: float | None
    extra: float | None = None
    extra_text: str = ""
    flow_end: str | None = None
    period: str = ""
