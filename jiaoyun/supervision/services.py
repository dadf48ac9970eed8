"""Writes of the supervision app: the plan (seed, copy, edit, progress), links and their visits, areas and their
visits, the 整改 workflow, the assessment weights and the daily alerts. Each write is audited in its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role, Section
from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import check_upload
from jiaoyun.core.services import model_create, model_update
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked, require_state
from jiaoyun.schools.models import School
from jiaoyun.supervision import conf, plan2021
from jiaoyun.supervision.choices import AssessKind, AssessLevel, RectStatus
from jiaoyun.supervision.models import (
    AssessmentIndicator,
    ChecklistItem,
    Link,
    LinkVisit,
    Milestone,
    Plan,
    PlanItem,
    ProgressEvidence,
    ProgressReport,
    Rectification,
    RectificationEvent,
    VisitAnswer,
    Zone,
    ZoneVisit,
)
from jiaoyun.supervision.permissions import (
    can_inspect,
    can_manage,
    can_report,
    can_verify_rectification,
    can_work_rectification,
)


def _deny(allowed: bool, message: str) -> None:
    if not allowed:
        raise DomainError(message)


def _same_day_in(year: int, day: dt.date) -> dt.date:
    """``day`` moved to ``year`` (29 February becomes 28 February)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


# ---------------------------------------------------------------- the plan


@transaction.atomic
def plan_seed(*, actor: User | None, year: int = 2021) -> Plan:
    """The 2021 work plan's lines as the year's plan (refused when the year has a plan)."""
    if actor is not None:
        _deny(can_manage(actor), "只有督导室或县局管理员可以建立工作计划")
    if Plan.objects.filter(year=year).exists():
        raise DomainError(f"年度：{year}年已有工作计划")
    plan = Plan.objects.create(year=year, title=plan2021.TITLE.replace("2021", str(year)))
    numbers: dict[str, int] = {}
    for part, title, text, section, co, kind, ref, target, stones in plan2021.LINES:
        numbers[part] = numbers.get(part, 0) + 1
        item = PlanItem.objects.create(plan=plan, part=part, number=numbers[part], title=title, text=text,
                                       section=section, co_owners=list(co), measure_kind=kind, measure_ref=ref,
                                       target=target)  # fmt: skip
        Milestone.objects.bulk_create(
            [Milestone(item=item, title=t, due=dt.date(year, month, day)) for t, month, day in stones]
        )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=plan, changes={"items": len(plan2021.LINES)},
                 note="按年度工作计划建立任务")  # fmt: skip
    return plan


@transaction.atomic
def plan_copy(*, actor: User, plan: Plan, year: int) -> Plan:
    """The plan copied to ``year``: every item with its owners, places and measure, milestones on the same days of
    that year, progress reset; the 督导室 then edits the copy."""
    _deny(can_manage(actor), "只有督导室或县局管理员可以复制工作计划")
    if Plan.objects.filter(year=year).exists():
        raise DomainError(f"年度：{year}年已有工作计划，不能重复复制")
    new = Plan.objects.create(year=year, title=plan.title.replace(str(plan.year), str(year)))
    for item in plan.items.prefetch_related("milestones", "townships", "schools").order_by("part", "number"):
        copy = PlanItem.objects.create(plan=new, part=item.part, number=item.number, title=item.title,
                                       text=item.text, section=item.section, co_owners=list(item.co_owners),
                                       measure_kind=item.measure_kind, measure_ref=item.measure_ref,
                                       target=item.target)  # fmt: skip
        copy.townships.set(item.townships.all())
        copy.schools.set(item.schools.all())
        Milestone.objects.bulk_create(
            [Milestone(item=copy, title=m.title, due=_same_day_in(year, m.due)) for m in item.milestones.all()]
        )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=new, changes={"copied_from": plan.year},
                 note=f"由{plan.year}年工作计划复制")  # fmt: skip
    return new


ITEM_FIELDS = ("part", "title", "text", "section", "co_owners", "measure_kind", "measure_ref", "target")


