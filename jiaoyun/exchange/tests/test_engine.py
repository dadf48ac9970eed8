"""The engine itself: duplicates found across batches, worker processes, and the same result either way."""

from __future__ import annotations

import pytest

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload
from jiaoyun.people.models import Student

HEADER = ["姓名", "身份证号", "全国学籍号", "出生日期", "户籍所在村代码"]


def roster() -> bytes:
    """40 students; rows 32-36 repeat earlier rows in every way a roster does (several batches apart)."""
    rows: list[list[str]] = [HEADER]
    for i in range(30):
        number = id_no(1 + i % 28, 1 + i // 28)
        rows.append([f"学生{i}", number, "G" + number, "", "530521100001"])
    rows.append(["坏号", id_no(1, 1)[:-1] + "0", "", "", ""])  # row 32: wrong check digit
    rows.append(list(rows[2]))  # row 33: same as row 3 (rows[0] is row 1)
    rows.append(["改名", *rows[4][1:]])  # row 34: same ID as row 5, other name
    rows.append(["学生6", id_no(9, 9), *rows[6][2:]])  # row 35: same 学籍号 as row 7, other ID number
    rows.append(["学生29", rows[30][1], rows[30][2], "2014-03-02", "530521100001"])  # row 36: = row 31, date written
    for i in range(30, 34):
        number = id_no(1 + i % 28, 3)
        rows.append([f"学生{i}", number, "G" + number, "", "530521100002"])  # rows 37-40: unknown village
    return csv_bytes(rows)


EXPECTED = [
    (32, "身份证号", "校验码错误（末位应为" + id_no(1, 1)[-1] + "）"),
    (33, "身份证号", "与第3行重复（身份证号相同，内容相同）"),
    (34, "身份证号", "与第5行的身份证号相同，但姓名不同，请核对"),
    (35, "全国学籍号", "与第7行的全国学籍号相同，但姓名不同，请核对"),
    (37, "户籍所在村代码", "区划代码530521100002不存在或不是行政村（社区）"),
    (38, "户籍所在村代码", "区划代码530521100002不存在或不是行政村（社区）"),
    (39, "户籍所在村代码", "区划代码530521100002不存在或不是行政村（社区）"),
    (40, "户籍所在村代码", "区划代码530521100002不存在或不是行政村（社区）"),
]


def reasons(batch):
    return [(r.row, r.column, r.reason) for r in batch.rejections.all()]


@pytest.mark.parametrize("workers", [1, 2])
def test_duplicates_are_found_across_batches_serial_or_in_worker_processes(county_admin, village_a1, settings, workers):
    # given batches of 4 rows, so that every duplicate lies in another batch than its first row
    settings.JIAOYUN = {
        **settings.JIAOYUN,
        "IMPORT_BATCH_ROWS": 4,
        "IMPORT_WORKERS": workers,
        "IMPORT_PARALLEL_BYTES": 0,
    }
    # when previewing and confirming
    batch = import_file(actor=county_admin, kind="students", upload=upload(roster()), file_name="名册.csv")
    # then the first of each pair stays, the later one is rejected naming it (row 36 repeats row 31 exactly:
    # the birth date written out is the one the ID number holds)
    assert (batch.total, batch.new, batch.rejected) == (39, 30, 9)
    assert reasons(batch) == [*EXPECTED[:4], (36, "身份证号", "与第31行重复（身份证号相同，内容相同）"), *EXPECTED[4:]]
    import_confirm(actor=county_admin, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.new, batch.rejected) == ("imported", 30, 9)
    assert reasons(batch)[4] == (36, "身份证号", "与第31行重复（身份证号相同，内容相同）")
    assert Student.objects.count() == 30
    # ID numbers encrypted where the rows were checked decrypt to the number of that student
    s = Student.objects.get(name="学生4")
    assert idcard.decrypt(s.id_cipher) == id_no(5, 1) and s.id_hash == idcard.match_hash(id_no(5, 1))
    assert AuditEntry.objects.filter(action="create", object_type="people.Student").count() == 30
    entry = AuditEntry.objects.filter(action="create", object_id=str(s.pk)).get()
    assert (entry.object_repr, entry.changes) == ("学生4", {"import_batch": batch.pk})


def test_keys_sharing_a_digest_are_not_taken_for_duplicates(county_admin, village_a1, monkeypatch, settings):
    from jiaoyun.exchange.services import rows as row_checks

    settings.JIAOYUN = {**settings.JIAOYUN, "IMPORT_BATCH_ROWS": 1}  # every key goes through the table
    monkeypatch.setattr(row_checks, "digest", lambda key: 7)  # every key collides (in the filter and the table)
    rows = [["姓名", "身份证号"], ["甲", id_no(1, 1)], ["乙", id_no(2, 1)], ["甲", id_no(1, 1)]]
    batch = import_file(actor=county_admin, kind="students", upload=upload(csv_bytes(rows)), file_name="a.csv")
    assert (batch.new, batch.rejected) == (2, 1)
    assert reasons(batch) == [(4, "身份证号", "与第2行重复（身份证号相同，内容相同）")]
