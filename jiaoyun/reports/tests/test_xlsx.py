import io

import openpyxl

from jiaoyun.reports.xlsx import sheet_name, write_xlsx


def test_sheet_names_drop_characters_excel_refuses():
    assert sheet_name("疑似辍学/失学台账") == "疑似辍学_失学台账"
    assert len(sheet_name("x" * 40)) == 31


def test_written_workbook_has_headers_and_typed_cells():
    data = write_xlsx([("疑似辍学/失学台账", ["姓名", "年龄", "留守"], [["张三", 12, True]])])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["疑似辍学_失学台账"]
    assert [c.value for c in sheet[1]] == ["姓名", "年龄", "留守"]
    assert [c.value for c in sheet[2]] == ["张三", 12, "是"]


def test_rows_are_streamed_and_ids_stay_text():
    """constant_memory really is on: rows go out as they come (inline strings, no shared-string table)."""
    import zipfile

    rows = (["530521201403010017", "0012", 7] for _ in range(3))
    data = write_xlsx([("名册", ["身份证号", "代码", "数"], rows)])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "xl/sharedStrings.xml" not in zf.namelist()
        assert b't="inlineStr"' in zf.read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [("530521201403010017", "s"), ("0012", "s"), (7, "n")]
    assert sheet.freeze_panes == "A2"


def test_a_failing_export_leaves_no_temporary_file(tmp_path, monkeypatch):
    import tempfile

    import pytest

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        yield ["张三"]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_xlsx([("名册", ["姓名"], rows())])
    assert list(tmp_path.iterdir()) == []
