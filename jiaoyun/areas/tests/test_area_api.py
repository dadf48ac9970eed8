from jiaoyun.areas.tests.factories import PopulationCellFactory


def test_area_api_list_and_scope(
    client, village_cadre, township_a, village_a1, village_a2, township_b, django_assert_max_num_queries
):
    client.force_login(village_cadre)
    with django_assert_max_num_queries(8):
        body = client.get("/api/areas/").json()
    assert {a["code"] for a in body["items"]} == {"530521100", "530521100001"}
    assert client.get(f"/api/areas/{township_b.pk}").status_code == 404


def test_area_api_population(client, county_admin, township_a, village_a1, village_a2):
    PopulationCellFactory(area=village_a1, year=2021, age=6, sex="M", count=10)
    PopulationCellFactory(area=village_a2, year=2021, age=6, sex="F", count=8)
    client.force_login(county_admin)
    body = client.get(f"/api/areas/{township_a.pk}/population", {"year": 2021}).json()
    assert body["rows"] == [{"age": 6, "male": 10, "female": 8, "total": 18}]
    assert client.get(f"/api/areas/{township_a.pk}/population", {"year": 2021, "source": "x"}).status_code == 400
