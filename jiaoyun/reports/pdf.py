"""PDF rendering with WeasyPrint and the Noto CJK fonts (fonts-noto-cjk)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

CJK_CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 8pt; } h2 { font-size: 12.5pt; margin: 12pt 0 6pt; }
table { width: 100%; border-collapse: collapse; margin: 6pt 0; } th, td { border: 0.5pt solid #555; padding: 3pt 4pt; font-size: 9.5pt; }
th { background: #eee; } td.num { text-align: right; }
"""


def render_pdf(template: str, context: dict[str, Any], *, extra_css: str = "") -> bytes:
    """Render a Django template to PDF bytes."""
    from weasyprint import CSS, HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[CSS(string=CJK_CSS + extra_css)])


# A page with each face the documents use (sans and serif, regular and bold) and their Chinese glyphs: rendering it
# once loads WeasyPrint, Pango, fontconfig and the Noto CJK fonts into the process.
WARM_UP_HTML = """
<h1 style="font-family: 'Noto Serif CJK SC'">石甸县教育体育局督查通报</h1>
<h2>一、控辍保学</h2><p>各乡镇中心校：现将<b>十月</b>情况通报如下。<i>附件</i> 2026年 第1号</p>
<table><tr><th>乡镇</th><th>学校</th><td class="num">1,234</td></tr></table>
<p style="font-family: 'Noto Serif CJK SC'">特此通报。<b>抄送：县人民政府</b></p>
"""


def warm_up() -> bytes:
    """Render one small PDF with the fonts of every document stylesheet, so that the first document a worker
    renders for a user does not also pay for loading the libraries and the CJK fonts (seconds, once per process;
    ``config/gunicorn.conf.py`` calls it when a web worker starts). Returns the PDF (a test checks it is one)."""
    from weasyprint import CSS, HTML

    from jiaoyun.reports.official import OFFICIAL_CSS

    out = b""
    for css in (CJK_CSS, OFFICIAL_CSS):
        out = HTML(string=WARM_UP_HTML, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[CSS(string=css)])
    return out


def pdf_text(data: bytes) -> str:
    """Extract the text of a PDF (for tests and archive checks): uses pdftotext when present."""
    import shutil
    import subprocess
    import tempfile

    program = shutil.which("pdftotext")
    if program is None:  # pragma: no cover
        raise RuntimeError("pdftotext (poppler-utils) is needed to read PDF text")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        command = [program, "-layout", fh.name, "-"]  # fixed arguments: the program and our own temporary file
        return subprocess.run(command, capture_output=True, check=True, text=True).stdout  # noqa: S603 - fixed arguments
