"""Shared fixtures: a small county with two townships, and persona users, so permission tests read as sentences.

county ─ township_a (village_a1, village_a2) ─ school_a (primary), school_a_junior
       └ township_b (village_b1)             ─ school_b (primary)
"""

from __future__ import annotations

import pytest

from jiaoyun.areas.tests.factories import CountyFactory, TownshipFactory, VillageFactory
from jiaoyun.core.choices import Role
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.schools.tests.factories import SchoolClassFactory, SchoolFactory


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher():
    """Tests hash with MD5: the production hasher (PBKDF2, a million rounds, ~0.25 s of CPU per hash) made every
    ``UserFactory`` user cost a quarter second. Stored PBKDF2 hashes still verify; ``test_password_hasher`` checks
    the production setting itself (docs/operations.md, "The test run")."""
    from django.conf import global_settings
    from django.test import override_settings

    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]
    )
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the drill-down's counts are cached, keyed by ids a rolled-back test
    may hand out again)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def county(db):
    return CountyFactory()


@pytest.fixture
def township_a(county):
    return TownshipFactory(parent=county, code="530521100", name="甸阳镇", is_seat=True, urban_rural="urban")


@pytest.fixture
def township_b(county):
    return TownshipFactory(parent=county, code="530521201", name="老麦乡")


@pytest.fixture
def village_a1(township_a):
    return VillageFactory(parent=township_a, code="530521100001", name="甸阳社区")


@pytest.fixture
def village_a2(township_a):
    return VillageFactory(parent=township_a, code="530521100002", name="大竹林村")


@pytest.fixture
def village_b1(township_b):
    return VillageFactory(parent=township_b, code="530521201001", name="太和社区")


@pytest.fixture
def school_a(township_a, village_a1):
    return SchoolFactory(
        code="2153000001", name="甸阳镇中心小学", township=township_a, village=village_a1, is_central=True
    )


@pytest.fixture
def school_a_junior(township_a):
    return SchoolFactory(code="2153000002", name="施甸县第一中学", kind="junior", township=township_a)


@pytest.fixture
def school_b(township_b, village_b1):
    return SchoolFactory(
        code="2153000003", name="老麦乡中心小学", township=township_b, village=village_b1, is_central=True
    )


@pytest.fixture
def class_a1(school_a):
    return SchoolClassFactory(school=school_a, school_year=2021, grade=1, number=1)


@pytest.fixture
def county_admin(county):
    return UserFactory(username="county_admin", role=Role.COUNTY_ADMIN)


@pytest.fixture
def county_leader(county):
    return UserFactory(username="county_leader", role=Role.COUNTY_LEADER, read_only=True)


@pytest.fixture
def township_officer(township_a):
    return UserFactory(username="township_officer", role=Role.TOWNSHIP_OFFICER, area=township_a)


@pytest.fixture
def principal(school_a):
    return UserFactory(username="principal", role=Role.PRINCIPAL, school=school_a)


@pytest.fixture
def class_teacher(school_a, class_a1):
    user = UserFactory(username="class_teacher", role=Role.CLASS_TEACHER, school=school_a)
    user.classes.add(class_a1)
    return user


@pytest.fixture
def village_cadre(village_a1):
    return UserFactory(username="village_cadre", role=Role.VILLAGE_CADRE, area=village_a1)


@pytest.fixture
def outsider(county):
    return UserFactory(username="outsider", role=Role.NONE)
