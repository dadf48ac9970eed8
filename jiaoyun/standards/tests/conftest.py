from __future__ import annotations

from decimal import Decimal

import pytest

from jiaoyun.core.choices import Role
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.standards.models import SchoolResources


@pytest.fixture
def supervision(county):
    return UserFactory(username="supervision", role=Role.BUREAU_STAFF, section="supervision")


@pytest.fixture
def personnel(county):
    return UserFactory(username="personnel", role=Role.BUREAU_STAFF, section="personnel")


def resources(school, year=2025, part="primary", pupils=400, **kw):
    """A row at exactly the 小学 thresholds for ``pupils`` unless overridden."""
    base = {
        "qualified_teachers": Decimal("4.2") * pupils / 100,
        "backbone_teachers": Decimal(pupils) / 100,
        "pe_art_teachers": Decimal("0.9") * pupils / 100,
        "teaching_area": Decimal("4.5") * pupils,
        "ground_area": Decimal("7.5") * pupils,
        "indoor_sports_area": Decimal(0),
        "equipment_value": Decimal(2000) * pupils,
        "multimedia_rooms": int(Decimal("2.3") * pupils / 100 + Decimal("0.999")),
        "books": 20 * pupils,
        "building_area": Decimal("4.5") * pupils,
        "classes": max(pupils // 45, 1) + 1,
        "max_class_size": 44,
    }
    base.update(kw)
    return SchoolResources.objects.create(school=school, year=year, part=part, pupils=pupils, **base)


@pytest.fixture
def basic(county):
    return UserFactory(username="basic", role=Role.BUREAU_STAFF, section="basic")
