"""Documents of the 四步法, each issued by the authority the law names, numbered in that issuer's yearly
sequence (〔2026〕第N号), rendered as a PDF in the GB/T 9704 layout and kept with the case.

    step 2  责令限期改正通知书 (or 限期复学通知书)             义务教育法 §58
    step 3  行政处罚事先告知书 → 当事人意见（陈述申辩/听证） → 行政处罚决定书   行政处罚法 §44 §45 §63 §64
    step 4  催告书 → (≥10 days) 强制执行申请书, or 起诉状 (检察院支持起诉)    行政强制法 §53 §54

The order is enforced here: no 决定书 before a 告知书 whose answer is recorded or whose period has passed
(and no 决定书 while a requested hearing has not been held); no court application before a 催告书 issued at
least ``DROPOUT_REMINDER_DAYS`` (never fewer than 10) days earlier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked
from jiaoyun.dropout import conf
from jiaoyun.dropout.choices import DOCUMENT_STAGE, AnswerKind, CaseStatus, DocumentKind, Stage
from jiaoyun.dropout.models import CaseDocument, CaseStep, DocumentSequence, DropoutCase
from jiaoyun.dropout.permissions import Act, check_may_take
from jiaoyun.dropout.services.common import check_can_act, current_step, record_event, today
from jiaoyun.reports.official import OfficialDocument, render_official_pdf

K = DocumentKind
MIN_REMINDER_DAYS = 10  # 行政强制法 §54


@dataclass(frozen=True)
class Issuer:
    key: str  # township:<id> or bureau
    name: str  # 发文机关 (红头)
    code: str  # 发文机关代字 in the number


def _county_name(case: DropoutCase) -> str:
    from jiaoyun.areas.models import Area

    township = case.township
    county = township.parent if township is not None and township.parent_id else None
    if county is None:
        county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("sort", "code").first()
    return county.name if county is not None else "县"


def issuer_for(actor: User | None, case: DropoutCase) -> Issuer:
    """The authority a document is issued in the name of: a 乡镇人民政府 officer's township, the bureau for the
    county roles; a system job (``actor=None``) issues for the case's township government."""
    township = None
    if actor is not None and getattr(actor, "role", None) == Role.TOWNSHIP_GOV:
        township = actor.area
    elif actor is None:
        township = case.township
    if township is not None:
        short = township.name[:-1] if township.name[-1:] in ("乡", "镇") else township.name
        return Issuer(key=f"township:{township.pk}", name=f"{township.name}人民政府", code=f"{short}政")
    county = _county_name(case)
    return Issuer(key="bureau", name=f"{county}教育体育局", code=f"{county[:1]}教体")


def allocate_number(*, issuer: Issuer, kind: str, year: int) -> str:
    """The next number in the issuer's sequence of the year. The increment is one UPDATE on the sequence row,
    which holds the row lock until the transaction ends: two concurrent issues never get the same number."""
    seq, _ = DocumentSequence.objects.get_or_create(issuer_key=issuer.key, year=year)
    DocumentSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    n = DocumentSequence.objects.filter(pk=seq.pk).values_list("last", flat=True).get()
    prefix = conf.get("DROPOUT_DOC_PREFIX").get(kind, "")
    return f"{issuer.code}{prefix}〔{year}〕第{n}号"


def _round_docs(case: DropoutCase, kind: str) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.filter(case=case, kind=kind, step__round=case.reopen_count).order_by("-id")


def _require_stage(case: DropoutCase, kind: str) -> CaseStep:
    if case.status != CaseStatus.RETURNING:
        raise IllegalTransition(f"只有“劝返中”的案件可以出具《{K(kind).label}》。")
    stage = DOCUMENT_STAGE[kind]
    step = current_step(case)
    if case.stage != stage or step is None or step.stage != stage:
        raise IllegalTransition(
            f"《{K(kind).label}》是第{stage}步“{Stage(stage).label}”的文书；案件当前处于第{case.stage or 0}步。"
        )
    return step


def _days(key: str) -> int:
    return int(conf.get(key))


