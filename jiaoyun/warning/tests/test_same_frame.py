"""The current day's frame has several implementations that must agree to the last figure: on PostgreSQL the one
statement fetched in binary (``_compute_now_postgres``), the generic pass on the students' cached state
(``in_database=False``) and the pass reading the 学籍 chain (``current=False``). A county with every awkward case,
compared column by column, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pytest
from django.db import connection

from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.tests.factories import SchoolClassFactory
from jiaoyun.warning.features import FEATURES, compute

from .conftest import history

D = dt.date
ON = D(2025, 3, 15)  # a first term ended (2024/1 is known), the second not yet (2024/2 is not)


def _in_class(student: Student, klass) -> None:
    """Put the pupil in ``klass`` on their latest event and in the cached state (the chain carries the class)."""
    last = EnrolmentEvent.objects.filter(student=student).order_by("-date", "-seq").first()
    EnrolmentEvent.objects.filter(pk=last.pk).update(school_class=klass)
    Student.objects.filter(pk=student.pk).update(current_class=klass)


def _statement(student, klass, when: dt.datetime) -> None:
    from jiaoyun.learning.models import Statement

    sid = str(uuid.uuid4())
    Statement.objects.create(
        statement_id=sid, version="1.0.0", actor_ifi=f"account:x|{sid}", verb_id="http://adlnet.gov/expapi/verbs/x",
        object_type="Activity", object_id="http://example.com/a", timestamp=when, stored=when, data="{}",
        student=student, school_class=klass,
    )  # fmt: skip


@pytest.fixture
def county(school_a, school_a_junior, school_b, village_a1, village_a2, village_b1):
    from jiaoyun.dropout.models import Absence
    from jiaoyun.warning.models import TermResult

    k3 = SchoolClassFactory(school=school_a, school_year=2022, grade=3, number=1)  # sends learning records
    k3b = SchoolClassFactory(school=school_a, school_year=2022, grade=3, number=2)  # sends none
    k7 = SchoolClassFactory(school=school_a_junior, school_year=2024, grade=7, number=1)
    pupils = {}
    # A household in village a1 (phone …01): an older child who dropped out, a pupil now in grade 7 who graduated
    # from primary school last July, and one who dropped out once and came back (own dropout, not "sibling").
    gone = StudentFactory(name="兄", birth_date=D(2008, 1, 1), hukou_village=village_a1, guardian_phone="13900000001")
    history(gone, ("enrol", D(2014, 9, 1), school_a, 1), ("drop_out", D(2020, 5, 1), school_a, 6))
    pupils["new7"] = history(
        StudentFactory(name="七", birth_date=D(2012, 10, 1), hukou_village=village_a1, guardian_phone="13900000001",
                       residence_village=village_a2, sex="F"),
        ("enrol", D(2018, 9, 1), school_a, 1), ("graduate", D(2024, 7, 5), school_a, 6),
        ("enrol", D(2024, 9, 1), school_a_junior, 7),
    )  # fmt: skip
    _in_class(pupils["new7"], k7)
    pupils["back"] = history(
        StudentFactory(name="回", birth_date=D(2010, 6, 1), hukou_village=village_a1, guardian_phone="13900000001",
                       left_behind=True, poverty="lifted"),
        ("enrol", D(2016, 9, 1), school_a, 1), ("drop_out", D(2021, 3, 1), school_a, 5),
        ("resume", D(2021, 9, 1), school_a, 5), ("repeat", D(2022, 9, 1), school_a, 5),
        ("promote", D(2023, 9, 1), school_a_junior, 7), ("promote", D(2024, 9, 1), school_a_junior, 8),
    )  # fmt: skip
    # The same phone in another village: another household.
    pupils["other_house"] = history(
        StudentFactory(name="邻", birth_date=D(2016, 2, 1), hukou_village=village_b1, guardian_phone="13900000001"),
        ("enrol", D(2022, 9, 1), school_b, 1), ("promote", D(2024, 9, 1), school_b, 3),
    )  # fmt: skip
    # No hukou village, no residence village, no phone, nothing recorded: every figure its default.
    pupils["bare"] = history(
        StudentFactory(name="空", birth_date=D(2017, 5, 1), hukou_village=None, residence_village=None,
                       guardian_phone=""),
        ("enrol", D(2023, 9, 1), school_b, 1), ("promote", D(2024, 9, 1), school_b, 2),
    )  # fmt: skip
    # A residence village but no hukou village; an ethnicity outside the choices (read back by id); an old transfer.
    pupils["odd"] = history(
        StudentFactory(name="异", birth_date=D(2015, 8, 1), hukou_village=None, residence_village=village_b1,
                       ethnicity="99", poverty="monitored", orphan="unattended", disability="hearing"),
        ("enrol", D(2021, 9, 1), school_b, 1), ("transfer_in", D(2022, 3, 1), school_a, 1),
        ("promote", D(2024, 9, 1), school_a, 4),
    )  # fmt: skip
    # Transfers (one old, one within the year), a 休学 and back, absences in both windows, over-age, LRS-covered.
    pupils["mover"] = history(
        StudentFactory(name="转", birth_date=D(2013, 1, 15), hukou_village=village_b1, residence_village=village_a2,
                       guardian_phone="13700000000"),
        ("enrol", D(2019, 9, 1), school_b, 1), ("transfer_in", D(2020, 3, 1), school_a, 1),
        ("suspend", D(2021, 3, 1), school_a, 2), ("resume", D(2021, 9, 1), school_a, 2),
        ("repeat", D(2022, 9, 1), school_a, 2), ("transfer_in", D(2024, 4, 1), school_b, 3),
        ("transfer_in", D(2024, 6, 1), school_a, 3),
    )  # fmt: skip
    _in_class(pupils["mover"], k3)
    pupils["covered_quiet"] = history(
        StudentFactory(name="静", birth_date=D(2016, 3, 1), hukou_village=village_a2, orphan="orphan"),
        ("enrol", D(2022, 9, 1), school_a, 1), ("promote", D(2024, 9, 1), school_a, 3),
    )  # fmt: skip
    _in_class(pupils["covered_quiet"], k3)
    pupils["uncovered"] = history(
        StudentFactory(name="散", birth_date=D(2016, 4, 1), hukou_village=village_a2, disability="visual"),
        ("enrol", D(2022, 9, 1), school_a, 1), ("promote", D(2024, 9, 1), school_a, 3),
    )  # fmt: skip
    _in_class(pupils["uncovered"], k3b)
    # Not in the frame: in senior school, and one who left.
    history(StudentFactory(name="高"), ("enrol", D(2024, 9, 1), school_a_junior, 10))
    history(StudentFactory(name="走"), ("enrol", D(2020, 9, 1), school_a, 1), ("drop_out", D(2024, 11, 1), school_a, 5))

    for d in (D(2025, 3, 15), D(2025, 3, 1), D(2025, 2, 20), D(2025, 2, 1), D(2025, 1, 20), D(2025, 3, 16)):
        Absence.objects.create(student=pupils["mover"], date=d)  # 3 recent, 2 before, 1 after the day
    Absence.objects.create(student=pupils["back"], date=D(2025, 1, 25))  # the window before only
    Absence.objects.create(student=pupils["back"], date=D(2024, 12, 1))  # older than both windows
    for year, term, score in ((2020, 1, 40), (2023, 2, 55.5), (2024, 1, 62.5), (2024, 2, 99)):
        TermResult.objects.create(student=pupils["mover"], school_year=year, term=term, score=score)
    TermResult.objects.create(student=pupils["new7"], school_year=2023, term=2, score=88.4)
    TermResult.objects.create(student=pupils["back"], school_year=2024, term=2, score=30)  # not ended yet
    TermResult.objects.create(student=pupils["odd"], school_year=2021, term=1, score=20)  # older than 3 years
    when = dt.datetime(2025, 3, 10, 1, 0, tzinfo=dt.UTC)
    _statement(pupils["mover"], k3, when)
    _statement(pupils["mover"], k3, when)
    _statement(pupils["new7"], None, when)  # a record of the pupil, no class: active, not covered
    _statement(pupils["uncovered"], k3b, dt.datetime(2025, 1, 5, 1, 0, tzinfo=dt.UTC))  # before the window
    return pupils


def _frames(**kw):
    return {
        "cached": compute(ON, current=True, in_database=False, **kw),
        "chain": compute(ON, current=False, **kw),
        **({"database": compute(ON, current=True, **kw)} if connection.vendor == "postgresql" else {}),
    }


def _assert_same(a, b, label: str) -> None:
    assert a.ids.dtype == b.ids.dtype and np.array_equal(a.ids, b.ids), label
    assert a.X.dtype == b.X.dtype and a.X.shape == b.X.shape, label
    for k, name in enumerate(FEATURES):
        assert np.array_equal(a.X[:, k], b.X[:, k]), f"{label}: {name} {a.X[:, k]} ≠ {b.X[:, k]}"
    assert sorted(a.meta) == sorted(b.meta), label
    for key in a.meta:
        x, y = a.meta[key], b.meta[key]
        assert x.dtype == y.dtype, f"{label}: meta {key} {x.dtype} ≠ {y.dtype}"
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f"{label}: meta {key} {x} ≠ {y}"


def test_every_implementation_gives_the_same_frame(county):
    frames = _frames()
    base = frames["cached"]
    assert sorted(base.ids.tolist()) == sorted(p.pk for p in county.values())
    for name, frame in frames.items():
        _assert_same(base, frame, name)
    # The awkward cases are really in the frame (else the comparison proves little).
    row = {name: {f: base.X[list(base.ids).index(p.pk), k] for k, f in enumerate(FEATURES)}
           for name, p in county.items()}  # fmt: skip
    assert row["new7"]["sibling_dropouts"] == 2 and row["new7"]["grade7_new"] == 1  # 兄 and 回
    assert row["back"]["own_dropouts"] == 1 and row["back"]["sibling_dropouts"] == 1  # 兄 only
    assert row["other_house"]["sibling_dropouts"] == 0
    assert (row["mover"]["absent_recent"], row["mover"]["absent_trend"]) == (3, 1)
    assert (row["back"]["absent_recent"], row["back"]["absent_trend"]) == (0, -1)
    assert (row["mover"]["transfers"], row["mover"]["transfer_recent"], row["mover"]["breaks"]) == (3, 1, 1)
    assert row["mover"]["score_gap"] == 12.5 and row["mover"]["repeats"] == 1
    assert row["new7"]["score_gap"] == 0 and row["new7"]["score_missing"] == 0
    assert row["back"]["score_missing"] == 1 and row["odd"]["score_missing"] == 1
    assert (row["mover"]["lrs_covered"], row["mover"]["lrs_inactive"]) == (1, 0)
    assert (row["covered_quiet"]["lrs_covered"], row["covered_quiet"]["lrs_inactive"]) == (1, 1)
    assert row["uncovered"]["lrs_covered"] == 0 and row["new7"]["lrs_covered"] == 0
    assert row["odd"]["poverty"] == row["odd"]["orphan"] == row["odd"]["disability"] == 1
    assert row["mover"]["over_age"] == 3 and row["back"]["over_age"] == 1
    assert {row[k]["distance"] for k in county} == {0, 1, 2}
    assert row["mover"]["distance"] == 1  # lives in a2 (township a), hukou in b1: the residence's township counts
    assert (row["odd"]["transfers"], row["odd"]["transfer_recent"]) == (1, 0)
    i = list(base.ids).index(county["odd"].pk)
    assert base.meta["ethnicity"][i] == "99" and base.meta["village"][i] == 0
    assert base.meta["sex"][list(base.ids).index(county["new7"].pk)] == "F"


def test_with_labels_too(county):
    frames = _frames(labels=True)
    for name, frame in frames.items():
        assert np.array_equal(frames["cached"].y, frame.y), name
        assert np.array_equal(frames["cached"].censored, frame.censored), name


def test_the_comparison_sees_one_broken_column(county):
    """Change one figure of one column (or of one meta column) at a time: the comparison fails for each."""
    frames = _frames()
    other = frames.get("database", frames["chain"])
    for k, name in enumerate(FEATURES):
        broken = other.subset(np.ones(len(other), dtype=bool))
        broken.X[0, k] += 1
        with pytest.raises(AssertionError, match=name):
            _assert_same(frames["cached"], broken, "broken")
    for key in other.meta:
        broken = other.subset(np.ones(len(other), dtype=bool))
        column = broken.meta[key]
        column[-1] = "x" if column.dtype == object else 1 if np.isnan(float(column[-1])) else column[-1] + 1
        with pytest.raises(AssertionError, match=f"meta {key}"):
            _assert_same(frames["cached"], broken, "broken")
