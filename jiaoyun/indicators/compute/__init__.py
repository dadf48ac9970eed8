"""Set-based computation of the indicators (no Python loops over students).

A student's state on a day is the 学籍 event with ``date ≤ day < until`` (the chain kept on the events by
``people.services.chain``). A run works in three steps, all in the database:

1. ``spans``: one pass over the events, grouped by what the measures look at (the run dates an event's state
   covers, as ranks; school, class, grade, kind, hukou village, age-band rank of the birth date; the dates of
   dropouts, graduations and moves into or out of the county): a few rows per class, not one per student.
2. ``DateFact`` / ``Fact``: each measure counted per school and per hukou village, from the spans (``facts``).
3. ``IndicatorValue``: numerator and denominator sums per county, township, village or school.

The member queries (``members.MEASURES``) define each measure student by student over the same events; the
drill-down lists them, and a test holds the aggregation to them for every measure, school and village.

The package: ``periods`` (a school year read on a date), ``members`` (the definitions), ``spans`` (the run's
calendar and the pass over the events), ``facts`` (date facts, period facts, values), ``slicing``
(PostgreSQL's block ranges), ``sql`` (the executor), ``run`` (the pipeline). The run itself, with its ``IndicatorRun`` record, is the service
``jiaoyun.indicators.services.indicators_compute``.
"""

from jiaoyun.indicators.compute.facts import FACT_SOURCES, FLOW_MEASURES, PERIOD_MEASURES
from jiaoyun.indicators.compute.members import (
    GAP_MEASURES,
    IN,
    LEVEL_COND,
    MEASURES,
    SENIOR_LEVELS,
    SNAPSHOT_KINDS,
    STATE,
    TEACHER_MEMBERS,
    member_sql,
)
from jiaoyun.indicators.compute.periods import Period, check_as_of, default_as_of, periods_for
from jiaoyun.indicators.compute.run import pipeline
from jiaoyun.indicators.compute.slicing import SLICE_MIN_PAGES, block_ranges, heap_slices
from jiaoyun.indicators.compute.spans import calendar_bounds
from jiaoyun.indicators.compute.sql import Executor, _execute, positional

__all__ = [
    "FACT_SOURCES",
    "FLOW_MEASURES",
    "GAP_MEASURES",
    "IN",
    "LEVEL_COND",
    "MEASURES",
    "PERIOD_MEASURES",
    "SENIOR_LEVELS",
    "SLICE_MIN_PAGES",
    "SNAPSHOT_KINDS",
    "STATE",
    "TEACHER_MEMBERS",
    "Executor",
    "Period",
    "_execute",
    "block_ranges",
    "calendar_bounds",
    "check_as_of",
    "default_as_of",
    "heap_slices",
    "member_sql",
    "periods_for",
    "pipeline",
    "positional",
]
