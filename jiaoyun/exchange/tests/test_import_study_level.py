"""The level of study of a 外县就读 event is imported (and corrected) with the events."""

from __future__ import annotations

import datetime as dt

from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload
from jiaoyun.people.models import EnrolmentEvent
from jiaoyun.people.tests.factories import StudentFactory


def run(user, rows, confirm=True):  # type: ignore[no-untyped-def]
    batch = import_file(actor=user, kind="events", upload=upload(csv_bytes(rows)), file_name="events.csv")
    if confirm:
        import_confirm(actor=user, batch=batch)
        batch.refresh_from_db()
    return batch


def test_out_of_county_events_carry_their_level_of_study(county_admin, school_a_junior):
    StudentFactory(name="李四", birth_date=dt.date(2006, 3, 1), id_number=id_no(1, 2))
    header = ["身份证号", "类型", "日期", "学校标识码", "年级", "县外学校", "就读学段"]
    rows = [
        header,
        [id_no(1, 2), "入学", "2020-09-01", school_a_junior.code, "九年级", "", ""],
        [id_no(1, 2), "毕业", "2021-07-01", "", "", "", ""],
        [id_no(1, 2), "外县就读", "2021-08-25", "", "", "保山第一中学", "普通高中"],
    ]
    batch = run(county_admin, rows)
    assert (batch.new, batch.rejected) == (3, 0)
    event = EnrolmentEvent.objects.get(kind="out_of_county")
    assert (event.study_level, event.external_school) == ("senior", "保山第一中学")
    # a correction of the level is an update of the same event
    rows[3][-1] = "中职"
    again = run(county_admin, rows)
    assert (again.new, again.updated, again.unchanged) == (0, 1, 2)
    event.refresh_from_db()
    assert event.study_level == "vocational"


def test_a_level_of_study_on_another_kind_of_event_is_refused(county_admin, school_a):
    StudentFactory(name="王五", birth_date=dt.date(2014, 3, 1), id_number=id_no(1, 3))
    rows = [
        ["身份证号", "类型", "日期", "学校标识码", "年级", "就读学段"],
        [id_no(1, 3), "入学", "2020-09-01", school_a.code, "一年级", "小学"],
    ]
    batch = run(county_admin, rows)
    assert batch.rejected == 1
    assert [(r.column, r.reason) for r in batch.rejections.all()] == [("就读学段", "就读学段仅在类型为外县就读时填写")]
