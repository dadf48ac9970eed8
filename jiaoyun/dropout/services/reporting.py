"""The "四个一" reporting: the stat cube for the dashboard, school monthly reports, quarterly reviews and
the monthly bulletin (月度通报), archived immutably and reproducible from its stored figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.types import User
from jiaoyun.dropout import conf
from jiaoyun.dropout.choices import CONFIRMED_STATUSES, CaseStatus, ReviewResult
from jiaoyun.dropout.filters import still_out_q
from jiaoyun.dropout.models import (
    Bulletin,
    CaseStep,
    DropoutCase,
    DropoutStat,
    QuarterlyReview,
    ReturnAttempt,
    SchoolMonthlyReport,
)
from jiaoyun.dropout.permissions import is_county
from jiaoyun.dropout.services.common import month_bounds
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.reports.official import OfficialDocument, render_official_pdf
from jiaoyun.reports.pdf import render_pdf
from jiaoyun.reports.services import document_archive, document_register
from jiaoyun.schools.models import School

# ---------------------------------------------------------------- stat cube


@transaction.atomic
def stats_refresh(*, as_of: dt.date) -> int:
    """Refill the dashboard cube from the ledgers (grouped in the database); returns the number of rows."""
    from jiaoyun.dropout.services.matching import compulsory_q

    DropoutStat.objects.all().delete()
    rows: list[DropoutStat] = []
    ledger = (
        Student.objects.filter(compulsory_q(as_of))
        .exclude(status=StudentStatus.DECEASED)
        .annotate(v=Coalesce("hukou_village_id", "residence_village_id"))
        .values("v", "current_school_id", "status")
        .annotate(n=Count("id"))
    )
    villages = dict(Area.objects.filter(level=AreaLevel.VILLAGE).values_list("id", "parent_id"))
    schools = dict(School.objects.values_list("id", "township_id"))
    for r in ledger:
        township = villages.get(r["v"]) or schools.get(r["current_school_id"])
        rows.append(DropoutStat(as_of=as_of, township_id=township, village_id=r["v"], school_id=r["current_school_id"],
                                measure="ledger", key=r["status"], value=r["n"]))  # fmt: skip
    cases = DropoutCase.objects.values("township_id", "village_id", "school_id")
    for measure, qs in (
        ("case", cases.annotate(key=F("status"))),
        ("reason", cases.filter(status__in=CONFIRMED_STATUSES).annotate(key=F("reason"))),
        ("kind", cases.filter(status__in=CONFIRMED_STATUSES).annotate(key=F("kind"))),
        ("new", cases.exclude(status=CaseStatus.DISMISSED).annotate(key=TruncMonth("detected_on"))),
        ("returned", cases.filter(returned_on__isnull=False).annotate(key=TruncMonth("returned_on"))),
    ):
        for r in qs.values("township_id", "village_id", "school_id", "key").annotate(n=Count("id")):
            key = r["key"]
            key = key.strftime("%Y-%m") if hasattr(key, "strftime") else str(key or "")
            rows.append(DropoutStat(as_of=as_of, township_id=r["township_id"], village_id=r["village_id"],
                                    school_id=r["school_id"], measure=measure, key=key, value=r["n"]))  # fmt: skip
    overdue = (
        CaseStep.objects.filter(
            case__status=CaseStatus.RETURNING, completed_on__isnull=True, skipped=False, deadline__lt=as_of
        )  # fmt: skip
        .values("case__township_id", "case__village_id", "case__school_id")
        .annotate(n=Count("id"))
    )
    for r in overdue:
        rows.append(DropoutStat(as_of=as_of, township_id=r["case__township_id"], village_id=r["case__village_id"],
                                school_id=r["case__school_id"], measure="overdue", key="", value=r["n"]))  # fmt: skip
    DropoutStat.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# ---------------------------------------------------------------- school monthly report (学校一月一报告)


def school_month_figures(*, school: School, month: dt.date) -> dict[str, int]:
    first, last = month_bounds(month)
    cases = DropoutCase.objects.filter(school=school)
    figures = cases.aggregate(
        suspected_new=Count("id", filter=Q(detected_on__range=(first, last))),
        confirmed_new=Count("id", filter=Q(verified_on__range=(first, last), status__in=CONFIRMED_STATUSES)),
        returned=Count("id", filter=Q(returned_on__range=(first, last))),
        still_out=Count("id", filter=still_out_q(last)),  # the one definition of current dropouts
        pending=Count("id", filter=Q(status=CaseStatus.PENDING, detected_on__lte=last)),
    )
    figures["attempts"] = ReturnAttempt.objects.filter(case__school=school, date__range=(first, last)).count()
    return {k: int(v) for k, v in figures.items()}


@transaction.atomic
def monthly_report_submit(*, actor: User | None, school: School, month: dt.date, note: str = "") -> SchoolMonthlyReport:
    """Submit a school's report for a month; once submitted it is locked."""
    month = month.replace(day=1)
    if actor is not None:
        own = getattr(actor, "role", None) == Role.PRINCIPAL and actor.school_id == school.pk
        if not (own or is_county(actor)) or not getattr(actor, "can_write", False):
            raise PermissionDenied("学校月报告由本校校长（学校管理员）提交")
    if month > timezone.localdate().replace(day=1):
        raise DomainError("不能提交将来月份的报告", field="月份")
    if SchoolMonthlyReport.objects.filter(school=school, month=month).exists():
        raise DomainError(f"{school.name}{month:%Y年%m月}的月报告已提交并锁定，不能重复提交或修改", field="月份")
    report = SchoolMonthlyReport.objects.create(
        school=school,
        month=month,
        figures=school_month_figures(school=school, month=month),
        note=note,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=report, changes=report.figures)
    return report


