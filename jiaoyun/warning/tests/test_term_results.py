"""学期成绩 import: term averages entered through the exchange framework (by the county's data managers, who
import every registry), each row checked: a known pupil, a percentage."""

import datetime as dt
import io

from jiaoyun.core import idcard
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.warning.models import TermResult


def csv_file(rows):
    text = "身份证号,学年（起始年）,学期,平均成绩\n" + "".join(f"{a},{b},{c},{d}\n" for a, b, c, d in rows)
    return io.BytesIO(text.encode("utf-8"))


def test_term_results_import_and_update(county_admin, school_a, school_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mine_no = idcard.make("530521", dt.date(2013, 4, 4), 17)
    other_no = idcard.make("530521", dt.date(2013, 5, 5), 18)
    mine = StudentFactory(name="李花", id_number=mine_no, status="in_school", current_school=school_a)
    # other_no: nobody in the register has it
    rows = [(mine_no, 2025, "第一学期", "78.5"), (other_no, 2025, "第一学期", "60"), (mine_no, 2025, "2", "101")]
    batch = import_file(actor=county_admin, kind="term_results", upload=csv_file(rows), file_name="成绩.csv")
    # the second ID number is unknown; 101 is not a percentage.
    assert (batch.new, batch.rejected) == (1, 2)
    import_confirm(actor=county_admin, batch=batch)
    t = TermResult.objects.get()
    assert (t.student_id, t.school_year, t.term, float(t.score), t.school_id) == (mine.pk, 2025, 1, 78.5, school_a.pk)
    again = import_file(actor=county_admin, kind="term_results", upload=csv_file([(mine_no, 2025, "1", "80")]),
                        file_name="成绩.csv")  # fmt: skip
    assert again.updated == 1
    import_confirm(actor=county_admin, batch=again)
    t.refresh_from_db()
    assert float(t.score) == 80.0
