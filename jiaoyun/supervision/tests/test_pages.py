"""The pages: who opens them, what the forms do, the bulletin section and the 待办 providers."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiaoyun.supervision import bulletin, todo
from jiaoyun.supervision.choices import RectStatus
from jiaoyun.supervision.models import Link, Plan, Rectification
from jiaoyun.supervision.tests.conftest import D, make_item

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.mark.parametrize("url", ["supervision:plan", "supervision:links", "supervision:zones",
                                 "supervision:rectifications", "supervision:assessment"])  # fmt: skip
def test_the_pages_open_for_the_bureau_and_refuse_a_class_teacher(client, county_admin, class_teacher, url):
    client.force_login(county_admin)
    assert client.get(reverse(url)).status_code == 200
    client.force_login(class_teacher)
    response = client.get(reverse(url))
    assert response.status_code == 403 and "仅" in response.content.decode()


def test_the_director_seeds_the_plan_and_sees_the_late_tasks(client, county_admin):
    client.force_login(county_admin)
    response = client.post(reverse("supervision:plan"), {"action": "seed"})
    assert response.status_code == 302
    plan = Plan.objects.get(year=2021)
    text = client.get(reverse("supervision:plan") + "?year=2021").content.decode()
    assert "逾期任务" in text and "县城新建幼儿园6所" in text
    assert client.get(reverse("supervision:plan") + "?year=2021&format=xlsx").status_code == 200
    item = plan.items.order_by("part", "number").first()
    assert "preschool_gross" in client.get(reverse("supervision:item", args=[item.pk])).content.decode()


def test_the_inspector_records_a_visit_through_the_form(client, inspector, zone, school_a, checklist, principal):
    client.force_login(inspector)
    data = {"school": school_a.pk, "date": TODAY.isoformat(), "summary": "总体规范",
            f"ok_{checklist[0].pk}": "1", f"ok_{checklist[1].pk}": "0", f"note_{checklist[1].pk}": "围墙",
            "finding_1": "围墙破损", "deadline_1": (TODAY + dt.timedelta(days=15)).isoformat()}  # fmt: skip
    response = client.post(reverse("supervision:visit_new", args=[zone.pk]), data)
    assert response.status_code == 302, response.content.decode()[:500]
    rect = Rectification.objects.get()
    assert rect.finding == "围墙破损" and rect.verifier == inspector
    # the township's principal submits, the inspector verifies on the 整改 page
    client.force_login(principal)
    client.post(reverse("supervision:rectification", args=[rect.pk]), {"action": "submit", "note": "已修复"})
    client.force_login(inspector)
    client.post(reverse("supervision:rectification", args=[rect.pk]), {"action": "verify", "passed": "1"})
    rect.refresh_from_db()
    assert rect.status == RectStatus.CLOSED


def test_a_township_cannot_open_another_townships_rectification(client, township_officer, school_b):
    other = Rectification.objects.create(school=school_b, finding="食堂", deadline=TODAY, opened_on=TODAY)
    client.force_login(township_officer)
    assert client.get(reverse("supervision:rectification", args=[other.pk])).status_code == 404


def test_links_page_and_visit_log(client, office, county_leader, school_a):
    client.force_login(office)
    response = client.post(reverse("supervision:links"), {"school": school_a.pk, "person": "李副县长",
                                                          "leader": county_leader.pk, "since": "2021-02-20"})  # fmt: skip
    link = Link.objects.get()
    assert response.status_code == 302 and link.leader == county_leader
    client.post(reverse("supervision:link", args=[link.pk]), {"date": "2021-03-15", "people": "李副县长",
                                                              "findings": "校门口交通拥堵", "follow_up": "协调交警"})  # fmt: skip
    assert link.visits.get().findings == "校门口交通拥堵"
    client.force_login(county_leader)
    assert "校门口交通拥堵" in client.get(reverse("supervision:link", args=[link.pk])).content.decode()


def test_weights_form(client, office):
    client.force_login(office)
    data = {"targets": "25", "dropout": "20", "safety": "15", "projects": "15", "plan": "10", "rectify": "15"}
    assert client.post(reverse("supervision:assessment") + "?year=2021&level=township", data).status_code == 302
    text = client.get(reverse("supervision:assessment") + "?year=2021&level=township").content.decode()
    assert "满分 100" in text


def test_bulletin_section_is_reproducible_for_a_month(plan, school_a):
    make_item(plan, number=1, section="basic", due=[D(2021, 5, 31)], done=[D(2021, 6, 10)])  # late in May, done June
    Rectification.objects.create(school=school_a, finding="围墙", deadline=D(2021, 5, 20), opened_on=D(2021, 5, 1),
                                 status=RectStatus.CLOSED, closed_on=D(2021, 6, 5))  # fmt: skip
    may = bulletin.section(month=D(2021, 5, 1), on=D(2021, 7, 1))
    assert may is not None and may.order == 10
    assert "共1项任务，已完成0项，逾期1项" in may.paragraphs[0]
    assert may.tables[0].rows == [["4.1-1", "任务4.1-1", "基础教育股", "节点1", "2021-05-31", 0]]
    assert may.tables[1].rows == [["甸阳镇", 1, 0, 0, 1]]  # overdue at the end of May
    june = bulletin.section(month=D(2021, 6, 1), on=D(2021, 7, 1))
    assert "已完成1项，逾期0项" in june.paragraphs[0]
    assert june.tables[-1].rows == [["甸阳镇", 1, 1, 0, 0]]  # closed, but late
    assert bulletin.section(month=D(2021, 5, 1), on=D(2021, 7, 1)).as_dict() == may.as_dict()


def test_todo_providers(plan, basic_staff, inspector, zone, township_officer, school_a, county_admin):
    make_item(plan.__class__.objects.create(year=TODAY.year, title="计划"), number=1, section="basic",
              due=[TODAY - dt.timedelta(days=2)])  # fmt: skip
    assert [i.key for i in todo.owner(user=basic_staff, today=TODAY)] == ["supervision.task"]
    visits = todo.inspector(user=inspector, today=TODAY)
    assert visits[0].key == "supervision.visit" and visits[0].count == 1
    Rectification.objects.create(
        school=school_a, finding="围墙", deadline=TODAY - dt.timedelta(days=1), opened_on=TODAY
    )
    items = todo.township(user=township_officer, today=TODAY)
    assert items[0].key == "supervision.rectify" and items[0].overdue
    assert {i.key for i in todo.strip(user=county_admin, today=TODAY)} == {"supervision.late", "supervision.overdue"}
