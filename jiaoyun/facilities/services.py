"""The one write path of projects: every change is checked, written whole and audited in one transaction.

Refusals are ``DomainError`` in Chinese naming the field: a milestone dated before its predecessor (or after its
successor), payments above the contract amount or above what the source funds, a funding split that does not
add up to the budget, a project at an unknown school or village (or a village outside the project's township).
``late_milestones_alert`` is the daily job of the delay alerts (ADR 0033).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role, Section
from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import check_upload
from jiaoyun.core.services import full_clean, model_create, model_update
from jiaoyun.core.types import User
from jiaoyun.facilities import conf
from jiaoyun.facilities.choices import (
    FileKind,
    FundingSource,
    MilestoneKind,
    PlanTarget,
    ProjectKind,
    status_for,
)
from jiaoyun.facilities.models import Contract, Milestone, Payment, Project, ProjectFile, ProjectFunding
from jiaoyun.facilities.permissions import check_can_write
from jiaoyun.schools.choices import Level, Ownership
from jiaoyun.schools.models import School

CENT = Decimal("0.01")

# The fields of a project a form or an import may set (the rest is derived).
PROJECT_FIELDS = (
    "name", "kind", "level", "ownership", "school_id", "site_name", "township_id", "village_id", "latitude",
    "longitude", "seats", "classes", "floor_area", "budget", "plan_year", "plan_line", "target", "owner_section",
    "owner_id", "note",
)  # fmt: skip


def money(value: Any, *, field: str, allow_zero: bool = True) -> Decimal:
    """A sum of money in 元 with at most two decimals (a float is never accepted as money)."""
    if isinstance(value, float):
        raise DomainError("金额须以精确的小数给出", field=field)
    try:
        amount = Decimal(str(value).replace(",", "").strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise DomainError(f"“{value}”不是有效的金额", field=field) from None
    if not amount.is_finite():
        raise DomainError(f"“{value}”不是有效的金额", field=field)
    if amount != amount.quantize(CENT):
        raise DomainError("金额最多保留两位小数（分）", field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError("金额必须大于0" if not allow_zero else "金额不能为负数", field=field)
    return amount.quantize(CENT)


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}元"


# -- projects --------------------------------------------------------------------------------------------------


def check_place(values: dict[str, Any]) -> None:
    """Resolve and check school, township and village (ids); fill the township from the school."""
    school = None
    if values.get("school_id"):
        school = School.objects.filter(pk=values["school_id"]).select_related("township").first()
        if school is None:
            raise DomainError(f"学校（编号{values['school_id']}）不存在", field="学校")
    elif not (values.get("site_name") or "").strip():
        raise DomainError("请选择学校，或填写新建学校的规划选址", field="学校")
    township_id = values.get("township_id")
    if school is not None:
        if township_id and int(township_id) != school.township_id:
            raise DomainError(f"学校“{school.name}”不在所选乡镇", field="乡镇")
        values["township_id"] = township_id = school.township_id
    if not township_id:
        raise DomainError("请选择乡镇", field="乡镇")
    township = Area.objects.filter(pk=township_id, level=AreaLevel.TOWNSHIP).first()
    if township is None:
        raise DomainError(f"乡镇（编号{township_id}）不存在", field="乡镇")
    village_id = values.get("village_id")
    if not village_id and school is not None and school.village_id:
        values["village_id"] = village_id = school.village_id
    if village_id:
        village = Area.objects.filter(pk=village_id, level=AreaLevel.VILLAGE).first()
        if village is None:
            raise DomainError(f"村（社区）（编号{village_id}）不存在", field="村（社区）")
        if village.parent_id != township.pk:
            raise DomainError(f"“{village.name}”不属于{township.name}", field="村（社区）")
    values["village_id"] = village_id or None
    values["school_id"] = school.pk if school is not None else None


def _choices(values: dict[str, Any]) -> None:
    for key, label, allowed in (
        ("kind", "建设类型", ProjectKind.values),
        ("level", "学段", Level.values),
        ("ownership", "举办者类型", Ownership.values),
        ("target", "计入规划目标", PlanTarget.values),
        ("owner_section", "责任股室", Section.values),
    ):
        if key in values and values[key] not in allowed:
            raise DomainError(f"“{values[key]}”不是可选的值", field=label)
    if "budget" in values:
        values["budget"] = money(values["budget"], field="总投资")
    for key, label in (("seats", "新增学位"), ("classes", "新增班级")):
        if key in values and (values[key] is None or int(values[key]) < 0):
            raise DomainError("不能为负数", field=label)


def _check(obj: Project) -> None:
    full_clean(obj, exclude=["township", "village", "school", "owner"])


@transaction.atomic
def project_create(*, actor: User | None, milestones: Mapping[int, dt.date | None] | None = None,
                   **fields: Any) -> Project:  # fmt: skip
    """A new project with its eight milestones (planned dates from ``milestones``, by MilestoneKind value)."""
    check_can_write(actor)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project_create: unknown fields {sorted(unknown)}")
    values = {"ownership": Ownership.PUBLIC, "owner_section": Section.FINANCE, **fields}
    if not (values.get("name") or "").strip():
        raise DomainError("请填写项目名称", field="项目名称")
    _choices(values)
    check_place(values)
    if not values.get("plan_year"):
        raise DomainError("请填写计划年度", field="计划年度")
    project = model_create(actor=actor, obj=Project(**values), check=_check)
    Milestone.objects.bulk_create([Milestone(project=project, kind=k) for k in MilestoneKind.values])
    if milestones:
        _plan(project, milestones)
    return project


@transaction.atomic
def project_update(*, actor: User | None, project: Project, **fields: Any) -> Project:
    check_can_write(actor)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project_update: unknown fields {sorted(unknown)}")
    values = dict(fields)
    _choices(values)
    if {"school_id", "township_id", "village_id", "site_name"} & set(values):
        merged = {k: getattr(project, k) for k in ("school_id", "township_id", "village_id", "site_name")}
        merged.update(values)
        check_place(merged)
        values.update(merged)
    if "budget" in values and project.funding.exists():
        funded = project.funding.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if funded != values["budget"]:
            raise DomainError(
                f"资金来源合计{yuan(funded)}，与新的总投资{yuan(values['budget'])}不一致；请同时调整资金来源",
                field="总投资",
            )
    return model_update(actor=actor, obj=project, fields=values, check=_check)


# -- money -----------------------------------------------------------------------------------------------------


@transaction.atomic
def funding_set(*, actor: User | None, project: Project, amounts: Mapping[str, Any],
                budget: Any | None = None) -> Project:  # fmt: skip
    """Set the budget's split by source (元; missing sources are 0). The parts must add up to the budget
    (``budget`` changes it in the same step). A source may not drop below what has been paid from it."""
    check_can_write(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    total_budget = money(budget, field="总投资") if budget is not None else project.budget
    parts: dict[str, Decimal] = {}
    for source, value in amounts.items():
        if source not in FundingSource.values:
            raise DomainError(f"“{source}”不是资金来源", field="资金来源")
        label = FundingSource(source).label
        parts[source] = money(value if value not in (None, "") else 0, field=label)
    total = sum(parts.values(), Decimal(0))
    if total != total_budget:
        gap = total_budget - total
        raise DomainError(
            f"各来源合计{yuan(total)}，与总投资{yuan(total_budget)}"
            f"{'相差' + yuan(abs(gap))}（{'少' if gap > 0 else '多'}{yuan(abs(gap))}），请调整",
            field="资金来源",
        )
    paid = _paid_by_source(project)
    for source, amount in paid.items():
        if parts.get(source, Decimal(0)) < amount:
            raise DomainError(f"已从该来源支付{yuan(amount)}，安排的金额不能少于已支付金额",
                              field=FundingSource(source).label)  # fmt: skip
    before = {r.source: str(r.amount) for r in project.funding.all()}
    ProjectFunding.objects.filter(project=project).delete()
    ProjectFunding.objects.bulk_create(
        [ProjectFunding(project=project, source=s, amount=a) for s, a in parts.items() if a > 0]
    )
    after = {s: str(a) for s, a in parts.items() if a > 0}
    changes: dict[str, Any] = {"funding": [before, after]}
    if total_budget != project.budget:
        changes["budget"] = [str(project.budget), str(total_budget)]
        project.budget = total_budget
        project.save(update_fields=["budget", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=project, changes=changes, note="资金来源")
    return project


def _paid_by_source(project: Project) -> dict[str, Decimal]:
    rows = Payment.objects.filter(contract__project=project).values("source").annotate(s=Sum("amount"))
    return {r["source"]: r["s"] for r in rows}


@transaction.atomic
def contract_add(*, actor: User | None, project: Project, title: str, contractor: str, amount: Any,
                 signed_on: dt.date | None = None) -> Contract:  # fmt: skip
    check_can_write(actor)
    if not (title or "").strip():
        raise DomainError("请填写合同名称", field="合同名称")
    if not (contractor or "").strip():
        raise DomainError("请填写承包单位", field="承包单位")
    value = money(amount, field="合同金额", allow_zero=False)
    return model_create(actor=actor, obj=Contract(project=project, title=title.strip(),
                                                  contractor=contractor.strip(), amount=value, signed_on=signed_on))  # fmt: skip


@transaction.atomic
def payment_add(*, actor: User | None, contract: Contract, date: dt.date, amount: Any, source: str,
                note: str = "", today: dt.date | None = None) -> Payment:  # fmt: skip
    """A payment against ``contract`` from ``source``: the contract's payments may not exceed its amount, nor the
    source's payments its share of the budget."""
    check_can_write(actor)
    contract = Contract.objects.select_for_update().select_related("project").get(pk=contract.pk)
    Project.objects.select_for_update().filter(pk=contract.project_id).first()  # one payer of a project at a time
    value = money(amount, field="支付金额", allow_zero=False)
    if source not in FundingSource.values:
        raise DomainError(f"“{source}”不是资金来源", field="资金来源")
    if date is None:
        raise DomainError("请填写支付日期", field="支付日期")
    if date > (today or timezone.localdate()):
        raise DomainError("支付日期不能晚于今天", field="支付日期")
    paid = contract.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if paid + value > contract.amount:
        raise DomainError(
            f"合同金额{yuan(contract.amount)}，已支付{yuan(paid)}，本次{yuan(value)}将超出合同金额"
            f"{yuan(paid + value - contract.amount)}",
            field="支付金额",
        )
    funded = ProjectFunding.objects.filter(project_id=contract.project_id, source=source).values_list(
        "amount", flat=True
    ).first() or Decimal(0)
    spent = _paid_by_source(contract.project).get(source, Decimal(0))
    label = FundingSource(source).label
    if spent + value > funded:
        raise DomainError(
            f"项目安排的{label}资金为{yuan(funded)}，已支付{yuan(spent)}，本次{yuan(value)}将超出"
            f"{yuan(spent + value - funded)}",
            field="资金来源",
        )
    return model_create(actor=actor, obj=Payment(contract=contract, date=date, amount=value, source=source,
                                                 note=(note or "").strip()))  # fmt: skip


