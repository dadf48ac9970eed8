"""Legal documents of the 四步法: 《限期复学通知书》 and 《责令改正通知书》 as PDF, numbered per kind and year."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.db import transaction

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.dropout import conf
from jiaoyun.dropout.choices import CaseStatus, DocumentKind, Stage
from jiaoyun.dropout.models import CaseDocument, CaseStep, DropoutCase
from jiaoyun.dropout.services.common import check_can_act, record_event, today
from jiaoyun.reports.pdf import render_pdf


def next_number(kind: str, year: int) -> str:
    """施教复〔2026〕7号: the next free number of a kind in a year."""
    prefix = conf.get("DROPOUT_DOC_PREFIX")[kind]
    head = f"{prefix}〔{year}〕"
    used = CaseDocument.objects.filter(kind=kind, number__startswith=head).values_list("number", flat=True)
    highest = max((int(m.group(1)) for n in used if (m := re.search(r"〔\d{4}〕(\d+)号", n))), default=0)
    return f"{head}{highest + 1}号"


def document_context(case: DropoutCase, *, kind: str, number: str, deadline: dt.date, on: dt.date) -> dict[str, Any]:
    student = case.student
    township = case.township
    issuer = f"{township.name}人民政府" if township is not None else "县教育体育局"
    school = case.school.name if case.school is not None else "（就近入学学校）"
    return {
        "kind": kind,
        "title": DocumentKind(kind).label,
        "number": number,
        "deadline": deadline,
        "issued_on": on,
        "issuer": issuer,
        "guardian": student.guardian_name or f"{student.name}的监护人",
        "student": student,
        "sex": student.get_sex_display(),
        "school": school,
        "grade": case.grade,
        "village": case.village.name if case.village is not None else "",
        "township": township.name if township is not None else "",
    }


@transaction.atomic
def case_document_issue(
    *,
    actor: Any,
    case: DropoutCase,
    kind: str,
    deadline: dt.date | None,
    on: dt.date | None = None,
    step: CaseStep | None = None,
) -> CaseDocument:
    """Number, render and keep a notice; the number is written on the step it belongs to."""
    on = on or today()
    check_can_act(actor, case, authority=True)
    if kind not in DocumentKind.values:
        raise DomainError(f"未知文书类型{kind!r}", field="文书")
    if case.status != CaseStatus.RETURNING:
        raise IllegalTransition("只有“劝返中”的案件可以出具通知书。")
    if kind == DocumentKind.CORRECTION_NOTICE and (case.stage or 0) < Stage.CORRECTION:
        raise IllegalTransition("《责令改正通知书》在第2步“责令改正”及以后出具，请先进入第2步。")
    if deadline is None or deadline <= on:
        raise DomainError("通知书须写明晚于出具日期的限期", field="限期")
    number = next_number(kind, on.year)
    pdf = render_pdf(
        "dropout/pdf/notice.html", document_context(case, kind=kind, number=number, deadline=deadline, on=on)
    )
    document = CaseDocument(
        case=case,
        step=step,
        kind=kind,
        number=number,
        deadline=deadline,
        issued_on=on,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    document.save()
    if step is not None and not step.doc_number:
        step.doc_number = number
        step.save(update_fields=["doc_number"])
    record_event(case=case, actor=actor, action=f"出具《{DocumentKind(kind).label}》", on=on, from_status=case.status,
                 note=f"{number}，限期{deadline}", data={"document": document.pk, "number": number})  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=document, changes={"number": number, "sha256": document.sha256}
    )
    return document
