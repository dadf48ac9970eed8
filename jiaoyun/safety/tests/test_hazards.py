import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiaoyun.core.errors import DomainError, IllegalTransition, PermissionDenied
from jiaoyun.core.models import AuditEntry
from jiaoyun.safety import services
from jiaoyun.safety.models import Escalation, Hazard, HazardEvidence, SafetyAlert
from jiaoyun.safety.services import ItemOutcome


def _outcomes(template, failed_notes):
    """All items pass except the first len(failed_notes), which fail with these notes."""
    items = list(template.items.order_by("sort", "id"))
    return [
        ItemOutcome(i.pk, passed=n >= len(failed_notes), note=failed_notes[n] if n < len(failed_notes) else "")
        for n, i in enumerate(items)
    ]


def _hazard(principal, school_a, soon):
    return services.hazard_open(
        actor=principal, school=school_a, title="校门损坏", severity="high", responsible=principal, deadline=soon
    )


def test_inspection_scores_and_opens_a_hazard_per_failed_item(
    township_officer, school_a, campus_template, principal, soon
):
    insp = services.inspection_record(
        actor=township_officer,
        school=school_a,
        template=campus_template,
        kind="township",
        date=timezone.localdate(),
        outcomes=_outcomes(campus_template, ["东侧校门铰链断裂", "围墙倒塌3米"]),
        open_hazards=True,
        responsible=principal,
        deadline=soon,
    )
    assert insp.failed_count == 2
    assert str(insp.score) == "80.0"  # 8 of 10 items passed
    titles = sorted(Hazard.objects.filter(school=school_a).values_list("title", flat=True))
    assert titles == ["东侧校门铰链断裂", "围墙倒塌3米"]


def test_inspection_needs_every_item(principal, school_a, campus_template):
    outcomes = _outcomes(campus_template, [])[1:]
    with pytest.raises(DomainError, match="未填写结果"):
        services.inspection_record(
            actor=principal,
            school=school_a,
            template=campus_template,
            kind="self",
            date=timezone.localdate(),
            outcomes=outcomes,
        )


def test_principal_cannot_record_a_county_inspection(principal, school_a, campus_template):
    with pytest.raises(PermissionDenied):
        services.inspection_record(
            actor=principal,
            school=school_a,
            template=campus_template,
            kind="county",
            date=timezone.localdate(),
            outcomes=_outcomes(campus_template, []),
        )


def test_full_loop_open_rectify_verify_close(principal, vice_principal, school_a, soon, photo):
    h = _hazard(principal, school_a, soon)
    h = services.hazard_rectify(hazard=h, actor=principal, note="更换校门铰链", files=[photo])
    assert h.status == "rectified" and h.fixed_by == principal
    assert HazardEvidence.objects.filter(event__hazard=h).count() == 1
    evidence = HazardEvidence.objects.get(event__hazard=h)
    assert evidence.file.name.startswith("safety/hazards/")
    h = services.hazard_verify(hazard=h, actor=vice_principal, passed=True, note="现场复查合格")
    h = services.hazard_close(hazard=h, actor=vice_principal, note="销号")
    assert h.status == "closed" and h.closed_at is not None
    assert [e.action for e in h.events.all()] == ["登记", "整改", "复查通过", "销号"]
    assert AuditEntry.objects.filter(object_type="safety.Hazard", action="transition").count() == 4


def test_closing_without_verification_is_refused(principal, vice_principal, school_a, soon, photo):
    h = _hazard(principal, school_a, soon)
    with pytest.raises(IllegalTransition, match="未经复查验收，不能销号"):
        services.hazard_close(hazard=h, actor=vice_principal)
    h = services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[photo])
    with pytest.raises(IllegalTransition, match="未经复查验收，不能销号"):
        services.hazard_close(hazard=h, actor=vice_principal)
    h.refresh_from_db()
    assert h.status == "rectified"


def test_fixer_cannot_verify_own_fix(principal, school_a, soon, photo):
    h = _hazard(principal, school_a, soon)
    h = services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[photo])
    with pytest.raises(IllegalTransition, match="整改人不能复查自己的整改"):
        services.hazard_verify(hazard=h, actor=principal, passed=True, note="自查合格")
    h.refresh_from_db()
    assert h.status == "rectified" and h.verified_by is None


def test_failed_reinspection_sends_hazard_back(principal, township_officer, school_a, soon, photo):
    h = _hazard(principal, school_a, soon)
    h = services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[photo])
    with pytest.raises(DomainError, match="须说明原因"):
        services.hazard_verify(hazard=h, actor=township_officer, passed=False, note="")
    h = services.hazard_verify(hazard=h, actor=township_officer, passed=False, note="铰链仍松动")
    assert h.status == "open" and h.verified_by is None


def test_rectification_needs_evidence_of_an_allowed_type(principal, school_a, soon):
    h = _hazard(principal, school_a, soon)
    with pytest.raises(DomainError, match="请上传整改照片"):
        services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[])
    bad = SimpleUploadedFile("x.exe", b"MZ")
    with pytest.raises(DomainError, match="类型不支持"):
        services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[bad])