@transaction.atomic
def item_save(
    *,
    actor: User,
    plan: Plan,
    item: PlanItem | None = None,
    fields: Mapping[str, Any],
    townships: Iterable[Any] = (),
    schools: Iterable[Any] = (),
) -> PlanItem:
    """Create or edit an item (the 督导室): its fields, the townships and schools it applies to."""
    _deny(can_manage(actor), "只有督导室或县局管理员可以编辑计划任务")
    values = {k: fields[k] for k in ITEM_FIELDS if k in fields}
    if item is None:
        last = PlanItem.objects.filter(plan=plan, part=values.get("part")).order_by("-number").first()
        item = model_create(actor=actor, obj=PlanItem(plan=plan, number=(last.number + 1) if last else 1, **values))
    else:
        item = model_update(actor=actor, obj=locked(item), fields=values)
    item.townships.set(list(townships))
    item.schools.set(list(schools))
    return item


@transaction.atomic
def milestone_add(*, actor: User, item: PlanItem, title: str, due: dt.date) -> Milestone:
    _deny(can_manage(actor), "只有督导室或县局管理员可以增加任务节点")
    if due.year != item.plan.year:
        raise DomainError(f"完成期限：{due:%Y-%m-%d} 不在{item.plan.year}年度内")
    return model_create(actor=actor, obj=Milestone(item=item, title=title.strip(), due=due))


@transaction.atomic
def progress_report(
    *,
    actor: User,
    item: PlanItem,
    percent: int,
    note: str,
    on: dt.date | None = None,
    milestone: Milestone | None = None,
    files: Sequence[UploadedFile] = (),
) -> ProgressReport:
    """An owner's progress report with evidence; a milestone named is done on the report's day."""
    _deny(can_report(actor, item), "只有牵头或配合股室可以报告此任务的进展")
    on = on or timezone.localdate()
    if not 0 <= percent <= 100:
        raise DomainError("进度：须在0到100之间")
    if not note.strip():
        raise DomainError("进展情况：请填写")
    if milestone is not None:
        if milestone.item_id != item.pk:
            raise DomainError("完成节点：不属于此任务")
        milestone = locked(milestone)
        if milestone.done_on is not None:
            raise DomainError(f"完成节点：“{milestone.title}”已于{milestone.done_on:%Y-%m-%d}完成")
    names = [check_upload(f, use="evidence", field="佐证材料") for f in files]
    item = locked(item)
    report = ProgressReport.objects.create(item=item, milestone=milestone, on=on, percent=percent, note=note.strip(),
                                           reported_by=actor)  # fmt: skip
    for f, name in zip(files, names, strict=True):
        ProgressEvidence.objects.create(report=report, file=f, name=(getattr(f, "name", "") or name)[:200])
    changes: dict[str, Any] = {"percent": [item.percent, percent]}
    item.percent = percent
    item.save(update_fields=["percent"])
    if milestone is not None:
        milestone.done_on = on
        milestone.save(update_fields=["done_on"])
        changes["milestone"] = milestone.title
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=item, changes=changes, note=f"进展报告：{note}"[:500])
    return report


# ---------------------------------------------------------------- 挂钩联系


@transaction.atomic
def link_create(
    *, actor: User, school: School, person: str, department: str = "", leader: User | None = None,
    since: dt.date | None = None,
) -> Link:  # fmt: skip
    _deny(can_manage(actor), "只有督导室或县局管理员可以设置挂钩联系")
    if leader is not None and leader.role != Role.COUNTY_LEADER:
        raise DomainError("挂钩领导（账号）：须为县领导/挂钩部门账号")
    link = Link(school=school, person=person.strip(), department=department.strip(), leader=leader,
                since=since or timezone.localdate())  # fmt: skip
    return model_create(actor=actor, obj=link)


@transaction.atomic
def link_end(*, actor: User, link: Link) -> Link:
    _deny(can_manage(actor), "只有督导室或县局管理员可以解除挂钩联系")
    return model_update(actor=actor, obj=locked(link), fields={"active": False})


@transaction.atomic
def link_visit_add(
    *, actor: User, link: Link, date: dt.date, people: str, findings: str, follow_up: str = ""
) -> LinkVisit:
    """A visit of the linked leader or department, recorded by the 督导室 (or the leader's office)."""
    _deny(can_manage(actor), "只有督导室或县局管理员可以登记挂钩走访")
    if date > timezone.localdate():
        raise DomainError("走访日期：不能晚于今天")
    visit = LinkVisit(link=link, date=date, people=people.strip(), findings=findings.strip(),
                      follow_up=follow_up.strip(), recorded_by=actor)  # fmt: skip
    return model_create(actor=actor, obj=visit)


# ---------------------------------------------------------------- 督学责任区 and 整改


