"""Imports that protect the data: text-format templates, IDs that lost digits refused, common spellings,
the preview's before → after diff with flagged renames (ADR 0028), and the next steps after a confirm."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from jiaoyun.core import idcard
from jiaoyun.core.errors import DomainError
from jiaoyun.exchange import aliases
from jiaoyun.exchange.files import rejects_xlsx, template_xlsx
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.registry import get_kind
from jiaoyun.exchange.services import import_cancel, import_confirm, import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload, xlsx_bytes
from jiaoyun.exchange.values import parse_bool, parse_date
from jiaoyun.people.choices import Ethnicity, StudentStatus
from jiaoyun.people.models import Student, Teacher
from jiaoyun.reports.xlsx import write_xlsx

HEADER = ["姓名", "身份证号", "性别", "民族", "户籍所在村代码", "监护人电话"]


def preview(user, data, name="名册.csv", kind="students"):
    return import_file(actor=user, kind=kind, upload=upload(data), file_name=name)


def reasons(batch):
    return [(r.row, r.column, r.reason) for r in batch.rejections.all()]


def col_format(sheet, idx):
    """The number format of a column (xlsxwriter writes one <col> element for a run of equal columns)."""
    for dim in sheet.column_dimensions.values():
        if dim.min <= idx <= dim.max:
            return dim.number_format
    return "General"


def full_width(value):
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in value)


def ethnicity(label):
    return next(v for v, lbl in Ethnicity.choices if lbl == label)


# --- templates and error reports keep ID and code columns as text ---------------------------------------


def test_template_formats_id_and_code_columns_as_text(county_admin):
    kind = get_kind("students")
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[2]]
    assert headers[:3] == ["姓名*", "身份证号", "全国学籍号"]
    assert "5.30521E+17" in sheet["A1"].value and "身份证号、全国学籍号" in sheet["A1"].value
    text_labels = {"身份证号", "全国学籍号", "户籍所在村代码", "现居住村代码", "监护人电话"}
    for idx, header in enumerate(headers, start=1):
        fmt = col_format(sheet, idx)
        if header.rstrip("*") in text_labels:
            assert fmt == "@", header
            assert sheet.cell(row=2, column=idx).number_format == "@", header
        else:
            assert fmt != "@", header
    assert sheet.max_row == 2  # no example row among the data: examples are on the guide sheet
    guide = book["填写说明"]
    rows = {r[0]: r for r in guide.iter_rows(min_row=2, values_only=True)}
    assert rows["身份证号"][3] == "文本" and rows["身份证号"][4] == "530521201403010017"
    assert isinstance(rows["身份证号"][4], str) and guide["E2"].number_format == "@"
    assert rows["民族"][3] == "常规"


def test_template_text_columns_per_kind(county_admin):
    for key, label in (
        ("teachers", "教职工号"),
        ("schools", "学校标识码"),
        ("areas", "区划代码"),
        ("hukou", "身份证号"),
    ):
        kind = get_kind(key)
        sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind))).worksheets[0]
        idx = [c.value.rstrip("*") for c in sheet[2]].index(label) + 1
        assert col_format(sheet, idx) == "@", key


def test_writer_text_columns_write_strings():
    data = write_xlsx([("名册", ["代码", "人数"], [[530521100001.0, 3], ["0012", 4]])], text_columns={"名册": {0}})
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A2"].value == "530521100001" and sheet["A2"].number_format == "@"
    assert sheet["A3"].value == "0012"
    assert sheet["B2"].value == 3 and sheet["B2"].number_format != "@"


def test_rejected_rows_file_keeps_ids_and_codes_as_text(county_admin, village_a1):
    bad = id_no(1, 1)[:-1] + ("0" if id_no(1, 1)[-1] != "0" else "1")
    data = csv_bytes([HEADER, ["张三", bad, "男", "汉", "530521100001", "13800000000"]])
    batch = preview(county_admin, data)
    sheet = openpyxl.load_workbook(io.BytesIO(rejects_xlsx(batch))).worksheets[0]
    headers = [c.value for c in sheet[1]]
    for label in ("身份证号", "户籍所在村代码", "监护人电话"):
        cell = sheet.cell(row=2, column=headers.index(label) + 1)
        assert isinstance(cell.value, str) and cell.number_format == "@", label
    assert sheet.cell(row=2, column=headers.index("户籍所在村代码") + 1).value == "530521100001"


# --- an ID number whose digits a spreadsheet has lost is never accepted -----------------------------------


def test_id_number_stored_as_a_number_is_refused_naming_row_and_field(county_admin, village_a1):
    good = id_no(1, 1)
    rows = [
        HEADER,
        ["张三", int(good[:17] + "0") if good[-1] == "X" else int(good), "男", "汉族", "530521100001", ""],
        ["李四", float(id_no(1, 2)[:-1] + "0"), "女", "汉族", "530521100001", ""],
        ["王五", "5.30521E+17", "男", "汉族", "530521100001", ""],
        ["赵六", full_width(id_no(3, 5)), "男", "汉族", "530521100001", ""],  # full-width digits: fine
    ]
    batch = preview(county_admin, xlsx_bytes(rows), name="名册.xlsx")
    got = reasons(batch)
    assert [(r, c) for r, c, _ in got] == [(2, "身份证号"), (3, "身份证号"), (4, "身份证号")]
    assert all("数字" in reason and "文本" in reason for _, _, reason in got)
    assert batch.rejected == 3 and batch.new == 1


def test_student_number_and_codes_in_scientific_notation_are_refused(county_admin, village_a1):
    rows = [
        ["姓名", "全国学籍号", "性别", "出生日期", "户籍所在村代码"],
        ["张三", 5.30521201403010e17, "男", "2014-03-01", "530521100001"],
        ["李四", "G530521201403010021", "女", "2014-03-01", "5.30521E+11"],
    ]
    batch = preview(county_admin, xlsx_bytes(rows), name="名册.xlsx")
    got = reasons(batch)
    assert [(r, c) for r, c, _ in got] == [(2, "全国学籍号"), (3, "户籍所在村代码")]
    assert all("5.30521E+17" in reason and "丢失" in reason for _, _, reason in got)


# --- common spellings ----------------------------------------------------------------------------------


def test_every_ethnicity_short_form_and_code_is_accepted():
    assert len(aliases.ETHNICITY) == 56 * 2
    col = get_kind("students").column_of("ethnicity")
    parse = col.parser()
    assert parse("汉") == parse("汉族") == parse("1") == parse("01") == ethnicity("汉族")
    assert parse("彝") == ethnicity("彝族")
    assert parse("傈僳") == ethnicity("傈僳族")
    assert parse(" 傣 ") == ethnicity("傣族")
    assert parse("柯尔克孜") == ethnicity("柯尔克孜族")
    assert parse(7.0) == ethnicity("彝族")  # a code in a number cell
    with pytest.raises(DomainError) as exc:
        parse("火星")
    assert "“火星”不是可选值" in str(exc.value) and "汉族" in str(exc.value)


def test_sex_bool_and_date_spellings():
    sex = get_kind("students").column_of("sex").parser()
    assert [sex(v) for v in ("男", "女", "M", "f", "1", "2", 1.0, "男性", "女生")] == list("MFMFMFMMF")
    assert [parse_bool(v) for v in ("是", "否", "Y", "n", "1", "0", 1.0, "√", "Ｙ")] == [
        True, False, True, False, True, False, True, True, True,
    ]  # fmt: skip
    day = dt.date(2021, 9, 1)
    for written in ("2021-09-01", "2021/9/1", "2021.9.1", "20210901", 44440, 44440.0, "2021年9月1日",
                    "２０２１－０９－０１", " 2021/9/1 ", "2021-09-01 00:00:00", dt.datetime(2021, 9, 1)):  # noqa: DTZ001  # fmt: skip
        assert parse_date(written) == day, written
    with pytest.raises(DomainError) as exc:
        parse_date("九月一日")
    assert "2014.3.1" in str(exc.value)


def test_spellings_in_a_real_file(county_admin, village_a1):
    rows = [
        ["姓名", "身份证号", "性别", "民族", "户籍所在村代码", "留守儿童"],
        ["张三", id_no(1, 1), "1", "汉", "５３０５２１１０００01", "Y"],
        ["李四", " " + id_no(1, 2) + " ", "F", "彝", "530521100001", "0"],
        ["王五", id_no(2, 3), "男", "火星族", "530521100001", "否"],
    ]
    batch = preview(county_admin, csv_bytes(rows))
    assert (batch.new, batch.rejected) == (2, 1)
    ((row, column, reason),) = reasons(batch)
    assert (row, column) == (4, "民族") and "火星族" in reason and "可选" in reason and "汉族" in reason
    import_confirm(actor=county_admin, batch=batch)
    zhang = Student.objects.get(name="张三")
    assert (zhang.ethnicity, zhang.left_behind, zhang.hukou_village.code) == (ethnicity("汉族"), True, "530521100001")
    assert Student.objects.get(name="李四").ethnicity == ethnicity("彝族")


# --- the preview's diff and flagged renames -----------------------------------------------------------------


@pytest.fixture
def enrolled(county_admin, village_a1):
    """Three students on the roster (imported, so as a bureau has them)."""
    rows = [
        HEADER,
        ["张三", id_no(1, 1), "男", "汉族", "530521100001", "13800000001"],
        ["李四", id_no(1, 2), "女", "汉族", "530521100001", "13800000002"],
        ["王五", id_no(2, 3), "男", "汉族", "530521100001", "13800000003"],
    ]
    import_confirm(actor=county_admin, batch=preview(county_admin, csv_bytes(rows)))
    return rows


def corrected_file():
    return csv_bytes(
        [
            HEADER,
            ["张山", id_no(1, 1), "男", "汉族", "530521100001", "13800000001"],  # renamed: flagged
            ["李四", id_no(1, 2), "女", "彝", "530521100001", "13900000002"],  # two fields updated
            ["王五", id_no(2, 3), "男", "汉", "530521100001", "13800000003"],  # 汉 = 汉族: unchanged
            ["赵六", id_no(3, 5), "男", "汉", "530521100001", ""],  # new
        ]
    )


def test_preview_lists_each_update_as_before_after_and_flags_a_rename(county_admin, enrolled):
    batch = preview(county_admin, corrected_file())
    assert (batch.new, batch.updated, batch.flagged, batch.unchanged, batch.rejected) == (1, 2, 1, 1, 0)
    changes = {c.row: c for c in batch.changes.all()}
    assert set(changes) == {2, 3, 5}
    assert changes[2].flag == "同一身份证号姓名不同：张三 → 张山"
    assert changes[2].changes == [["姓名", "张三", "张山"]]
    assert changes[3].flag == ""
    assert sorted(changes[3].changes) == [["民族", "汉族", "彝族"], ["监护人电话", "13800000002", "13900000002"]]
    assert changes[5].outcome == "new" and ["性别", "男"] in changes[5].changes
    assert all(id_no(3, 5) not in str(v) for v in changes[5].changes)  # the ID number is masked
    assert ["身份证号", idcard.mask(id_no(3, 5))] in changes[5].changes
    assert Student.objects.get(name="张三")  # the preview wrote nothing


def test_confirm_without_acknowledgement_skips_the_flagged_rows(county_admin, enrolled):
    batch = import_confirm(actor=county_admin, batch=preview(county_admin, corrected_file()))
    assert (batch.new, batch.updated, batch.skipped, batch.flagged) == (1, 1, 1, 1)
    assert Student.objects.filter(name="张山").count() == 0
    assert Student.objects.get(id_hash=idcard.match_hash(id_no(1, 1))).name == "张三"
    assert Student.objects.get(name="李四").guardian_phone == "13900000002"
    assert "未勾选确认，未导入" in batch.message
    assert batch.changes.get(row=2).outcome == "skipped"


def test_confirm_with_acknowledgement_writes_the_rename(county_admin, enrolled):
    batch = import_confirm(actor=county_admin, batch=preview(county_admin, corrected_file()), accept_flagged=True)
    assert (batch.updated, batch.skipped, batch.flagged_accepted) == (2, 0, True)
    assert Student.objects.get(id_hash=idcard.match_hash(id_no(1, 1))).name == "张山"


def test_an_acknowledgement_holds_only_for_the_rows_previewed(county_admin, enrolled):
    batch = preview(county_admin, corrected_file())
    Student.objects.filter(name="李四").update(name="李斯")  # meanwhile another row became a rename
    with pytest.raises(DomainError, match="需确认的行与预览时不同"):
        import_confirm(actor=county_admin, batch=batch, accept_flagged=True)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert Student.objects.filter(name="赵六").count() == 0  # nothing half-written
    assert Student.objects.get(id_hash=idcard.match_hash(id_no(1, 1))).name == "张三"


def test_a_birth_date_change_under_the_same_student_number_is_flagged(county_admin, village_a1):
    head = ["姓名", "全国学籍号", "性别", "出生日期"]
    number = "G" + id_no(1, 1)
    import_confirm(
        actor=county_admin, batch=preview(county_admin, csv_bytes([head, ["张三", number, "男", "2014-03-01"]]))
    )
    batch = preview(county_admin, csv_bytes([head, ["张三", number, "女", "2014-03-02"]]))
    (change,) = batch.changes.all()
    assert change.flag == "同一全国学籍号出生日期不同：2014-03-01 → 2014-03-02；性别不同：男 → 女"


def test_the_diff_is_computed_per_batch_not_per_row(county_admin, village_a1, django_assert_max_num_queries):
    def roster(n, phone):
        return csv_bytes([HEADER, *[[f"学生{i}", id_no(1 + i % 28, 100 + i), "", "汉", "530521100001", phone]
                                    for i in range(n)]])  # fmt: skip

    import_confirm(actor=county_admin, batch=preview(county_admin, roster(60, "13800000000")))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (6, 60):
        with CaptureQueriesContext(connection) as ctx:
            batch = preview(county_admin, roster(n, "13900000000"))
        assert batch.updated == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- after the confirm: what to do next ---------------------------------------------------------------------


def test_next_steps_count_students_without_an_enrolment_event(county_admin, enrolled, school_a):
    from jiaoyun.people.services.enrolment import enrolment_record

    batch = import_confirm(actor=county_admin, batch=preview(county_admin, corrected_file()))
    ((step,),) = [batch.next_steps]
    # 赵六 is new, 李四 updated: both 未入学 (张山 skipped, 王五 unchanged are not counted).
    assert (step["count"], step["kind"]) == (2, "events")
    assert "2 名" in step["text"] and "学籍变动" in step["text"]
    li = Student.objects.get(name="李四")
    enrolment_record(student=li, kind="enrol", date=dt.date(2020, 9, 1), school=school_a, grade=1, actor=county_admin)
    assert Student.objects.get(name="李四").status != StudentStatus.NOT_ENROLLED
    again = csv_bytes([HEADER, ["李四", id_no(1, 2), "女", "彝", "530521100001", "13700000002"]])
    batch = import_confirm(actor=county_admin, batch=preview(county_admin, again))
    assert batch.next_steps[0]["count"] == 0 and batch.next_steps[0]["kind"] is None


def test_next_steps_for_teachers_without_a_school(county_admin, school_a):
    head = ["姓名", "身份证号", "学校标识码"]
    rows = [["王丽", id_no(1, 2, 1985, 5), "2153000001"], ["陈红", id_no(2, 4, 1986, 6), ""]]
    batch = import_confirm(actor=county_admin, batch=preview(county_admin, csv_bytes([head, *rows]), kind="teachers"))
    assert Teacher.objects.count() == 2
    assert batch.next_steps[0]["count"] == 1 and "1 名" in batch.next_steps[0]["text"]


# --- the pages ---------------------------------------------------------------------------------------------


def test_batch_page_shows_diff_flag_and_acknowledgement(client, county_admin, enrolled):
    client.force_login(county_admin)
    batch = preview(county_admin, corrected_file())
    page = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert "同一身份证号姓名不同：张三 → 张山" in page
    assert 'name="accept_flagged"' in page
    assert "<del>13800000002</del> → <ins>13900000002</ins>" in page
    assert page.index('data-testid="confirm-button"') < page.index('data-testid="flagged-table"')
    response = client.post(reverse("exchange:confirm", args=[batch.pk]), {"accept_flagged": "1"})
    assert response.status_code == 302
    assert Student.objects.filter(name="张山").exists()
    page = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert 'data-testid="next-steps"' in page and reverse("exchange:upload", args=["events"]) in page


def test_cancel_a_preview(client, county_admin, enrolled):
    client.force_login(county_admin)
    batch = preview(county_admin, corrected_file())
    response = client.post(reverse("exchange:cancel", args=[batch.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("exchange:upload", args=["students"])
    batch.refresh_from_db()
    assert batch.status == "cancelled"
    with pytest.raises(DomainError):
        import_confirm(actor=county_admin, batch=batch)
    with pytest.raises(DomainError):
        import_cancel(actor=county_admin, batch=ImportBatch.objects.get(pk=batch.pk))


def test_teacher_and_hukou_renames_are_flagged_too(county_admin, school_a, village_a1):
    head = ["姓名", "身份证号", "学校标识码"]
    number = id_no(1, 2, 1985, 5)
    import_confirm(
        actor=county_admin,
        batch=preview(county_admin, csv_bytes([head, ["王丽", number, "2153000001"]]), kind="teachers"),
    )
    batch = preview(county_admin, csv_bytes([head, ["王莉", number, "2153000001"]]), kind="teachers")
    assert (batch.updated, batch.flagged) == (1, 1)
    assert batch.changes.get().flag == "同一身份证号姓名不同：王丽 → 王莉"

    head = ["姓名", "身份证号", "户籍村（社区）代码"]
    child = id_no(5, 7, 2015)
    import_confirm(
        actor=county_admin,
        batch=preview(county_admin, csv_bytes([head, ["杨小勇", child, "530521100001"]]), kind="hukou"),
    )
    batch = preview(county_admin, csv_bytes([head, ["杨小永", child, "530521100001"]]), kind="hukou")
    assert batch.changes.get().flag == "同一身份证号姓名不同：杨小勇 → 杨小永"
    batch = import_confirm(actor=county_admin, batch=batch)
    assert batch.skipped == 1
