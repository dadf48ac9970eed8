"""Browser flow of an import: upload a roster (HTMX upload with progress), read the preview with its rejected
row, confirm, and find the batch in the import records; then the same file again is a no-op."""

from __future__ import annotations

import datetime as dt

from e2e.conftest import axe_violations, login, shoot
from jiaoyun.core import idcard

GOOD = idcard.make("530521", dt.date(2014, 3, 1), 1)
BAD = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")


def roster(tmp_path):
    path = tmp_path / "学生名册.csv"
    lines = ["施甸县学生名册", "姓名,身份证号,户籍所在村代码", f"张三,{GOOD},530521100001", f"李四,{BAD},530521100001"]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    return path


def upload(page, path):
    page.goto("/exchange/")
    page.get_by_test_id("upload-students").click()
    page.get_by_test_id("file-input").set_input_files(str(path))
    page.get_by_test_id("upload-button").click()
    page.wait_for_url("**/exchange/batches/**")


def test_upload_preview_and_confirm(page, county_admin, village_a1, tmp_path):
    login(page, "county_admin")
    path = roster(tmp_path)
    upload(page, path)
    assert page.get_by_test_id("batch-status").inner_text() == "预览"
    assert page.get_by_test_id("count-new").inner_text() == "1"
    assert page.get_by_test_id("count-rejected").inner_text() == "1"
    rejected = page.get_by_test_id("rejection-table").inner_text()
    assert "3" in rejected and "校验码错误" in rejected and BAD not in rejected  # shown masked
    page.get_by_test_id("confirm-button").click()
    page.wait_for_selector("[data-testid=imported-note]")
    assert page.get_by_test_id("batch-status").inner_text() == "已导入"
    page.get_by_role("link", name="← 导入记录").click()
    assert "学生名册.csv" in page.get_by_test_id("batch-table").inner_text()
    # The same file again changes nothing.
    upload(page, path)
    assert page.get_by_test_id("count-unchanged").inner_text() == "1"
    assert page.get_by_test_id("count-new").inner_text() == "0"


# --- the journey of a corrected roster: template → file with a rename, a 汉 spelling and an update → preview with
# the diff and the flag → confirm → what to do next (ADR 0028) ------------------------------------------------

ZHANG = idcard.make("530521", dt.date(2014, 3, 1), 11)
LI = idcard.make("530521", dt.date(2014, 3, 2), 12)
WANG = idcard.make("530521", dt.date(2014, 3, 3), 13)
ZHAO = idcard.make("530521", dt.date(2014, 3, 4), 15)


def on_the_roster(county_admin):
    """张三, 李四 and 王五 as imported earlier."""
    from jiaoyun.exchange.services import import_confirm, import_file
    from jiaoyun.exchange.tests.helpers import csv_bytes
    from jiaoyun.exchange.tests.helpers import upload as as_upload

    rows = [["姓名", "身份证号", "民族", "户籍所在村代码", "监护人电话"],
            ["张三", ZHANG, "汉族", "530521100001", "13800000001"],
            ["李四", LI, "汉族", "530521100001", "13800000002"],
            ["王五", WANG, "汉族", "530521100001", "13800000003"]]  # fmt: skip
    batch = import_file(actor=county_admin, kind="students", upload=as_upload(csv_bytes(rows)), file_name="旧名册.csv")
    import_confirm(actor=county_admin, batch=batch)


def fill_template(template_path, tmp_path):
    """Fill the downloaded template as a school would: text cells in its text columns, from row 3 on."""
    import openpyxl

    book = openpyxl.load_workbook(template_path)
    sheet = book.worksheets[0]
    columns = {str(c.value).rstrip("*"): c.column for c in sheet[2]}
    rows = [
        {
            "姓名": "张山",
            "身份证号": ZHANG,
            "民族": "汉族",
            "户籍所在村代码": "530521100001",
            "监护人电话": "13800000001",
        },
        {"姓名": "李四", "身份证号": LI, "民族": "汉", "户籍所在村代码": "530521100001", "监护人电话": "13900000002"},
        {"姓名": "王五", "身份证号": WANG, "民族": "汉", "户籍所在村代码": "530521100001", "监护人电话": "13800000003"},
        {"姓名": "赵六", "身份证号": ZHAO, "民族": "汉", "户籍所在村代码": "530521100001"},
    ]
    for r, values in enumerate(rows, start=3):
        for label, value in values.items():
            sheet.cell(row=r, column=columns[label], value=value)
    path = tmp_path / "学生名册（更正）.xlsx"
    book.save(path)
    return path


