"""The indicator pass over a partitioned 学籍 events table (PostgreSQL; docs/scaling.md, ADR 0044) gives the
figures it gives over the plain table, and the hand-computed ones of test_compute.py."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from jiaoyun.core.errors import DomainError
from jiaoyun.indicators.models import IndicatorValue
from jiaoyun.indicators.tests.test_compute import compute, fig
from jiaoyun.people.models import EnrolmentEvent
from jiaoyun.people.partitioning import is_partitioned, partition_events
from jiaoyun.people.tests.factories import EnrolmentEventFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="table partitioning is PostgreSQL's")


def figures() -> dict:
    return {
        (v.code, v.level, v.area_id, v.school_id, v.as_of): (v.value, v.numerator, v.denominator)
        for v in IndicatorValue.objects.all()
    }


def catalog() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'people_enrolmentevent'::regclass AND c.relkind = 'r'"
        )
        parts = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT tableoid::regclass::text, count(*) FROM people_enrolmentevent GROUP BY 1 HAVING count(*) > 0"
        )
        filled = dict(cursor.fetchall())
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_enrolmentevent'")
        indexes = {r[0] for r in cursor.fetchall()}
        cursor.execute(
            "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'people_enrolmentevent'::regclass"
        )
        constraints = cursor.fetchall()
    return {"parts": parts, "filled": filled, "indexes": indexes, "constraints": constraints}


@pytest.mark.parametrize(("by", "key"), [("student", "student_id"), ("school_year", "date")])
def test_indicators_over_a_partitioned_events_table_equal_the_plain_table(
    world, county, township_a, township_b, by, key
):
    compute()
    plain = figures()
    assert len(plain) > 100
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_enrolmentevent'")
        plain_indexes = {r[0] for r in cursor.fetchall()}
    events = EnrolmentEvent.objects.count()
    IndicatorValue.objects.all().delete()

    notes = [s for s in partition_events(by=by, partitions=4) if s.startswith("--")]

    assert is_partitioned()
    cat = catalog()
    assert len(cat["filled"]) >= 2, cat["filled"]  # the rows are spread over several partitions
    assert sum(cat["filled"].values()) == events == EnrolmentEvent.objects.count()
    assert cat["indexes"] == plain_indexes  # every index kept, under its name
    defs = {d for _, d in cat["constraints"]}
    assert f"PRIMARY KEY (id, {key})" in defs
    assert "UNIQUE (student_id, date, seq)" in defs
    assert {d.split(" REFERENCES ")[0] for t, d in cat["constraints"] if t == "f"} == {
        "FOREIGN KEY (student_id)",
        "FOREIGN KEY (school_id)",
        "FOREIGN KEY (school_class_id)",
        "FOREIGN KEY (recorded_by_id)",
    }
    assert any("quality_tracktransfer" in n for n in notes)  # the one foreign key to the events, dropped

    compute()
    assert figures() == plain
    # The hand-computed figures of test_compute.py, on the partitioned table.
    assert fig("preschool_gross", area=county) == (50.0, 4, 8)
    assert fig("primary_gross", area=township_a) == (80.0, 4, 5)
    assert fig("primary_net", area=township_b) == (33.333, 1, 3)
    assert fig("junior_gross", area=county) == (133.333, 4, 3)
    assert fig("senior_gross", area=county) == (75.0, 3, 4)


def test_new_events_land_in_their_partition_and_ids_continue(world):
    last = EnrolmentEvent.objects.order_by("-id").values_list("id", flat=True).first()
    partition_events(by="student", partitions=2)
    event = EnrolmentEventFactory()
    assert event.pk > last
    assert EnrolmentEvent.objects.get(pk=event.pk).student_id == event.student_id


def test_a_partitioned_table_is_not_converted_twice(world):
    partition_events(by="school_year")
    with pytest.raises(DomainError, match="已经是分区表"):
        partition_events(by="student")


def test_the_command_dry_run_rolls_back(world, capsys):
    call_command("partition_events", "--by", "student", "--partitions", "3", "--dry-run")
    out = capsys.readouterr().out
    assert "PARTITION BY RANGE (student_id);" in out and "-- dry run: rolled back" in out
    assert not is_partitioned()
