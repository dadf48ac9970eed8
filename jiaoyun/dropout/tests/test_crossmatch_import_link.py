"""The 户籍 roster linked to the register by ID number when it is imported (ADR 0050).

The import writes each new record with an ID number of compulsory age already carrying its student, as the
四查三比对's first step would have linked it; the run links only what registered (or was corrected) after the
import. The run's cases, hits and roster links are the same as on the roster imported without the link.
"""

import datetime as dt
import functools
import io

import pytest
from django.db import transaction

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout import services
from jiaoyun.dropout.models import CaseResponsible, DropoutCase, HukouRecord, MatchHit
from jiaoyun.dropout.services.roster import LINKED_BY_ID
from jiaoyun.dropout.tests.test_crossmatch import absent
from jiaoyun.exchange.registry import Context
from jiaoyun.exchange.services import batches, import_confirm, import_file
from jiaoyun.people.services import enrolment_record, student_update
from jiaoyun.people.tests.factories import StudentFactory

D = dt.date
HEADER = "姓名,性别,出生日期,身份证号,户籍村（社区）代码,村民小组,户主,脱贫户/监测户\n"


def number_of(student):
    return idcard.decrypt(student.id_cipher)


def row(name, birth, number, village, *, group="", poverty=""):
    return f"{name},男,{birth},{number},{village.code},{group},,{poverty}\n"


