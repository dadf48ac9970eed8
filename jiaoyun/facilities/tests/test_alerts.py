"""The delay alerts: a milestone whose planned date has passed without an actual date is told to the project's
owner, then escalated one level for each full week it stays late (hand-computed dates)."""

import datetime as dt

import pytest

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.facilities import services
from jiaoyun.facilities.models import Milestone
from jiaoyun.notices.models import Notification

D = dt.date


@pytest.fixture
def people(county, finance):
    owner = UserFactory(username="jijian", role="bureau_staff", section="finance", display_name="基建专干")
    admin = UserFactory(username="director", role="county_admin")
    other = UserFactory(username="basic_staff", role="bureau_staff", section="basic")
    return owner, finance, admin, other


@pytest.fixture
def late_project(make_project, people, finance):
    owner = people[0]
    # 立项 planned 2021-03-01 and done; 可研批复 planned 2021-03-02, not done: late from 2021-03-03 on.
    p = make_project(owner_id=owner.pk, milestones={1: D(2021, 3, 1), 2: D(2021, 3, 2), 3: D(2021, 5, 1)})
    services.milestone_record(
        actor=finance, milestone=p.milestones.get(kind=1), actual=D(2021, 3, 1), today=D(2021, 3, 1)
    )
    return p


def told(user):
    return list(Notification.objects.filter(user=user).order_by("level").values_list("level", flat=True))


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (D(2021, 3, 2), None),
        (D(2021, 3, 3), 0),
        (D(2021, 3, 8), 0),
        (D(2021, 3, 9), 1),
        (D(2021, 3, 15), 1),
        (D(2021, 3, 16), 2),
        (D(2021, 6, 1), 2),
    ],
)
def test_the_level_counts_full_weeks_late(today, level):
    # planned 2021-03-02: 03-03 is 1 day late (level 0), 03-09 is 7 days (1 week: level 1), 03-16 is 14 (2)
    if level is None:
        assert (today - D(2021, 3, 2)).days <= 0
    else:
        assert services.escalation_level(planned=D(2021, 3, 2), today=today) == level


def test_on_the_planned_day_nothing_is_late(late_project, people):
    assert services.late_milestones_alert(today=D(2021, 3, 2)) == 0


def test_the_owner_first_then_the_finance_section_then_the_county_administrator(late_project, people):
    owner, finance, admin, other = people
    assert services.late_milestones_alert(today=D(2021, 3, 3)) == 1  # 1 day late: the owner
    assert told(owner) == [0] and told(finance) == [] and told(admin) == []
    note = Notification.objects.get(user=owner)
    assert note.title == f"项目“{late_project.name}”的“可研批复”已滞后1天"
    assert note.key == f"facilities:late:{late_project.milestones.get(kind=2).pk}:20210302:L0"
    assert note.url == f"/facilities/projects/{late_project.pk}/"
    assert services.late_milestones_alert(today=D(2021, 3, 8)) == 0  # 6 days: still level 0, already told
    assert services.late_milestones_alert(today=D(2021, 3, 9)) == 2  # 7 days: level 1 to the owner and 计财股
    assert told(owner) == [0, 1] and told(finance) == [1] and told(admin) == []
    assert "第1次升级，报计划财务股" in Notification.objects.get(user=finance).title
    assert services.late_milestones_alert(today=D(2021, 3, 10)) == 0
    assert services.late_milestones_alert(today=D(2021, 3, 16)) == 3  # 14 days: level 2, the county admin too
    assert told(owner) == [0, 1, 2] and told(finance) == [1, 2] and told(admin) == [2] and told(other) == []
    assert services.late_milestones_alert(today=D(2021, 4, 30)) == 0  # never above level 2


def test_only_the_first_late_milestone_of_a_project_is_told_and_done_ones_stop_it(late_project, people, finance):
    owner = people[0]
    # on 2021-05-10 both 可研批复 (since 03-02) and 设计 (since 05-01) are late: one notice, about 可研批复
    services.late_milestones_alert(today=D(2021, 5, 10))
    assert [n.title for n in Notification.objects.filter(user=owner)] == [
        f"项目“{late_project.name}”的“可研批复”已滞后69天（第2次升级，报县局管理员）"
    ]
    services.milestone_record(
        actor=finance, milestone=late_project.milestones.get(kind=2), actual=D(2021, 5, 10), today=D(2021, 5, 10)
    )
    services.late_milestones_alert(today=D(2021, 5, 11))  # now 设计 (10 days late): level 1
    assert Notification.objects.filter(user=owner, title__contains="“设计”已滞后10天").count() == 1


def test_a_new_planned_date_starts_again_at_the_owner(late_project, people, finance):
    owner = people[0]
    services.late_milestones_alert(today=D(2021, 3, 16))
    services.milestones_plan(actor=finance, project=late_project, planned={2: D(2021, 3, 20)})
    assert services.late_milestones_alert(today=D(2021, 3, 22)) == 1  # 2 days after the new date: owner, level 0
    assert Notification.objects.filter(user=owner, key__endswith="20210320:L0").exists()


def test_a_project_without_owner_tells_the_finance_section(make_project, people):
    owner, finance, admin, other = people
    p = make_project(milestones={1: D(2021, 3, 1)})
    assert Milestone.objects.get(project=p, kind=1).planned == D(2021, 3, 1)
    services.late_milestones_alert(today=D(2021, 3, 2))
    assert told(finance) == [0] and told(owner) == [0] and told(other) == []


def test_the_job_is_scheduled_daily():
    from jiaoyun.core.schedule import job_get

    job = job_get("facilities_late")
    assert job.schedule.startswith("daily:") and job.calls == ("jiaoyun.facilities.services.late_milestones_alert",)
