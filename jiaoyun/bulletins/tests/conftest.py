from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.tests.factories import UserFactory


@pytest.fixture
def supervision(county):
    """The 督导室 (bureau staff of the supervision section)."""
    return UserFactory(username="supervision", role=Role.BUREAU_STAFF, section=Section.SUPERVISION)


@pytest.fixture
def interview_everyone(settings):
    """Every township is 约谈 for 控辍保学 (thresholds at zero), so a month has decisions without cases."""
    settings.JIAOYUN = {**settings.JIAOYUN, "DROPOUT_INTERVIEW_OVERDUE": 0}


MARCH = dt.date(2021, 3, 1)
APRIL_5 = dt.date(2021, 4, 5)