# -- milestones ------------------------------------------------------------------------------------------------


def _label(kind: int) -> str:
    return str(MilestoneKind(kind).label)


def check_order(dates: Mapping[int, dt.date | None], *, what: str) -> None:
    """Each dated milestone is not before any earlier dated one (``what``: 计划日期 or 实际日期)."""
    last: tuple[int, dt.date] | None = None
    for kind in sorted(dates):
        day = dates[kind]
        if day is None:
            continue
        if last is not None and day < last[1]:
            raise DomainError(
                f"{day:%Y-%m-%d}早于前一节点“{_label(last[0])}”的{what}{last[1]:%Y-%m-%d}",
                field=f"{_label(kind)}{what}",
            )
        last = (kind, day)


def _plan(project: Project, planned: Mapping[int, dt.date | None]) -> None:
    rows = {m.kind: m for m in project.milestones.all()}
    dates = {k: m.planned for k, m in rows.items()}
    for kind, day in planned.items():
        if int(kind) not in rows:
            raise DomainError(f"“{kind}”不是里程碑节点", field="节点")
        dates[int(kind)] = day
    check_order(dates, what="计划日期")
    changed = [m for k, m in rows.items() if m.planned != dates[k]]
    for m in changed:
        m.planned = dates[m.kind]
    Milestone.objects.bulk_update(changed, ["planned"])


