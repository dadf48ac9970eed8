"""A hiring round changed by two people at once: every service re-reads the round's status under a row lock,
so a page loaded before the round moved on cannot change posts or applications of a closed stage."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.teachers.models import Application, HiringRound, RoundPost
from jiaoyun.teachers.services import application_submit, round_advance, round_create, round_post_set
from jiaoyun.teachers.tests.conftest import make_teacher

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent transactions need PostgreSQL"
)


def _applying_round(personnel, school_a, school_b):
    t1 = make_teacher(school_a, name="张一", main_subject="math", school_since=dt.date(2015, 9, 1))
    t2 = make_teacher(school_a, name="李二", main_subject="math", school_since=dt.date(2015, 9, 1))
    rnd = round_create(actor=personnel, year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    round_post_set(actor=personnel, round=rnd, school=school_a, subject="math", count=1)
    round_post_set(actor=personnel, round=rnd, school=school_b, subject="math", count=1)
    round_advance(actor=personnel, round=rnd)
    application_submit(actor=personnel, round=rnd, teacher=t1, choices=[school_b.pk])
    application_submit(actor=personnel, round=rnd, teacher=t2, choices=[school_b.pk])
    return rnd, t1, t2


def test_a_round_loaded_before_it_moved_on_changes_nothing(personnel, school_a, school_b):
    rnd, t1, _t2 = _applying_round(personnel, school_a, school_b)
    stale = HiringRound.objects.get(pk=rnd.pk)  # a page opened while applications were open
    round_advance(actor=personnel, round=rnd)  # → 校内竞聘
    posts = list(RoundPost.objects.filter(round=rnd).values_list("school_id", "count"))
    with pytest.raises(IllegalTransition, match="不能修改岗位"):
        round_post_set(actor=personnel, round=stale, school=school_a, subject="math", count=3)
    with pytest.raises(IllegalTransition, match="不能报名"):
        application_submit(actor=personnel, round=stale, teacher=t1, choices=[school_a.pk])
    assert list(RoundPost.objects.filter(round=rnd).values_list("school_id", "count")) == posts
    assert Application.objects.get(round=rnd, teacher=t1).choices == [school_b.pk]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_an_application_racing_the_close_of_applications_is_not_lost(personnel, school_a, school_b):
    """Both load the round while applications are open; one closes them, the other enters an application.
    Either the application is in before the close (and counted by it), or it is refused — never accepted
    into a round that has already moved on."""
    rnd, _t1, _t2 = _applying_round(personnel, school_a, school_b)
    t3 = make_teacher(school_b, name="王三", main_subject="math", school_since=dt.date(2015, 9, 1))
    round_post_set(actor=personnel, round=rnd, school=school_b, subject="math", count=2)  # room for a third
    barrier, results = threading.Barrier(2), {}

    def run(name, call):
        try:
            loaded = HiringRound.objects.get(pk=rnd.pk)
            barrier.wait(timeout=10)
            call(loaded)
            results[name] = "ok"
        except DomainError as exc:
            results[name] = str(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("close", lambda r: round_advance(actor=personnel, round=r))),
        threading.Thread(target=run, args=("apply", lambda r: application_submit(
            actor=personnel, round=r, teacher=t3, choices=[school_a.pk]))),
    ]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    rnd.refresh_from_db()
    assert results["close"] == "ok" and rnd.status == "in_school"
    applied = Application.objects.filter(round=rnd, teacher=t3).exists()
    assert applied == (results["apply"] == "ok")
    if not applied:
        assert "不能报名" in results["apply"]