@transaction.atomic
def quarterly_review_mark(
    *, actor: User | None, school: School, year: int, quarter: int, result: str, note: str = ""
) -> QuarterlyReview:
    """县区一季度一复核: the county marks a school's quarter (re-marking replaces the mark, audited)."""
    if actor is not None and (not is_county(actor) or not getattr(actor, "can_write", False)):
        raise PermissionDenied("季度复核由县教育体育局办理")
    if quarter not in (1, 2, 3, 4):
        raise DomainError("季度应为1～4", field="季度")
    if result not in ReviewResult.values:
        raise DomainError(f"未知复核结论“{result}”", field="复核结论")
    if result == ReviewResult.RECTIFY and not note.strip():
        raise DomainError("结论为“需整改”时须写明整改意见", field="复核意见")
    months = [dt.date(year, 3 * (quarter - 1) + m, 1) for m in (1, 2, 3)]
    found = SchoolMonthlyReport.objects.filter(school=school, month__in=months).count()
    review, _ = QuarterlyReview.objects.update_or_create(
        school=school,
        year=year,
        quarter=quarter,
        defaults={
            "result": result,
            "note": note,
            "reports_found": found,
            "reviewed_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=review, changes={"result": result, "reports": found})
    return review


# ---------------------------------------------------------------- monthly bulletin (月度通报)


def _place_counts(
    cases: QuerySet[DropoutCase], steps: QuerySet[CaseStep], key: str, first: dt.date, last: dt.date
) -> dict[Any, dict[str, int]]:
    out: dict[Any, dict[str, int]] = {}
    rows = cases.values(key).annotate(
        new=Count("id", filter=Q(detected_on__range=(first, last)) & ~Q(status=CaseStatus.DISMISSED)),
        returned=Count("id", filter=Q(returned_on__range=(first, last))),
        still_out=Count("id", filter=still_out_q(last)),  # the one definition of current dropouts
        total=Count("id", filter=Q(status__in=CONFIRMED_STATUSES, verified_on__lte=last)),
    )
    for r in rows:
        out[r[key]] = {k: int(r[k]) for k in ("new", "returned", "still_out", "total")} | {"overdue": 0}
    overdue = (
        steps.filter(deadline__lt=last, skipped=False)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=last))
        .values(f"case__{key}")
        .annotate(n=Count("id"))
    )
    for r in overdue:
        out.setdefault(r[f"case__{key}"], {"new": 0, "returned": 0, "still_out": 0, "total": 0, "overdue": 0})
        out[r[f"case__{key}"]]["overdue"] = int(r["n"])
    return out


