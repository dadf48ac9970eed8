"""The monthly bulletin's PDF lists at most DROPOUT_BULLETIN_SCHOOL_ROWS schools (the rest in its workbook), and the
schools to rectify as one paragraph; a bulletin archived before lists every school as it did, and still verifies."""

import datetime as dt
import hashlib
import io

import openpyxl
import pytest

from jiaoyun.dropout import services
from jiaoyun.dropout.services.reporting import (
    bulletin_figures,
    bulletin_render_pdf,
    bulletin_render_xlsx,
    bulletin_verify,
    canonical,
)
from jiaoyun.people.services import enrolment_record
from jiaoyun.reports.pdf import pdf_text

D = dt.date


@pytest.fixture
def two_schools(enrolled, make_student, county_admin, school_a, school_b, village_b1):
    """school_a: a case still out with an overdue step (first in the table); school_b: a case still out, not late."""
    late = services.case_open(actor=county_admin, student=enrolled("甲"), on=D(2021, 11, 2))
    services.case_verify(actor=county_admin, case=late, outcome="confirmed_dropout", on=D(2021, 11, 3))
    services.case_start_return(actor=county_admin, case=late, on=D(2021, 11, 4))  # deadline 11-11: overdue at 11-30
    pupil = make_student("乙", village=village_b1, birth=D(2015, 3, 1))
    enrolment_record(actor=None, student=pupil, kind="enrol", date=D(2021, 9, 1), school=school_b, grade=1)
    pupil.refresh_from_db()
    other = services.case_open(actor=county_admin, student=pupil, on=D(2021, 11, 20))
    services.case_verify(actor=county_admin, case=other, outcome="confirmed_dropout", on=D(2021, 11, 21))
    return school_a, school_b


def _flat(data: bytes) -> str:
    return "".join(pdf_text(data).split())


def test_the_pdf_lists_the_first_schools_and_the_workbook_every_school(two_schools, county_admin, settings):
    school_a, school_b = two_schools
    settings.JIAOYUN = {**settings.JIAOYUN, "DROPOUT_BULLETIN_SCHOOL_ROWS": 1}
    bulletin = services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1), on=D(2021, 12, 1))
    f = bulletin.figures
    assert f["school_rows"] == 1 and [r["name"] for r in f["schools"]] == [school_a.name, school_b.name]
    text = _flat(bytes(bulletin.pdf))
    table = text[text.index("三、学校情况") : text.index("四、表扬")]
    assert school_a.name in table and school_b.name not in table
    assert (
        "上表列逾期步骤和仍未返校人数居前的1所学校；另有1所学校有案件记录，全部2所学校的情况见本通报所附表格" in table
    )
    # the schools to rectify: one paragraph, every one of them
    assert f"以下学校存在逾期未办结步骤，限期整改：{school_a.name}（逾期未办结步骤1个）。" in text
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(bulletin.xlsx)))["学校"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [school_a.name, school_b.name]
    assert bulletin_verify(bulletin=bulletin) == {"figures": True, "xlsx": True, "pdf": True}


def test_with_room_for_every_school_nothing_is_annexed(two_schools, county_admin):
    school_a, school_b = two_schools
    f = bulletin_figures(month=D(2021, 11, 1), generated_on=D(2021, 12, 1))
    assert f["school_rows"] == 50
    f["document"] = services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1), on=D(2021, 12, 1)).figures[
        "document"
    ]
    text = _flat(bulletin_render_pdf(f))
    table = text[text.index("三、学校情况") : text.index("四、表扬")]
    assert school_a.name in table and school_b.name in table and "另有" not in table


def test_a_bulletin_archived_before_the_limit_lists_every_school_and_still_verifies(
    two_schools, county_admin, settings
):
    school_a, school_b = two_schools
    settings.JIAOYUN = {**settings.JIAOYUN, "DROPOUT_BULLETIN_SCHOOL_ROWS": 1}
    bulletin = services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1), on=D(2021, 12, 1))
    figures = {k: v for k, v in bulletin.figures.items() if k != "school_rows"}  # as archived before the limit
    bulletin.figures = figures
    bulletin.figures_sha256 = hashlib.sha256(canonical(figures)).hexdigest()
    bulletin.xlsx_sha256 = hashlib.sha256(bulletin_render_xlsx(figures)).hexdigest()
    bulletin.pdf = bulletin_render_pdf(figures)
    text = _flat(bytes(bulletin.pdf))
    table = text[text.index("三、学校情况") : text.index("四、表扬")]
    assert school_a.name in table and school_b.name in table and "另有" not in table
    assert f"限期整改：{school_a.name}（逾期未办结步骤1个）。" not in text  # one per line, as then
    assert bulletin_verify(bulletin=bulletin) == {"figures": True, "xlsx": True, "pdf": True}
