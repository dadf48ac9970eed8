"""The stored run, the pages, the export, the PDF, the API and the bulletin section, by persona."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from django.urls import reverse

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.forecast import bulletin
from jiaoyun.forecast.models import ForecastRun
from jiaoyun.forecast.services import forecast_compute, last_observed_year

pytestmark = pytest.mark.django_db
TODAY = dt.date(2022, 12, 1)


@pytest.fixture
def basic(county):
    return UserFactory(username="basic", role=Role.BUREAU_STAFF, section=Section.BASIC)


@pytest.fixture
def projects(monkeypatch, township_a):
    """Engineer a's selector, faked: 120 primary seats in township A in use from the 2024 census on."""

    def seats_in_progress(*, level: str, by: dt.date | None = None) -> dict[int, int]:
        return {township_a.pk: 120} if level == "primary" and by and by >= dt.date(2024, 9, 30) else {}

    fake = types.ModuleType("jiaoyun.facilities.selectors")
    fake.seats_in_progress = seats_in_progress  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jiaoyun.facilities.selectors", fake)


@pytest.fixture
def run(registry, school_a, school_a_junior, projects):
    school_a.seats, school_a_junior.seats = 1, 300  # township A's primary school is full: short from the first year
    school_a.save()
    school_a_junior.save()
    return forecast_compute(today=TODAY, triggered_by="manual")


def test_the_base_year_is_the_last_school_year_whose_census_has_passed():
    assert last_observed_year(dt.date(2022, 9, 29)) == 2021
    assert last_observed_year(dt.date(2022, 9, 30)) == 2022
    assert last_observed_year(dt.date(2023, 3, 1)) == 2022


def test_a_run_stores_history_projection_seats_and_projects(run, township_a):
    assert run.base_year == 2022 and run.horizon == 10 and run.window == [2019, 2020, 2021]
    res = run.results
    years = res["years"]
    assert years[0] == 2013 and years[-1] == 2032
    a = res["series"][str(township_a.pk)]
    assert a["junior"]["children"][years.index(2022)] == 2
    assert a["primary"]["seats"] == 1
    projects = dict(zip(years, a["primary"]["projects"], strict=True))
    assert projects[2023] == 0 and projects[2024] == 120 and projects[2032] == 120
    assert run.inputs["projects_available"] is True
    assert AuditEntry.objects.filter(object_type="forecast.ForecastRun", object_id=str(run.pk)).exists()


def test_basic_reads_the_dashboard_township_detail_export_and_pdf(client, basic, run, township_a):
    client.force_login(basic)
    body = client.get(reverse("forecast:dashboard")).content.decode()
    assert "甸阳镇" in body and "老麦乡" in body and "输入说明" in body
    assert client.get(reverse("forecast:township", args=[township_a.pk])).status_code == 200
    response = client.get(reverse("forecast:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert response.content.startswith(b"PK")  # aggregates, no personal data: not an audited export
    pdf = client.get(reverse("forecast:pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from jiaoyun.reports.pdf import pdf_text

    text = pdf_text(pdf.content)
    assert "施甸县2022–2032 学年学位预测表" in text and "甸阳镇" in text


def test_the_township_officer_sees_only_their_township(client, township_officer, run, township_a, township_b):
    client.force_login(township_officer)
    body = client.get(reverse("forecast:dashboard")).content.decode()
    assert "甸阳镇" in body and "老麦乡" not in body and "全县" not in body
    assert client.get(reverse("forecast:township", args=[township_a.pk])).status_code == 200
    assert client.get(reverse("forecast:township", args=[township_b.pk])).status_code == 404
    api = client.get("/api/forecast").json()
    assert {r["township"] for r in api["rows"]} == {"甸阳镇"}


@pytest.mark.parametrize("persona", ["principal", "class_teacher", "village_cadre", "outsider"])
def test_schools_classes_villages_and_others_are_refused(client, request, persona, run, township_a):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("forecast:dashboard")).status_code == 403
    assert client.get(reverse("forecast:township", args=[township_a.pk])).status_code == 403
    assert client.get(reverse("forecast:export")).status_code == 403
    assert client.get("/api/forecast").status_code == 403


def test_the_api_gives_the_county_rows_and_shortfalls(client, basic, run, township_a):
    client.force_login(basic)
    data = client.get("/api/forecast").json()
    assert data["base_year"] == 2022 and data["focus_year"] == 2027
    assert {r["township"] for r in data["rows"]} >= {"全县", "甸阳镇", "老麦乡"}
    row = next(r for r in data["rows"] if r["township"] == "甸阳镇" and r["level"] == "primary" and r["year"] == 2024)
    assert row["capacity"] == 121 and row["kind"] == "预测"


def test_only_the_countys_writers_recompute(client, basic, county_leader, township_officer, registry):
    for user in (county_leader, township_officer):
        client.force_login(user)
        assert client.post(reverse("forecast:recompute")).status_code == 403
    assert not ForecastRun.objects.exists()
    client.force_login(basic)
    assert client.post(reverse("forecast:recompute")).status_code == 302
    assert ForecastRun.objects.get().created_by == basic


def stored_run(township_a, township_b) -> ForecastRun:
    """A run as stored: base 2022, five years on; A's primary children outgrow its 100 seats in 2025 (104), B's
    junior stays at 50 of 60 seats, A's preschool reaches 96 of 100 seats (tight)."""
    years = list(range(2021, 2028))
    zero = {"children": [0] * 7, "seats": 0, "projects": [0] * 7}

    def s(children: list[int], seats: int) -> dict:
        return {"children": children, "seats": seats, "projects": [0] * 7}

    series = {
        str(township_a.pk): {"preschool": s([80, 85, 88, 90, 92, 94, 96], 100),
                             "primary": s([90, 95, 99, 100, 104, 108, 110], 100),
                             "junior": zero, "senior": zero},
        str(township_b.pk): {"preschool": zero, "primary": zero, "junior": s([50] * 7, 60), "senior": zero},
    }  # fmt: skip
    series["county"] = dict.fromkeys(("preschool", "primary", "junior", "senior"), zero)
    towns = [{"id": township_a.pk, "name": "甸阳镇", "code": ""}, {"id": township_b.pk, "name": "老麦乡", "code": ""}]
    return ForecastRun.objects.create(
        base_year=2022, first_year=2021, horizon=5, window=[2019, 2020, 2021],
        results={"townships": towns, "years": years, "base": 2022, "series": series},
    )  # fmt: skip


def test_the_bulletin_names_the_townships_short_of_seats(township_a, township_b):
    run = stored_run(township_a, township_b)
    month = run.created_at.date().replace(day=1)
    section = bulletin.section(month=month, on=month)
    assert section is not None and section.key == "forecast"
    assert "到2027学年，1个乡镇的1个学段学位不足，1个学段学位紧张" in section.paragraphs[0]
    (table,) = section.tables
    # first short in 2025 (104 > 100); in 2027: 110 children, 100 seats
    assert table.rows == [["甸阳镇", "小学", 95, 110, 100, 10, "2025学年"]]
    assert bulletin.section(month=dt.date(2000, 1, 1), on=dt.date(2000, 2, 1)) is None


def test_the_dashboard_lists_the_shortfall_and_the_tight_level(client, basic, township_a, township_b):
    stored_run(township_a, township_b)
    client.force_login(basic)
    body = client.get(reverse("forecast:dashboard")).content.decode()
    assert "缺 10" in body and "学位紧张" in body and "2025学年" in body
