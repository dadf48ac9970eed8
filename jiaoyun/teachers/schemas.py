from __future__ import annotations

from decimal import Decimal

from ninja import Schema


class QuotaOut(Schema):
    school_id: int
    school: str
    township: str
    students: int
    classes: int
    quota: int
    actual: int
    full_time: int
    gap: int
    basis: str


class GapOut(Schema):
    school_id: int
    school: str
    subject: str
    subject_label: str
    need: Decimal
    actual: int
    gap: Decimal


class RoundOut(Schema):
    id: int
    year: int
    name: str
    status: str
    status_label: str


class ApplicationOut(Schema):
    id: int
    teacher: str
    subject: str
    origin_school: str
    placed_school: str | None
    stage: int | None
    preference_rank: int | None
    explanation: list[str]


class MoveOut(Schema):
    id: int
    teacher: str
    subject: str
    backbone: bool
    from_school: str
    to_school: str
    status: str
    reason: str


class EthicsRecordOut(Schema):
    id: int
    teacher: str
    school: str | None
    kind: str
    principle: int | None
    date: str
    title: str
    sanctions: list[str]