def test_outsider_and_other_township_cannot_touch_hazard(principal, school_a, soon, photo, outsider, school_b):
    h = _hazard(principal, school_a, soon)
    with pytest.raises(PermissionDenied):
        services.hazard_rectify(hazard=h, actor=outsider, note="x", files=[photo])
    with pytest.raises(PermissionDenied):
        services.hazard_open(
            actor=principal, school=school_b, title="x", severity="low", responsible=principal, deadline=soon
        )


def test_overdue_hazards_escalate_one_level_at_a_time(principal, school_a, soon):
    h = _hazard(principal, school_a, soon)
    day = soon + dt.timedelta(days=3)

    assert services.hazards_escalate_overdue(today=day) == 1
    assert services.hazards_escalate_overdue(today=day) == 0  # not again within the interval
    h.refresh_from_db()
    assert h.level == "township"
    alert = SafetyAlert.objects.get(hazard=h)
    assert alert.message == "甸阳镇中心小学隐患“校门损坏”逾期3天未整改，已升级至乡镇督办"

    assert services.hazards_escalate_overdue(today=day + dt.timedelta(days=7)) == 1
    assert services.hazards_escalate_overdue(today=day + dt.timedelta(days=30)) == 0  # county is the top
    h.refresh_from_db()
    assert h.level == "county"
    assert list(Escalation.objects.filter(hazard=h).values_list("to_level", flat=True).order_by("date")) == [
        "township",
        "county",
    ]


def test_closed_hazards_never_escalate(principal, vice_principal, school_a, soon, photo):
    h = _hazard(principal, school_a, soon)
    h = services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[photo])
    h = services.hazard_verify(hazard=h, actor=vice_principal, passed=True, note="合格")
    services.hazard_close(hazard=h, actor=vice_principal)
    assert services.hazards_escalate_overdue(today=soon + dt.timedelta(days=10)) == 0


def test_canteen_inspection_opens_hazards_for_failed_items(principal, school_a, canteen_template, soon):
    canteen = services.canteen_create(actor=principal, school=school_a, name="学生食堂")
    with pytest.raises(DomainError, match="责任人"):
        services.inspection_record(
            actor=principal,
            school=school_a,
            template=canteen_template,
            kind="self",
            date=timezone.localdate(),
            canteen=canteen,
            outcomes=_outcomes(canteen_template, ["冰箱内有过期牛奶"]),
        )
    insp = services.inspection_record(
        actor=principal,
        school=school_a,
        template=canteen_template,
        kind="self",
        date=timezone.localdate(),
        canteen=canteen,
        outcomes=_outcomes(canteen_template, ["冰箱内有过期牛奶"]),
        responsible=principal,
        deadline=soon,
    )
    assert str(insp.score) == "87.5"  # 7 of 8
    assert Hazard.objects.get(school=school_a).title == "冰箱内有过期牛奶"
    from jiaoyun.safety.selectors import inspection_sixt_scores

    scores = {c["category"]: c["score"] for c in inspection_sixt_scores(insp)}
    assert scores == {
        "天天处理": 0.0,  # its only item failed
        "天天整合": 100.0,
        "天天清扫": 100.0,
        "天天规范": 100.0,
        "天天检查": 100.0,
        "天天改进": 100.0,
    }


def test_food_sample_below_minimum_is_refused(principal, school_a):
    canteen = services.canteen_create(actor=principal, school=school_a, name="学生食堂")
    today = timezone.localdate()
    with pytest.raises(DomainError, match="每样不少于125克"):
        services.sample_record(
            actor=principal,
            canteen=canteen,
            date=today,
            meal="lunch",
            dish="土豆丝",
            weight_g=100,
            keep_hours=48,
            keeper="张",
        )
    with pytest.raises(DomainError, match="应不少于48小时"):
        services.sample_record(
            actor=principal,
            canteen=canteen,
            date=today,
            meal="lunch",
            dish="土豆丝",
            weight_g=150,
            keep_hours=24,
            keeper="张",
        )
    assert services.sample_record(
        actor=principal,
        canteen=canteen,
        date=today,
        meal="lunch",
        dish="土豆丝",
        weight_g=150,
        keep_hours=48,
        keeper="张",
    ).pk


def test_joint_action_then_resolve_risk(township_officer, school_a):
    report = services.risk_report_create(
        actor=township_officer, school=school_a, category="traffic", level="high", description="校门口无减速带"
    )
    with pytest.raises(IllegalTransition, match="尚无联合处置记录"):
        services.risk_report_resolve(actor=township_officer, report=report, note="")
    services.joint_action_log(
        actor=township_officer,
        report=report,
        department="交警大队",
        date=timezone.localdate(),
        action="设置减速带",
        result="已完成",
    )
    report = services.risk_report_resolve(actor=township_officer, report=report, note="完成")
    assert report.status == "resolved"
