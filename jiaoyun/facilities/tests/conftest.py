import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.facilities import services


@pytest.fixture
def finance(county):
    return UserFactory(username="finance", role="bureau_staff", section="finance", display_name="计划财务股张股长")


@pytest.fixture
def township_b_officer(township_b):
    return UserFactory(username="township_b_officer", role="township_officer", area=township_b)


@pytest.fixture
def make_project(finance, school_a):
    def make(**fields):
        values = {
            "name": "甸阳镇中心幼儿园改扩建",
            "kind": "expand",
            "level": "preschool",
            "plan_year": 2021,
            "school_id": school_a.pk,
            "budget": Decimal("1000000.00"),
            "seats": 90,
            "classes": 3,
        }
        values.update(fields)
        return services.project_create(actor=finance, **values)

    return make


@pytest.fixture
def project(make_project):
    return make_project()


@pytest.fixture
def funded(finance, project):
    """A project of 1,000,000.00 元: 中央 500,000, 省 200,000, 县级配套 300,000; one contract of 800,000."""
    services.funding_set(
        actor=finance, project=project, amounts={"central": "500000.00", "province": "200000.00", "county": "300000.00"}
    )
    contract = services.contract_add(
        actor=finance,
        project=project,
        title="施工合同",
        contractor="保山建工",
        amount=Decimal("800000.00"),
        signed_on=dt.date(2021, 5, 1),
    )
    return project, contract


@pytest.fixture
def png():
    from jiaoyun.facilities.demo import png_bytes

    return SimpleUploadedFile("工地.png", png_bytes(8, 6, (200, 120, 40)), content_type="image/png")
