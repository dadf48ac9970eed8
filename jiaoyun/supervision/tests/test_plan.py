"""The work plan: statuses, roll-ups, the seed, the copy to next year, progress reports, overdue tasks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import AuditEntry
from jiaoyun.supervision import plan2021, selectors, services
from jiaoyun.supervision.choices import ItemStatus, Part
from jiaoyun.supervision.models import Milestone, PlanItem
from jiaoyun.supervision.tests.conftest import D, make_item

pytestmark = pytest.mark.django_db
ON = D(2021, 7, 1)


def test_item_status_rules(plan):
    late = make_item(plan, number=1, due=[D(2021, 6, 30)], percent=40)  # due yesterday, not done
    done = make_item(plan, number=2, due=[D(2021, 3, 1), D(2021, 6, 1)], done=[D(2021, 3, 1), D(2021, 6, 5)])
    on_track = make_item(plan, number=3, due=[D(2021, 3, 1), D(2021, 9, 1)], done=[D(2021, 2, 20)])
    not_started = make_item(plan, number=4, due=[D(2021, 7, 1)])  # due today is not late
    no_stones = make_item(plan, number=5, percent=100)
    assert selectors.item_status(late, ON) == ItemStatus.LATE
    assert selectors.item_status(done, ON) == ItemStatus.DONE  # done late is still done (the late day is kept)
    assert selectors.item_status(on_track, ON) == ItemStatus.ON_TRACK
    assert selectors.item_status(not_started, ON) == ItemStatus.NOT_STARTED
    assert selectors.item_status(no_stones, ON) == ItemStatus.DONE


def test_roll_up_by_part_section_and_township(plan, township_a, township_b, school_b):
    a = make_item(plan, part="4.1", number=1, section="basic", due=[D(2021, 6, 1)])  # late
    a.townships.add(township_a)
    b = make_item(plan, part="4.1", number=2, section="finance", due=[D(2021, 6, 1)], done=[D(2021, 5, 1)])  # done
    b.townships.add(township_a, township_b)
    c = make_item(plan, part="4.8", number=1, section="safety", due=[D(2021, 9, 1)], percent=10)  # on track
    c.schools.add(school_b)  # counts for 老麦乡 through its school
    make_item(plan, part="5", number=1, section="basic")  # not started, county-wide
    r = selectors.rollup(PlanItem.objects.filter(plan=plan).prefetch_related("milestones", "townships", "schools"), ON)
    assert r["all"] == {"not_started": 1, "on_track": 1, "late": 1, "done": 1, "total": 4}
    parts = {p["key"]: p for p in r["parts"]}
    assert [p["key"] for p in r["parts"]] == ["4.1", "4.8", "5"]  # the plan's order
    assert (parts["4.1"]["total"], parts["4.1"]["late"], parts["4.1"]["done"]) == (2, 1, 1)
    sections = {s["key"]: s for s in r["sections"]}
    assert (sections["basic"]["total"], sections["basic"]["late"], sections["basic"]["not_started"]) == (2, 1, 1)
    towns = {t["label"]: t for t in r["townships"]}
    assert (towns["甸阳镇"]["total"], towns["甸阳镇"]["late"], towns["甸阳镇"]["done"]) == (2, 1, 1)
    assert (towns["老麦乡"]["total"], towns["老麦乡"]["done"], towns["老麦乡"]["on_track"]) == (2, 1, 1)


def test_the_board_lists_the_late_tasks_longest_first_and_whose(plan, county_admin):
    make_item(plan, number=1, section="basic", due=[D(2021, 6, 20)])  # 11 days late
    make_item(plan, number=2, section="safety", due=[D(2021, 5, 1), D(2021, 6, 1)])  # 61 days late
    board = selectors.plan_board(user=county_admin, plan=plan, on=ON)
    assert [(r["item"].section, r["days_late"]) for r in board["late"]] == [("safety", 61), ("basic", 11)]
    assert len(board["late"][0]["late"]) == 2


def test_a_township_reads_the_items_naming_it(plan, township_officer, township_a, township_b, school_a):
    mine = make_item(plan, number=1)
    mine.townships.add(township_a)
    via_school = make_item(plan, number=2)
    via_school.schools.add(school_a)
    other = make_item(plan, number=3)
    other.townships.add(township_b)
    assert set(selectors.plan_items(user=township_officer, plan=plan)) == {mine, via_school}


def test_overdue_tasks_contract(plan):
    item = make_item(plan, number=1, section="basic", co=["supervision"], due=[D(2021, 6, 24), D(2021, 12, 1)])
    rows = selectors.overdue_tasks(on=ON)
    assert len(rows) == 1
    row = rows[0]
    assert (row["code"], row["section"], row["section_label"], row["days_overdue"]) == (
        "4.1-1",
        "basic",
        "基础教育股",
        7,
    )
    assert row["co_owners"] == ["supervision"] and row["due"] == D(2021, 6, 24)
    assert row["url"] == f"/supervision/items/{item.pk}/"
    assert selectors.overdue_tasks(on=D(2022, 7, 1)) == []  # only the plan of the day's year


def test_seed_writes_the_plan_part_by_part(county):
    plan = services.plan_seed(actor=None, year=2021)
    items = list(plan.items.order_by("part", "number"))
    assert len(items) == len(plan2021.LINES)
    assert {i.part for i in items} == set(Part.values)  # 三, 四(一)…(八), 五
    targets = [i for i in items if i.part == Part.TARGETS]
    assert [(i.measure_ref, i.target) for i in targets] == [("preschool_gross", "≥85%"), ("retention_9y", "≥97%"),
                                                            ("senior_gross", "≥92%")]  # fmt: skip
    assert [i.number for i in items if i.part == Part.P41] == [1, 2, 3]
    with pytest.raises(DomainError, match="已有工作计划"):
        services.plan_seed(actor=None, year=2021)


def test_copy_to_next_year_keeps_owners_and_places_and_moves_the_days(plan, office, township_a):
    item = make_item(plan, number=1, co=["finance"], due=[D(2021, 3, 31), D(2021, 12, 31)], done=[D(2021, 3, 30)],
                     percent=50, measure_kind="indicator", measure_ref="retention_9y")  # fmt: skip
    item.townships.add(township_a)
    leap = make_item(plan.__class__.objects.create(year=2020, title="2020年计划"), number=1, due=[D(2020, 2, 29)])
    new = services.plan_copy(actor=office, plan=plan, year=2022)
    copy = new.items.get()
    assert (copy.title, copy.section, copy.co_owners, copy.measure_ref, copy.percent) == (
        item.title,
        "basic",
        ["finance"],
        "retention_9y",
        0,
    )
    assert list(copy.townships.all()) == [township_a]
    assert [(m.due, m.done_on) for m in copy.milestones.all()] == [(D(2022, 3, 31), None), (D(2022, 12, 31), None)]
    moved = services.plan_copy(actor=office, plan=leap.plan, year=2021 + 2)
    assert moved.items.get().milestones.get().due == D(2023, 2, 28)
    with pytest.raises(DomainError, match="已有工作计划"):
        services.plan_copy(actor=office, plan=plan, year=2022)


def test_only_the_managers_copy(plan, basic_staff):
    with pytest.raises(DomainError, match="督导室"):
        services.plan_copy(actor=basic_staff, plan=plan, year=2022)


def test_an_owner_reports_progress_with_evidence_and_a_milestone_done(
    plan, basic_staff, safety_staff, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    item = make_item(plan, number=1, section="basic", due=[D(2021, 6, 30)])
    stone = item.milestones.get()
    pdf = SimpleUploadedFile("进展.pdf", b"%PDF-1.4 progress", content_type="application/pdf")
    report = services.progress_report(actor=basic_staff, item=item, percent=60, note="已完成摸底", on=D(2021, 6, 28),
                                      milestone=stone, files=[pdf])  # fmt: skip
    stone.refresh_from_db()
    item.refresh_from_db()
    assert stone.done_on == D(2021, 6, 28) and item.percent == 60
    assert report.files.count() == 1
    assert AuditEntry.objects.filter(object_type="supervision.PlanItem", object_id=str(item.pk)).exists()
    with pytest.raises(DomainError, match="已于2021-06-28完成"):
        services.progress_report(actor=basic_staff, item=item, percent=70, note="再报", milestone=stone)
    with pytest.raises(DomainError, match="牵头或配合股室"):
        services.progress_report(actor=safety_staff, item=item, percent=70, note="越权")
    item.co_owners = ["safety"]
    assert services.progress_report(actor=safety_staff, item=item, percent=70, note="配合股室报告").percent == 70


def test_a_bad_evidence_file_writes_nothing(plan, basic_staff):
    item = make_item(plan, number=1, section="basic", due=[D(2021, 6, 30)])
    fake = SimpleUploadedFile("x.pdf", b"<html>not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError):
        services.progress_report(actor=basic_staff, item=item, percent=60, note="x", milestone=item.milestones.get(),
                                 files=[fake])  # fmt: skip
    assert not Milestone.objects.filter(done_on__isnull=False).exists()
    assert item.reports.count() == 0