def _context(case: DropoutCase, *, kind: str, issuer: Issuer, number: str, on: dt.date) -> dict[str, Any]:
    student = case.student
    township = case.township
    county = _county_name(case)
    return {
        "kind": kind,
        "title": K(kind).label,
        "number": number,
        "issued_on": on,
        "issuer": issuer.name,
        "guardian": student.guardian_name or f"{student.name}的监护人",
        "student": student,
        "sex": student.get_sex_display(),
        "school": case.school.name if case.school is not None else "（就近入学学校）",
        "grade": case.grade,
        "village": case.village.name if case.village is not None else "",
        "township": township.name if township is not None else "",
        "county": county,
        "court": conf.get("DROPOUT_COURT") or f"{county}人民法院",
        "basis": conf.get("DROPOUT_PENALTY_BASIS"),
        "answer_days": _days("DROPOUT_ANSWER_DAYS"),
        "reminder_days": max(MIN_REMINDER_DAYS, _days("DROPOUT_REMINDER_DAYS")),
    }


def _issue(
    *,
    actor: User | None,
    case: DropoutCase,
    kind: str,
    on: dt.date,
    step: CaseStep | None,
    deadline: dt.date | None,
    extra: dict[str, Any] | None = None,
    **fields: Any,
) -> CaseDocument:
    issuer = issuer_for(actor, case)
    number = allocate_number(issuer=issuer, kind=kind, year=on.year)
    context = _context(case, kind=kind, issuer=issuer, number=number, on=on)
    context.update(deadline=deadline, **fields, **(extra or {}))
    recipient = context["court"] if kind in (K.COURT_APPLICATION, K.COMPLAINT) else context["guardian"]
    doc = OfficialDocument(
        mark=issuer.name, number=number, recipients=str(recipient), title=str(context["title"]),
        authority=issuer.name, date=on.isoformat(),
    )  # fmt: skip
    pdf = render_official_pdf("dropout/pdf/official.html", doc, context)
    document = CaseDocument(
        case=case,
        step=step,
        kind=kind,
        issuer_key=issuer.key,
        issuer_name=issuer.name,
        number=number,
        guardian=str(context["guardian"])[:50],
        deadline=deadline,
        issued_on=on,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        **fields,
    )
    document.save()
    if step is not None and not step.doc_number:
        step.doc_number = number
        step.save(update_fields=["doc_number"])
    note = f"{issuer.name} {number}" + (f"，限期{deadline}" if deadline else "")
    record_event(case=case, actor=actor, action=f"出具《{K(kind).label}》", on=on, from_status=case.status,
                 note=note, data={"document": document.pk, "number": number, "issuer": issuer.key})  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=document,
        changes={"number": number, "issuer": issuer.key, "sha256": document.sha256},
    )
    return document


# ------------------------------------------------------------------ step 2


@transaction.atomic
def case_document_issue(
    *,
    actor: User | None,
    case: DropoutCase,
    kind: str,
    deadline: dt.date | None,
    on: dt.date | None = None,
    step: CaseStep | None = None,
) -> CaseDocument:
    """Step 2: the 责令限期改正通知书 (or, under its older title, the 限期复学通知书)."""
    on = on or today()
    case = locked(case, "student", "township", "village", "school")
    check_can_act(actor, case)
    if kind not in (K.CORRECTION_NOTICE, K.RETURN_NOTICE):
        raise DomainError("此处只能出具第2步的《责令限期改正通知书》或《限期复学通知书》", field="文书")
    check_may_take(actor, Act.CORRECTION, case)
    current = _require_stage(case, kind)
    step = step or current
    if deadline is None or deadline <= on:
        raise DomainError("通知书须写明晚于出具日期的限期", field="限期")
    return _issue(actor=actor, case=case, kind=kind, on=on, step=step, deadline=deadline)


# ------------------------------------------------------------------ step 3


