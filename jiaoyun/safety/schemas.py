"""Schemas of the safety API: list query parameters (``*Filter``) and the rows it returns (``*Out``)."""

import datetime as dt

from ninja import Schema


class SnapshotOut(Schema):
    school_id: int
    school: str
    township: str
    date: dt.date
    people: int
    guards_required: int
    guards_on_duty: int
    compliant: bool
    guards_ok: bool
    closed_ok: bool
    linked_ok: bool
    gaps: list[str]

    @staticmethod
    def resolve_school(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.school.name)

    @staticmethod
    def resolve_township(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.school.township.name)


class TownshipRateOut(Schema):
    township_id: int
    township: str
    total: int
    compliant: int
    rate: float | None
    guards_rate: float | None
    closed_rate: float | None
    linked_rate: float | None


class HazardOut(Schema):
    id: int
    school_id: int
    school: str
    title: str
    severity: str
    status: str
    level: str
    deadline: dt.date
    responsible: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_school(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.school.name)

    @staticmethod
    def resolve_responsible(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.responsible)


class ComplianceFilter(Schema):
    """The query parameters of the compliance list (the same as the page's, see ``safety.filters``)."""

    township: int | None = None
    compliant: str | None = None


class DeviceFilter(Schema):
    online: str | None = None
    kind: str | None = None


class HazardFilter(Schema):
    status: str | None = None
    township: int | None = None
    severity: str | None = None
    level: str | None = None
    overdue: str | None = None
    q: str | None = None


class VerifyIn(Schema):
    passed: bool
    note: str = ""


class CloseIn(Schema):
    note: str = ""


class DeviceOut(Schema):
    id: int
    school_id: int
    school: str
    kind: str
    name: str
    serial: str
    is_online: bool
    last_seen_at: dt.datetime | None
    offline_since: dt.datetime | None

    @staticmethod
    def resolve_school(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.school.name)
