"""The bulletin's headline counts say what they count and where their list is; older archives still verify."""

import datetime as dt

from jiaoyun.dropout import services
from jiaoyun.dropout.services.reporting import bulletin_figures, bulletin_verify
from jiaoyun.reports.pdf import pdf_text

D = dt.date


def test_bulletin_counts_carry_their_captions(enrolled, county_admin):
    case = services.case_open(actor=county_admin, student=enrolled("甲"), on=D(2021, 11, 2))
    services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 11, 3))
    f = bulletin_figures(month=D(2021, 11, 1), generated_on=D(2021, 12, 1))
    assert f["totals"]["total"] == 1
    assert "历年累计" in f["captions"]["total"] and "义务教育阶段" in f["captions"]["new"]
    bulletin = services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1), on=D(2021, 12, 1))
    text = "".join(pdf_text(bytes(bulletin.pdf)).split())
    assert "累计确认：截至月末经核实确认的全部案件数" in text and "/dropout/ledger/dropouts/" in text
    assert bulletin_verify(bulletin=bulletin) == {"figures": True, "xlsx": True, "pdf": True}


def test_a_bulletin_archived_without_captions_still_verifies(enrolled, county_admin):
    bulletin = services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1), on=D(2021, 12, 1))
    # an archive from before the captions: its figures and PDF carry none, and re-render the same
    import hashlib

    from jiaoyun.dropout.services.reporting import bulletin_render_pdf, bulletin_render_xlsx, canonical

    figures = {k: v for k, v in bulletin.figures.items() if k != "captions"}
    bulletin.figures = figures
    bulletin.figures_sha256 = hashlib.sha256(canonical(figures)).hexdigest()
    bulletin.xlsx_sha256 = hashlib.sha256(bulletin_render_xlsx(figures)).hexdigest()
    bulletin.pdf = bulletin_render_pdf(figures)
    assert "口径" not in pdf_text(bytes(bulletin.pdf))
    assert bulletin_verify(bulletin=bulletin) == {"figures": True, "xlsx": True, "pdf": True}
