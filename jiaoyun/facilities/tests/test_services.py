"""Every rule of the write path, with hand-computed figures; a refused change writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.models import AuditEntry
from jiaoyun.facilities import services
from jiaoyun.facilities.models import Contract, Milestone, Payment, Project, ProjectFunding

D = dt.date
TODAY = D(2021, 12, 1)


def ms(project, kind):
    return Milestone.objects.get(project=project, kind=kind)


def record(finance, project, kind, day, note=None):
    return services.milestone_record(actor=finance, milestone=ms(project, kind), actual=day, note=note, today=TODAY)


# -- the project and its place -------------------------------------------------------------------------------------


def test_a_new_project_has_its_eight_milestones_its_township_from_the_school_and_an_audit_entry(project, school_a):
    assert project.township_id == school_a.township_id and project.village_id == school_a.village_id
    assert list(project.milestones.values_list("kind", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert project.status == "planned"
    assert AuditEntry.objects.filter(
        object_type="facilities.Project", object_id=str(project.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"school_id": 999999}, "学校", "不存在"),
        ({"school_id": None, "site_name": "新城安置点", "township_id": None}, "乡镇", "请选择乡镇"),
        ({"school_id": None, "site_name": "", "township_id": None}, "学校", "规划选址"),
        ({"school_id": None, "site_name": "新城安置点", "village_id": 999999}, "村（社区）", "不存在"),
    ],
)
def test_a_project_at_an_unknown_school_or_village_is_refused_and_nothing_is_saved(
    make_project, township_a, fields, field, words
):
    fields = {"township_id": township_a.pk, **fields} if "township_id" not in fields else fields
    with pytest.raises(DomainError) as exc:
        make_project(**fields)
    assert exc.value.field == field and words in exc.value.message
    assert Project.objects.count() == 0 and Milestone.objects.count() == 0


def test_a_village_not_in_the_township_is_refused(make_project, township_a, village_b1):
    with pytest.raises(DomainError) as exc:
        make_project(school_id=None, site_name="新建幼儿园选址", township_id=township_a.pk, village_id=village_b1.pk)
    assert exc.value.field == "村（社区）" and "不属于甸阳镇" in exc.value.message
    assert Project.objects.count() == 0


def test_a_school_outside_the_chosen_township_is_refused(make_project, township_b):
    with pytest.raises(DomainError) as exc:
        make_project(township_id=township_b.pk)
    assert exc.value.field == "乡镇" and "不在所选乡镇" in exc.value.message


def test_a_planned_site_keeps_its_township_and_village(make_project, township_a, village_a2):
    p = make_project(
        school_id=None,
        site_name="大竹林村幼儿园（新建）",
        township_id=township_a.pk,
        village_id=village_a2.pk,
        kind="new",
    )
    assert (p.school_id, p.township_id, p.village_id, p.place) == (
        None,
        township_a.pk,
        village_a2.pk,
        "大竹林村幼儿园（新建）",
    )


def test_readers_may_not_write(make_project, county_leader, principal, township_officer, county_admin, project):
    for user in (county_leader, principal, township_officer):
        with pytest.raises(PermissionDenied):
            services.contract_add(actor=user, project=project, title="x", contractor="y", amount=Decimal("1"))
    assert Contract.objects.count() == 0
    services.contract_add(
        actor=county_admin, project=project, title="监理合同", contractor="某监理", amount=Decimal("1")
    )
    assert Contract.objects.count() == 1


# -- money -----------------------------------------------------------------------------------------------------------


def test_a_funding_split_must_add_up_to_the_budget(finance, project):
    # 500,000 + 200,000 + 299,999.99 = 999,999.99 ≠ 1,000,000.00: short by 0.01
    with pytest.raises(DomainError) as exc:
        services.funding_set(
            actor=finance, project=project, amounts={"central": "500000", "province": "200000", "county": "299999.99"}
        )
    assert exc.value.field == "资金来源" and "相差0.01元" in exc.value.message and "少0.01元" in exc.value.message
    assert ProjectFunding.objects.count() == 0
    services.funding_set(
        actor=finance, project=project, amounts={"central": "500000", "province": "200000", "county": "300000.00"}
    )
    assert dict(project.funding.values_list("source", "amount")) == {
        "central": Decimal("500000.00"),
        "province": Decimal("200000.00"),
        "county": Decimal("300000.00"),
    }


def test_a_funding_split_may_change_the_budget_in_the_same_step(finance, project):
    services.funding_set(
        actor=finance, project=project, amounts={"county": "1200000", "social": "300000"}, budget="1500000"
    )
    project.refresh_from_db()
    assert project.budget == Decimal("1500000.00")


def test_money_is_never_a_float_nor_more_precise_than_a_fen(finance, project):
    with pytest.raises(DomainError):
        services.funding_set(actor=finance, project=project, amounts={"county": 1000000.0})
    with pytest.raises(DomainError) as exc:
        services.funding_set(actor=finance, project=project, amounts={"county": "999999.995", "central": "0.005"})
    assert "两位小数" in exc.value.message


def test_payments_may_not_exceed_the_contract(finance, funded):
    project, contract = funded
    services.payment_add(
        actor=finance, contract=contract, date=D(2021, 6, 1), amount="300000", source="central", today=TODAY
    )
    services.payment_add(
        actor=finance, contract=contract, date=D(2021, 7, 1), amount="200000", source="county", today=TODAY
    )
    # paid 500,000 of 800,000: 300,000.01 more would be 0.01 above
    with pytest.raises(DomainError) as exc:
        services.payment_add(
            actor=finance, contract=contract, date=D(2021, 8, 1), amount="300000.01", source="central", today=TODAY
        )
    assert exc.value.field == "支付金额" and "超出合同金额0.01元" in exc.value.message
    assert Payment.objects.count() == 2
    services.payment_add(
        actor=finance, contract=contract, date=D(2021, 8, 1), amount="200000", source="central", today=TODAY
    )
    assert Payment.objects.count() == 3


def test_payments_from_a_source_may_not_exceed_its_share(finance, funded):
    project, contract = funded
    services.payment_add(
        actor=finance, contract=contract, date=D(2021, 6, 1), amount="250000", source="county", today=TODAY
    )
    with pytest.raises(DomainError) as exc:  # 县级配套 300,000: 250,000 + 60,000 is 10,000 above
        services.payment_add(
            actor=finance, contract=contract, date=D(2021, 7, 1), amount="60000", source="county", today=TODAY
        )
    assert exc.value.field == "资金来源" and "县级配套" in exc.value.message and "10,000.00元" in exc.value.message
    with pytest.raises(DomainError):  # no 市 money at all
        services.payment_add(
            actor=finance, contract=contract, date=D(2021, 7, 1), amount="1", source="city", today=TODAY
        )
    with pytest.raises(DomainError) as exc:
        services.payment_add(
            actor=finance, contract=contract, date=D(2021, 12, 2), amount="1", source="county", today=TODAY
        )
    assert exc.value.field == "支付日期"
    assert Payment.objects.count() == 1


def test_a_split_may_not_drop_a_source_below_what_was_paid_from_it(finance, funded):
    project, contract = funded
    services.payment_add(
        actor=finance, contract=contract, date=D(2021, 6, 1), amount="250000", source="county", today=TODAY
    )
    with pytest.raises(DomainError) as exc:
        services.funding_set(
            actor=finance, project=project, amounts={"central": "600000", "province": "200000", "county": "200000"}
        )
    assert exc.value.field == "县级配套"


def test_the_budget_may_not_leave_the_split(finance, funded):
    project, _ = funded
    with pytest.raises(DomainError) as exc:
        services.project_update(actor=finance, project=project, budget="1100000")
    assert exc.value.field == "总投资"


# -- milestones ----------------------------------------------------------------------------------------------------


def test_the_milestones_drive_the_status(finance, project):
    expected = {
        1: "preparing",
        2: "preparing",
        3: "preparing",
        4: "preparing",
        5: "building",
        6: "building",
        7: "completed",
        8: "in_use",
    }
    day = D(2021, 1, 4)
    for kind, status in expected.items():
        record(finance, project, kind, day + dt.timedelta(days=30 * kind))
        project.refresh_from_db()
        assert project.status == status, kind
    assert AuditEntry.objects.filter(object_type="facilities.Project", action="transition").count() == 4


def test_a_milestone_dated_before_its_predecessor_is_refused(finance, project):
    record(finance, project, 1, D(2021, 3, 10))
    with pytest.raises(DomainError) as exc:
        record(finance, project, 2, D(2021, 3, 9))
    assert exc.value.field == "可研批复实际日期" and "早于前一节点“立项”的实际日期2021-03-10" in exc.value.message
    assert ms(project, 2).actual is None
    record(finance, project, 2, D(2021, 3, 10))  # the same day is fine
    assert ms(project, 2).actual == D(2021, 3, 10)


def test_a_milestone_waits_for_the_one_before_and_is_not_in_the_future(finance, project):
    with pytest.raises(DomainError) as exc:
        record(finance, project, 2, D(2021, 3, 9))
    assert "“立项”尚未完成" in exc.value.message
    with pytest.raises(DomainError) as exc:
        record(finance, project, 1, D(2021, 12, 2))
    assert "不能晚于今天" in exc.value.message


def test_a_correction_may_not_pass_a_later_milestone_nor_clear_one_under_a_done_one(finance, project):
    record(finance, project, 1, D(2021, 3, 1))
    record(finance, project, 2, D(2021, 4, 1))
    with pytest.raises(DomainError) as exc:
        record(finance, project, 1, D(2021, 4, 2))
    assert exc.value.field == "可研批复实际日期"
    with pytest.raises(DomainError):
        record(finance, project, 1, None)
    record(finance, project, 2, None)
    project.refresh_from_db()
    assert project.status == "preparing"


def test_planned_dates_follow_the_order_too(finance, project):
    with pytest.raises(DomainError) as exc:
        services.milestones_plan(
            actor=finance, project=project, planned={1: D(2021, 3, 1), 5: D(2021, 6, 1), 6: D(2021, 5, 31)}
        )
    assert exc.value.field == "主体完工计划日期"
    assert not Milestone.objects.filter(planned__isnull=False).exists()


def test_a_note_alone_may_be_recorded(finance, project):
    services.milestone_record(actor=finance, milestone=ms(project, 1), actual=None, note="等待发改局立项批复")
    assert ms(project, 1).note == "等待发改局立项批复"


# -- files ---------------------------------------------------------------------------------------------------------


def test_a_photo_is_stored_under_a_random_name_and_a_fake_one_is_refused(finance, project, png, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    row = services.file_attach(
        actor=finance, project=project, upload=png, kind="photo", caption="基础施工", milestone=5
    )
    assert row.name == "工地.png" and "工地" not in row.file.name and row.file.name.startswith("facilities/")
    fake = SimpleUploadedFile("x.png", b"<html>not a picture</html>")
    with pytest.raises(DomainError):
        services.file_attach(actor=finance, project=project, upload=fake, kind="photo")
    assert project.files.count() == 1