def _rate(returned_total: int, total: int) -> float | None:
    return round(100.0 * returned_total / total, 1) if total else None


# The bulletin's headline counts are 控辍保学 cases (义务教育阶段适龄儿童少年, the county's control list), not 学籍
# states: the home page's "辍学" counts every student whose 学籍 state is 辍学 today, at any level and age.
BULLETIN_CAPTIONS = {
    "new": "本月新增：本月发现、未经排除的疑似及确认辍学（失学）案件数（义务教育阶段适龄儿童少年，含未入学者）",
    "returned": "复学安置：本月内复学或安置（含随班就读、送教上门等）的案件数",
    "still_out": "月末仍未返校：截至月末已核实确认、尚未复学安置的案件数",
    "total": "累计确认：截至月末经核实确认的全部案件数（历年累计，含已复学安置者），即控辍保学台账“确认辍学”名单",
    "list": "名单见平台“控辍保学 › 辍学学生台账”（/dropout/ledger/dropouts/），可按乡镇、学校筛选（台账另列无法劝返的案件）",
}


def bulletin_figures(*, month: dt.date, generated_on: dt.date | None = None) -> dict[str, Any]:
    """Every number the bulletin shows, for the month (figures as at the month's last day)."""
    first, last = month_bounds(month)
    cases = DropoutCase.objects.filter(detected_on__lte=last)
    steps = CaseStep.objects.filter(started_on__lte=last, deadline__isnull=False)
    town_counts = _place_counts(cases, steps, "township_id", first, last)
    school_counts = _place_counts(cases, steps, "school_id", first, last)
    townships: list[dict[str, Any]] = []
    for t in Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code"):
        c = town_counts.get(t.pk, {"new": 0, "returned": 0, "still_out": 0, "total": 0, "overdue": 0})
        townships.append(
            {"id": t.pk, "name": t.name, **c, "return_rate": _rate(c["total"] - c["still_out"], c["total"])}
        )
    ranked = sorted(townships, key=lambda r: (r["still_out"], r["overdue"], -(r["return_rate"] or 100.0), r["name"]))
    for i, r in enumerate(ranked, start=1):
        r["rank"] = i
    names = dict(School.objects.filter(pk__in=[k for k in school_counts if k]).values_list("id", "name"))
    schools: list[dict[str, Any]] = [
        {"id": sid, "name": names[sid], **c, "return_rate": _rate(c["total"] - c["still_out"], c["total"])}
        for sid, c in school_counts.items()
        if sid and any(c.values())
    ]
    schools.sort(key=lambda r: (-r["overdue"], -r["still_out"], r["name"]))
    interview_overdue = int(conf.get("DROPOUT_INTERVIEW_OVERDUE"))
    interview_out = int(conf.get("DROPOUT_INTERVIEW_STILL_OUT"))
    rectify_overdue = int(conf.get("DROPOUT_RECTIFY_OVERDUE"))
    commend_rate = float(conf.get("DROPOUT_COMMEND_RATE"))
    totals = {k: sum(r[k] for r in townships) for k in ("new", "returned", "still_out", "total", "overdue")}
    unplaced = town_counts.get(None)
    if unplaced:
        for k in totals:
            totals[k] += unplaced[k]
    from jiaoyun.warning.selectors import followup_bulletin_figures

    figures: dict[str, Any] = {
        "month": first.strftime("%Y-%m"),
        "title": f"{first.year}年{first.month}月控辍保学工作通报",
        "period": [first.isoformat(), last.isoformat()],
        "generated_on": (generated_on or timezone.localdate()).isoformat(),
        "totals": totals | {"return_rate": _rate(totals["total"] - totals["still_out"], totals["total"])},
        "townships": ranked,
        "schools": schools,
        "commended": [
            r["name"]
            for r in ranked
            if r["overdue"] == 0 and (r["total"] == 0 or (r["return_rate"] or 0.0) >= commend_rate)
        ],
        "interview": [
            {"name": r["name"], "reason": f"逾期未办结步骤{r['overdue']}个、仍未返校{r['still_out']}人"}
            for r in ranked
            if r["overdue"] >= interview_overdue or r["still_out"] >= interview_out
        ],
        "rectify": [
            {"name": r["name"], "reason": f"逾期未办结步骤{r['overdue']}个"}
            for r in schools
            if r["overdue"] >= rectify_overdue
        ],
        "rules": {
            "interview_overdue": interview_overdue,
            "interview_still_out": interview_out,
            "rectify_overdue": rectify_overdue,
            "commend_rate": commend_rate,
        },
        # The preventive follow-ups of 辍学预警 (a 控辍保学 ledger, ADR 0047), counted by their owner's selector.
        "preventive": followup_bulletin_figures(month_start=first, month_end=last),
        "safety": None,
        # What each headline count counts (ages, levels, period), printed under the overview.
        "captions": BULLETIN_CAPTIONS,
        # How many schools the PDF's table lists (the rest are in the workbook); absent in bulletins archived before.
        "school_rows": int(conf.get("DROPOUT_BULLETIN_SCHOOL_ROWS")),
    }
    try:
        from jiaoyun.safety.selectors import bulletin_section  # type: ignore[attr-defined]
    except ImportError:
        pass
    else:
        try:
            figures["safety"] = json.loads(json.dumps(bulletin_section(month=first), default=str))
        except Exception as exc:  # the safety section must never stop the bulletin
            figures["safety"] = {"error": f"安全部分生成失败：{exc}"}
    return figures


