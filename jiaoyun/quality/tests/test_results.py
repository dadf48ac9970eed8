"""学业水平考试成绩 imported through the exchange (preview → confirm), shown in the 学业水平 dimension."""

from __future__ import annotations

from django.urls import reverse

from jiaoyun.core import idcard
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload
from jiaoyun.quality.models import AcademicResult


def test_results_import_preview_confirm_and_update(client, county_admin, pupil, student_user):
    number = id_no(1, 13, birth_year=2009)
    pupil.id_hash = idcard.match_hash(number)
    pupil.save(update_fields=["id_hash"])
    rows = [
        ["身份证号", "姓名", "科目", "考试批次", "考试日期", "成绩", "等级"],
        [number, "杨小梅", "物理", "2025年6月", "2025-06-20", "88", "A"],
        [number, "杨小梅", "化学", "2025年6月", "2025-06-21", "", "合格"],
        [number, "杨小梅", "天文", "2025年6月", "2025-06-21", "70", "B"],
        [id_no(2, 15, birth_year=2009), "", "物理", "2025年6月", "2025-06-20", "60", "C"],
        [number, "杨小梅", "物理", "2025年6月", "2025-06-20", "90", "A"],
    ]
    batch = import_file(
        actor=county_admin, kind="quality_results", upload=upload(csv_bytes(rows)), file_name="学考.csv"
    )
    reasons = {r.row: (r.column, r.reason) for r in batch.rejections.all()}
    assert batch.new == 2 and batch.rejected == 3, reasons
    assert reasons[4][0] == "科目"
    assert "学生名册中没有该学生" in reasons[5][1]
    assert reasons[6][0] == "科目"  # the same subject and session twice in one file
    assert AcademicResult.objects.count() == 0
    import_confirm(actor=county_admin, batch=batch)
    assert sorted(AcademicResult.objects.values_list("subject", "grade")) == [("chemistry", "pass"), ("physics", "A")]
    rows = [rows[0], [number, "杨小梅", "物理", "2025年6月", "2025-06-20", "91", "A"]]
    again = import_file(actor=county_admin, kind="quality_results", upload=upload(csv_bytes(rows)), file_name="b.csv")
    assert (again.new, again.updated) == (0, 1)
    import_confirm(actor=county_admin, batch=again)
    assert str(AcademicResult.objects.get(subject="physics").score) == "91.0"
    client.force_login(student_user)
    page = client.get(reverse("quality:evaluation")).content.decode()
    assert "物理" in page and "91.0" in page
