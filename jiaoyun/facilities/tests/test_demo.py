"""The demo projects keep every rule the services enforce (so a demo county looks like one the services wrote)."""

import datetime as dt
import io
import random
from decimal import Decimal

from django.db.models import Sum

from jiaoyun.facilities import demo, selectors
from jiaoyun.facilities.models import Contract, Payment, Project, ProjectFunding
from jiaoyun.schools.tests.factories import SchoolFactory


def test_the_demo_projects_follow_the_rules(school_a, school_b, township_a, county_admin):
    SchoolFactory(code="2153000010", name="甸阳镇中心幼儿园", kind="kindergarten", township=township_a)
    today = dt.date(2021, 11, 15)
    out = io.StringIO()
    demo.generate(rng=random.Random(1), scale=1, stdout=out, today=today)
    assert Project.objects.filter(target="seat_kg").count() == 6
    assert Project.objects.filter(target="seat_kg").exclude(ownership="public").count() == 3
    assert Project.objects.filter(target="rural_kg").count() == 22
    assert Project.objects.filter(name="县第一中学迁建工程", status="in_use").exists()
    for p in Project.objects.all():
        funded = ProjectFunding.objects.filter(project=p).aggregate(s=Sum("amount"))["s"]
        assert funded == p.budget, p.name
        dates = [m.actual for m in p.milestones.order_by("kind") if m.actual]
        assert dates == sorted(dates) and all(d <= today for d in dates), p.name
        done = [m.actual is not None for m in p.milestones.order_by("kind")]
        assert done == sorted(done, reverse=True), p.name  # done milestones come first
        for source, paid in Payment.objects.filter(contract__project=p).values_list("source").annotate(s=Sum("amount")):
            assert paid <= ProjectFunding.objects.get(project=p, source=source).amount, (p.name, source)
    for c in Contract.objects.all():
        assert (c.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)) <= c.amount
    late = selectors.late_projects(user=county_admin, today=today)
    assert late and all(r["note"] for r in late)
    assert "计划财务股账号 finance" in out.getvalue()
    before = Project.objects.count()
    demo.generate(rng=random.Random(1), scale=1, stdout=out, today=today)  # a second run adds nothing
    assert Project.objects.count() == before