@transaction.atomic
def zone_save(
    *, actor: User, name: str, inspector: User | None, schools: Iterable[School], zone: Zone | None = None
) -> Zone:
    _deny(can_manage(actor), "只有督导室或县局管理员可以划定责任区")
    if inspector is not None and not (inspector.role == Role.BUREAU_STAFF and inspector.section == Section.SUPERVISION):
        raise DomainError("责任督学：须为督导室工作人员")
    if zone is None:
        zone = model_create(actor=actor, obj=Zone(name=name.strip(), inspector=inspector))
    else:
        zone = model_update(actor=actor, obj=locked(zone), fields={"name": name.strip(), "inspector": inspector})
    zone.schools.set(list(schools))
    return zone


def _principal_of(school: School) -> User | None:
    return User.objects.filter(role=Role.PRINCIPAL, school=school, is_active=True).order_by("id").first()


@transaction.atomic
def visit_record(
    *,
    actor: User,
    zone: Zone,
    school: School,
    date: dt.date,
    answers: Mapping[int, tuple[bool, str]],
    summary: str = "",
    findings: Sequence[tuple[str, dt.date]] = (),
) -> ZoneVisit:
    """A monthly visit: every active checklist item answered; each finding opens a 整改 due by its deadline."""
    _deny(can_inspect(actor, zone), "只有本责任区的责任督学可以登记督导记录")
    if not zone.schools.filter(pk=school.pk).exists():
        raise DomainError(f"学校：{school.name}不在责任区“{zone.name}”内")
    if date > timezone.localdate():
        raise DomainError("督导日期：不能晚于今天")
    items = list(ChecklistItem.objects.filter(active=True).order_by("sort", "id"))
    missing = [i.text for i in items if i.pk not in answers]
    if missing:
        raise DomainError(f"检查项：“{missing[0]}”未填写")
    visit = ZoneVisit.objects.create(zone=zone, school=school, date=date, inspector=actor, summary=summary.strip())
    VisitAnswer.objects.bulk_create(
        [VisitAnswer(visit=visit, item=i, ok=answers[i.pk][0], note=answers[i.pk][1][:200]) for i in items]
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=visit,
                 changes={"zone": zone.name, "failed": sum(1 for i in items if not answers[i.pk][0])})  # fmt: skip
    for n, (finding, deadline) in enumerate(findings, start=1):
        if not finding.strip():
            continue
        if deadline <= date:
            raise DomainError(f"第{n}条问题的整改期限：须晚于督导日期")
        rectification_open(actor=actor, school=school, finding=finding, deadline=deadline, visit=visit, on=date)
    return visit


def _event(rect: Rectification, *, actor: User | None, action: str, from_status: str, note: str = "",
           upload: UploadedFile | None = None, name: str = "") -> RectificationEvent:  # fmt: skip
    event = RectificationEvent(rectification=rect, actor=actor, action=action, from_status=from_status,
                               to_status=rect.status, note=note[:1000])  # fmt: skip
    if upload is not None:
        event.file = upload
        event.file_name = (getattr(upload, "name", "") or name)[:200]
    event.save()
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=rect,
                 changes={"status": [from_status, rect.status]}, note=f"{action}：{note}"[:500])  # fmt: skip
    return event


@transaction.atomic
def rectification_open(
    *,
    actor: User,
    school: School,
    finding: str,
    deadline: dt.date,
    visit: ZoneVisit | None = None,
    responsible: User | None = None,
    on: dt.date | None = None,
) -> Rectification:
    """A finding to rectify (待整改); the school's principal is responsible unless another is named; the 督学
    who opens it verifies it."""
    zone_ok = visit is not None and can_inspect(actor, visit.zone)
    _deny(zone_ok or can_manage(actor), "只有责任督学或督导室可以下达整改")
    on = on or timezone.localdate()
    if not finding.strip():
        raise DomainError("问题：请填写")
    if deadline <= on:
        raise DomainError(f"整改期限：{deadline:%Y-%m-%d} 须晚于下达日期 {on:%Y-%m-%d}")
    rect = Rectification.objects.create(school=school, visit=visit, finding=finding.strip(), deadline=deadline,
                                        responsible=responsible or _principal_of(school), verifier=actor,
                                        opened_on=on)  # fmt: skip
    _event(rect, actor=actor, action="下达整改", from_status="", note=f"期限 {deadline:%Y-%m-%d}")
    return rect


