import datetime as dt

from ninja import Schema


class CaseFilters(Schema):
    """The query of ``GET /cases``: the parameters of the ledger pages (``dropout.filters.CaseFilter``)."""

    ledger: str = "all"
    q: str | None = None
    township: int | None = None
    village: int | None = None
    school: int | None = None
    reason: str | None = None
    status: str | None = None
    kind: str | None = None
    group: str | None = None
    overdue: bool | None = None


class CaseOut(Schema):
    id: int
    student_id: int
    student_name: str
    kind: str
    status: str
    status_label: str
    township: str | None
    village: str | None
    school: str | None
    reason: str
    stage: int | None
    placement: str
    priority: bool
    detected_on: dt.date
    verified_on: dt.date | None
    returned_on: dt.date | None
    closed_on: dt.date | None


class StepOut(Schema):
    round: int
    stage: int
    started_on: dt.date
    deadline: dt.date | None
    doc_number: str
    responsible_name: str
    completed_on: dt.date | None
    outcome: str
    skipped: bool
    skip_reason: str


class CaseEventOut(Schema):
    on: dt.date
    at: dt.datetime
    actor_name: str
    action: str
    from_status: str
    to_status: str
    note: str


class AttemptOut(Schema):
    id: int
    date: dt.date
    people: str
    method: str
    result: str
    note: str


class CaseDetailOut(CaseOut):
    steps: list[StepOut]
    events: list[CaseEventOut]
    attempts: list[AttemptOut]
    responsibles: list[dict[str, object]]


class CaseVerifyIn(Schema):
    outcome: str
    on: dt.date | None = None
    reason: str = ""
    note: str = ""


class StartIn(Schema):
    on: dt.date | None = None
    deadline: dt.date | None = None
    note: str = ""


class AdvanceIn(Schema):
    to_stage: int
    on: dt.date | None = None
    deadline: dt.date | None = None
    doc_number: str = ""
    outcome: str = ""
    skip_reason: str = ""
    document_kind: str = ""
    note: str = ""


class AttemptIn(Schema):
    date: dt.date
    people: str
    method: str
    result: str
    note: str = ""


class ReturnIn(Schema):
    placement: str
    on: dt.date | None = None
    school_id: int | None = None
    grade: int | None = None
    note: str = ""


class SimpleIn(Schema):
    on: dt.date | None = None
    note: str = ""


class BulletinOut(Schema):
    id: int
    month: dt.date
    created_at: dt.datetime
    pdf_sha256: str
    xlsx_sha256: str
    figures_sha256: str


class JobOut(Schema):
    task_id: str