def canonical(figures: dict[str, Any]) -> bytes:
    return json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


BULLETIN_LETTERHEAD = "dropout_bulletin"


def bulletin_subject(month: dt.date) -> str:
    """The bulletin's entry in the 发文登记 (one number per month)."""
    return f"{BULLETIN_LETTERHEAD}:{month:%Y-%m}"


def _period_label(figures: dict[str, Any]) -> str:
    first, last = (dt.date.fromisoformat(d) for d in figures["period"])
    return f"{first.year}年{first.month}月（{first.month}月{first.day}日至{last.month}月{last.day}日）"


def bulletin_render_pdf(figures: dict[str, Any]) -> bytes:
    """The bulletin in the official-document layout (GB/T 9704, its parts archived in ``figures["document"]``);
    a bulletin archived before that layout re-renders with the template it was made with. The schools' table lists
    the first ``figures["school_rows"]`` schools (``DROPOUT_BULLETIN_SCHOOL_ROWS`` when generated) and says how many
    more are in the workbook; the schools to rectify are one paragraph. A bulletin generated before that (no
    ``school_rows``) lists every school and the schools to rectify one per line, as it was archived."""
    if "document" not in figures:
        return render_pdf("dropout/pdf/bulletin_legacy.html", {"f": figures})
    doc = OfficialDocument.from_parts(figures["document"])
    schools = figures["schools"]
    rows = figures.get("school_rows")  # None: archived before the table had a limit (every school, as then)
    shown = schools if rows is None else schools[:rows]
    return render_official_pdf(
        "dropout/pdf/bulletin.html",
        doc,
        {"f": {**figures, "period_label": _period_label(figures)}, "schools_shown": shown,
         "schools_annexed": len(schools) - len(shown), "compact_lists": rows is not None},
    )  # fmt: skip


