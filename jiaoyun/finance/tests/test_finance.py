"""Entering, importing, reading and exporting the finance figures; who may do what."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.models import AuditEntry
from jiaoyun.finance import bulletin, demo, services
from jiaoyun.finance.models import FinanceYear, LevelFigure

FIGURES = {"education_expenditure": D("700000000.00"), "recurrent_revenue": D("1000000000.00"), "students": 50000,
           "teacher_pay": D("98000"), "civil_servant_pay": D("97000"), "source": "", "note": ""}  # fmt: skip


def save(actor, year=2023, levels=None, **figures):
    return services.finance_year_save(actor=actor, year=year, figures={**FIGURES, **figures}, levels=levels or {})


def test_the_finance_section_saves_a_year_with_its_levels_and_it_is_audited(finance_staff):
    fy = save(finance_staff, levels={"primary": {"expenditure": D("300000000"), "public_funds": D("15600000"),
                                                  "students": 24000}})  # fmt: skip
    assert fy.levels.get().public_funds == D("15600000.00")
    assert AuditEntry.objects.filter(object_type="finance.FinanceYear", object_id=str(fy.pk)).exists()
    assert AuditEntry.objects.filter(object_type="finance.LevelFigure").exists()
    # a second save updates, and blanking a level removes it
    save(finance_staff, education_expenditure=D("710000000"), levels={"primary": {}})
    fy.refresh_from_db()
    assert fy.education_expenditure == D("710000000.00") and not LevelFigure.objects.exists()


@pytest.mark.parametrize(
    "figures,levels,field",
    [
        ({"education_expenditure": None}, {}, "一般公共预算教育支出（元）"),
        ({"recurrent_revenue": D("-1")}, {}, "财政经常性收入（元）"),
        ({"teacher_pay": D("1.001")}, {}, "教师年平均工资收入（元）"),
        ({"teacher_pay": 98000.5}, {}, "教师年平均工资收入（元）"),  # a float is refused: money is Decimal
        ({}, {"primary": {"expenditure": D("800000000")}}, "各学段一般公共预算教育经费"),
        ({}, {"junior": {"public_funds": D("1"), "students": 0}}, "初中在校生数"),
    ],
)
def test_bad_figures_are_refused_naming_the_field_and_nothing_is_saved(finance_staff, figures, levels, field):
    with pytest.raises(DomainError) as exc:
        save(finance_staff, levels=levels, **figures)
    assert exc.value.field == field
    assert not FinanceYear.objects.exists()


def test_only_the_finance_section_writes(county_admin, county_leader, basic_staff):
    for user in (county_admin, county_leader, basic_staff):
        with pytest.raises(PermissionDenied):
            save(user)
    assert not FinanceYear.objects.exists()


def test_the_dashboard_explains_each_check_over_years(client, finance_staff):
    save(finance_staff, year=2022)
    save(finance_staff, year=2023, education_expenditure=D("721000000"), recurrent_revenue=D("1050000000"))
    client.force_login(finance_staff)
    page = client.get(reverse("finance:dashboard")).content.decode()
    # 2023: education +3.00%, revenue +5.00%: the first of the 三个增长 fails, with its explanation
    assert "增长3.00%" in page and "增长5.00%" in page and "不符合“高于”的要求" in page
    assert 'id="year-2022"' in page and "无2021年度数据" in page
    assert "chart-growth" in page and reverse("finance:entry") in page


@pytest.mark.parametrize("persona", ["county_admin", "county_leader"])
def test_leaders_and_the_county_admin_read_without_the_entry(client, request, persona, finance_staff):
    save(finance_staff)
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("finance:dashboard"))
    assert page.status_code == 200 and reverse("finance:entry") not in page.content.decode()
    assert client.get(reverse("finance:entry")).status_code == 403


@pytest.mark.parametrize("persona", ["basic_staff", "township_officer", "principal", "village_cadre", "outsider"])
def test_others_are_refused_in_chinese(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for name in ("finance:dashboard", "finance:entry"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "无权" in response.content.decode() or "仅" in response.content.decode()
    assert client.get("/api/finance/years").status_code == 403


def test_the_entry_form_saves_and_shows_errors(client, finance_staff):
    client.force_login(finance_staff)
    data = {"year": 2023, "education_expenditure": "700000000", "recurrent_revenue": "1000000000",
            "primary_public_funds": "15600000", "primary_students": "24000"}  # fmt: skip
    response = client.post(reverse("finance:entry"), data)
    assert response.status_code == 302
    assert LevelFigure.objects.get(level="primary").students == 24000
    response = client.post(reverse("finance:entry"), {**data, "year": 2024, "recurrent_revenue": ""})
    assert response.status_code == 200 and not FinanceYear.objects.filter(year=2024).exists()
    # the stored year opens prefilled
    assert 'value="700000000.00"' in client.get(reverse("finance:entry") + "?year=2023").content.decode()


def test_the_export_lists_every_check(client, finance_staff):
    save(finance_staff, year=2022)
    save(finance_staff, year=2023)
    client.force_login(finance_staff)
    response = client.get(reverse("finance:dashboard") + "?format=csv")
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "一般公共预算教育支出逐年只增不减" in text and "2023" in text


def test_the_api_gives_years_and_checks(client, finance_staff):
    save(finance_staff, year=2022)
    save(finance_staff, year=2023, education_expenditure=D("690000000"))
    client.force_login(finance_staff)
    data = client.get("/api/finance/years").json()
    assert [y["year"] for y in data] == [2022, 2023]
    checks = {c["key"]: c for c in data[1]["checks"]}
    assert checks["expenditure_not_less"]["passed"] is False
    assert D(data[1]["education_expenditure"]) == D("690000000.00")


def test_the_import_writes_years_and_refuses_bad_rows(county_admin, tmp_path):
    from jiaoyun.exchange.services.batches import import_confirm, import_file

    csv = ("年度,一般公共预算教育支出,财政经常性收入,小学公用经费,小学在校生数\n"
           "2022,700000000,1000000000,15600000,24000\n2023,710000000.5,1040000000,,\n")  # fmt: skip
    batch = import_file(actor=county_admin, kind="finance_years", upload=io.BytesIO(csv.encode()), file_name="f.csv")
    assert batch.rejected == 0, list(batch.rejections.values_list("reason", flat=True))
    import_confirm(actor=county_admin, batch=batch)
    assert list(FinanceYear.objects.values_list("year", flat=True)) == [2022, 2023]
    assert FinanceYear.objects.get(year=2023).education_expenditure == D("710000000.50")
    bad = "年度,一般公共预算教育支出,财政经常性收入\n2024,-5,100\n"
    batch = import_file(actor=county_admin, kind="finance_years", upload=io.BytesIO(bad.encode()), file_name="b.csv")
    assert batch.rejected == 1
    assert [(r.row, r.reason) for r in batch.rejections.all()] == [(2, "不能为负数")]
    assert "一般公共预算教育支出" in batch.rejections.get().column


def test_the_bulletin_section_names_the_failing_checks(finance_staff):
    assert bulletin.section(month=dt.date(2024, 3, 1), on=dt.date(2024, 4, 2)) is None
    save(finance_staff, year=2022)
    save(finance_staff, year=2023, education_expenditure=D("690000000"))
    s = bulletin.section(month=dt.date(2024, 3, 1), on=dt.date(2024, 4, 2))
    assert s is not None and "2023年度" in s.paragraphs[0] and "一般公共预算教育支出逐年只增不减" in s.paragraphs[0]
    assert s.as_dict() == bulletin.section(month=dt.date(2024, 3, 1), on=dt.date(2024, 4, 2)).as_dict()


def test_the_demo_has_six_years_with_one_failing_year(county):
    demo.generate(rng=random.Random(1), scale=1, stdout=io.StringIO(), today=dt.date(2026, 12, 6))
    from jiaoyun.finance.selectors import overview

    data = overview()
    assert [r.year for r in data.rows] == [2020, 2021, 2022, 2023, 2024, 2025]
    failing = {y: [c.key for c in data.failing(y)] for y in data.checks if data.failing(y)}
    assert set(failing) == {2023}, failing
    assert {"growth_vs_revenue", "teacher_vs_civil_servant"} <= set(failing[2023])
    from jiaoyun.core.models import User

    assert User.objects.get(username="finance").section == "finance"


def test_a_data_manager_of_another_section_may_not_import_finance_figures(basic_staff):
    from jiaoyun.core.errors import PermissionDenied
    from jiaoyun.exchange.models import ImportBatch
    from jiaoyun.exchange.services.batches import import_file

    csv = "年度,一般公共预算教育支出,财政经常性收入\n2022,700000000,1000000000\n"
    # The format names its importers (Kind.importers): another section is refused before any file is stored.
    with pytest.raises(PermissionDenied):
        import_file(actor=basic_staff, kind="finance_years", upload=io.BytesIO(csv.encode()), file_name="f.csv")
    assert not ImportBatch.objects.exists()
