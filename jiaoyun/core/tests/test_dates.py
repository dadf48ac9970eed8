import datetime as dt

import pytest

from jiaoyun.core.dates import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2100, 1, 31), 1, dt.date(2100, 2, 28)),  # century, not a leap year
        (dt.date(2000, 1, 31), 1, dt.date(2000, 2, 29)),  # 400th year, a leap year
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),  # across the year end
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),  # backwards
        (dt.date(2026, 1, 10), -2, dt.date(2025, 11, 10)),
        (dt.date(2026, 9, 1), 24, dt.date(2028, 9, 1)),
        (dt.date(2026, 9, 1), 0, dt.date(2026, 9, 1)),
    ],
)
def test_add_months_keeps_the_day_or_clamps_it_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected
