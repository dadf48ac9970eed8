"""Working days: weekends skipped, configured holidays skipped, 调休 weekend days counted."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoyun.quality.models import Holiday
from jiaoyun.quality.workdays import period_end, working_days_between

D = dt.date


@pytest.mark.django_db
def test_five_working_days_from_a_wednesday_skip_the_weekend():
    # Wed 2025-09-03 … Fri 09-05 (3), Mon 09-08, Tue 09-09 → the 5th working day is Tue 9 Sep
    assert period_end(D(2025, 9, 3), 5) == D(2025, 9, 9)
    assert working_days_between(D(2025, 9, 3), D(2025, 9, 9)) == 5


@pytest.mark.django_db
def test_a_start_on_saturday_counts_from_monday():
    assert period_end(D(2025, 9, 6), 1) == D(2025, 9, 8)


@pytest.mark.django_db
def test_the_national_day_holiday_and_its_weekend_working_days():
    # 2025: 1–8 Oct off; Sun 28 Sep and Sat 11 Oct are working days (调休)
    for day in range(1, 9):
        Holiday.objects.create(date=D(2025, 10, day), name="国庆节、中秋节")
    Holiday.objects.create(date=D(2025, 9, 28), name="国庆调休", is_workday=True)
    Holiday.objects.create(date=D(2025, 10, 11), name="国庆调休", is_workday=True)
    # From Fri 26 Sep: 26 (1), Sun 28 (2), Mon 29 (3), Tue 30 (4), [1–8 off], Thu 9 (5), Fri 10 (6), Sat 11 (7)
    assert period_end(D(2025, 9, 26), 5) == D(2025, 10, 9)
    assert period_end(D(2025, 9, 26), 7) == D(2025, 10, 11)
    assert period_end(D(2025, 9, 26), 8) == D(2025, 10, 13)
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 13)) == 8


def test_a_period_needs_at_least_one_day():
    with pytest.raises(ValueError):
        period_end(D(2025, 9, 3), 0)