def _refusal(act: str) -> Any:
    labels = dict(RectStatus.choices)
    return lambda current, allowed: (
        f"状态：当前为“{labels.get(current, current)}”，只有“{'、'.join(str(labels[a]) for a in allowed)}”的整改可以{act}"
    )


@transaction.atomic
def rectification_start(*, actor: User, rect: Rectification, note: str = "") -> Rectification:
    rect = locked(rect, "school")
    _deny(can_work_rectification(actor, rect), "只有整改学校、所在乡镇中心校或整改责任人可以办理")
    require_state(rect.status, (RectStatus.OPEN,), message=_refusal("开始整改"))
    before, rect.status = rect.status, RectStatus.IN_PROGRESS
    rect.save(update_fields=["status"])
    _event(rect, actor=actor, action="开始整改", from_status=before, note=note)
    return rect


@transaction.atomic
def rectification_submit(
    *, actor: User, rect: Rectification, note: str, file: UploadedFile | None = None
) -> Rectification:
    """The school reports the rectification done, with evidence: 待核验."""
    rect = locked(rect, "school")
    _deny(can_work_rectification(actor, rect), "只有整改学校、所在乡镇中心校或整改责任人可以办理")
    require_state(rect.status, (RectStatus.OPEN, RectStatus.IN_PROGRESS), message=_refusal("提交核验"))
    if not note.strip():
        raise DomainError("整改情况：请填写")
    name = check_upload(file, use="evidence", field="整改佐证") if file is not None else ""
    before, rect.status = rect.status, RectStatus.SUBMITTED
    rect.save(update_fields=["status"])
    _event(rect, actor=actor, action="提交核验", from_status=before, note=note, upload=file, name=name)
    return rect


@transaction.atomic
def rectification_verify(
    *, actor: User, rect: Rectification, passed: bool, note: str = "", on: dt.date | None = None
) -> Rectification:
    """The 督学 verifies: passed → 已销号 (closed on ``on``); not passed → back to 整改中 with the reason."""
    rect = locked(rect, "school")
    _deny(can_verify_rectification(actor, rect), "只有下达整改的责任督学或督导室可以核验")
    require_state(rect.status, (RectStatus.SUBMITTED,), message=_refusal("核验"))
    if not passed and not note.strip():
        raise DomainError("核验意见：未通过时请写明原因")
    before = rect.status
    if passed:
        rect.status, rect.closed_on = RectStatus.CLOSED, on or timezone.localdate()
    else:
        rect.status = RectStatus.IN_PROGRESS
    rect.save(update_fields=["status", "closed_on"])
    _event(rect, actor=actor, action="核验通过，销号" if passed else "核验未通过", from_status=before, note=note)
    return rect


# ---------------------------------------------------------------- assessment


@transaction.atomic
def weights_set(
    *, actor: User | None, year: int, level: str, weights: Mapping[str, Decimal]
) -> list[AssessmentIndicator]:
    """The year's indicators and weights for townships or schools (a weight of 0 leaves the kind out)."""
    if actor is not None:
        _deny(can_manage(actor), "只有督导室或县局管理员可以设置考核指标")
    if level not in AssessLevel.values:
        raise DomainError("考核对象：须为乡镇或学校")
    for kind, weight in weights.items():
        if kind not in AssessKind.values:
            raise DomainError(f"指标：未知的指标“{kind}”")
        if weight < 0:
            raise DomainError(f"{AssessKind(kind).label}的分值：不能为负数")
    out = []
    for sort, kind in enumerate(AssessKind.values):
        if kind not in weights:
            continue
        row = AssessmentIndicator.objects.filter(year=year, level=level, kind=kind).first()
        if row is None:
            row = model_create(actor=actor, obj=AssessmentIndicator(year=year, level=level, kind=kind,
                                                                    weight=weights[kind], sort=sort))  # fmt: skip
        else:
            row = model_update(actor=actor, obj=row, fields={"weight": weights[kind]})
        out.append(row)
    return out


def weights_default(*, year: int) -> None:
    """The default weights (``conf.DEFAULT_WEIGHTS``) for a year without any (the demo and the first visit)."""
    for level, weights in conf.default_weights().items():
        if not AssessmentIndicator.objects.filter(year=year, level=level).exists():
            weights_set(actor=None, year=year, level=level, weights=weights)


# ---------------------------------------------------------------- alerts


