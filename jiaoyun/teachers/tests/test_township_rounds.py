"""A township's own 县管校聘 round: its 中心校 opens it, runs it up to 审核 over the township's schools and teachers, and
sees only the rounds of its township; the 人事股 sees every round and alone publishes and executes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.teachers.models import HiringRound, RoundPost
from jiaoyun.teachers.services import application_submit, round_advance, round_create, round_post_set
from jiaoyun.teachers.tests.conftest import make_teacher

DAY = dt.date(2026, 9, 1)


@pytest.fixture
def officer_b(township_b):
    return UserFactory(username="officer_b", role="township_officer", area=township_b)


def test_a_township_officer_opens_his_townships_round_from_the_page(client, township_officer, township_a):
    client.force_login(township_officer)
    page = client.get("/teachers/rounds/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="round-create"' in body and f"范围：{township_a.name}" in body
    # whatever township is posted, the round is his township's
    response = client.post(
        "/teachers/rounds/new/",
        {"name": "2026年老麦乡校聘", "year": "2026", "effective_date": "2026-09-01", "township": "999999"},
    )
    rnd = HiringRound.objects.get(name="2026年老麦乡校聘")
    assert response.status_code == 302 and response["Location"] == f"/teachers/rounds/{rnd.pk}/"
    assert rnd.township == township_a and rnd.created_by == township_officer
    detail = client.get(f"/teachers/rounds/{rnd.pk}/")
    assert detail.status_code == 200 and 'data-testid="round-advance"' in detail.content.decode()


def test_each_township_sees_only_its_rounds_and_the_county_sees_all(
    client, personnel, township_officer, officer_b, principal, township_a, township_b
):
    own = round_create(actor=township_officer, year=2026, name="甲乡轮次", effective_date=DAY, township=township_a)
    other = round_create(actor=officer_b, year=2026, name="乙乡轮次", effective_date=DAY, township=township_b)
    county = round_create(actor=personnel, year=2026, name="全县轮次", effective_date=DAY)

    def listed(user):
        client.force_login(user)
        body = client.get("/teachers/rounds/").content.decode()
        api = {r["id"] for r in client.get("/api/teachers/rounds").json()}
        names = {r.pk for r in (own, other, county) if r.name in body}
        assert names == api
        return names

    assert listed(township_officer) == {own.pk}
    assert client.get("/api/teachers/rounds").json() == [
        {"id": own.pk, "year": 2026, "name": "甲乡轮次", "status": "draft", "status_label": "草稿",
         "township_id": township_a.pk, "township_name": township_a.name}
    ]  # fmt: skip
    assert listed(officer_b) == {other.pk}
    assert listed(principal) == {own.pk, county.pk}  # the county's rounds and those of the school's township
    assert listed(personnel) == {own.pk, other.pk, county.pk}
    client.force_login(township_officer)
    assert client.get(f"/teachers/rounds/{other.pk}/").status_code == 404
    assert client.post(f"/teachers/rounds/{other.pk}/action/", {"action": "advance"}).status_code == 404


def test_a_township_round_names_only_the_townships_schools_and_teachers(
    township_officer, township_a, school_a, school_a_junior, school_b
):
    rnd = round_create(actor=township_officer, year=2026, name="甲乡轮次", effective_date=DAY, township=township_a)
    assert round_post_set(actor=township_officer, round=rnd, school=school_a, subject="math", count=1)
    with pytest.raises(DomainError, match="不在.*本轮次仅限该乡镇学校"):
        round_post_set(actor=township_officer, round=rnd, school=school_b, subject="math", count=1)
    round_advance(actor=township_officer, round=rnd)
    ours, theirs = make_teacher(school_a, main_subject="math"), make_teacher(school_b, main_subject="math")
    application_submit(actor=township_officer, round=rnd, teacher=ours, choices=[school_a_junior.pk])
    with pytest.raises(DomainError, match="第1志愿学校不存在或不在"):
        application_submit(actor=township_officer, round=rnd, teacher=ours, choices=[school_b.pk])
    with pytest.raises(DomainError, match="不在.*的学校任职"):
        application_submit(actor=township_officer, round=rnd, teacher=theirs, choices=[])


def test_the_township_runs_up_to_review_and_the_county_publishes(
    monkeypatch, personnel, township_officer, officer_b, township_a
):
    rnd = round_create(actor=township_officer, year=2026, name="甲乡轮次", effective_date=DAY, township=township_a)
    with pytest.raises(PermissionDenied, match="中心校可执行此操作"):
        round_advance(actor=officer_b, round=rnd)
    rnd.status = "review"
    rnd.save(update_fields=["status"])
    with pytest.raises(PermissionDenied, match="“已发布”须由县教育局人事股办理"):
        round_advance(actor=township_officer, round=rnd)
    round_advance(actor=personnel, round=rnd)
    assert HiringRound.objects.get(pk=rnd.pk).status == "published"


def test_a_township_officer_cannot_open_a_round_for_the_county_or_another_township(
    township_officer, township_b, village_a1
):
    with pytest.raises(PermissionDenied, match="中心校只能为本乡镇新建轮次"):
        round_create(actor=township_officer, year=2026, name="全县", effective_date=DAY)
    with pytest.raises(PermissionDenied, match="中心校只能为本乡镇新建轮次"):
        round_create(actor=township_officer, year=2026, name="乙乡", effective_date=DAY, township=township_b)
    assert not HiringRound.objects.exists() and not RoundPost.objects.exists()


def test_the_personnel_section_picks_the_township_from_those_in_scope(client, personnel, township_b):
    client.force_login(personnel)
    assert 'data-testid="round-township"' in client.get("/teachers/rounds/").content.decode()
    client.post(
        "/teachers/rounds/new/",
        {"name": "乙乡轮次", "year": "2026", "effective_date": "2026-09-01", "township": str(township_b.pk)},
    )
    assert HiringRound.objects.get(name="乙乡轮次").township == township_b


def test_read_only_and_other_roles_see_no_create_button(client, county_leader, principal):
    for user in (county_leader, principal):
        client.force_login(user)
        body = client.get("/teachers/rounds/").content.decode()
        assert 'data-testid="round-create"' not in body
        response = client.post("/teachers/rounds/new/", {"name": "x", "year": "2026", "effective_date": "2026-09-01"})
        assert response.status_code == 403
    assert not HiringRound.objects.exists()


def test_the_county_leader_sees_the_teachers_pages_without_a_write_button(
    client, personnel, county_leader, school_a, township_b
):
    from jiaoyun.teachers.tests.test_pages import _plan

    rnd = round_create(actor=personnel, year=2026, name="全县轮次", effective_date=DAY)
    _plan(personnel, school_a, township_b)

    def post_forms(html):
        return [f for f in re.findall(r"<form[^>]*>", html) if 'method="post"' in f and "/teachers/" in f]

    client.force_login(personnel)  # the same pages carry the 人事股's buttons
    assert post_forms(client.get(f"/teachers/rounds/{rnd.pk}/").content.decode())
    assert post_forms(client.get("/teachers/rotation/?year=2026").content.decode())
    client.force_login(county_leader)
    for url in (
        "/teachers/rounds/",
        f"/teachers/rounds/{rnd.pk}/",
        "/teachers/rotation/?year=2026",
        "/teachers/quotas/",
        "/teachers/gaps/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert post_forms(response.content.decode()) == [], url