@transaction.atomic
def penalty_notice_issue(
    *, actor: User | None, case: DropoutCase, penalty: str, fine: int | None = None, on: dt.date | None = None
) -> CaseDocument:
    """行政处罚事先告知书: the intended penalty, its facts and basis, and the guardian's rights (陈述、申辩;
    听证 for a 较大数额 fine) with the period to use them."""
    on = on or today()
    case = locked(case, "student", "township", "village", "school")
    check_can_act(actor, case)
    check_may_take(actor, Act.PENALTY, case)
    step = _require_stage(case, K.PENALTY_NOTICE)
    if not penalty.strip():
        raise DomainError("请写明拟作出的行政处罚（如：警告；罚款200元）", field="处罚内容")
    if fine is not None and fine <= 0:
        raise DomainError("罚款金额应为正数", field="罚款")
    if _round_docs(case, K.PENALTY_NOTICE).exists():
        raise IllegalTransition("本轮已出具《行政处罚事先告知书》，请记录当事人意见后作出决定。")
    hearing = fine is not None and fine >= int(conf.get("DROPOUT_HEARING_FINE"))
    deadline = on + dt.timedelta(days=_days("DROPOUT_ANSWER_DAYS"))
    return _issue(actor=actor, case=case, kind=K.PENALTY_NOTICE, on=on, step=step, deadline=deadline,
                  penalty=penalty.strip()[:200], fine=fine, hearing_right=hearing)  # fmt: skip


@transaction.atomic
def guardian_answer_record(
    *, actor: User | None, case: DropoutCase, kind: str, text: str = "", on: dt.date | None = None
) -> CaseDocument:
    """Record the guardian's answer to the 告知书: 陈述、申辩, an explicit waiver, a hearing request (only when
    the notice gave that right, within the period) or the hearing held."""
    on = on or today()
    case = locked(case, "student", "township", "village", "school")
    check_can_act(actor, case)
    check_may_take(actor, Act.PENALTY, case)
    _require_stage(case, K.PENALTY_NOTICE)
    if kind not in AnswerKind.values:
        raise DomainError(f"未知当事人意见类型“{kind}”", field="意见")
    notice = _round_docs(case, K.PENALTY_NOTICE).first()
    if notice is None:
        raise IllegalTransition("尚未出具《行政处罚事先告知书》，无从记录当事人意见。")
    if _round_docs(case, K.PENALTY_DECISION).exists():
        raise IllegalTransition("已作出《行政处罚决定书》，不能再记录告知阶段的意见。")
    if on < notice.issued_on:
        raise DomainError(f"意见日期不能早于告知书日期{notice.issued_on}", field="日期")
    if kind == AnswerKind.HEARING_REQUESTED:
        if not notice.hearing_right:
            raise DomainError("本案拟作出的处罚不属于应告知听证的情形（行政处罚法第六十三条）", field="意见")
        if notice.deadline and on > notice.deadline:
            raise DomainError(f"要求听证应在告知后{_days('DROPOUT_ANSWER_DAYS')}日内提出（至{notice.deadline}）",
                              field="日期")  # fmt: skip
    if kind == AnswerKind.HEARING_HELD and notice.answer_kind != AnswerKind.HEARING_REQUESTED:
        raise IllegalTransition("当事人未要求听证，不能记录“已举行听证”。")
    if kind == AnswerKind.STATEMENT and not text.strip():
        raise DomainError("请记录当事人陈述、申辩的内容", field="意见内容")
    notice.answer_kind, notice.answered_on, notice.answer_text = kind, on, text.strip()
    notice.save(update_fields=["answer_kind", "answered_on", "answer_text"])
    record_event(case=case, actor=actor, action=f"当事人意见：{AnswerKind(kind).label}", on=on,
                 from_status=case.status, note=text, data={"document": notice.pk, "answer": kind})  # fmt: skip
    return notice


@transaction.atomic
def penalty_decision_issue(
    *, actor: User | None, case: DropoutCase, on: dt.date | None = None, review: str = ""
) -> CaseDocument:
    """行政处罚决定书: only after the 告知书, once the answer is recorded or its period has passed, and never
    while a requested hearing is pending. The penalty is the one notified (行政处罚法 §45: not heavier)."""
    on = on or today()
    case = locked(case, "student", "township", "village", "school")
    check_can_act(actor, case)
    check_may_take(actor, Act.PENALTY, case)
    step = _require_stage(case, K.PENALTY_DECISION)
    notice = _round_docs(case, K.PENALTY_NOTICE).first()
    if notice is None:
        raise IllegalTransition("作出行政处罚决定前须先出具《行政处罚事先告知书》（行政处罚法第四十四条）。")
    if _round_docs(case, K.PENALTY_DECISION).exists():
        raise IllegalTransition("本轮已作出《行政处罚决定书》。")
    if notice.answer_kind == AnswerKind.HEARING_REQUESTED:
        raise IllegalTransition("当事人已要求听证，须先组织听证并记录后方可作出决定（行政处罚法第六十三条）。")
    if not notice.answer_kind and notice.deadline and on <= notice.deadline:
        raise IllegalTransition(
            f"陈述、申辩期限至{notice.deadline}；期满或记录当事人意见后方可作出决定（行政处罚法第四十四条、第四十五条）。"
        )
    deadline = on + dt.timedelta(days=_days("DROPOUT_PERFORM_DAYS"))
    extra = {"notice": notice, "review": review.strip()}
    return _issue(actor=actor, case=case, kind=K.PENALTY_DECISION, on=on, step=step, deadline=deadline,
                  extra=extra, penalty=notice.penalty, fine=notice.fine)  # fmt: skip


