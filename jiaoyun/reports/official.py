"""The official-document layout (党政机关公文格式, GB/T 9704-2012) shared by every bulletin and notice.

A document is its parts (``OfficialDocument``): 发文机关标志 (red), 发文字号, 主送机关, 标题, the body (a Django
template of the domain app extending ``reports/official.html``), 发文机关署名 and 成文日期 with room for the seal,
and the 版记 (抄送机关, 印发机关 and 印发日期 between separator lines). The authority, the 文号 prefix and the
主送/抄送/印发 lines are data (``reports.models.Letterhead``, edited by the county administrator); numbers come
from the per-year sequence of the 发文登记 (``reports.services.document_register``). See docs/official-documents.md
and ADR 0029.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

# 成文日期 (GB/T 9704-2012 7.3.5.4): Arabic numerals, the year in full, month and day without a leading zero
# ("2021年3月5日"). ``chinese`` is the older practice (GB/T 9704-1999: "二〇二一年三月五日"), kept as a setting
# of the letterhead for an authority whose rules still ask for it.
ARABIC, CHINESE = "arabic", "chinese"
DATE_STYLES = [(ARABIC, "阿拉伯数字（2021年3月5日，GB/T 9704-2012）"), (CHINESE, "汉字数字（二〇二一年三月五日）")]

# What a rendered document must never contain: an unfilled template variable or a placeholder.
PLACEHOLDERS = ("{{", "}}", "XX", "××", "None", "待填")

# The letterheads the platform issues under, with their defaults (a county administrator edits them on the
# 公文格式设置 page; a key without a row uses these values).
DEFAULT_LETTERHEADS: dict[str, dict[str, str]] = {
    "dropout_bulletin": {
        "name": "控辍保学月度通报",
        "authority": "施甸县教育体育局",
        "mark": "施甸县教育体育局文件",
        "prefix": "施教体",
        "recipients": "各乡（镇）人民政府，各乡（镇）中心学校，县直各学校",
        "copy_to": "县人民政府办公室，县控辍保学工作领导小组各成员单位",
        "printer": "施甸县教育体育局办公室",
        "date_style": ARABIC,
    },
    "supervision_bulletin": {
        "name": "月度督查通报",
        "authority": "施甸县教育体育局",
        "mark": "施甸县教育体育局文件",
        "prefix": "施教体督",
        "recipients": "各乡（镇）人民政府，各乡（镇）中心学校，县直各学校，局机关各股室",
        "copy_to": "县人民政府办公室，县人民政府督查室",
        "printer": "施甸县教育体育局教育督导室",
        "date_style": ARABIC,
    },
    "safety_bulletin": {
        "name": "平安校园月度通报",
        "authority": "施甸县教育体育局",
        "mark": "施甸县教育体育局文件",
        "prefix": "施教体",
        "recipients": "各乡（镇）中心学校，县直各学校",
        "copy_to": "县人民政府办公室，县公安局，县市场监督管理局",
        "printer": "施甸县教育体育局办公室",
        "date_style": ARABIC,
    },
}

_DIGITS = "〇一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1..31 in Chinese numerals (十, 十五, 二十一, 三十)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def date_text(day: dt.date, style: str = ARABIC) -> str:
    """A date as written in an official document: 2021年3月5日 (GB/T 9704-2012) or 二〇二一年三月五日."""
    if style == CHINESE:
        year = "".join(_DIGITS[int(d)] for d in str(day.year))
        return f"{year}年{_chinese_number(day.month)}月{_chinese_number(day.day)}日"
    return f"{day.year}年{day.month}月{day.day}日"


def document_number(prefix: str, year: int, seq: int) -> str:
    """发文字号 (GB/T 9704-2012 7.2.5): 机关代字, the year in 六角括号 〔〕, the sequence number without leading zeros
    and without 第 — 施教体〔2021〕12号."""
    return f"{prefix}〔{year}〕{seq}号"


def agencies(text: str) -> list[str]:
    """The agencies of a 主送/抄送 line, however they were separated (，、, ; or new lines)."""
    for sep in ("，", "、", ",", ";", "；", "\n"):
        text = text.replace(sep, "\n")
    return [a.strip() for a in text.split("\n") if a.strip()]


@dataclass(frozen=True)
class OfficialDocument:
    """The parts of one official document, JSON-storable with ``parts()`` so an archive re-renders identically."""

    mark: str  # 发文机关标志 (red), e.g. 施甸县教育体育局文件
    number: str  # 发文字号, e.g. 施教体〔2021〕12号
    recipients: str  # 主送机关, e.g. 各乡（镇）中心学校，县直各学校 (the colon is the layout's)
    title: str
    authority: str  # 发文机关署名
    date: str  # 成文日期, ISO
    copy_to: str = ""  # 抄送机关 ("" = no 抄送 line)
    printer: str = ""  # 印发机关 ("" = no 印发 line)
    printed_on: str = ""  # 印发日期, ISO ("" = the 成文日期)
    date_style: str = ARABIC
    seal: bool = True  # leave room for the seal (加盖印章的公文, 7.3.5.1)

    def parts(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_parts(cls, parts: dict[str, Any]) -> OfficialDocument:
        return cls(**{k: v for k, v in parts.items() if k in cls.__dataclass_fields__})

    @property
    def date_label(self) -> str:
        return date_text(dt.date.fromisoformat(self.date), self.date_style)

    @property
    def printed_label(self) -> str:
        """印发日期 (7.4.3): Arabic numerals whatever the style of the 成文日期, followed by 印发."""
        return date_text(dt.date.fromisoformat(self.printed_on or self.date)) + "印发"

    @property
    def recipients_line(self) -> str:
        names = agencies(self.recipients)
        return "，".join(names) + "：" if names else ""

    @property
    def copy_line(self) -> str:
        names = agencies(self.copy_to)
        return "，".join(names) + "。" if names else ""


# GB/T 9704-2012 in CSS for WeasyPrint. Sizes: 2号 = 22pt (标题), 3号 = 16pt (正文 and most parts), 4号 = 14pt
# (版记, 页码); 版心 156 mm × 225 mm with 天头 37 mm and 订口 28 mm (5.2.1); 22 lines of 28 characters (5.2.3).
# Fonts available on the server (fc-list): Noto Serif CJK SC stands in for 仿宋/宋体 and, bold, for 小标宋;
# Noto Sans CJK SC for 黑体 (the first-level headings "一、"). The 版记 sits at the foot of the last page (7.4: "版记
# 应置于公文最后一面…最后一个要素置于最后一行"): it is laid out as the page's footnote area, so it goes to the
# bottom of the page on which the document ends.
OFFICIAL_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-right { content: "— " counter(page) " —"; font-family: "Noto Serif CJK SC", serif; font-size: 14pt;
                  margin-right: 1em; vertical-align: top; padding-top: 7mm; } }
@page :left { @bottom-right { content: none; }
  @bottom-left { content: "— " counter(page) " —"; font-family: "Noto Serif CJK SC", serif; font-size: 14pt;
                 margin-left: 1em; vertical-align: top; padding-top: 7mm; } }
body { font-family: "Noto Serif CJK SC", "Noto Serif CJK", serif; font-size: 16pt; line-height: 28.9pt; color: #000;
       text-align: justify; }
.mark { color: #d00000; text-align: center; font-weight: bold; font-size: 36pt; line-height: 1.2; letter-spacing: 1pt;
        margin: 0 0 56pt; }
.number { text-align: center; margin: 0; }
.redline { border-top: 1.2pt solid #d00000; margin: 4mm 0 0; }
h1.title { font-size: 22pt; font-weight: bold; line-height: 1.5; text-align: center; margin: 57.8pt 0 28.9pt; }
.recipients { margin: 0; text-indent: 0; }
.body p { text-indent: 2em; margin: 0; }
.body h2 { font-family: "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; text-indent: 2em;
           margin: 0; }
.body table { width: 100%; border-collapse: collapse; margin: 6pt 0 10pt; font-size: 10.5pt; line-height: 1.45;
              text-align: center; }
.body th, .body td { border: 0.5pt solid #000; padding: 2pt 3pt; }
.body td.name { text-align: left; } .body td.num { text-align: right; }
.body .caption { font-size: 12pt; line-height: 1.6; text-indent: 2em; margin: 0; }
.body ul { margin: 0; padding-left: 4em; }
.signature { margin: 28.9pt 4em 0 0; width: 9em; margin-left: auto; text-align: center; position: relative;
             page-break-inside: avoid; }
.signature .seal { position: absolute; left: 50%; top: -12mm; width: 42mm; height: 42mm; margin-left: -21mm;
                   border: 0.5pt dashed #999; border-radius: 50%; color: #999; font-size: 10.5pt; line-height: 42mm; }
.signature .authority, .signature .date { position: relative; margin: 0; white-space: nowrap; }
.colophon { font-size: 14pt; line-height: 1.8; page-break-inside: avoid; float: footnote; footnote-display: block; }
.colophon::footnote-call { content: none; } .colophon::footnote-marker { content: none; }
@page { @footnote { margin-top: 12pt; } }
.colophon .rule { border-top: 1pt solid #000; } .colophon .rule.thin { border-top-width: 0.7pt; }
.colophon p { margin: 0 1em; }
.colophon .printed { display: flex; justify-content: space-between; }
.stub { border-top: 1pt dashed #333; margin-top: 26pt; padding-top: 6pt; font-size: 12pt; line-height: 1.6; }
"""


def render_official_html(template: str, doc: OfficialDocument, context: dict[str, Any] | None = None) -> str:
    """The HTML of a document whose body template extends ``reports/official.html``."""
    return render_to_string(template, {**(context or {}), "doc": doc})


def render_official_pdf(template: str, doc: OfficialDocument, context: dict[str, Any] | None = None) -> bytes:
    """Render a document in the official layout to PDF bytes (WeasyPrint, the Noto CJK fonts)."""
    from weasyprint import CSS, HTML

    html = render_official_html(template, doc, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[CSS(string=OFFICIAL_CSS)])


def placeholders_in(text: str) -> list[str]:
    """The placeholders left in a rendered document's text (an empty list for a complete document)."""
    return [p for p in PLACEHOLDERS if p in text]
