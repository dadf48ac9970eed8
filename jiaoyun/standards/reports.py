"""The self-assessment report (PDF in the official layout, as the 督导室 prints it) and the Excel workbooks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.types import AuthedRequest
from jiaoyun.reports.official import OfficialDocument, render_official_pdf
from jiaoyun.reports.xlsx import write_xlsx
from jiaoyun.standards import balance as B
from jiaoyun.standards import selectors
from jiaoyun.standards.choices import CheckGroup, CheckStatus, Part

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _county_name() -> str:
    from jiaoyun.areas.choices import AreaLevel
    from jiaoyun.areas.models import Area

    county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("id").first()
    return county.name if county else "本县"


def _file(data: bytes, filename: str, content_type: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    ext = "pdf" if content_type == "application/pdf" else "xlsx"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.{ext}')}"
    return response


def _audit(request: AuthedRequest, filename: str, rows: int, fmt: str) -> None:
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, object_type="standards.SchoolResources",
        object_repr=f"{filename}（{rows}行）", changes={"filters": dict(request.GET.items()), "rows": rows,
                                                      "format": fmt}, ip=request.META.get("REMOTE_ADDR"),
    )  # fmt: skip


def school_sheet_rows(data: selectors.Balance, part: str) -> list[list[Any]]:
    rows = []
    for s in data.schools(part):
        rows.append([s.row.township, s.row.name, s.row.pupils, *[round(s.values[c], 2) for c in B.CODES],
                     s.met_count, "达标" if s.passes else "未达标", s.reason])  # fmt: skip
    return rows


def coefficient_rows(data: selectors.Balance) -> list[list[Any]]:
    out = []
    for part in Part.values:
        res = data.parts[part]
        for c in B.CODES:
            k = res.coefficients[c]
            out.append([Part(part).label, B.BY_CODE[c].label, round(k.mean, 3), round(k.s, 3), round(k.cv, 3),
                        k.limit, "达到" if k.passes else "未达到"])  # fmt: skip
    return out


def balance_xlsx(request: AuthedRequest, data: selectors.Balance) -> HttpResponse:
    heads = ["乡镇", "学校", "在校生", *[B.BY_CODE[c].label for c in B.CODES], "达标项数", "结论", "原因"]
    sheets = [
        ("差异系数", ["学段", "指标", "均值", "标准差", "差异系数", "上限", "结论"], coefficient_rows(data)),
        *[(f"{Part(p).label}学校", heads, school_sheet_rows(data, p)) for p in Part.values],
    ]
    checklist = selectors.checklist(year=data.year)
    sheets.append(("自评清单", ["维度", "序号", "内容", "要求", "实际值", "结论", "说明", "佐证材料（份）"], [
        [r["item"].get_group_display(), r["item"].number, r["item"].text, r["item"].target,
         r["result"].value if r["result"] else "", r["result"].get_status_display() if r["result"] else "未评估",
         r["result"].note if r["result"] else "", r["result"].evidence.count() if r["result"] else 0]
        for r in checklist
    ]))  # fmt: skip
    filename = f"{data.year}学年义务教育优质均衡自评"
    _audit(request, filename, sum(len(s[2]) for s in sheets), "xlsx")
    return _file(write_xlsx(sheets), filename, XLSX)


def compliance_xlsx(request: AuthedRequest, rows: list[dict[str, Any]], year: int) -> HttpResponse:
    out = []
    for r in rows:
        res = r["resources"]
        out.append([res.school.township.name, res.school.name, res.get_part_display(), res.pupils,
                    "达标" if r["compliant"] else "未达标", "；".join(g.text for g in r["gaps"])])  # fmt: skip
    filename = f"{year}学年办学条件达标情况"
    _audit(request, filename, len(out), "xlsx")
    return _file(write_xlsx([(filename, ["乡镇", "学校", "学部", "在校生", "结论", "差距"], out)]), filename, XLSX)


def self_assessment_context(year: int) -> dict[str, Any]:
    data = selectors.balance(year=year)
    parts: list[dict[str, Any]] = []
    for part in Part.values:
        res = data.parts[part]
        failing = [s for s in res.schools if not s.passes]
        parts.append({
            "label": Part(part).label, "result": res, "failing": failing,
            "coefficients": [(B.BY_CODE[c], res.coefficients[c]) for c in B.CODES],
            "thresholds": [(B.BY_CODE[c], B.threshold(c, part)) for c in B.CODES],
        })  # fmt: skip
    checklist = selectors.checklist(year=year)
    groups = []
    for g, label in CheckGroup.choices:
        rows = [r for r in checklist if r["item"].group == g]
        met = sum(1 for r in rows if r["result"] and r["result"].status == CheckStatus.MET)
        groups.append({"label": label, "rows": rows, "met": met, "total": len(rows)})
    passes = all(p["result"].passes for p in parts) and all(g["met"] == g["total"] for g in groups)
    return {"year": year, "parts": parts, "groups": groups, "passes": passes, "county": _county_name(),
            "min_met": B.min_met(), "share": B.remainder_share()}  # fmt: skip


def self_assessment_pdf(request: AuthedRequest, *, year: int) -> HttpResponse:
    county = _county_name()
    today = timezone.localdate()
    title = f"{county}{year}年县域义务教育优质均衡发展自评报告"
    doc = OfficialDocument(
        mark=f"{county}人民政府教育督导室", number="", recipients="市人民政府教育督导室", title=title,
        authority=f"{county}人民政府教育督导室", date=today.isoformat(), seal=True,
    )  # fmt: skip
    pdf = render_official_pdf("standards/pdf/self_assessment.html", doc, self_assessment_context(year))
    _audit(request, title, 1, "pdf")
    return _file(pdf, title, "application/pdf")
