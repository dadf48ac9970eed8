from __future__ import annotations

import pytest

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.tests.factories import UserFactory


@pytest.fixture
def finance_staff(county):
    return UserFactory(username="finance", role=Role.BUREAU_STAFF, section=Section.FINANCE)


@pytest.fixture
def basic_staff(county):
    return UserFactory(username="basic", role=Role.BUREAU_STAFF, section=Section.BASIC)
