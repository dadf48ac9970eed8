"""Writes of the 督查通报: compile a month's draft, edit its decisions, issue it in one step, and follow each
decision to closure (已下达 → 已反馈 → 已核验销号, or 逾期), escalating repeat failures one rung (逐级追究).

An issued bulletin is reproducible: ``content`` (sections, commendations, decisions and the document's parts)
is archived with its SHA-256, and ``bulletin_render_pdf(content)`` renders the same PDF bytes again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.bulletins import conf
from jiaoyun.bulletins.choices import Addressee, BulletinStatus, DecisionKind, DecisionState
from jiaoyun.bulletins.models import Decision, DecisionEvent, SupervisionBulletin
from jiaoyun.bulletins.permissions import TOWNSHIP_ROLES, addressee_of, is_supervision
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role, Section
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked, require_state
from jiaoyun.notices.services import Message, notify_many
from jiaoyun.reports.bulletin import BulletinSection, section_providers
from jiaoyun.schools.models import School

LETTERHEAD = "supervision_bulletin"
NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (section numbers of the document)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[ones - 1] if ones else "")


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def _require_supervision(actor: User | None) -> None:
    if actor is not None and (not is_supervision(actor) or not getattr(actor, "can_write", False)):
        raise PermissionDenied("督查通报由督导室汇编、印发")


# ---------------------------------------------------------------- the escalation ladder (逐级追究)


def escalated_level(*, base: int, previous: int | None) -> int:
    """The rung of a decision proposed at ``base`` when the addressee already had one on the same matter at
    rung ``previous`` (None: no earlier failure): one rung above the earlier one, never below ``base``, never
    above the top of the ladder."""
    if previous is None:
        return base
    return min(conf.top_level(), max(base, previous + 1))


def previous_decision(*, kind: str, ident: Any, matter: str, month: dt.date) -> Decision | None:
    """The latest earlier decision on the same addressee and matter that counts as a failure now: issued in the
    BULLETIN_REPEAT_MONTHS months before ``month`` (the failure recurs), or one that went overdue."""
    months = int(conf.get("BULLETIN_REPEAT_MONTHS"))
    y, m = month.year, month.month - months
    while m < 1:
        y, m = y - 1, m + 12
    window = dt.date(y, m, 1)
    qs = Decision.objects.filter(addressee_kind=kind, matter=matter, bulletin__month__lt=month)
    qs = qs.filter(**_ident_filter(kind, ident))
    return (
        qs.filter(Q(bulletin__month__gte=window) | Q(went_overdue=True)).order_by("-bulletin__month", "-level").first()
    )


def _ident_filter(kind: str, ident: Any) -> dict[str, Any]:
    filters: dict[str, dict[str, Any]] = {Addressee.TOWNSHIP: {"township_id": ident},
                                          Addressee.SCHOOL: {"school_id": ident}, Addressee.SECTION: {"section": ident}}  # fmt: skip
    return filters[kind]


def report_to(kind: str, ident: Any) -> str:
    """The addressee's next level up, to whom a top-rung decision is also reported."""
    if kind == Addressee.SCHOOL:
        school = School.objects.select_related("township").filter(pk=ident).first()
        town = school.township.name if school and school.township else ""
        return f"{town}人民政府、{town}中心学校" if town else "县教育体育局"
    if kind == Addressee.TOWNSHIP:
        return "县人民政府"
    return "县教育体育局主要负责人"


def proposal(
    *, kind: str, ident: Any, name: str, matter: str, matter_label: str, base: int, reason: str, month: dt.date,
    manual: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """A decision proposed in a draft, on the ladder: its rung, decision kind, days and report line."""
    prev = previous_decision(kind=kind, ident=ident, matter=matter, month=month)
    level = escalated_level(base=base, previous=prev.level if prev else None)
    step = conf.rung(level)
    why = reason
    if prev is not None:
        why += f"；{prev.bulletin.month.year}年{prev.bulletin.month.month}月已{prev.get_kind_display()}，逐级追究"
    return {
        "addressee_kind": kind,
        "township_id": ident if kind == Addressee.TOWNSHIP else None,
        "school_id": ident if kind == Addressee.SCHOOL else None,
        "section": ident if kind == Addressee.SECTION else "",
        "addressee_name": name,
        "matter": matter,
        "matter_label": matter_label,
        "kind": step["kind"],
        "kind_label": DecisionKind(step["kind"]).label,
        "level": level,
        "days": int(step["days"]),
        "report_to": report_to(kind, ident) if step.get("report_up") else "",
        "reason": why,
        "previous_id": prev.pk if prev else None,
        "manual": manual,
    }


# ---------------------------------------------------------------- what the modules propose


def _proposals(*, month: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Commendations and decisions from the modules' own rules: 控辍保学 (the dropout bulletin's 表扬/约谈/限期整改
    lists, same figures) and 校园安全 (townships with overdue hazards; townships fully compliant)."""
    from jiaoyun.dropout.services.reporting import bulletin_figures

    commend: list[dict[str, Any]] = []
    decide: list[dict[str, Any]] = []
    f = bulletin_figures(month=month, generated_on=month_bounds(month)[1])
    town_ids = {r["name"]: r["id"] for r in f["townships"]}
    school_ids = {r["name"]: r["id"] for r in f["schools"]}
    for name in f["commended"]:
        commend.append({"name": name, "reason": "控辍保学无逾期步骤，劝返（安置）工作成效明显"})
    interview = conf.level_of(DecisionKind.INTERVIEW)
    rectify = conf.level_of(DecisionKind.RECTIFY)
    for r in f["interview"]:
        if r["name"] in town_ids:
            decide.append(proposal(kind=Addressee.TOWNSHIP, ident=town_ids[r["name"]], name=r["name"], matter="dropout",
                                   matter_label="控辍保学", base=interview, reason=r["reason"], month=month))  # fmt: skip
    for r in f["rectify"]:
        if r["name"] in school_ids:
            decide.append(proposal(kind=Addressee.SCHOOL, ident=school_ids[r["name"]], name=r["name"], matter="dropout",
                                   matter_label="控辍保学", base=rectify, reason=r["reason"], month=month))  # fmt: skip
    from jiaoyun.safety.selectors import bulletin_section

    s = bulletin_section(month=month)
    towns = dict(Area.objects.filter(level=AreaLevel.TOWNSHIP).values_list("name", "id"))
    limit = int(conf.get("BULLETIN_SAFETY_OVERDUE"))
    notice = conf.level_of(DecisionKind.NOTICE)
    for r in s["rows"]:
        if r["schools"] and r["compliant"] == r["schools"] and not r["overdue"]:
            commend.append({"name": r["township"], "reason": "平安校园全部达标，无逾期未整改隐患"})
        if r["overdue"] >= limit and r["township"] in towns:
            decide.append(proposal(kind=Addressee.TOWNSHIP, ident=towns[r["township"]], name=r["township"],
                                   matter="safety", matter_label="校园安全隐患整改", base=notice,
                                   reason=f"月末逾期未整改隐患{r['overdue']}条", month=month))  # fmt: skip
    return commend, decide


def _sections(*, month: dt.date, on: dt.date) -> tuple[list[dict[str, Any]], list[str]]:
    sections: list[BulletinSection] = []
    errors: list[str] = []
    for label, provider in section_providers():
        try:
            found = provider(month=month, on=on)
        except Exception as exc:  # one module's failure is shown on the draft and blocks the issue
            errors.append(f"{label}：{exc}")
            continue
        if found is not None:
            sections.append(found)
    sections.sort(key=lambda s: (s.order, s.key))
    return [s.as_dict() for s in sections], errors


def bulletin_title(month: dt.date) -> str:
    return f"关于{month.year}年{month.month}月全县教育重点工作推进情况的督查通报"


def compile_content(*, month: dt.date, on: dt.date) -> dict[str, Any]:
    first, last = month_bounds(month)
    sections, errors = _sections(month=first, on=on)
    commend, decide = _proposals(month=first)
    return {
        "month": f"{first:%Y-%m}",
        "title": bulletin_title(first),
        "period": [first.isoformat(), last.isoformat()],
        "compiled_on": on.isoformat(),
        "sections": sections,
        "commendations": commend,
        "decisions": decide,
        "errors": errors,
        "ladder": conf.ladder(),
    }


@transaction.atomic
def bulletin_compile(*, actor: User | None, month: dt.date, on: dt.date | None = None) -> SupervisionBulletin:
    """Compile (or compile again) the draft of a month that has ended; the decisions added by hand are kept."""
    _require_supervision(actor)
    today = on or timezone.localdate()
    first = month.replace(day=1)
    if first >= today.replace(day=1):
        raise DomainError(f"{first.year}年{first.month}月尚未结束，督查通报在次月汇编", field="月份")
    bulletin = SupervisionBulletin.objects.select_for_update().filter(month=first).first()
    if bulletin is not None and bulletin.is_issued:
        raise DomainError(f"{bulletin}已印发（{bulletin.number}），不能重新汇编", field="月份")
    content = compile_content(month=first, on=today)
    if bulletin is not None:
        content["decisions"] += [d for d in bulletin.content.get("decisions", []) if d.get("manual")]
        bulletin.content, bulletin.compiled_on = content, today
        bulletin.save(update_fields=["content", "compiled_on", "compiled_at"])
        action = AuditAction.UPDATE
    else:
        bulletin = SupervisionBulletin.objects.create(month=first, content=content, compiled_on=today)
        action = AuditAction.CREATE
    audit_record(actor=actor, action=action, obj=bulletin, changes={"sections": len(content["sections"]),
                 "decisions": len(content["decisions"])})  # fmt: skip
    return bulletin


def _draft(bulletin: SupervisionBulletin) -> SupervisionBulletin:
    bulletin = locked(bulletin)
    require_state(bulletin.status, [BulletinStatus.DRAFT],
                  message=lambda current, allowed: f"{bulletin}已印发，不能修改")  # fmt: skip
    return bulletin


@transaction.atomic
def bulletin_decision_add(
    *, actor: User, bulletin: SupervisionBulletin, kind: str, township: Area | None = None, school: School | None = None,
    section: str = "", matter_label: str, decision: str, reason: str,
) -> SupervisionBulletin:  # fmt: skip
    """The 督导室 adds a decision to a draft (e.g. a late work-plan task); the ladder may raise its rung."""
    _require_supervision(actor)
    bulletin = _draft(bulletin)
    if decision not in DecisionKind.values:
        raise DomainError(f"未知处理方式“{decision}”", field="处理方式")
    if not matter_label.strip():
        raise DomainError("请填写事项", field="事项")
    if not reason.strip():
        raise DomainError("请写明事由", field="事由")
    ident: Any
    if kind == Addressee.TOWNSHIP and township is not None and township.level == AreaLevel.TOWNSHIP:
        ident, name = township.pk, township.name
    elif kind == Addressee.SCHOOL and school is not None:
        ident, name = school.pk, school.name
    elif kind == Addressee.SECTION and section in Section.values and section:
        ident, name = section, Section(section).label
    else:
        raise DomainError("请选择通报对象（乡镇、学校或股室）", field="对象")
    matter = "manual:" + matter_label.strip()[:30]
    item = proposal(kind=kind, ident=ident, name=name, matter=matter, matter_label=matter_label.strip()[:60],
                    base=conf.level_of(decision), reason=reason.strip(), month=bulletin.month, manual=True)  # fmt: skip
    content = dict(bulletin.content)
    content["decisions"] = [*content.get("decisions", []), item]
    bulletin.content = content
    bulletin.save(update_fields=["content", "compiled_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=bulletin, note=f"增加决定：{item['kind_label']}{name}")
    return bulletin


@transaction.atomic
def bulletin_decision_drop(*, actor: User, bulletin: SupervisionBulletin, index: int) -> SupervisionBulletin:
    _require_supervision(actor)
    bulletin = _draft(bulletin)
    decisions = list(bulletin.content.get("decisions", []))
    if not 0 <= index < len(decisions):
        raise DomainError("该决定不存在", field="决定")
    dropped = decisions.pop(index)
    bulletin.content = {**bulletin.content, "decisions": decisions}
    bulletin.save(update_fields=["content", "compiled_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=bulletin,
                 note=f"删除决定：{dropped['kind_label']}{dropped['addressee_name']}")  # fmt: skip
    return bulletin


# ---------------------------------------------------------------- issue and archive


def date_label(iso: str | None) -> str:
    if not iso:
        return "（印发时确定）"
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_render_pdf(content: dict[str, Any]) -> bytes:
    """The bulletin in the official layout, from its archived content only (the same bytes every time)."""
    from jiaoyun.reports.official import OfficialDocument, render_official_pdf

    doc = OfficialDocument.from_parts(content["document"])
    sections = [{**s, "number": numeral(i)} for i, s in enumerate(content["sections"], start=1)]
    n = len(sections)
    first = dt.date.fromisoformat(content["period"][0])
    decisions = [{**d, "deadline_label": date_label(d.get("deadline"))} for d in content["decisions"]]
    return render_official_pdf("bulletins/pdf/bulletin.html", doc, {
        "c": content, "sections": sections, "decisions": decisions, "month_label": f"{first.year}年{first.month}月",
        "commend_number": numeral(n + 1), "decide_number": numeral(n + 2),
    })  # fmt: skip


class _Directory:
    """The active users the notices of decisions go to, read with one query and looked up per decision (a bulletin
    issues hundreds of decisions at province scale; the daily overdue check tells as many)."""

    def __init__(self) -> None:
        UserModel = get_user_model()
        leaders = (Role.COUNTY_LEADER, Role.COUNTY_ADMIN)
        self.township: dict[int | None, list[User]] = {}
        self.school: dict[int | None, list[User]] = {}
        self.section: dict[str, list[User]] = {}
        self.leaders: list[User] = []
        users = UserModel.objects.filter(is_active=True).filter(
            Q(role__in=TOWNSHIP_ROLES) | Q(role=Role.PRINCIPAL) | Q(role=Role.BUREAU_STAFF) | Q(role__in=leaders)
        )
        for u in users.order_by("pk"):
            if u.role in TOWNSHIP_ROLES:
                self.township.setdefault(u.area_id, []).append(u)
            if u.role == Role.PRINCIPAL:
                self.school.setdefault(u.school_id, []).append(u)
            if u.role == Role.BUREAU_STAFF:
                self.section.setdefault(u.section, []).append(u)
            if u.role in leaders:
                self.leaders.append(u)

    def addressees(self, *, kind: str, township_id: int | None, school_id: int | None, section: str) -> list[User]:
        if kind == Addressee.TOWNSHIP:
            return list(self.township.get(township_id, []))
        if kind == Addressee.SCHOOL:
            return list(self.school.get(school_id, []))
        return list(self.section.get(section, []))

    def upper(self, d: Decision) -> list[User]:
        """The next level up: a school's township (中心校 and 乡镇人民政府); for a township or a section, the county
        leaders and the county administrator."""
        if d.addressee_kind == Addressee.SCHOOL and d.school is not None:
            return list(self.township.get(d.school.township_id, []))
        return list(self.leaders)

    def supervision(self) -> list[User]:
        return list(self.section.get(Section.SUPERVISION, []))


def addressee_users(*, kind: str, township_id: int | None, school_id: int | None, section: str) -> list[User]:
    return _Directory().addressees(kind=kind, township_id=township_id, school_id=school_id, section=section)


def upper_users(d: Decision) -> list[User]:
    return _Directory().upper(d)


def supervision_users() -> list[User]:
    return _Directory().supervision()


def _message(
    d: Decision, *, key: str, title: str, up: bool = False, supervision: bool = False, to: _Directory
) -> Message:
    users = to.addressees(kind=d.addressee_kind, township_id=d.township_id, school_id=d.school_id,
                          section=d.section)  # fmt: skip
    if up:
        users += to.upper(d)
    if supervision:
        users += to.supervision()
    return Message(users=users, key=key, title=title, module="bulletins", level=d.level - 1,
                   url=reverse("bulletins:decision", args=[d.pk]))  # fmt: skip


def _tell(d: Decision, *, key: str, title: str, up: bool = False, supervision: bool = False) -> int:
    return notify_many([_message(d, key=key, title=title, up=up, supervision=supervision, to=_Directory())])


@transaction.atomic
def bulletin_issue(
    *, actor: User | None, bulletin: SupervisionBulletin, on: dt.date | None = None
) -> SupervisionBulletin:
    """Issue a draft in one step: 文号, deadlines, the PDF, the archive digests and the decisions to follow."""
    from jiaoyun.reports.services import document_archive, document_register

    _require_supervision(actor)
    bulletin = _draft(bulletin)
    today = on or timezone.localdate()
    content = json.loads(json.dumps(bulletin.content))
    if content.get("errors"):
        raise DomainError(
            "有模块的通报内容生成失败，请重新汇编后再印发：" + "；".join(content["errors"]), field="通报内容"
        )
    record, _ = document_register(actor=actor, key=LETTERHEAD, subject=f"{LETTERHEAD}:{bulletin.month:%Y-%m}",
                                  title=content["title"], on=today)  # fmt: skip
    for item in content["decisions"]:
        item["deadline"] = (today + dt.timedelta(days=int(item["days"]))).isoformat()
    content["issued_on"] = today.isoformat()
    content["document"] = record.parts
    pdf = bulletin_render_pdf(content)
    bulletin.content, bulletin.content_sha256 = content, content_digest(content)
    bulletin.pdf, bulletin.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    bulletin.number, bulletin.status = record.number, BulletinStatus.ISSUED
    bulletin.issued_at = timezone.now()
    bulletin.issued_by = actor if getattr(actor, "is_authenticated", False) else None
    bulletin.save()
    if not record.pdf_sha256:
        document_archive(record=record, pdf=pdf)
    rows = [
        Decision(bulletin=bulletin, seq=i, addressee_kind=item["addressee_kind"], township_id=item["township_id"],
                 school_id=item["school_id"], section=item["section"], addressee_name=item["addressee_name"],
                 matter=item["matter"], matter_label=item["matter_label"], kind=item["kind"], level=item["level"],
                 reason=item["reason"], deadline=dt.date.fromisoformat(item["deadline"]), report_to=item["report_to"],
                 previous_id=item["previous_id"])
        for i, item in enumerate(content["decisions"], start=1)
    ]  # fmt: skip
    Decision.objects.bulk_create(rows)
    now = timezone.now()
    created = list(bulletin.decisions.select_related("school"))
    DecisionEvent.objects.bulk_create(
        [
            DecisionEvent(
                decision=d,
                at=now,
                actor=bulletin.issued_by,
                action="issue",
                to_state=DecisionState.ISSUED,
                note=f"{bulletin.number}下达",
            )
            for d in created
        ]  # fmt: skip
    )
    to = _Directory()
    notify_many(
        _message(d, key=f"bulletins:decision:{d.pk}:issued", to=to, up=bool(d.report_to),
                 title=f"{bulletin.number}：{d.get_kind_display()}（{d.matter_label}），期限{d.deadline:%Y-%m-%d}")
        for d in created
    )  # fmt: skip
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=bulletin,
                 changes={"number": record.number, "content_sha256": bulletin.content_sha256,
                          "pdf_sha256": bulletin.pdf_sha256, "decisions": len(created)})  # fmt: skip
    return bulletin


def bulletin_verify(*, bulletin: SupervisionBulletin) -> dict[str, bool]:
    """Regenerate from the archive and compare: the content's digest and the PDF's bytes."""
    content_ok = content_digest(bulletin.content) == bulletin.content_sha256
    pdf_ok = hashlib.sha256(bulletin_render_pdf(bulletin.content)).hexdigest() == bulletin.pdf_sha256
    return {"content": content_ok, "pdf": pdf_ok}


# ---------------------------------------------------------------- decisions followed to closure

STATE_LABELS = dict(DecisionState.choices)


def _refuse(act: str) -> Any:
    return lambda current, allowed: (
        f"状态为“{STATE_LABELS.get(current, current)}”的决定不能{act}"
        f"（须为{'、'.join(STATE_LABELS[a] for a in allowed)}）"
    )


def _event(d: Decision, *, actor: User | None, action: str, before: str, note: str = "", **extra: Any) -> None:
    DecisionEvent.objects.create(decision=d, at=timezone.now(), actor=actor if getattr(actor, "is_authenticated", False) else None,
                                 action=action, from_state=before, to_state=d.state, note=note, **extra)  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.TRANSITION, obj=d, changes={"state": [before, d.state]}, note=note[:200]
    )


def can_answer(user: User, d: Decision) -> bool:
    mine = addressee_of(user)
    if mine is None or not getattr(user, "can_write", False):
        return False
    kind, ident = mine
    own: dict[str, Any] = {
        Addressee.TOWNSHIP: d.township_id,
        Addressee.SCHOOL: d.school_id,
        Addressee.SECTION: d.section,
    }
    return kind == d.addressee_kind and ident == own[kind]


@transaction.atomic
def decision_report(*, actor: User, decision: Decision, note: str, evidence: Any = None) -> Decision:
    """The addressee reports what was done, with evidence (已下达/逾期 → 已反馈)."""
    from jiaoyun.core.files import check_upload

    d = locked(decision)
    if not can_answer(actor, d):
        raise PermissionDenied("只有被通报的单位可以反馈整改情况")
    require_state(d.state, [DecisionState.ISSUED, DecisionState.OVERDUE], message=_refuse("反馈"))
    if not note.strip():
        raise DomainError("请写明整改情况", field="整改情况")
    name = check_upload(evidence, field="佐证材料") if evidence is not None else ""
    before = d.state
    d.state, d.reported_at = DecisionState.REPORTED, timezone.now()
    d.save(update_fields=["state", "reported_at"])
    _event(d, actor=actor, action="report", before=before, note=note.strip(), evidence=evidence or "",
           evidence_name=name)  # fmt: skip
    from jiaoyun.notices.services import notify

    notify(users=supervision_users(), key=f"bulletins:decision:{d.pk}:reported:{d.events.count()}",
           title=f"{d.addressee_name}已反馈{d.get_kind_display()}整改情况（{d.matter_label}），请核验",
           module="bulletins", url=reverse("bulletins:decision", args=[d.pk]))  # fmt: skip
    return d


@transaction.atomic
def decision_verify(*, actor: User, decision: Decision, passed: bool, note: str = "") -> Decision:
    """The 督导室 checks the feedback: 已核验销号, or returned (已下达 again, 逾期 when past the deadline)."""
    _require_supervision(actor)
    d = locked(decision)
    require_state(d.state, [DecisionState.REPORTED], message=_refuse("核验"))
    before = d.state
    if passed:
        d.state, d.verified_at = DecisionState.VERIFIED, timezone.now()
    else:
        if not note.strip():
            raise DomainError("退回时须写明原因", field="核验意见")
        past = d.deadline < timezone.localdate()
        d.state = DecisionState.OVERDUE if past else DecisionState.ISSUED
        d.went_overdue = d.went_overdue or past
    d.save(update_fields=["state", "verified_at", "went_overdue"])
    _event(d, actor=actor, action="verify" if passed else "return", before=before, note=note.strip())
    _tell(d, key=f"bulletins:decision:{d.pk}:{d.state}:{d.events.count()}",
          title=f"{d.get_kind_display()}（{d.matter_label}）" + ("已核验销号" if passed else f"被退回：{note.strip()}"))  # fmt: skip
    return d


@transaction.atomic
def decisions_check_overdue(*, on: dt.date | None = None) -> int:
    """已下达 decisions past their deadline become 逾期 (set-based), and their addressees, the 督导室 and (for a
    top-rung decision) the next level up are told. Returns how many went overdue."""
    on = on or timezone.localdate()
    due = list(
        Decision.objects.select_for_update(of=("self",))
        .filter(state=DecisionState.ISSUED, deadline__lt=on)
        .select_related("school")
    )
    if not due:
        return 0
    Decision.objects.filter(pk__in=[d.pk for d in due]).update(state=DecisionState.OVERDUE, went_overdue=True)
    now = timezone.now()
    DecisionEvent.objects.bulk_create(
        [
            DecisionEvent(
                decision=d,
                at=now,
                action="overdue",
                from_state=DecisionState.ISSUED,
                to_state=DecisionState.OVERDUE,
                note=f"期限{d.deadline:%Y-%m-%d}已过",
            )
            for d in due
        ]  # fmt: skip
    )
    for d in due:
        d.state = DecisionState.OVERDUE
    to = _Directory()
    notify_many(
        _message(d, key=f"bulletins:decision:{d.pk}:overdue", up=bool(d.report_to), supervision=True, to=to,
                 title=f"逾期：{d.addressee_name}{d.get_kind_display()}（{d.matter_label}）期限{d.deadline:%Y-%m-%d}已过")
        for d in due
    )  # fmt: skip
    audit_record(actor=None, action=AuditAction.TRANSITION, object_type="bulletins.decision",
                 object_repr=f"{len(due)}项决定逾期", changes={"ids": [d.pk for d in due]})  # fmt: skip
    return len(due)


def bulletin_monthly_run(*, today: dt.date | None = None) -> str:
    """The scheduled run on the 2nd: the draft of the month just ended (left alone once issued), and the
    overdue check of the decisions."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    month = (first - dt.timedelta(days=1)).replace(day=1)
    existing = SupervisionBulletin.objects.filter(month=month).first()
    text = (
        f"{existing}已印发"
        if existing and existing.is_issued
        else f"{bulletin_compile(actor=None, month=month, on=today)}草稿已汇编"
    )
    return f"{text}；逾期决定{decisions_check_overdue(on=today)}项"