def bulletin_render_xlsx(figures: dict[str, Any]) -> bytes:
    """The bulletin's tables as a workbook; the file's dates come from the figures, so it re-renders identically."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    stamp = dt.datetime.fromisoformat(figures["generated_on"])
    book.set_properties({"title": figures["title"], "created": stamp})
    bold = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})

    def sheet(title: str, headers: list[str], rows: list[list[Any]]) -> None:
        ws = book.add_worksheet(title)
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, bold)
            ws.set_column(c, c, max(10, len(h) * 2 + 2))
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if isinstance(v, int | float):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, "" if v is None else str(v))

    cols = ["新增", "复学安置", "仍未返校", "累计确认", "逾期步骤", "劝返率%"]
    keys = ["new", "returned", "still_out", "total", "overdue", "return_rate"]
    sheet(
        "乡镇排名",
        ["排名", "乡镇", *cols],
        [[r["rank"], r["name"], *[r[k] for k in keys]] for r in figures["townships"]],
    )
    sheet("学校", ["学校", *cols], [[r["name"], *[r[k] for k in keys]] for r in figures["schools"]])
    lists = [["表扬", n, ""] for n in figures["commended"]]
    lists += [["约谈", r["name"], r["reason"]] for r in figures["interview"]]
    lists += [["限期整改", r["name"], r["reason"]] for r in figures["rectify"]]
    sheet("表扬约谈整改", ["类别", "单位", "事由"], lists)
    preventive = figures.get("preventive") or {}
    if preventive.get("townships"):
        keys = ["name", "opened", "visited", "resolved", "false_alarm", "left", "overdue"]
        heads = ["乡镇", "发起", "已家访", "已解决", "误报", "转入案件", "逾期未反馈"]
        sheet("预防性跟进", heads, [[r[k] for k in keys] for r in preventive["townships"]])
    safety = figures.get("safety") or {}
    if isinstance(safety, dict) and safety.get("rows"):
        keys = ["township", "schools", "compliant", "rate", "opened", "closed", "overdue", "offline"]
        heads = ["乡镇", "学校", "达标", "达标率%", "新发现隐患", "销号", "逾期未整改", "离线设备"]
        sheet("校园安全", heads, [[r.get(k) for k in keys] for r in safety["rows"]])
    book.close()
    return buffer.getvalue()


@transaction.atomic
def bulletin_generate(*, actor: User | None, month: dt.date, on: dt.date | None = None) -> Bulletin:
    """Generate and archive the bulletin of a month; if it exists, return the archived one (idempotent)."""
    if actor is not None and not is_county(actor):
        raise PermissionDenied("月度通报由县教育体育局生成")
    first = month.replace(day=1)
    today = on or timezone.localdate()
    if first > today.replace(day=1):
        raise DomainError("不能生成将来月份的通报", field="月份")
    if first == today.replace(day=1):
        raise DomainError(f"{first.year}年{first.month}月尚未结束，月度通报在次月生成", field="月份")
    existing = Bulletin.objects.filter(month=first).first()
    if existing is not None:
        return existing
    figures = bulletin_figures(month=first, generated_on=today)
    record, _ = document_register(
        actor=actor, key=BULLETIN_LETTERHEAD, subject=bulletin_subject(first), title=figures["title"], on=today
    )
    figures["document"] = record.parts
    pdf, xlsx = bulletin_render_pdf(figures), bulletin_render_xlsx(figures)
    bulletin = Bulletin.objects.create(
        month=first,
        figures=figures,
        figures_sha256=hashlib.sha256(canonical(figures)).hexdigest(),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        xlsx=xlsx,
        xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if not record.pdf_sha256:
        document_archive(record=record, pdf=pdf)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=bulletin,
        changes={"figures_sha256": bulletin.figures_sha256, "number": record.number},
    )
    return bulletin


def bulletin_verify(*, bulletin: Bulletin) -> dict[str, bool]:
    """Re-render from the archived figures and compare with the archive."""
    from jiaoyun.reports.pdf import pdf_text

    figures_ok = hashlib.sha256(canonical(bulletin.figures)).hexdigest() == bulletin.figures_sha256
    xlsx_ok = hashlib.sha256(bulletin_render_xlsx(bulletin.figures)).hexdigest() == bulletin.xlsx_sha256
    pdf_ok = pdf_text(bulletin_render_pdf(bulletin.figures)) == pdf_text(bytes(bulletin.pdf))
    return {"figures": figures_ok, "xlsx": xlsx_ok, "pdf": pdf_ok}
