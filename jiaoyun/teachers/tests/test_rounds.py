import datetime as dt
from decimal import Decimal

import pytest

from jiaoyun.core.errors import DomainError, IllegalTransition, PermissionDenied
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.models import TeacherAssignment
from jiaoyun.teachers.models import Application, RoundEvent, RoundPost
from jiaoyun.teachers.services import (
    appeal_decide,
    appeal_file,
    application_submit,
    county_quota_set,
    round_advance,
    round_create,
    round_post_set,
    score_set,
)
from jiaoyun.teachers.tests.conftest import make_teacher


@pytest.fixture
def setup(personnel, school_a, school_b, school_a_junior):
    """school_a has 1 math post and 2 math teachers; school_b has 1 math post."""
    t1 = make_teacher(school_a, name="张一", main_subject="math", school_since=dt.date(2015, 9, 1))
    t2 = make_teacher(school_a, name="李二", main_subject="math", school_since=dt.date(2015, 9, 1))
    rnd = round_create(actor=personnel, year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    round_post_set(actor=personnel, round=rnd, school=school_a, subject="math", count=1)
    round_post_set(actor=personnel, round=rnd, school=school_b, subject="math", count=1)
    round_advance(actor=personnel, round=rnd)
    a1 = application_submit(actor=personnel, round=rnd, teacher=t1, choices=[school_b.pk])
    a2 = application_submit(actor=personnel, round=rnd, teacher=t2, choices=[school_b.pk])
    return rnd, t1, t2, a1, a2


def test_full_round_places_publishes_and_applies_assignments(personnel, principal, school_a, school_b, setup):
    rnd, t1, t2, a1, a2 = setup
    score_set(actor=principal, application=a1, school=school_a, score=88)  # a principal scores own staff
    score_set(actor=personnel, application=a2, school=school_a, score=80)
    score_set(actor=personnel, application=a2, school=school_b, score=75)
    for _ in range(4):  # → 校内竞聘 → 跨校竞聘 → 县级调剂 → 审核
        round_advance(actor=personnel, round=rnd)
    a1.refresh_from_db(), a2.refresh_from_db()
    assert (a1.placed_school, a1.stage) == (school_a, 1)
    assert (a2.placed_school, a2.stage, a2.preference_rank) == (school_b, 2, 1)
    assert RoundPost.objects.get(round=rnd, school=school_a).cutoff == 88
    round_advance(actor=personnel, round=rnd)  # 已发布
    round_advance(actor=personnel, round=rnd, note="执行")  # 已执行
    t2.refresh_from_db()
    assert t2.school == school_b and t2.school_since == dt.date(2026, 9, 1)
    last = TeacherAssignment.objects.filter(teacher=t2).order_by("-start").first()
    assert (last.kind, last.school) == ("hiring_round", school_b)
    assert TeacherAssignment.objects.filter(teacher=t1).count() == 1  # stayed: no new assignment
    assert list(RoundEvent.objects.filter(round=rnd).values_list("to_status", flat=True)) == [
        "draft",
        "applying",
        "in_school",
        "cross_school",
        "county",
        "review",
        "published",
        "applied",
    ]
    with pytest.raises(IllegalTransition, match="已执行完毕"):
        round_advance(actor=personnel, round=rnd)


def test_infeasible_round_refuses_to_start_and_says_why(personnel, school_a, setup):
    rnd, t1, t2, a1, a2 = setup
    t3 = make_teacher(school_a, name="王三", main_subject="math")
    application_submit(actor=personnel, round=rnd, teacher=t3, choices=[])
    county_quota_set(actor=personnel, year=2026, approved_staffing=100, approved_posts=1)
    with pytest.raises(DomainError) as exc:
        round_advance(actor=personnel, round=rnd)
    assert "岗位总数2个超过核定岗位总量1个" in str(exc.value)
    assert "数学" not in str(exc.value)  # more applicants than posts is not a reason to refuse (落聘待岗)
    rnd.refresh_from_db()
    assert rnd.status == "applying"


def test_permissions_and_stage_rules(personnel, principal, principal_b, township_officer, school_a, school_b, setup):
    rnd, t1, t2, a1, a2 = setup
    with pytest.raises(PermissionDenied):
        round_advance(actor=principal, round=rnd)
    with pytest.raises(PermissionDenied):
        score_set(actor=principal_b, application=a1, school=school_a, score=90)  # not their school
    with pytest.raises(DomainError, match="未填报"):
        score_set(actor=personnel, application=a1, school=school_a.__class__.objects.exclude(
            pk__in=[school_a.pk, school_b.pk]).first(), score=90)  # fmt: skip
    with pytest.raises(IllegalTransition, match="修改岗位"):
        round_advance(actor=personnel, round=rnd)
        round_post_set(actor=personnel, round=rnd, school=school_a, subject="math", count=3)
    with pytest.raises(PermissionDenied):
        application_submit(actor=township_officer, round=rnd, teacher=t1, choices=[])


def test_appeals_block_publication_until_decided(personnel, school_a, school_b, setup):
    rnd, t1, t2, a1, a2 = setup
    score_set(actor=personnel, application=a1, school=school_a, score=70)
    score_set(actor=personnel, application=a2, school=school_a, score=80)
    for _ in range(4):
        round_advance(actor=personnel, round=rnd)
    a1.refresh_from_db()
    # t1 lost in school, had no score at school_b → county placement to the only open post
    assert (a1.placed_school, a1.stage) == (school_b, 3)
    assert any("该校未对其评分" in line for line in a1.explanation)
    appeal = appeal_file(actor=personnel, application=a1, reason="评分有误")
    with pytest.raises(IllegalTransition, match="未处理的申诉"):
        round_advance(actor=personnel, round=rnd)
    appeal_decide(actor=personnel, appeal=appeal, upheld=False, outcome="经复核评分无误")
    round_advance(actor=personnel, round=rnd)
    assert Application.objects.get(pk=a1.pk).appeals.get().status == "rejected"


def test_round_detail_page_and_api_have_bounded_queries(
    client, personnel, school_a_junior, setup, django_assert_max_num_queries
):
    rnd, *_ = setup
    client.force_login(personnel)
    with django_assert_max_num_queries(25):
        page = client.get(f"/teachers/rounds/{rnd.pk}/")
    assert page.status_code == 200 and "张一" in page.content.decode()
    with django_assert_max_num_queries(10):
        listing = client.get("/teachers/rounds/")
    # 2 posts and 2 applications: the sums must not multiply each other
    assert '<td class="num">2</td><td class="num">2</td>' in listing.content.decode()
    with django_assert_max_num_queries(13):  # 3 of them the audit entry of the bulk read
        api = client.get(f"/api/teachers/rounds/{rnd.pk}/applications")
    assert [a["teacher"] for a in api.json()["items"]] == ["张一", "李二"]
    # the junior school's principal: no applicant from, placed at or listing the school
    client.force_login(UserFactory(role="principal", school=school_a_junior))
    assert client.get(f"/api/teachers/rounds/{rnd.pk}/applications").json()["items"] == []


def test_principal_sees_and_scores_applicants_listing_their_school(
    client, personnel, principal_b, school_a, school_b, setup
):
    rnd, t1, t2, a1, a2 = setup  # both teachers are from school_a and list school_b
    client.force_login(principal_b)
    body = client.get(f"/teachers/rounds/{rnd.pk}/").content.decode()
    assert "张一" in body and "李二" in body and 'data-testid="principal-score"' in body
    client.post(f"/teachers/rounds/{rnd.pk}/action/", {"action": "score", "application": a1.pk, "school": school_b.pk,
                                                       "score": "91.5"})  # fmt: skip
    assert a1.scores.get(school=school_b).score == Decimal("91.50")
    # scoring for another school is refused even through a forged form
    client.post(f"/teachers/rounds/{rnd.pk}/action/", {"action": "score", "application": a1.pk, "school": school_a.pk,
                                                       "score": "99"})  # fmt: skip
    assert not a1.scores.filter(school=school_a).exists()


def test_posts_may_not_exceed_the_school_quota_left_by_staff_outside_the_round(personnel, school_a, setup):
    from jiaoyun.teachers.models import QuotaSnapshot

    rnd, t1, t2, a1, a2 = setup
    make_teacher(school_a, name="王留")  # stays outside the round and keeps one of school_a's 2 places
    QuotaSnapshot.objects.create(
        year=2026, school=school_a, students=38, classes=2, quota_exact=2, quota=2, actual=3, full_time=3, gap=-1
    )
    round_post_set(actor=personnel, round=rnd, school=school_a, subject="chinese", count=1)
    with pytest.raises(
        DomainError, match=r"甸阳镇中心小学：岗位2个超过可设岗位1个（核定编制2人，未参加竞聘的在编教职工1人）"
    ):
        round_advance(actor=personnel, round=rnd)
    round_post_set(actor=personnel, round=rnd, school=school_a, subject="chinese", count=0)
    round_advance(actor=personnel, round=rnd)
    assert rnd.status == "in_school"