@transaction.atomic
def milestones_plan(*, actor: User | None, project: Project, planned: Mapping[int, dt.date | None]) -> Project:
    """Set the planned dates (by MilestoneKind value); they must follow the milestones' order."""
    check_can_write(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = {str(m.kind): str(m.planned or "") for m in project.milestones.all()}
    _plan(project, planned)
    after = {str(m.kind): str(m.planned or "") for m in project.milestones.all()}
    if before != after:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=project, changes={"planned": [before, after]},
                     note="里程碑计划日期")  # fmt: skip
    return project


@transaction.atomic
def milestone_record(*, actor: User | None, milestone: Milestone, actual: dt.date | None,
                     note: str | None = None, today: dt.date | None = None) -> Milestone:  # fmt: skip
    """Record (or correct, or clear) a milestone's actual date and its note; the project's status follows.

    The date may not be in the future, before an earlier milestone's actual date or after a later one's; a
    milestone is not done before the one before it (立项 before 可研批复, …)."""
    check_can_write(actor)
    project = Project.objects.select_for_update().get(pk=milestone.project_id)
    rows = {m.kind: m for m in Milestone.objects.filter(project=project)}
    milestone = rows[milestone.kind]
    label = _label(milestone.kind)
    if actual is not None:
        if actual > (today or timezone.localdate()):
            raise DomainError("实际日期不能晚于今天", field=f"{label}实际日期")
        earlier = [k for k in rows if k < milestone.kind and rows[k].actual is None]
        if earlier:
            raise DomainError(f"前一节点“{_label(max(earlier))}”尚未完成，请先登记它的实际日期",
                              field=f"{label}实际日期")  # fmt: skip
    elif any(rows[k].actual is not None for k in rows if k > milestone.kind):
        later = min(k for k in rows if k > milestone.kind and rows[k].actual is not None)
        raise DomainError(f"后续节点“{_label(later)}”已完成，不能清除本节点的实际日期", field=f"{label}实际日期")
    dates = {k: m.actual for k, m in rows.items()}
    dates[milestone.kind] = actual
    check_order(dates, what="实际日期")
    fields: dict[str, Any] = {"actual": actual}
    if note is not None:
        fields["note"] = note.strip()
    model_update(actor=actor, obj=milestone, fields=fields)
    done = {k for k, d in dates.items() if d is not None}
    status = status_for(done)
    if status != project.status:
        audit_record(actor=actor, action=AuditAction.TRANSITION, obj=project,
                     changes={"status": [project.status, status]}, note=f"{label}：{actual or '清除'}")  # fmt: skip
        project.status = status
        project.save(update_fields=["status", "updated_at"])
    return milestone