@pytest.fixture
def imported(monkeypatch, enrolled, make_student, village_a1, village_a2, village_b1, as_of, county_admin, settings,
             tmp_path):  # fmt: skip
    """A county whose police roster is imported (in the run's school year), some children registered or
    corrected only after the import. Returns (students by key, the import batch)."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(batches, "Context", functools.partial(Context, today=as_of))
    s = {}
    s["in_school"] = enrolled("在校生")
    s["never"] = make_student("未入学", birth=D(2014, 6, 1))
    s["dropped"] = enrolled("已辍学", poverty="monitored")
    enrolment_record(actor=None, student=s["dropped"], kind="drop_out", date=D(2021, 10, 20))
    s["absent"] = enrolled("缺勤五天")
    absent(s["absent"], services.matching.school_days(as_of, 5))
    s["no_id"] = enrolled("无证号", with_id=False)
    s["wrong_id"] = make_student("证号有误", birth=D(2013, 5, 5))  # 学籍's number is corrected after the import
    s["preschool"] = make_student("学前儿童", birth=D(2017, 5, 5))  # four years old on the run's day
    s["lookalike"] = enrolled("张三峰", village=village_a2, birth=D(2015, 2, 2))
    right = idcard.make("530521", D(2013, 5, 5), 901)
    late = idcard.make("530521", D(2012, 2, 2), 703)
    text = HEADER + "".join(
        [
            row("在校生", s["in_school"].birth_date, number_of(s["in_school"]), village_a1),
            row("未入学", D(2014, 6, 1), number_of(s["never"]), village_a1, group="一组"),
            row("已辍学", s["dropped"].birth_date, number_of(s["dropped"]), village_a1, poverty="监测户"),
            row("缺勤五天", s["absent"].birth_date, number_of(s["absent"]), village_a1, group="二组"),
            row("无证号", s["no_id"].birth_date, "", village_a1),
            row("证号有误", D(2013, 5, 5), right, village_a1),
            row("学前儿童", D(2017, 5, 5), number_of(s["preschool"]), village_a1),
            row("张三丰", D(2015, 2, 2), "", village_a2),
            row("户籍独有", D(2011, 7, 7), idcard.make("530521", D(2011, 7, 7), 551), village_b1, poverty="脱贫户"),
            row("后登记", D(2012, 2, 2), late, village_b1),
        ]
    )
    batch = import_file(actor=county_admin, kind="hukou", upload=io.BytesIO(text.encode()), file_name="户籍.csv")
    assert (batch.new, batch.rejected) == (10, 0)
    import_confirm(actor=county_admin, batch=batch)
    batch.refresh_from_db()
    # After the import: a child registers with the roster's number, another's number is corrected to it.
    s["late"] = StudentFactory(name="后登记", sex="M", birth_date=D(2012, 2, 2), hukou_village=village_b1,
                               id_number=late)  # fmt: skip
    s["wrong_id"] = student_update(actor=None, student=s["wrong_id"], id_number=right)
    return s, batch


def linked(name):
    rec = HukouRecord.objects.get(name=name)
    return rec.student_id, rec.match_note


def test_the_import_writes_the_link_by_id_number_and_audits_it(imported):
    s, batch = imported
    for key, name in (("in_school", "在校生"), ("never", "未入学"), ("dropped", "已辍学"), ("absent", "缺勤五天")):
        assert linked(name) == (s[key].pk, LINKED_BY_ID)
    # Not linked at import: no ID number, 学籍 under another number then, under compulsory age, not registered.
    for name in ("无证号", "证号有误", "学前儿童", "张三丰", "户籍独有", "后登记"):
        assert linked(name) == (None, "")
    rec = HukouRecord.objects.get(name="未入学")
    entry = AuditEntry.objects.get(object_type="dropout.HukouRecord", object_id=str(rec.pk))
    assert entry.action == "create" and entry.changes["changes"]["student"] == [None, s["never"].pk]
    assert "4名适龄儿童已按身份证号对应学籍" in batch.next_steps[0]["text"]


def test_a_record_already_on_the_roster_keeps_its_link_when_imported_again(imported, county_admin, village_a1):
    s, _ = imported
    services.crossmatch_run(actor=county_admin, as_of=D(2021, 11, 15))
    text = HEADER + row("在校生", s["in_school"].birth_date, number_of(s["in_school"]), village_a1)
    again = import_file(actor=county_admin, kind="hukou", upload=io.BytesIO(text.encode()), file_name="户籍.csv")
    assert (again.new, again.unchanged) == (0, 1)
    import_confirm(actor=county_admin, batch=again)
    assert linked("在校生") == (s["in_school"].pk, LINKED_BY_ID)
    assert linked("后登记") == (s["late"].pk, LINKED_BY_ID)


def outcome(run):
    """What a run leaves, by names (a roster student created in a rolled-back run has another id)."""
    return {
        "figures": {k: v for k, v in run.figures.items() if k != "linked_by_id"},
        "hits": sorted(
            MatchHit.objects.values_list(
                "case__student__name", "rule", "hukou_record__name", "evidence_date", "detail", "hint"
            )
        ),
        "cases": sorted(
            DropoutCase.objects.values_list(
                "student__name", "kind", "status", "source", "priority", "village_id", "township_id", "school_id"
            )
        ),
        "responsible": sorted(CaseResponsible.objects.values_list("case__student__name", "line", "level", "name")),
        "roster": sorted(HukouRecord.objects.values_list("name", "student__name", "match_note")),
    }


def test_the_run_after_a_linked_import_equals_the_run_on_the_roster_imported_unlinked(
    imported, as_of, county_admin, responsibles
):
    s, _ = imported
    with transaction.atomic():  # the roster as it was imported before the link at import
        HukouRecord.objects.update(student=None, match_note="")
        before = services.crossmatch_run(actor=county_admin, as_of=as_of)
        expected = outcome(before)
        transaction.set_rollback(True)
    run = services.crossmatch_run(actor=county_admin, as_of=as_of)
    assert outcome(run) == expected
    # The run links only what registered or was corrected after the import; the rest the import linked.
    assert run.figures["linked_by_id"] == 2 and before.figures["linked_by_id"] == 6
    assert linked("后登记") == (s["late"].pk, LINKED_BY_ID) and linked("证号有误") == (s["wrong_id"].pk, LINKED_BY_ID)
    assert linked("学前儿童") == (None, "")
    assert {r[0] for r in expected["cases"]} >= {"未入学", "已辍学", "缺勤五天", "户籍独有", "张三丰"}


def test_a_roster_imported_unlinked_is_linked_alike_by_one_join_or_by_named_records(
    imported, as_of, county_admin, responsibles, monkeypatch
):
    HukouRecord.objects.update(student=None, match_note="")
    with transaction.atomic():
        monkeypatch.setattr(services.matching, "ONE_JOIN_ABOVE", 0)  # the province's first run: one hash join
        run = services.crossmatch_run(actor=county_admin, as_of=as_of)
        one_join = outcome(run), run.figures["linked_by_id"]
        transaction.set_rollback(True)
    monkeypatch.setattr(services.matching, "ONE_JOIN_ABOVE", 50_000)
    run = services.crossmatch_run(actor=county_admin, as_of=as_of)
    assert (outcome(run), run.figures["linked_by_id"]) == one_join
    assert one_join[1] == 6
