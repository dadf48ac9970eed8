"""Student roster imports: preview, confirm, idempotence and every kind of bad input."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.models import AuditEntry
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload, xlsx_bytes
from jiaoyun.people.models import Student

HEADER = ["姓名", "身份证号", "性别", "出生日期", "户籍所在村代码", "留守儿童"]


def roster(*rows):
    return [HEADER, *rows]


def preview(user, data, name="名册.csv", kind="students"):
    return import_file(actor=user, kind=kind, upload=upload(data), file_name=name)


def reasons(batch):
    return [(r.row, r.column, r.reason) for r in batch.rejections.all()]


@pytest.fixture
def good_rows(village_a1):
    return [
        ["张三", id_no(1, 1), "男", "2014-03-01", "530521100001", "是"],
        ["李四", id_no(1, 2), "女", "2014/3/1", "530521100001", "否"],
        ["王五", id_no(2, 3), "男", "20140302", "", ""],
    ]


def test_preview_writes_nothing_and_confirm_writes_all(county_admin, good_rows, village_a1):
    batch = preview(county_admin, csv_bytes(roster(*good_rows)))
    assert (batch.status, batch.total, batch.new, batch.rejected) == ("preview", 3, 3, 0)
    assert Student.objects.count() == 0
    import_confirm(actor=county_admin, batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.new) == ("imported", 3)
    zhang = Student.objects.get(id_hash=idcard.match_hash(id_no(1, 1)))
    assert (zhang.name, zhang.sex, zhang.birth_date, zhang.hukou_village, zhang.left_behind) == (
        "张三",
        "M",
        dt.date(2014, 3, 1),
        village_a1,
        True,
    )
    assert idcard.decrypt(zhang.id_cipher) == id_no(1, 1)
    assert zhang.id_masked == idcard.mask(id_no(1, 1)) == id_no(1, 1)[0] + "*" * 16 + id_no(1, 1)[-1]
    # one audit entry for the batch, one per created student
    assert AuditEntry.objects.filter(action="import", object_id=str(batch.pk)).count() == 1
    assert AuditEntry.objects.filter(action="create", object_type="people.Student").count() == 3


def test_reimport_same_file_is_a_noop_and_a_corrected_file_updates(county_admin, good_rows):
    data = csv_bytes(roster(*good_rows))
    import_confirm(actor=county_admin, batch=preview(county_admin, data))
    again = preview(county_admin, data)
    assert (again.new, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    import_confirm(actor=county_admin, batch=again)
    assert Student.objects.count() == 3
    good_rows[1][0] = "李思"
    corrected = preview(county_admin, csv_bytes(roster(*good_rows)))
    assert (corrected.new, corrected.updated, corrected.unchanged) == (0, 1, 2)
    assert corrected.flagged == 1  # a new name under the same ID number: written only once acknowledged
    import_confirm(actor=county_admin, batch=corrected, accept_flagged=True)
    assert Student.objects.get(id_hash=idcard.match_hash(id_no(1, 2))).name == "李思"
    entry = AuditEntry.objects.get(action="update", object_type="people.Student")
    assert entry.changes["changes"]["name"] == ["李四", "李思"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(county_admin, good_rows, encoding):
    batch = preview(county_admin, csv_bytes(roster(*good_rows), encoding))
    assert (batch.new, batch.rejected) == (3, 0)


def test_wrong_encoding_is_refused_with_a_precise_message(county_admin, good_rows):
    with pytest.raises(DomainError, match="UTF-16"):
        preview(county_admin, csv_bytes(roster(*good_rows), "utf-16"))
    garbled = csv_bytes(roster(*good_rows)) + b"\x80\x80 ,\n"  # valid in neither UTF-8 nor GBK
    with pytest.raises(DomainError, match=r"无法识别文件编码（第5行附近既不是UTF-8也不是GBK）"):
        preview(county_admin, garbled)
    with pytest.raises(DomainError, match=r"无法识别文件编码（第2行附近"):
        preview(county_admin, "Name,ID\nJos\xe9,1\n".encode("latin-1"))
    with pytest.raises(DomainError, match="未找到表头行"):
        preview(county_admin, b"Name,ID\nJose,1\n")  # readable, but names no known column
    batch = ImportBatch.objects.latest("id")
    assert batch.status == "failed" and batch.message
    assert Student.objects.count() == 0


def test_mixed_encoding_midway_is_refused(county_admin, good_rows, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "IMPORT_BATCH_ROWS": 10}
    head = csv_bytes(roster(*good_rows))
    filler = "".join(f"某某{i},,,,,\n" for i in range(30000)).encode("utf-8")  # pushes the bad bytes past the sample
    tail = "赵六,530521201403010013,男,,,\n".encode("gbk")
    with pytest.raises(DomainError, match="不符合UTF-8编码"):
        preview(county_admin, head + filler + tail)
    assert Student.objects.count() == 0


def test_missing_required_column(county_admin):
    data = csv_bytes([["身份证号", "性别"], [id_no(1, 1), "男"]])
    with pytest.raises(DomainError, match="缺少必填列：姓名"):
        preview(county_admin, data)


def test_header_found_below_title_rows_and_blank_lines(county_admin, good_rows):
    rows = [["施甸县学生花名册"], [], ["填报单位：甸阳镇"], HEADER, good_rows[0], [], ["", "", ""], good_rows[1]]
    batch = preview(county_admin, csv_bytes(rows))
    assert (batch.header_row, batch.total, batch.new) == (4, 2, 2)


def test_aliases_and_gbk_with_bom_free_headers(county_admin, village_a1):
    rows = [["学生姓名", "身份证件号", "户籍地代码", "是否留守儿童"], ["张三", id_no(1, 1), "530521100001", "是"]]
    batch = preview(county_admin, csv_bytes(rows, "gbk"))
    assert (batch.new, batch.rejected) == (1, 0)


def test_duplicate_rows_inside_the_file(county_admin, good_rows):
    batch = preview(county_admin, csv_bytes(roster(*good_rows, good_rows[0])))
    assert reasons(batch) == [(5, "身份证号", "与第2行重复（身份证号相同，内容相同）")]
    assert (batch.new, batch.rejected) == (3, 1)


def test_duplicate_id_numbers_with_different_names(county_admin, good_rows):
    other = ["张叁", *good_rows[0][1:]]
    batch = preview(county_admin, csv_bytes(roster(*good_rows, other)))
    assert reasons(batch) == [(5, "身份证号", "与第2行的身份证号相同，但姓名不同，请核对")]
    import_confirm(actor=county_admin, batch=batch)
    assert Student.objects.count() == 3
    assert Student.objects.get(id_hash=idcard.match_hash(id_no(1, 1))).name == "张三"


def test_invalid_check_digit(county_admin):
    wrong = id_no(1, 1)[:-1] + ("0" if id_no(1, 1)[-1] != "0" else "1")
    batch = preview(county_admin, csv_bytes(roster(["张三", wrong, "男", "", "", ""])))
    row = batch.rejections.get()
    assert (row.row, row.column) == (2, "身份证号")
    assert row.reason == f"校验码错误（末位应为{id_no(1, 1)[-1]}）"
    assert row.value == idcard.mask(wrong)  # rejected ID numbers are kept masked


def test_dates_as_text_in_several_formats(county_admin):
    formats = ["2014-03-01", "2014/3/1", "20140301", "2014年3月1日", "2014.3.1", "41699"]
    rows = [["姓名", "全国学籍号", "性别", "出生日期"]]
    rows += [[f"学生{i}", f"G53052120140301{i:04d}", "女", f] for i, f in enumerate(formats)]
    batch = preview(county_admin, csv_bytes(rows))
    assert (batch.new, batch.rejected) == (6, 0)
    import_confirm(actor=county_admin, batch=batch)
    assert set(Student.objects.values_list("birth_date", flat=True)) == {dt.date(2014, 3, 1)}


def test_dates_as_excel_serials_and_date_cells(county_admin):
    rows = [
        ["姓名", "全国学籍号", "性别", "出生日期"],
        ["甲", "G530521201403010001", "男", 41699],  # serial number, no date format
        ["乙", "G530521201403010002", "男", dt.date(2014, 3, 1)],  # a real date cell
        ["丙", "G530521201403010003", "男", "2014年3月1日"],
        ["丁", "G530521201403010004", "男", "2014-02-30"],
    ]
    batch = preview(county_admin, xlsx_bytes(rows, title="2024年秋季学生名册"), name="名册.xlsx")
    assert batch.header_row == 2
    assert reasons(batch) == [(6, "出生日期", "“2014-02-30”不是有效日期")]
    import_confirm(actor=county_admin, batch=batch)
    assert set(Student.objects.values_list("birth_date", flat=True)) == {dt.date(2014, 3, 1)}


def test_unknown_area_code(county_admin, village_a1):
    batch = preview(county_admin, csv_bytes(roster(["张三", id_no(1, 1), "男", "", "530521999999", ""])))
    assert reasons(batch) == [(2, "户籍所在村代码", "区划代码530521999999不存在或不是行政村（社区）")]


def test_birth_date_must_agree_with_id_number(county_admin):
    batch = preview(county_admin, csv_bytes(roster(["张三", id_no(1, 1), "男", "2014-03-05", "", ""])))
    assert reasons(batch) == [(2, "身份证号", "身份证号中的出生日期2014-03-01与填写的2014-03-05不一致")]


def test_truncated_xlsx(county_admin, good_rows):
    data = xlsx_bytes(roster(*good_rows))
    with pytest.raises(DomainError, match="Excel文件已损坏或不完整"):
        preview(county_admin, data[: len(data) // 2], name="名册.xlsx")
    assert ImportBatch.objects.get().status == "failed"
    assert Student.objects.count() == 0


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \r\n"])
def test_empty_file(county_admin, data):
    with pytest.raises(DomainError, match="文件是空的"):
        preview(county_admin, data)


def test_header_only(county_admin):
    with pytest.raises(DomainError, match="只有表头"):
        preview(county_admin, csv_bytes([HEADER]))


def test_size_limit(county_admin, good_rows, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "IMPORT_MAX_BYTES": 1000}
    big = csv_bytes(roster(*(good_rows * 20)))
    with pytest.raises(DomainError, match="文件过大"):
        preview(county_admin, big)
    assert ImportBatch.objects.count() == 0


def test_large_file_streams_in_batches(county_admin, settings):
    """20,000 rows in batches of 1,000: exact counts, every row written, audit per row."""
    settings.JIAOYUN = {**settings.JIAOYUN, "IMPORT_BATCH_ROWS": 1000}
    base = dt.date(2012, 1, 1)
    rows = [["姓名", "身份证号"]]
    for i in range(20000):
        rows.append([f"学生{i}", idcard.make("530521", base + dt.timedelta(days=i // 500), i % 500)])
    rows.append(rows[1])  # a duplicate at the very end
    batch = preview(county_admin, csv_bytes(rows))
    assert (batch.total, batch.new, batch.rejected) == (20001, 20000, 1)
    assert reasons(batch) == [(20002, "身份证号", "与第2行重复（身份证号相同，内容相同）")]
    import_confirm(actor=county_admin, batch=batch)
    assert Student.objects.count() == 20000
    assert AuditEntry.objects.filter(action="create", object_type="people.Student").count() == 20000


def test_formula_cells_take_the_cached_value(county_admin):
    rows = [["姓名", "全国学籍号", "性别", "出生日期"], ["甲", "G530521201403010001", "男", None]]
    data = xlsx_bytes(rows, formulas={(1, 3): ("=DATE(2014,3,1)", 41699)})
    batch = preview(county_admin, data, name="a.xlsx")
    assert (batch.new, batch.rejected) == (1, 0)


def test_formula_cells_without_a_value_are_rejected(county_admin, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "全国学籍号", "性别", "出生日期"])
    sheet.append(["甲", "G530521201403010001", "男", "=DATE(2014,3,1)"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    batch = preview(county_admin, path.read_bytes(), name="f.xlsx")
    assert reasons(batch) == [(2, "出生日期", "公式单元格没有计算结果，请在Excel中重新计算并保存，或把公式转换为数值")]


def test_merged_header_cells(county_admin, tmp_path, village_a1):
    """A two-row header: 姓名/身份证号 merged down over two rows, 户籍 spanning two named sub-columns."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["学生花名册"])
    sheet.merge_cells("A1:D1")
    sheet.append(["姓名", "身份证号", "户籍", None])
    sheet.append([None, None, "户籍所在村代码", "留守儿童"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:D2")
    sheet.append(["张三", id_no(1, 1), "530521100001", "是"])
    path = tmp_path / "m.xlsx"
    book.save(path)
    batch = preview(county_admin, path.read_bytes(), name="m.xlsx")
    assert (batch.total, batch.new, batch.rejected) == (1, 1, 0)
    import_confirm(actor=county_admin, batch=batch)
    assert Student.objects.get().left_behind is True


def test_id_number_stored_as_a_number_is_rejected(county_admin):
    rows = [["姓名", "身份证号"], ["甲", 530521201403010013]]
    batch = preview(county_admin, xlsx_bytes(rows), name="a.xlsx")
    assert reasons(batch)[0][2].startswith("身份证号被存成了数字")


def test_student_number_clash_with_another_student(county_admin, good_rows):
    rows = [["姓名", "身份证号", "全国学籍号"], ["张三", id_no(1, 1), "G530521201403010001"]]
    import_confirm(actor=county_admin, batch=preview(county_admin, csv_bytes(rows)))
    clash = [["姓名", "身份证号", "全国学籍号"], ["李四", id_no(1, 2), "G530521201403010001"]]
    batch = preview(county_admin, csv_bytes(clash))
    assert reasons(batch) == [(2, "全国学籍号", "该全国学籍号已属于身份证号不同的学生“张三”")]
    assert batch.rejections.get().value == idcard.mask("G530521201403010001")  # kept masked, like an ID number


def test_confirm_is_all_or_nothing(county_admin, good_rows, monkeypatch):
    batch = preview(county_admin, csv_bytes(roster(*good_rows)))
    from jiaoyun.exchange.kinds.students import StudentKind

    original = StudentKind.write

    def failing(self, recs, ctx):
        original(self, recs, ctx)
        raise DomainError("写入失败（模拟）")

    monkeypatch.setattr(StudentKind, "write", failing)
    with pytest.raises(DomainError):
        import_confirm(actor=county_admin, batch=batch)
    assert Student.objects.count() == 0
    assert AuditEntry.objects.filter(action__in=["create", "import"]).count() == 0
    batch.refresh_from_db()
    assert batch.status == "failed"


def test_only_county_data_managers_import(principal, county_leader, good_rows):
    for user in (principal, county_leader):
        with pytest.raises(PermissionDenied):
            preview(user, csv_bytes(roster(*good_rows)))


def test_confirm_twice_is_refused(county_admin, good_rows):
    batch = preview(county_admin, csv_bytes(roster(*good_rows)))
    import_confirm(actor=county_admin, batch=batch)
    with pytest.raises(DomainError, match="只有“预览”状态的批次可以确认导入"):
        import_confirm(actor=county_admin, batch=batch)