# ------------------------------------------------------------------ step 4


def _decision(case: DropoutCase) -> CaseDocument | None:
    return _round_docs(case, K.PENALTY_DECISION).first()


@transaction.atomic
def reminder_issue(*, actor: User | None, case: DropoutCase, on: dt.date | None = None) -> CaseDocument:
    """催告书 (行政强制法 §54): after the decision's performance period has passed."""
    on = on or today()
    case = locked(case, "student", "township", "village", "school")
    check_can_act(actor, case)
    check_may_take(actor, Act.ENFORCEMENT, case)
    step = _require_stage(case, K.REMINDER)
    decision = _decision(case)
    if decision is None:
        raise IllegalTransition("申请强制执行须以《行政处罚决定书》为依据；本轮尚未作出处罚决定。")
    if decision.deadline and on <= decision.deadline:
        raise IllegalTransition(f"处罚决定的履行期限至{decision.deadline}，期满仍未履行方可催告。")
    if _round_docs(case, K.REMINDER).exists():
        raise IllegalTransition("本轮已出具《催告书》。")
    days = max(MIN_REMINDER_DAYS, _days("DROPOUT_REMINDER_DAYS"))
    return _issue(actor=actor, case=case, kind=K.REMINDER, on=on, step=step, deadline=on + dt.timedelta(days=days),
                  extra={"decision": decision}, penalty=decision.penalty, fine=decision.fine)  # fmt: skip


@transaction.atomic
def court_application_issue(*, actor: User | None, case: DropoutCase, on: dt.date | None = None) -> CaseDocument:
    """强制执行申请书: only when a 催告书 was issued at least ten days earlier (行政强制法 §54)."""
    on = on or today()
    case = locked(case, "student", "township", "village", "school")
    check_can_act(actor, case)
    check_may_take(actor, Act.ENFORCEMENT, case)
    step = _require_stage(case, K.COURT_APPLICATION)
    reminder = _round_docs(case, K.REMINDER).first()
    if reminder is None:
        raise IllegalTransition("申请人民法院强制执行前应当先催告当事人履行义务（行政强制法第五十四条）。")
    days = max(MIN_REMINDER_DAYS, _days("DROPOUT_REMINDER_DAYS"))
    earliest = reminder.issued_on + dt.timedelta(days=days)
    if on < earliest:
        raise IllegalTransition(f"催告书送达{days}日后当事人仍未履行的方可申请强制执行，最早{earliest}。")
    if _round_docs(case, K.COURT_APPLICATION).exists():
        raise IllegalTransition("本轮已提出强制执行申请。")
    decision = _decision(case)
    return _issue(actor=actor, case=case, kind=K.COURT_APPLICATION, on=on, step=step, deadline=None,
                  extra={"decision": decision, "reminder": reminder},
                  penalty=decision.penalty if decision else "", fine=decision.fine if decision else None)  # fmt: skip


@transaction.atomic
def complaint_issue(
    *, actor: User | None, case: DropoutCase, on: dt.date | None = None, procuratorate: str = ""
) -> CaseDocument:
    """起诉状 (the material for a suit against the guardian), with the procuratorate supporting it where used."""
    on = on or today()
    case = locked(case, "student", "township", "village", "school")
    check_can_act(actor, case)
    check_may_take(actor, Act.SUIT, case)
    step = _require_stage(case, K.COMPLAINT)
    return _issue(actor=actor, case=case, kind=K.COMPLAINT, on=on, step=step, deadline=None,
                  procuratorate=procuratorate.strip()[:60])  # fmt: skip
