def test_school_api_list_scope_and_query_count(
    client, township_officer, school_a, school_a_junior, school_b, django_assert_max_num_queries
):
    client.force_login(township_officer)
    with django_assert_max_num_queries(8):
        body = client.get("/api/schools/").json()
    assert {s["code"] for s in body["items"]} == {"2153000001", "2153000002"}
    assert client.get(f"/api/schools/{school_b.pk}").status_code == 404


def test_school_api_detail_counts(client, county_admin, school_a, students, teacher_a):
    client.force_login(county_admin)
    body = client.get(f"/api/schools/{school_a.pk}").json()
    assert body["teachers"] == 1
    assert body["grades"] == [{"grade": 1, "male": 1, "female": 1, "total": 2}]
    classes = client.get(f"/api/schools/{school_a.pk}/classes", {"school_year": 2021}).json()
    assert [(c["grade"], c["number"], c["n_students"]) for c in classes] == [(1, 1, 1)]
