"""School years as explicit values: SchoolYear(2021) runs from 1 September 2021 to 31 August 2022."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.conf import settings


@dataclass(frozen=True, order=True)
class SchoolYear:
    start_year: int

    @classmethod
    def of(cls, day: dt.date) -> SchoolYear:
        return cls(day.year if day.month >= 9 else day.year - 1)

    @classmethod
    def current(cls) -> SchoolYear:
        from django.utils import timezone

        return cls.of(timezone.localdate())

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 9, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.start_year + 1, 8, 31)

    @property
    def census_date(self) -> dt.date:
        """The statistics date of the year (autumn census), from settings.JIAOYUN['CENSUS_MONTH_DAY']."""
        month_day = cast(tuple[int, int], settings.JIAOYUN["CENSUS_MONTH_DAY"])
        return dt.date(self.start_year, month_day[0], month_day[1])

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}学年"

    def shift(self, years: int) -> SchoolYear:
        return SchoolYear(self.start_year + years)

    def __str__(self) -> str:
        return self.label


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years (周岁) on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