def alert_level(due: dt.date, on: dt.date) -> int | None:
    """The alert level of something due on ``due``, on ``on``: None before it is overdue; 0 in the first
    ``SUPERVISION_ESCALATION_DAYS`` days overdue, one level more each such period, at most ``SUPERVISION_MAX_LEVEL``."""
    days = (on - due).days
    if days <= 0:
        return None
    return min((days - 1) // int(conf.get("SUPERVISION_ESCALATION_DAYS")), int(conf.get("SUPERVISION_MAX_LEVEL")))


LEVEL_WORDS = ("", "（已升级至督导室）", "（已升级至局领导）")


def alerts_run(*, on: dt.date | None = None) -> int:
    """The daily alerts: every overdue plan milestone and 整改 told to its owners through the in-app notices
    (and whatever channels they deliver to), once per level; a level climbs one step a week (逐级). Returns the
    number of notifications sent."""
    from django.contrib.auth import get_user_model

    from jiaoyun.notices.services import notify
    from jiaoyun.supervision.selectors import overdue_rectifications, overdue_tasks

    on = on or timezone.localdate()
    users = get_user_model().objects.filter(is_active=True)
    staff: dict[str, list[Any]] = {}
    for u in users.filter(role=Role.BUREAU_STAFF):
        staff.setdefault(u.section, []).append(u)
    admins = list(users.filter(role=Role.COUNTY_ADMIN))
    supervision = staff.get(Section.SUPERVISION, [])
    sent = 0
    for t in overdue_tasks(on=on):
        level = alert_level(t["due"], on)
        if level is None:
            continue
        told = list(staff.get(t["section"], []))
        if level >= 1:
            told += supervision
        if level >= 2:
            told += admins
        title = f"计划任务逾期{t['days_overdue']}天：{t['code']} {t['title']}"[:200]
        sent += notify(users={u.pk: u for u in told}.values(), key=f"supervision:task:{t['milestone_id']}:L{level}",
                       title=title, body=f"节点“{t['milestone']}”期限 {t['due']:%Y-%m-%d}{LEVEL_WORDS[min(level, 2)]}",
                       url=t["url"], module="工作计划", level=level)  # fmt: skip
    rects = {r.pk: r for r in Rectification.objects.filter(pk__in=[r["id"] for r in overdue_rectifications(on=on)])
             .select_related("responsible", "verifier", "school")}  # fmt: skip
    officers: dict[int, list[Any]] = {}
    for u in users.filter(role=Role.TOWNSHIP_OFFICER, area__isnull=False):
        officers.setdefault(int(u.area_id or 0), []).append(u)
    for r in overdue_rectifications(on=on):
        level = alert_level(r["deadline"], on)
        rect = rects.get(r["id"])
        if level is None or rect is None:
            continue
        told = ([rect.responsible] if rect.responsible else []) + officers.get(r["township_id"], [])
        if level >= 1 and rect.verifier:
            told.append(rect.verifier)
        if level >= 2:
            told += supervision + admins
        title = f"整改逾期{r['days_overdue']}天：{r['school']}"[:200]
        sent += notify(users={u.pk: u for u in told if u.is_active}.values(), key=f"supervision:rect:{r['id']}:L{level}",
                       title=title, body=f"{r['finding'][:100]}（期限 {r['deadline']:%Y-%m-%d}）{LEVEL_WORDS[min(level, 2)]}",
                       url=r["url"], module="整改跟踪", level=level)  # fmt: skip
    return sent


# ---------------------------------------------------------------- the visit checklist


@transaction.atomic
def checklist_add(*, actor: User | None, text: str, sort: int | None = None) -> ChecklistItem:
    if actor is not None:
        _deny(can_manage(actor), "只有督导室或县局管理员可以设置检查项")
    if not text.strip():
        raise DomainError("检查内容：请填写")
    last = ChecklistItem.objects.order_by("-sort").first()
    sort = sort if sort is not None else (last.sort + 1 if last else 1)
    return model_create(actor=actor, obj=ChecklistItem(text=text.strip(), sort=sort))


@transaction.atomic
def checklist_toggle(*, actor: User, item: ChecklistItem) -> ChecklistItem:
    """Switch an item off (or on again): past visits keep their answers to it."""
    _deny(can_manage(actor), "只有督导室或县局管理员可以设置检查项")
    return model_update(actor=actor, obj=locked(item), fields={"active": not item.active})
