"""Projects and payments as import kinds of the exchange framework (preview → confirm; Chinese row errors).

Every row is checked with the services' own rules before anything is written (the place of the project, the
funding split adding up to the budget, planned dates in order; payments within the contract and the source's
share, counting the rows above it in the same file), then written through the services, so an import is audited
and refused exactly as a form is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.exchange.registry import NEW, UNCHANGED, UPDATED, Col, Context, Kind, Rec, changed, register
from jiaoyun.facilities import services
from jiaoyun.facilities.choices import FundingSource, MilestoneKind, PlanTarget, ProjectKind
from jiaoyun.facilities.models import Contract, Payment, Project, ProjectFunding
from jiaoyun.facilities.permissions import can_write
from jiaoyun.facilities.selectors import project_q
from jiaoyun.schools.choices import Level, Ownership
from jiaoyun.schools.models import School

SOURCE_COLS = tuple(Col(f"src_{s}", f"{label}（元）", "decimal", example="") for s, label in FundingSource.choices)
PLAN_COLS = tuple(Col(f"planned_{k}", f"{label}计划日期", "date", example="") for k, label in MilestoneKind.choices)
FIELDS = ("name", "kind", "level", "ownership", "school_id", "site_name", "township_id", "village_id", "seats",
          "classes", "budget", "plan_year", "plan_line", "target")  # fmt: skip


def _check_writer(ctx: Context) -> None:
    if ctx.actor is not None and not can_write(ctx.actor):
        raise PermissionDenied("建设项目和支付由计划财务股或县局管理员导入")


def _places(ctx: Context) -> None:
    ctx.cache["townships"] = dict(Area.objects.filter(level=AreaLevel.TOWNSHIP).values_list("code", "id"))
    ctx.cache["villages"] = dict(Area.objects.filter(level=AreaLevel.VILLAGE).values_list("code", "id"))
    ctx.cache["schools"] = dict(School.objects.values_list("code", "id"))


@register
class ProjectKindImport(Kind):
    importers = ("finance",)  # 计划财务股
    key = "projects"
    label = "建设项目"
    object_type = "facilities.Project"
    description = "学校建设项目（新建、改扩建、迁建、薄改等）：地点、学位、总投资及各来源资金、各节点计划日期。按“项目名称+乡镇”更新已有项目。"
    order = 120
    compare = FIELDS
    conflict_label = "项目名称"
    columns = (
        Col("name", "项目名称", required=True, max_length=120, example="大竹林村幼儿园新建工程"),
        Col("kind", "建设类型", "choice", required=True, choices=tuple(ProjectKind.choices), example="新建"),
        Col("level", "学段", "choice", required=True, choices=tuple(Level.choices), example="学前"),
        Col("ownership", "举办者类型", "choice", choices=tuple(Ownership.choices), default=Ownership.PUBLIC, example="公办"),
        Col("school", "学校标识码", "code", lengths=(10,), example=""),
        Col("site_name", "规划选址", max_length=120, example="大竹林村"),
        Col("township", "乡镇代码", "code", required=True, lengths=(9,), example="530521100"),
        Col("village", "村（社区）代码", "code", lengths=(12,), example="530521100002"),
        Col("seats", "新增学位", "int", example="90"),
        Col("classes", "新增班级", "int", example="3"),
        Col("budget", "总投资（元）", "decimal", required=True, example="3000000"),
        Col("plan_year", "计划年度", "int", required=True, example="2022"),
        Col("plan_line", "对应规划条目", max_length=20, example="四(一)"),
        Col("target", "计入规划目标", "choice", choices=tuple(PlanTarget.choices), default="", example="农村新建和改扩建幼儿园"),
        *SOURCE_COLS,
        *PLAN_COLS,
    )  # fmt: skip

    def prepare(self, ctx: Context) -> None:
        _check_writer(ctx)
        _places(ctx)

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        township_id = ctx.cache["townships"].get(values["township"])
        if township_id is None:
            raise DomainError(f"未知的乡镇代码{values['township']}", field="乡镇代码")
        school_id = None
        if values.get("school"):
            school_id = ctx.cache["schools"].get(values["school"])
            if school_id is None:
                raise DomainError(f"未知的学校标识码{values['school']}", field="学校标识码")
        village_id = None
        if values.get("village"):
            village_id = ctx.cache["villages"].get(values["village"])
            if village_id is None:
                raise DomainError(f"未知的村（社区）代码{values['village']}", field="村（社区）代码")
        place = {"school_id": school_id, "site_name": values.get("site_name") or "", "township_id": township_id,
                 "village_id": village_id}  # fmt: skip
        services.check_place(place)  # the service's own check: unknown school, village outside the township…
        budget = services.money(values["budget"], field="总投资（元）")
        amounts = {s: services.money(values.get(f"src_{s}") or 0, field=f"{label}（元）")
                   for s, label in FundingSource.choices}  # fmt: skip
        total = sum(amounts.values(), Decimal(0))
        if total and total != budget:
            raise DomainError(f"各来源合计{total:,.2f}元，与总投资{budget:,.2f}元不一致", field="资金来源")
        planned = {k: values.get(f"planned_{k}") for k in MilestoneKind.values}
        services.check_order(planned, what="计划日期")
        seats, classes = values.get("seats") or 0, values.get("classes") or 0
        if seats < 0 or classes < 0:
            raise DomainError("不能为负数", field="新增学位" if seats < 0 else "新增班级")
        return {
            "name": values["name"], "kind": values["kind"], "level": values["level"],
            "ownership": values.get("ownership") or Ownership.PUBLIC, **place, "seats": seats, "classes": classes,
            "budget": budget, "plan_year": values["plan_year"], "plan_line": values.get("plan_line") or "",
            "target": values.get("target") or "", "amounts": amounts if total else {}, "planned": planned,
        }  # fmt: skip

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("项目名称+乡镇", (record["name"], record["township_id"]))]

    def conflict_fields(self) -> tuple[str, ...]:
        return ("kind", "budget")

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        names = [r.data["name"] for r in recs]
        existing = {
            (p["name"], p["township_id"]): p for p in Project.objects.filter(name__in=names).values("id", *FIELDS)
        }
        for rec in recs:
            rec.repr = rec.data["name"]
            before = existing.get((rec.data["name"], rec.data["township_id"]))
            if before is None:
                rec.outcome = NEW
                continue
            rec.pk, rec.matched_by = before["id"], "项目名称和乡镇"
            diff = changed(rec.data, before, FIELDS)
            if rec.data["amounts"] or any(rec.data["planned"].values()):
                diff = diff or {"资金或计划日期": ["", "按文件更新"]}
            rec.outcome, rec.before = (UPDATED, diff) if diff else (UNCHANGED, None)

    def write(self, recs: list[Rec], ctx: Context) -> None:
        for r in recs:
            d = dict(r.data)
            amounts, planned = d.pop("amounts"), d.pop("planned")
            if r.outcome == NEW:
                project = services.project_create(actor=ctx.actor, milestones=planned, **d)
            else:
                project = Project.objects.get(pk=r.pk or 0)
                if amounts:
                    services.funding_set(actor=ctx.actor, project=project, amounts=amounts, budget=d.pop("budget"))
                project = services.project_update(actor=ctx.actor, project=project, **d)
                if any(planned.values()):
                    services.milestones_plan(actor=ctx.actor, project=project,
                                             planned={k: v for k, v in planned.items() if v})  # fmt: skip
            if amounts and r.outcome == NEW:
                services.funding_set(actor=ctx.actor, project=project, amounts=amounts)
            r.pk = project.pk

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = Project.objects.filter(project_q(user)).select_related("township", "village", "school")
        funding: dict[int, dict[str, Decimal]] = {}
        for f in ProjectFunding.objects.filter(project__in=qs):
            funding.setdefault(f.project_id, {})[f.source] = f.amount
        for p in qs.prefetch_related("milestones").order_by("township__code", "name"):
            row = {
                "name": p.name, "kind": p.kind, "level": p.level, "ownership": p.ownership,
                "school": p.school.code if p.school else "", "site_name": p.site_name, "township": p.township.code,
                "village": p.village.code if p.village else "", "seats": p.seats, "classes": p.classes,
                "budget": p.budget, "plan_year": p.plan_year, "plan_line": p.plan_line, "target": p.target,
            }  # fmt: skip
            for s in FundingSource.values:
                row[f"src_{s}"] = funding.get(p.pk, {}).get(s, "")
            for m in p.milestones.all():
                row[f"planned_{m.kind}"] = m.planned
            yield row


@register
class PaymentKindImport(Kind):
    importers = ("finance",)  # 计划财务股
    key = "project_payments"
    label = "建设项目支付"
    object_type = "facilities.Payment"
    description = "建设项目的合同与支付流水：按“项目名称+乡镇”找到项目，按合同名称找到合同（新合同须填合同金额）。支付不能超过合同金额和该来源安排的资金（含文件中前面的行）。"
    order = 121
    conflict_label = "金额"
    columns = (
        Col("project", "项目名称", required=True, max_length=120, example="大竹林村幼儿园新建工程"),
        Col("township", "乡镇代码", "code", required=True, lengths=(9,), example="530521100"),
        Col("contract", "合同名称", required=True, max_length=120, example="施工总承包合同"),
        Col("contractor", "承包单位", max_length=120, example="保山市建筑工程有限公司"),
        Col("contract_amount", "合同金额（元）", "decimal", example="2800000"),
        Col("date", "支付日期", "date", required=True, example="2022-05-10"),
        Col("amount", "金额（元）", "decimal", required=True, example="300000"),
        Col("source", "资金来源", "choice", required=True, choices=tuple(FundingSource.choices),
            extra_choices=(("县级", FundingSource.COUNTY), ("配套", FundingSource.COUNTY),
                           ("社会", FundingSource.SOCIAL), ("民办", FundingSource.SOCIAL)), example="县级配套"),
        Col("note", "摘要", max_length=200, example="按进度拨付"),
    )  # fmt: skip

    def prepare(self, ctx: Context) -> None:
        _check_writer(ctx)
        _places(ctx)
        ctx.cache["paid_contract"] = {}
        ctx.cache["paid_source"] = {}
        ctx.cache["new_contracts"] = {}

    def validate(self, values: dict[str, Any], ctx: Context) -> dict[str, Any]:
        township_id = ctx.cache["townships"].get(values["township"])
        if township_id is None:
            raise DomainError(f"未知的乡镇代码{values['township']}", field="乡镇代码")
        project = Project.objects.filter(name=values["project"], township_id=township_id).first()
        if project is None:
            raise DomainError(f"该乡镇没有名为“{values['project']}”的项目", field="项目名称")
        amount = services.money(values["amount"], field="金额（元）", allow_zero=False)
        day: dt.date = values["date"]
        if day > ctx.today:
            raise DomainError("支付日期不能晚于今天", field="支付日期")
        contract = Contract.objects.filter(project=project, title=values["contract"]).first()
        key = (project.pk, values["contract"])
        if contract is not None:
            limit = contract.amount
            paid_db = contract.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        else:
            limit = ctx.cache["new_contracts"].get(key)
            if limit is None:
                if values.get("contract_amount") in (None, ""):
                    raise DomainError("新合同须填写合同金额", field="合同金额（元）")
                if not (values.get("contractor") or "").strip():
                    raise DomainError("新合同须填写承包单位", field="承包单位")
                limit = services.money(values["contract_amount"], field="合同金额（元）", allow_zero=False)
                ctx.cache["new_contracts"][key] = limit
            paid_db = Decimal(0)
        paid = ctx.cache["paid_contract"].get(key, paid_db)
        if paid + amount > limit:
            raise DomainError(f"合同金额{limit:,.2f}元，已支付（含本文件前面的行）{paid:,.2f}元，本次{amount:,.2f}元将超出"
                              f"{paid + amount - limit:,.2f}元", field="金额（元）")  # fmt: skip
        source = values["source"]
        skey = (project.pk, source)
        if skey not in ctx.cache["paid_source"]:
            spent = Payment.objects.filter(contract__project=project, source=source).aggregate(s=Sum("amount"))["s"]
            ctx.cache["paid_source"][skey] = spent or Decimal(0)
        funded = ProjectFunding.objects.filter(project=project, source=source).values_list("amount", flat=True).first()
        funded = funded or Decimal(0)
        spent = ctx.cache["paid_source"][skey]
        if spent + amount > funded:
            label = FundingSource(source).label
            raise DomainError(f"项目安排的{label}资金为{funded:,.2f}元，已支付{spent:,.2f}元，本次将超出"
                              f"{spent + amount - funded:,.2f}元", field="资金来源")  # fmt: skip
        ctx.cache["paid_contract"][key] = paid + amount
        ctx.cache["paid_source"][skey] = spent + amount
        return {"project_id": project.pk, "project": project.name, "contract": values["contract"],
                "contract_id": contract.pk if contract else None, "contractor": values.get("contractor") or "",
                "contract_amount": limit, "date": day, "amount": amount, "source": source,
                "note": values.get("note") or ""}  # fmt: skip

    def unique_keys(self, record: dict[str, Any]) -> list[tuple[str, Hashable]]:
        return [("项目+合同+日期+金额+来源", (record["project_id"], record["contract"], record["date"],
                                              record["amount"], record["source"]))]  # fmt: skip

    def conflict_fields(self) -> tuple[str, ...]:
        return ("note",)

    def classify(self, recs: list[Rec], ctx: Context) -> None:
        ids = {r.data["contract_id"] for r in recs if r.data["contract_id"]}
        existing = set(
            Payment.objects.filter(contract_id__in=ids).values_list("contract_id", "date", "amount", "source")
        )
        for rec in recs:
            d = rec.data
            rec.repr = f"{d['project']} {d['date']} {d['amount']}元"
            key = (d["contract_id"], d["date"], d["amount"], d["source"])
            rec.outcome = UNCHANGED if d["contract_id"] and key in existing else NEW

    def write(self, recs: list[Rec], ctx: Context) -> None:
        for r in recs:
            d = r.data
            contract = Contract.objects.filter(project_id=d["project_id"], title=d["contract"]).first()
            if contract is None:
                contract = services.contract_add(actor=ctx.actor, project=Project.objects.get(pk=d["project_id"]),
                                                 title=d["contract"], contractor=d["contractor"],
                                                 amount=d["contract_amount"])  # fmt: skip
            payment = services.payment_add(actor=ctx.actor, contract=contract, date=d["date"], amount=d["amount"],
                                           source=d["source"], note=d["note"], today=ctx.today)  # fmt: skip
            r.pk = payment.pk

    def export_rows(self, user: Any, *, reveal: bool = False) -> Iterable[dict[str, Any]]:
        qs = Payment.objects.filter(project_q(user, prefix="contract__project__")).select_related(
            "contract__project__township").order_by("contract__project__township__code", "contract__project__name", "date", "id")  # fmt: skip
        for p in qs:
            c = p.contract
            yield {"project": c.project.name, "township": c.project.township.code, "contract": c.title,
                   "contractor": c.contractor, "contract_amount": c.amount, "date": p.date, "amount": p.amount,
                   "source": p.source, "note": p.note}  # fmt: skip


__all__ = ["PaymentKindImport", "ProjectKindImport", "UPDATED"]
