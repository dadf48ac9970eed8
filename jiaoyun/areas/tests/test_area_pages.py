import pytest
from django.urls import reverse

from jiaoyun.areas.tests.factories import PopulationCellFactory
from jiaoyun.core.models import AuditEntry


@pytest.fixture
def population(village_a1, village_a2, village_b1):
    # 2021, 户籍: village_a1 6-year-olds 10 boys + 7 girls; village_a2 6-year-olds 5 boys; village_b1 3 boys.
    PopulationCellFactory(area=village_a1, year=2021, age=6, sex="M", count=10)
    PopulationCellFactory(area=village_a1, year=2021, age=6, sex="F", count=7)
    PopulationCellFactory(area=village_a1, year=2021, age=7, sex="F", count=4)
    PopulationCellFactory(area=village_a2, year=2021, age=6, sex="M", count=5)
    PopulationCellFactory(area=village_b1, year=2021, age=6, sex="M", count=3)
    PopulationCellFactory(area=village_a1, year=2020, age=6, sex="M", count=99)


def test_area_list_for_township_officer_shows_own_township_and_villages(
    client, township_officer, township_b, population
):
    client.force_login(township_officer)
    response = client.get(reverse("areas:list"))
    assert {a.name for a in response.context["page"]} == {"甸阳镇", "甸阳社区", "大竹林村"}


def test_area_list_filters_by_level_and_query_count(client, county_admin, population, django_assert_max_num_queries):
    client.force_login(county_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("areas:list"), {"level": "village"})
    assert {a.name for a in response.context["page"]} == {"甸阳社区", "大竹林村", "太和社区"}


def test_township_population_sums_its_villages_by_age_and_sex(client, county_admin, township_a, population):
    client.force_login(county_admin)
    response = client.get(reverse("areas:detail", args=[township_a.pk]), {"year": 2021})
    rows = {r.age: (r.male, r.female, r.total) for r in response.context["rows"]}
    assert rows == {6: (15, 7, 22), 7: (0, 4, 4)}
    assert response.context["totals"]["total"] == 26
    assert [c.name for c in response.context["children"]] == ["甸阳社区", "大竹林村"]
    assert response.context["years"] == [2021, 2020]


def test_area_detail_outside_scope_is_404(client, township_officer, township_b):
    client.force_login(township_officer)
    assert client.get(reverse("areas:detail", args=[township_b.pk])).status_code == 404


def test_population_export_is_an_xlsx_file(client, county_admin, village_a1, population):
    client.force_login(county_admin)
    response = client.get(reverse("areas:detail", args=[village_a1.pk]), {"year": 2021, "format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert not AuditEntry.objects.filter(action="export").exists()  # aggregate figures, no personal data
