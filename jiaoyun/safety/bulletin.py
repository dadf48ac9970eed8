"""校园安全's section of the county's monthly 督查通报 (``selectors.bulletin_section``: compliance, hazards,
offline devices by township)."""

from __future__ import annotations

import datetime as dt

from jiaoyun.reports.bulletin import BulletinSection, BulletinTable


def section(*, month: dt.date, on: dt.date) -> BulletinSection | None:
    from jiaoyun.safety.selectors import bulletin_section

    s = bulletin_section(month=month)
    rows: list[list[str | int]] = [
        [r["township"], r["schools"], r["compliant"], "—" if r["rate"] is None else f"{r['rate']}%", r["opened"],
         r["closed"], r["overdue"]]
        for r in s["rows"]
    ]  # fmt: skip
    table = BulletinTable(caption="各乡镇平安校园达标与隐患整改",
                          headers=["乡镇", "学校", "达标", "达标率", "新发现隐患", "销号", "逾期未整改"], rows=rows)  # fmt: skip
    # Offline devices are "now" figures (not as at the month's end): they stay on the 大屏, not in the archive.
    summary = s["summary"].split("；当前离线")[0] + "。"
    return BulletinSection(key="safety", title="校园安全", order=40, paragraphs=[summary], tables=[table])
