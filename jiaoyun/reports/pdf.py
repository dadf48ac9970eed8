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
