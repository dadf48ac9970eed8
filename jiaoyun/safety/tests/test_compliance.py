import datetime as dt

import pytest

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.people.tests.factories import StudentFactory, TeacherFactory
from jiaoyun.safety import selectors, services
from jiaoyun.safety.compliance import guards_required
from jiaoyun.safety.models import ComplianceSnapshot, Rule
from jiaoyun.safety.tests.factories import GuardFactory, ProfileFactory, people

ON = dt.date(2026, 11, 1)
TABLE = {"small_limit": 100, "small_min": 1, "mid_limit": 1000, "mid_min": 2, "step": 500}


@pytest.mark.parametrize(
    ("n", "need"), [(0, 1), (99, 1), (100, 2), (1000, 2), (1001, 2), (1499, 2), (1500, 3), (2000, 4), (2600, 5)]
)
def test_guard_table_of_the_2015_regulation(n, need):
    assert guards_required(n, TABLE) == need


def _snap(school):
    return ComplianceSnapshot.objects.get(school=school, date=ON)


def test_compliant_school_has_no_gaps(school_a):
    people(school_a, students=60, staff=10)  # 70 people → 1 guard
    ProfileFactory(school=school_a, insured_students=60)
    GuardFactory(school=school_a)

    services.compliance_compute(on=ON)

    snap = _snap(school_a)
    assert (snap.people, snap.guards_required, snap.guards_on_duty) == (70, 1, 1)
    assert snap.gaps == []
    assert snap.compliant and snap.guards_ok and snap.closed_ok and snap.linked_ok


def test_gap_messages_are_exact(school_a, settings):
    # given 95 students + 10 staff = 105 people → 2 guards needed; one guard of 61 without certificate
    people(school_a, students=95, staff=10)
    TeacherFactory(school=school_a, is_active=False)  # retired staff do not count
    StudentFactory(current_school=school_a, status="dropped_out")  # nor do dropouts
    ProfileFactory(
        school=school_a,
        alarm_linked_police=False,
        video_retention_days=15,
        gate_status="damaged",
        insured_students=90,
    )
    GuardFactory(school=school_a, name="王老五", birth_date=dt.date(1965, 5, 1), certificate_no="")
    GuardFactory(school=school_a, name="下岗者", on_duty=False)

    services.compliance_compute(on=ON)

    snap = _snap(school_a)
    assert snap.people == 105
    assert snap.gaps == [
        "需配备专职保安员2名，现有1名",
        "保安员王老五已满61周岁，应在60周岁以下",
        "保安员王老五未持保安员证",
        "校门损坏",
        "一键式紧急报警未与公安机关联网",
        "视频图像保存15天，应不少于30天",
        "校方责任险投保学生90人，少于在校学生95人",
    ]
    assert not snap.compliant
    assert (snap.guards_ok, snap.closed_ok, snap.linked_ok) == (False, False, False)


def test_retention_threshold_comes_from_the_setting(school_a, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "SAFETY_VIDEO_RETENTION_DAYS": 90}
    ProfileFactory(school=school_a, video_retention_days=30)
    GuardFactory(school=school_a)
    services.compliance_compute(on=ON)
    assert _snap(school_a).gaps == ["视频图像保存30天，应不少于90天"]


def test_school_without_profile_lists_every_missing_item(school_b):
    services.compliance_compute(on=ON)
    assert _snap(school_b).gaps == [
        "未建立平安校园档案",
        "需配备专职保安员1名，现有0名",
        "未实行封闭化管理",
        "无校门",
        "无围墙（围栏）",
        "未安装一键式紧急报警装置",
        "未安装视频监控",
        "未投保校方责任险",
    ]


def test_large_school_needs_three_guards(school_a_junior):
    people(school_a_junior, students=1450, staff=60)  # 1510 people
    ProfileFactory(school=school_a_junior, insured_students=1450)
    GuardFactory.create_batch(2, school=school_a_junior)
    services.compliance_compute(on=ON)
    assert _snap(school_a_junior).gaps == ["需配备专职保安员3名，现有2名"]


def test_township_and_county_rates(school_a, school_a_junior, school_b, county_admin):
    for s in (school_a, school_a_junior):
        ProfileFactory(school=s)
        GuardFactory(school=s)
    ProfileFactory(school=school_b, closed_management=False)
    GuardFactory(school=school_b)

    services.compliance_compute(on=ON)

    data = selectors.compliance_by_township(user=county_admin)
    by_name = {r["township"]: r for r in data["townships"]}
    assert by_name["甸阳镇"]["rate"] == 100.0
    assert by_name["老麦乡"]["rate"] == 0.0
    assert by_name["老麦乡"]["closed_rate"] == 0.0
    assert by_name["老麦乡"]["linked_rate"] == 100.0
    assert data["county"]["rate"] == pytest.approx(66.7)


def test_recompute_replaces_snapshots_of_that_date_and_keeps_history(school_a):
    services.compliance_compute(on=ON)
    services.compliance_compute(on=ON)
    services.compliance_compute(on=ON + dt.timedelta(days=1))
    assert ComplianceSnapshot.objects.filter(school=school_a).count() == 2


def test_safety_section_edits_rule_threshold_and_results_follow(school_a, county):
    safety_staff = UserFactory(role="bureau_staff", section="safety")
    ProfileFactory(school=school_a, video_retention_days=30)
    GuardFactory(school=school_a)
    rule = Rule.objects.get(code="video-retention")

    services.rule_update(actor=safety_staff, rule=rule, threshold=60, recompute_on=ON)

    assert _snap(school_a).gaps == ["视频图像保存30天，应不少于60天"]


def test_rule_edit_refused_for_other_sections_and_principals(principal, county):
    other = UserFactory(role="bureau_staff", section="personnel")
    rule = Rule.objects.get(code="guard-count-2015")
    for user in (other, principal):
        with pytest.raises(PermissionDenied):
            services.rule_update(actor=user, rule=rule, threshold=None)


def test_rule_parameters_are_validated(county_admin):
    from jiaoyun.core.errors import DomainError

    rule = Rule.objects.get(code="guard-count-2015")
    with pytest.raises(DomainError, match="step"):
        services.rule_update(actor=county_admin, rule=rule, threshold=None, parameters={**TABLE, "step": 0})


def test_profile_update_is_audited_and_scoped(principal, school_a, school_b):
    from jiaoyun.core.models import AuditEntry

    services.profile_update(actor=principal, school=school_a, data={"camera_count": 8, "closed_management": True})
    entry = AuditEntry.objects.get(object_type="safety.SafetyProfile")
    assert entry.changes["camera_count"] == [None, 8]
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=principal, school=school_b, data={"camera_count": 1})


def test_inconsistent_profile_is_refused_with_the_field_named(principal, school_a):
    from jiaoyun.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.profile_update(actor=principal, school=school_a, data={"alarm_linked_police": True})
    assert str(exc.value) == "“一键报警与公安联网”：未安装一键报警装置，不能标记为已联网"
