"""The demo privacy crawl: what it counts as a full ID number, how it reads each kind of body, and the demo logins'
scope labels (the crawl itself runs on the demo database: ``python manage.py demo_privacy_check``)."""

from __future__ import annotations

import io
import zipfile

from jiaoyun.areas.models import Area
from jiaoyun.core import idcard
from jiaoyun.core.models import User
from jiaoyun.demo.management.commands.demo_logins import scope_label
from jiaoyun.demo.management.commands.demo_privacy_check import body_text, full_numbers

FIRST17 = "53252420120315002"
NUMBER = FIRST17 + idcard.check_char(FIRST17)


def test_full_numbers_finds_id_numbers_and_student_numbers_not_masks_or_other_digits():
    assert idcard.is_valid(NUMBER)
    wrong_check = FIRST17 + ("0" if NUMBER[-1] != "0" else "1")
    text = (
        f"<td>{NUMBER}</td> G{NUMBER}, {idcard.mask(NUMBER)} {idcard.mask('G' + NUMBER)} {wrong_check} "
        f"1{NUMBER} 13800138000 20240301123456789012"
    )
    assert full_numbers(text) == [NUMBER, "G" + NUMBER]


def test_body_text_reads_inside_xlsx_and_csv_in_either_encoding():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", f"<sst><si><t>G{NUMBER}</t></si></sst>")
    assert full_numbers(body_text(buffer.getvalue(), "application/vnd.openxmlformats")) == ["G" + NUMBER]
    csv = f"姓名,身份证号\r\n张三,{NUMBER}\r\n"
    assert full_numbers(body_text(csv.encode("gb18030"), "text/csv")) == [NUMBER]
    assert full_numbers(body_text(csv.encode("utf-8-sig"), "text/csv")) == [NUMBER]


def test_scope_label_of_the_township_government_is_its_township():
    township = Area(name="老麦乡", level="township")
    assert scope_label(User(role="township_gov", area=township)) == "老麦乡"
    assert scope_label(User(role="township_officer", area=township)) == "老麦乡"
    assert scope_label(User(role="county_leader", read_only=True)) == "全县（只读）"


def _crawl(user):
    from jiaoyun.demo.management.commands.demo_privacy_check import Crawler

    crawler = Crawler(user, max_pages=60, per_pattern=3, api_details=3)
    crawler.crawl_pages()
    crawler.crawl_api()
    return crawler.result


def test_the_crawl_reads_pages_and_api_as_the_user_and_finds_a_number_a_page_would_show(
    county_leader, village_a1, school_a
):
    import datetime as dt

    from jiaoyun.people.models import Student
    from jiaoyun.people.tests.factories import StudentFactory
    from jiaoyun.supervision.models import Link

    # the leader reads the children of the schools linked to him (挂钩联系, ADR 0037)
    Link.objects.create(school=school_a, leader=county_leader, person="县领导", since=dt.date(2021, 2, 20))
    student = StudentFactory(name="杨小勇", hukou_village=village_a1, current_school=school_a, id_number=NUMBER)
    clean = _crawl(county_leader)
    assert clean.found == {} and not clean.errors
    assert clean.kinds["html"] > 5 and clean.kinds["json"] > 5
    # A mask that kept the whole number (the failure the crawl exists to catch) is found where the child is listed.
    Student.objects.filter(pk=student.pk).update(id_masked=NUMBER)
    leaky = _crawl(county_leader)
    assert set(leaky.found) == {NUMBER} and leaky.found[NUMBER]