def test_corrected_roster_preview_diff_flag_confirm_next_steps(page, county_admin, village_a1, tmp_path):
    from playwright.sync_api import expect

    on_the_roster(county_admin)
    login(page, "county_admin")
    page.goto("/exchange/")
    expect(page.get_by_test_id("choose-students")).to_be_in_viewport()
    page.get_by_test_id("choose-students").click()
    expect(page.get_by_test_id("upload-button")).to_be_in_viewport()
    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    template = tmp_path / "模板.xlsx"
    download.value.save_as(template)
    page.get_by_test_id("file-input").set_input_files(str(fill_template(template, tmp_path)))
    page.get_by_test_id("upload-button").click()
    page.wait_for_url("**/exchange/batches/**")
    expect(page.get_by_test_id("batch-status")).to_have_text("预览")
    # The actions are at the top, without scrolling; the counts read 新增 1、更新 2（其中需确认 1）、无变化 1、错误 0.
    expect(page.get_by_test_id("confirm-button")).to_be_in_viewport()
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id("count-updated")).to_have_text("2")
    expect(page.get_by_test_id("count-flagged")).to_have_text("1")
    expect(page.get_by_test_id("count-unchanged")).to_have_text("1")
    expect(page.get_by_test_id("count-rejected")).to_have_text("0")
    expect(page.get_by_test_id("flagged-table")).to_contain_text("同一身份证号姓名不同：张三 → 张山")
    expect(page.get_by_test_id("update-table")).to_contain_text("监护人电话：13800000002 → 13900000002")
    expect(page.get_by_test_id("new-table")).to_contain_text("赵六")
    expect(page.get_by_test_id("accept-flagged")).not_to_be_checked()
    assert ZHAO not in page.content()  # ID numbers masked in the preview
    shoot(page, "exchange-preview-desktop")
    assert axe_violations(page, exclude=(".topbar", ".sidebar")) == []
    # The bar stays in view while a long preview scrolls under it.
    page.mouse.wheel(0, 2000)
    expect(page.get_by_test_id("confirm-button")).to_be_in_viewport()
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("已导入")
    expect(page.get_by_test_id("count-skipped")).to_have_text("1")  # the rename, not acknowledged
    steps = page.get_by_test_id("next-steps")
    expect(steps).to_contain_text("2 名还没有学籍记录")  # 李四 (updated) and 赵六 (new)
    shoot(page, "exchange-imported-next-steps-desktop")
    from jiaoyun.people.models import Student

    assert set(Student.objects.values_list("name", flat=True)) == {"张三", "李四", "王五", "赵六"}
    page.get_by_test_id("next-import-events").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入学籍变动")


def test_preview_actions_in_view_on_a_phone(phone_page, county_admin, village_a1, tmp_path):
    from playwright.sync_api import expect

    from jiaoyun.exchange.services import import_file
    from jiaoyun.exchange.tests.helpers import csv_bytes
    from jiaoyun.exchange.tests.helpers import upload as as_upload

    on_the_roster(county_admin)
    rows = [["姓名", "身份证号", "民族", "户籍所在村代码", "监护人电话"],
            ["张山", ZHANG, "汉", "530521100001", "13800000001"],
            ["李四", LI, "彝", "530521100001", "13900000002"],
            *[[f"学生{i}", idcard.make("530521", dt.date(2013, 1, 1 + i), 21 + i), "汉", "530521100001", ""]
              for i in range(20)]]  # fmt: skip
    batch = import_file(actor=county_admin, kind="students", upload=as_upload(csv_bytes(rows)), file_name="名册.csv")
    login(phone_page, "county_admin")
    phone_page.goto("/exchange/students/upload/")
    expect(phone_page.get_by_test_id("upload-button")).to_be_in_viewport()
    expect(phone_page.get_by_test_id("template-link")).to_be_in_viewport()
    shoot(phone_page, "exchange-upload-phone")
    phone_page.goto(f"/exchange/batches/{batch.pk}/")
    expect(phone_page.get_by_test_id("confirm-button")).to_be_in_viewport()
    expect(phone_page.get_by_test_id("cancel-button")).to_be_in_viewport()
    expect(phone_page.get_by_test_id("flagged-table")).to_contain_text("张三 → 张山")
    shoot(phone_page, "exchange-preview-phone")
    found = axe_violations(phone_page, exclude=(".topbar", ".sidebar"))
    assert found == [], "\n".join(found)
    phone_page.mouse.wheel(0, 3000)
    expect(phone_page.get_by_test_id("confirm-button")).to_be_in_viewport()
    # Ticking the acknowledgement writes the rename.
    phone_page.get_by_test_id("accept-flagged").check()
    phone_page.get_by_test_id("confirm-button").click()
    expect(phone_page.get_by_test_id("batch-status")).to_have_text("已导入")
    from jiaoyun.people.models import Student

    assert Student.objects.get(id_hash=idcard.match_hash(ZHANG)).name == "张山"
