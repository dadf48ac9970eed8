import datetime as dt
from decimal import Decimal

import pytest

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.schools.tests.factories import SchoolFactory
from jiaoyun.teachers import selectors
from jiaoyun.teachers.models import QuotaSnapshot, SubjectGap
from jiaoyun.teachers.services import county_quota_set, quota_compute, standard_update
from jiaoyun.teachers.tests.conftest import add_classes, add_students, make_teacher


def test_quota_of_a_primary_school_is_enrolment_over_19(personnel, school_a):
    # given 380 pupils in 8 classes and 10 established teachers (2 of them math)
    add_students(school_a, {1: 60, 2: 60, 3: 60, 4: 60, 5: 70, 6: 70})
    add_classes(school_a, {1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2})
    for i in range(10):
        make_teacher(school_a, main_subject="math" if i < 2 else "chinese")
    # when
    quota_compute(actor=personnel, year=2026)
    # then 380 / 19 = 20 → gap 10
    snap = QuotaSnapshot.objects.get(school=school_a, year=2026)
    assert (snap.students, snap.classes, snap.quota_exact, snap.quota, snap.actual, snap.gap) == (
        380,
        8,
        Decimal("20.00"),
        20,
        10,
        10,
    )
    # 8 classes × 5 math periods ÷ 16 = 2.5 teachers needed, 2 in post
    math = SubjectGap.objects.get(school=school_a, year=2026, subject="math")
    assert (math.need, math.actual, math.gap) == (Decimal("2.50"), 2, Decimal("0.50"))
    chinese = SubjectGap.objects.get(school=school_a, year=2026, subject="chinese")
    assert (chinese.need, chinese.actual, chinese.gap) == (Decimal("3.50"), 8, Decimal("-4.50"))


def test_small_boarding_school_uses_class_rule_and_boarding_supplement(personnel, township_b):
    school = SchoolFactory(code="2153900003", township=township_b, boarding=True)
    add_students(school, dict.fromkeys(range(1, 7), 25))  # 150 pupils
    add_classes(school, dict.fromkeys(range(1, 7), 1))
    quota_compute(actor=personnel, year=2026)
    snap = QuotaSnapshot.objects.get(school=school)
    # 150/19 = 7.89 < 6 classes × 1.7 = 10.2; boarding + 150 × 0.01 = 1.5 → 11.7 → 12
    assert snap.quota_exact == Decimal("11.70")
    assert snap.quota == 12
    assert "班师比" in snap.basis and "寄宿" in snap.basis


def test_teaching_point_and_kindergarten(personnel, school_b, township_b):
    point = SchoolFactory(code="2153900001", township=township_b, kind="teaching_point", parent=school_b)
    add_students(point, {1: 12, 2: 10, 3: 8})
    add_classes(point, {1: 1, 2: 1, 3: 1})
    kg = SchoolFactory(code="2153900002", township=township_b, kind="kindergarten", boarding=True)
    add_students(kg, {-2: 20, -1: 25, 0: 28})
    add_classes(kg, {-2: 1, -1: 1, 0: 1})
    quota_compute(actor=personnel, year=2026)
    # 教学点: 30/19 = 1.58, floor 3 classes × 1.5 = 4.5 → 5 (round half up)
    assert QuotaSnapshot.objects.get(school=point).quota == 5
    # 幼儿园: 3 classes × (2 teachers + 1 caregiver) = 9, boarding +3 × 2 = 6 → 15
    assert QuotaSnapshot.objects.get(school=kg).quota == 15
    assert SubjectGap.objects.get(school=kg, subject="preschool").need == Decimal("6.00")


def test_standards_are_editable_by_personnel_only(personnel, township_officer, school_a_junior):
    add_students(school_a_junior, {7: 180, 8: 180, 9: 180})
    add_classes(school_a_junior, {7: 4, 8: 4, 9: 4})
    quota_compute(actor=personnel, year=2026)
    assert QuotaSnapshot.objects.get(school=school_a_junior).quota == 40  # 540 / 13.5
    standard_update(actor=personnel, level="junior", students_per_staff="12")
    quota_compute(actor=personnel, year=2026)
    assert QuotaSnapshot.objects.get(school=school_a_junior).quota == 45  # 540 / 12
    assert QuotaSnapshot.objects.filter(year=2026).count() == 1
    with pytest.raises(PermissionDenied):
        standard_update(actor=township_officer, level="junior", students_per_staff="10")
    with pytest.raises(PermissionDenied):
        quota_compute(actor=township_officer, year=2026)


def test_county_totals_against_approved_staffing(personnel, county_admin, principal, school_a, school_b):
    add_students(school_a, {1: 190})
    add_students(school_b, {1: 95})
    make_teacher(school_a)
    county_quota_set(actor=personnel, year=2026, approved_staffing=20, approved_posts=18)
    quota_compute(actor=personnel, year=2026)
    totals = selectors.county_totals(user=county_admin, year=2026)
    assert (totals.quota, totals.actual, totals.quota_vs_approved, totals.actual_vs_posts) == (15, 1, 5, 17)
    # a principal only sees their own school's figures and not the county totals
    mine = selectors.county_totals(user=principal, year=2026)
    assert (mine.quota, mine.approved_staffing) == (10, None)


def test_dashboard_lists_gaps_with_bounded_queries(
    client, personnel, school_a, school_b, django_assert_max_num_queries
):
    add_students(school_a, {1: 190})
    for s in (school_a, school_b):
        make_teacher(s, hire_date=dt.date(2005, 9, 1))
    quota_compute(actor=personnel, year=2026)
    client.force_login(personnel)
    with django_assert_max_num_queries(15):
        response = client.get("/teachers/quotas/?year=2026")
    assert response.status_code == 200
    body = response.content.decode()
    assert school_a.name in body and "核定编制" in body
    xlsx = client.get("/teachers/?year=2026&format=xlsx", follow=True)
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    with django_assert_max_num_queries(12):
        gaps = client.get("/teachers/gaps/?year=2026&subject=chinese")
    assert gaps.status_code == 200 and "语文" in gaps.content.decode()
    api = client.get("/api/teachers/quotas?year=2026")
    assert api.status_code == 200
    assert {row["school"] for row in api.json()["items"]} == {school_a.name, school_b.name}


def test_quota_compute_is_set_based_and_runs_as_a_task(personnel, township_b, django_assert_max_num_queries):
    from jiaoyun.teachers.tasks import quota_compute_task

    for i in range(12):
        school = SchoolFactory(code=f"21539001{i:02d}", township=township_b)
        add_students(school, {1: 20 + i})
        make_teacher(school)
    # a fixed number of queries whatever the number of schools (grouped counts, bulk inserts, one audit row)
    with django_assert_max_num_queries(20):
        assert quota_compute_task.call(personnel.pk, 2026) == 12
    assert QuotaSnapshot.objects.get(school__code="2153900111").students == 31
