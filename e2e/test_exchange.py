"""Browser flow of an import: upload a roster (HTMX upload with progress), read the preview with its rejected
row, confirm, and find the batch in the import records; then the same file again is a no-op."""

from __future__ import annotations

import datetime as dt

from e2e.conftest import login
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
