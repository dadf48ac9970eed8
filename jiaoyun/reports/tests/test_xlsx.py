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
