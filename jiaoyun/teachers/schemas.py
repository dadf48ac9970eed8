"""The teachers API's output rows and its list filters (``Query`` schemas: the names the pages use)."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Schema

from jiaoyun.teachers.models import Application, EthicsRecord, HiringRound, SubjectGap


class QuotaOut(Schema):
    school_id: int
    school: str = Field(alias="school.name")
    township: str = Field(alias="school.township.name")
    students: int
    classes: int
    quota: int
    actual: int
    full_time: int
    gap: int
    basis: str


class GapOut(Schema):
    school_id: int
    school: str = Field(alias="school.name")
    subject: str
    subject_label: str
    need: Decimal
    actual: int
    gap: Decimal

    @staticmethod
    def resolve_subject_label(obj: SubjectGap) -> str:
        return obj.get_subject_display()


class RoundOut(Schema):
    id: int
    year: int
    name: str
    status: str
    status_label: str
    township_id: int | None = None  # None: a county-wide round
    township_name: str = ""

    @staticmethod
    def resolve_status_label(obj: HiringRound) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_township_name(obj: HiringRound) -> str:
        return obj.township.name if obj.township else ""


class ApplicationOut(Schema):
    id: int
    teacher: str = Field(alias="teacher.name")
    subject: str
    origin_school: str = Field(alias="origin_school.name")
    placed_school: str | None
    stage: int | None
    preference_rank: int | None
    explanation: list[str]

    @staticmethod
    def resolve_placed_school(obj: Application) -> str | None:
        return obj.placed_school.name if obj.placed_school else None


class MoveOut(Schema):
    id: int
    teacher: str = Field(alias="teacher.name")
    subject: str
    backbone: bool
    from_school: str = Field(alias="from_school.name")
    to_school: str = Field(alias="to_school.name")
    status: str
    reason: str


class EthicsRecordOut(Schema):
    id: int
    teacher: str = Field(alias="teacher.name")
    school: str | None
    kind: str
    principle: int | None
    date: str
    title: str
    sanctions: list[str]

    @staticmethod
    def resolve_school(obj: EthicsRecord) -> str | None:
        return obj.teacher.school.name if obj.teacher.school else None

    @staticmethod
    def resolve_date(obj: EthicsRecord) -> str:
        return obj.date.isoformat()

    @staticmethod
    def resolve_sanctions(obj: EthicsRecord) -> list[str]:
        return [str(s) for s in obj.sanctions.all()]


# ---------------------------------------------------------------- list filters (see jiaoyun/teachers/filters.py)


class QuotaFilter(Schema):
    township: int | None = None
    q: str | None = None
    gap: str | None = None


class GapFilter(QuotaFilter):
    subject: str | None = None


class ApplicationFilter(Schema):
    subject: str | None = None
    stage: str | None = None
    q: str | None = None


class MoveFilter(Schema):
    status: str | None = None
    subject: str | None = None
    backbone: str | None = None


class EthicsRecordFilter(Schema):
    kind: str | None = None
    principle: int | None = None
    q: str | None = None