# -- files -----------------------------------------------------------------------------------------------------


@transaction.atomic
def file_attach(*, actor: User | None, project: Project, upload: Any, kind: str = FileKind.PHOTO,
                caption: str = "", milestone: int | None = None) -> ProjectFile:  # fmt: skip
    """A photo (JPG/PNG/WebP) or a document (also PDF, Word, Excel) of the project, stored under a random name."""
    check_can_write(actor)
    if kind not in FileKind.values:
        raise DomainError(f"“{kind}”不是文件类别", field="类别")
    if milestone is not None and milestone not in MilestoneKind.values:
        raise DomainError(f"“{milestone}”不是里程碑节点", field="节点")
    use = "image" if kind == FileKind.PHOTO else "evidence"
    name = check_upload(upload, use=use, field="照片" if kind == FileKind.PHOTO else "文件")
    row = ProjectFile(project=project, kind=kind, name=name[:200], caption=(caption or "").strip()[:200],
                      milestone=milestone, uploaded_by=actor)  # fmt: skip
    row.file.save(upload.name, upload, save=False)
    row.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=row, changes={"project": project.pk, "name": name})
    return row


def files_purge(*, before: dt.datetime) -> int:
    """Project photos and documents are kept with the project (archive records), never purged by age."""
    return 0


# -- delay alerts ----------------------------------------------------------------------------------------------

LEVEL_LABELS = ("项目负责人", "计划财务股", "县局管理员")


def escalation_level(*, planned: dt.date, today: dt.date) -> int:
    """0 while late less than a full week, then one level up for each full week (at most 2)."""
    days = (today - planned).days
    return max(0, min(len(LEVEL_LABELS) - 1, days // int(conf.get("FACILITIES_ESCALATE_DAYS"))))


def _recipients(project: Project, level: int) -> list[User]:
    """Everyone told at ``level``: the owner, then also the 计划财务股, then also the county administrators."""
    from jiaoyun.core.models import User as UserModel

    people: dict[int, User] = {}
    if project.owner is not None:
        people[project.owner.pk] = project.owner
    if level >= 1 or not people:
        section = project.owner_section or Section.FINANCE
        for u in UserModel.objects.filter(role=Role.BUREAU_STAFF, section=section, is_active=True):
            people[u.pk] = u
    if level >= 2:
        for u in UserModel.objects.filter(role=Role.COUNTY_ADMIN, is_active=True):
            people[u.pk] = u
    return list(people.values())


def late_milestones_alert(*, today: dt.date | None = None) -> int:
    """The daily job: for each project, its first milestone whose planned date has passed without an actual
    date is told to the owner, and escalated one level each full week it stays late (the level and the planned
    date are in the notify key, so each level is told once, and a new plan date starts again)."""
    from jiaoyun.notices.services import notify

    today = today or timezone.localdate()
    late = (
        Milestone.objects.filter(planned__lt=today, actual__isnull=True)
        .select_related("project__owner", "project__township")
        .order_by("project_id", "kind")
    )
    told = 0
    seen: set[int] = set()
    for m in late:
        if m.project_id in seen:
            continue
        seen.add(m.project_id)
        if m.planned is None:  # never: the query asks for a planned date
            continue
        level = escalation_level(planned=m.planned, today=today)
        days = (today - m.planned).days
        project = m.project
        title = f"项目“{project.name}”的“{m.get_kind_display()}”已滞后{days}天"
        if level:
            title += f"（第{level}次升级，报{LEVEL_LABELS[level]}）"
        body = f"计划{m.planned:%Y年%m月%d日}完成，至今未登记实际日期。" + (
            f"说明：{m.note}" if m.note else "请填写滞后原因。"
        )
        told += notify(
            users=_recipients(project, level),
            key=f"facilities:late:{m.pk}:{m.planned:%Y%m%d}:L{level}",
            title=title,
            body=body,
            url=reverse("facilities:project", args=[project.pk]),
            module="项目建设",
            level=level,
        )
    return told
