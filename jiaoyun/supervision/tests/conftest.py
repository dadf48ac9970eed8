import datetime as dt

import pytest

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.supervision.models import ChecklistItem, Milestone, Plan, PlanItem, Zone


@pytest.fixture
def office(county):
    """督导室 staff (a manager)."""
    return UserFactory(username="office", role=Role.BUREAU_STAFF, section=Section.SUPERVISION)


@pytest.fixture
def inspector(county):
    """A 责任督学: 督导室 staff named as an area's inspector."""
    return UserFactory(username="inspector", role=Role.BUREAU_STAFF, section=Section.SUPERVISION)


@pytest.fixture
def basic_staff(county):
    return UserFactory(username="basic", role=Role.BUREAU_STAFF, section=Section.BASIC)


@pytest.fixture
def safety_staff(county):
    return UserFactory(username="safety", role=Role.BUREAU_STAFF, section=Section.SAFETY)


@pytest.fixture
def zone(inspector, school_a):
    z = Zone.objects.create(name="甸阳镇责任区", inspector=inspector)
    z.schools.add(school_a)
    return z


@pytest.fixture
def checklist(db):
    return [ChecklistItem.objects.create(text=t, sort=k) for k, t in enumerate(("办学行为规范", "校园安全"), start=1)]


@pytest.fixture
def plan(county):
    return Plan.objects.create(year=2021, title="2021年全县教育工作计划")


def make_item(plan, *, part="4.1", number=1, section=Section.BASIC, due=(), done=(), percent=0, co=(), **kw):
    item = PlanItem.objects.create(plan=plan, part=part, number=number, title=f"任务{part}-{number}",
                                   section=section, co_owners=list(co), percent=percent, **kw)  # fmt: skip
    for k, d in enumerate(due):
        Milestone.objects.create(item=item, title=f"节点{k + 1}", due=d, done_on=done[k] if k < len(done) else None)
    return item


D = dt.date
