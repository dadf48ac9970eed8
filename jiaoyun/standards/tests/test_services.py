"""Registry sync, the set-based summary against the arithmetic, 达标 gaps, the checklist and the import."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jiaoyun.core.errors import DomainError, IllegalTransition, PermissionDenied
from jiaoyun.core.models import AuditEntry
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, upload
from jiaoyun.people.tests.factories import StudentFactory, TeacherFactory
from jiaoyun.schools.tests.factories import SchoolClassFactory, SchoolFactory
from jiaoyun.standards import balance as B
from jiaoyun.standards import selectors, services
from jiaoyun.standards.models import CheckItem, DemoApplication, SchoolResources
from jiaoyun.standards.tests.conftest import resources


def _pupils(school, grade, n, klass=None):
    for _ in range(n):
        StudentFactory(status="in_school", current_school=school, current_grade=grade, current_class=klass)


def test_sync_counts_teachers_from_the_registry_and_splits_a_nine_year_school(supervision, township_a):
    nine = SchoolFactory(code="2153000009", name="九年一贯制学校", kind="nine_year", township=township_a)
    c1 = SchoolClassFactory(school=nine, school_year=2025, grade=1, number=1)
    c7 = SchoolClassFactory(school=nine, school_year=2025, grade=7, number=1)
    _pupils(nine, 1, 30, c1)
    _pupils(nine, 7, 10, c7)
    # 4 teachers: a 专科 PE teacher (qualified for 小学 only), a 本科 county 骨干, a 本科 music teacher, a 中专 one.
    TeacherFactory(school=nine, degree="college", main_subject="pe")
    TeacherFactory(school=nine, degree="bachelor", backbone="county")
    TeacherFactory(school=nine, degree="bachelor", main_subject="music")
    TeacherFactory(school=nine, degree="secondary", backbone="school")
    TeacherFactory(school=nine, degree="doctor", is_active=False)
    TeacherFactory(school=nine, degree="doctor", post_type="admin")
    assert services.sync_from_registry(actor=supervision, year=2025) == 2
    p = SchoolResources.objects.get(school=nine, year=2025, part="primary")
    j = SchoolResources.objects.get(school=nine, year=2025, part="junior")
    assert (p.pupils, p.classes, p.max_class_size, j.pupils, j.max_class_size) == (30, 1, 30, 10, 10)
    # Apportioned 30:10 → 3/4 and 1/4.
    assert p.teachers == Decimal("3.00") and j.teachers == Decimal("1.00")
    assert p.qualified_teachers == Decimal("2.25")  # 3 (专科+) × 3/4
    assert j.qualified_teachers == Decimal("0.50")  # 2 (本科+) × 1/4
    assert p.backbone_teachers == Decimal("0.75") and p.pe_art_teachers == Decimal("1.50")
    assert AuditEntry.objects.filter(object_type="standards.SchoolResources", actor=supervision).count() == 1


def test_summary_in_the_database_equals_the_arithmetic(school_a, school_b, township_a):
    resources(school_a, pupils=400)
    resources(school_b, pupils=100, pe_art_teachers=Decimal("0.5"))  # 0.5 per 100: 56 % → fails the school
    junior = SchoolFactory(code="2153000011", name="初中", kind="junior", township=township_a)
    resources(junior, part="junior", pupils=300, multimedia_rooms=3)
    point = SchoolFactory(code="2153000012", name="小教学点", kind="teaching_point", township=township_a,
                          parent=school_a)  # fmt: skip
    resources(point, pupils=30, multimedia_rooms=0)  # fewer than 50 pupils: outside the indicators
    summary = selectors.balance_summary(year=2025)
    full = selectors.balance(year=2025)
    for part in ("primary", "junior"):
        res = full.parts[part]
        assert summary[part]["schools"] == len(res.schools)
        assert summary[part]["schools_meeting"] == res.schools_meeting
        assert summary[part]["passes"] == res.passes
        for code in B.CODES:
            assert summary[part]["coefficients"][code] == pytest.approx(res.coefficients[code].cv, abs=1e-4)
    assert summary["primary"]["schools"] == 2 and summary["primary"]["schools_meeting"] == 1
    # pe_art: 400 pupils at 0.9, 100 at 0.5 → X̄ = (3.6 + 0.5)/5 = 0.82; S² = .8·.0064 + .2·.1024 = .0256 → .16/.82
    assert summary["primary"]["coefficients"]["pe_art"] == pytest.approx(0.16 / 0.82, abs=1e-4)
    # The junior school has the 小学 amounts: below the 初中 thresholds on five indicators.
    assert summary["junior"] == {
        "schools": 1, "schools_meeting": 0, "passes": False,
        "coefficients": dict.fromkeys(B.CODES, 0.0),
    }  # fmt: skip


def test_compliance_gaps(school_a, county_admin):
    resources(school_a, pupils=450, classes=9, max_class_size=52, books=450 * 15)
    rows = selectors.compliance(user=county_admin, year=2025)
    gaps = {g.standard.code: g for g in rows[0]["gaps"]}
    assert set(gaps) == {"class_size", "books"}
    assert gaps["books"].total == pytest.approx(450 * 5)  # 5 册 short per pupil
    assert gaps["class_size"].value == 52
    assert "超过标准45人" in gaps["class_size"].text


def test_compliance_follows_the_school_scope(school_a, school_b, principal):
    resources(school_a)
    resources(school_b)
    assert [r["resources"].school for r in selectors.compliance(user=principal, year=2025)] == [school_a]


def test_checklist_needs_a_reason_when_not_met_and_only_the_sections_write(supervision, personnel, county):
    item = CheckItem.objects.get(group="quality", number=1)
    with pytest.raises(DomainError, match="说明"):
        services.check_save(actor=supervision, item=item, year=2025, status="not_met")
    with pytest.raises(PermissionDenied):
        services.check_save(actor=personnel, item=item, year=2025, status="met")
    r = services.check_save(actor=supervision, item=item, year=2025, status="met", value="96.2%")
    assert r.value == "96.2%"
    assert CheckItem.objects.filter(group="government").count() == 15
    assert CheckItem.objects.filter(group="quality").count() == 9


def test_demonstration_state_machine(supervision, principal, school_a, school_b):
    app = services.application_create(actor=supervision, school_id=school_a.pk, year=2025)
    assert app.status == "candidate" and app.checks.count() == 8
    with pytest.raises(DomainError, match="未自评"):
        services.application_transition(actor=principal, application=app, action="apply")
    app.checks.update(status="met")
    with pytest.raises(PermissionDenied):  # a principal does not review
        services.application_transition(actor=principal, application=app, action="county_pass")
    services.application_transition(actor=principal, application=app, action="apply")
    with pytest.raises(DomainError, match="意见"):
        services.application_transition(actor=supervision, application=app, action="county_return")
    services.application_transition(actor=supervision, application=app, action="county_pass")
    with pytest.raises(IllegalTransition, match="县评审通过"):
        services.application_transition(actor=supervision, application=app, action="apply")
    app = services.application_transition(actor=supervision, application=app, action="recognise")
    assert app.status == "recognised" and app.recognised_on is not None
    assert [e.to_status for e in app.events.all()] == ["candidate", "applied", "county_passed", "recognised"]
    other = services.application_create(actor=supervision, school_id=school_b.pk, year=2025)
    with pytest.raises(PermissionDenied):  # another school's principal
        services.application_transition(actor=principal, application=other, action="apply")
    with pytest.raises(DomainError, match="已是"):
        services.application_create(actor=supervision, school_id=school_b.pk, year=2025)
    assert DemoApplication.objects.count() == 2


def test_import_preview_confirm_and_chinese_row_errors(basic, school_a, township_a):
    nine = SchoolFactory(code="2153000009", name="九年一贯制学校", kind="nine_year", township=township_a)
    header = ["学校标识码", "学年", "学部", "在校生数", "班级数", "最大班额", "教学及辅助用房面积", "室外运动场面积",
              "教学及辅助用房面积（㎡）"][:8]  # fmt: skip
    rows = [
        header,
        ["2153000001", "2025", "", "400", "9", "45", "1800", "3000"],
        ["2153000009", "2025", "初中部", "200", "4", "50", "1200", "2000"],
        ["2153000009", "2025", "", "200", "4", "50", "1200", "2000"],  # 学部 missing for a nine-year school
        ["2153000001", "2025", "初中部", "1", "", "", "", ""],  # a primary school has no 初中部
        ["2153000001", "2024", "", "400", "5", "50", "", ""],  # 50 × 5 < 400
        ["9999999999", "2025", "", "1", "", "", "", ""],
    ]
    batch = import_file(actor=basic, kind="resources", upload=upload(csv_bytes(rows)), file_name="条件.csv")
    assert (batch.new, batch.rejected) == (2, 4)
    reasons = {r.row: (r.column, r.reason) for r in batch.rejections.all()}
    assert reasons[4][0] == "学部" and "九年一贯制" in reasons[4][1]
    assert "只有小学部" in reasons[5][1]
    assert reasons[6][0] == "最大班额"
    assert "不存在" in reasons[7][1]
    assert SchoolResources.objects.count() == 0  # the preview writes nothing
    import_confirm(actor=basic, batch=batch)
    row = SchoolResources.objects.get(school=nine, part="junior")
    assert (row.pupils, row.teaching_area, row.ground_area) == (200, Decimal("1200"), Decimal("2000"))
    # A later file with only the equipment column leaves the areas as they are.
    later = [["学校标识码", "学年", "学部", "教学仪器设备值"], ["2153000009", "2025", "初中部", "500000"]]
    batch = import_file(actor=basic, kind="resources", upload=upload(csv_bytes(later)), file_name="设备.csv")
    assert batch.updated == 1
    import_confirm(actor=basic, batch=batch)
    row.refresh_from_db()
    assert (row.teaching_area, row.equipment_value) == (Decimal("1200"), Decimal("500000"))


def test_import_is_for_the_sections(personnel, school_a):
    rows = [["学校标识码", "学年"], ["2153000001", "2025"]]
    with pytest.raises(PermissionDenied):
        import_file(actor=personnel, kind="resources", upload=upload(csv_bytes(rows)), file_name="a.csv")


def test_todo_for_the_sections(supervision, principal, school_a, school_b):
    from jiaoyun.standards import todo

    resources(school_a)
    resources(school_b, pe_art_teachers=Decimal("1.0"))  # 0.25 per 100 of 400 pupils: fails
    app = services.application_create(actor=supervision, school_id=school_a.pk, year=2026)
    DemoApplication.objects.filter(pk=app.pk).update(status="applied")
    items = {i.key: i for i in todo.section(user=supervision)}
    assert items["standards.schools.primary"].count == 1
    assert items["standards.checklist"].count == 26  # 15 + 9 + 2, none assessed yet
    assert items["standards.demo_review"].count == 1
    assert todo.section(user=principal) == []
