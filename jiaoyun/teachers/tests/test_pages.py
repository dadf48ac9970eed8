import datetime as dt
from decimal import Decimal

from jiaoyun.schools.tests.factories import SchoolFactory
from jiaoyun.teachers.models import SubjectGap
from jiaoyun.teachers.services import rotation_plan_approve, rotation_plan_generate, round_create
from jiaoyun.teachers.tests.conftest import make_teacher


def _plan(personnel, school_a, township_b):
    rural = SchoolFactory(code="2153900020", name="木老元乡小学", township=township_b)
    SubjectGap.objects.bulk_create(
        [
            SubjectGap(year=2026, school=school_a, subject="math", need=1, actual=12, gap=-11),
            SubjectGap(year=2026, school=rural, subject="math", need=4, actual=0, gap=Decimal("4")),
        ]
    )
    for i in range(12):
        make_teacher(
            school_a, main_subject="math", school_since=dt.date(2012, 9, 1), backbone="county" if i < 3 else ""
        )
    return rotation_plan_generate(actor=personnel, year=2026, start_date=dt.date(2026, 9, 1)), rural


def test_rotation_page_tracks_plan_and_completion(
    client, personnel, school_a, township_b, django_assert_max_num_queries
):
    plan, rural = _plan(personnel, school_a, township_b)
    rotation_plan_approve(actor=personnel, plan=plan)
    move = plan.moves.first()
    client.force_login(personnel)
    with django_assert_max_num_queries(20):
        page = client.get("/teachers/rotation/?year=2026")
    body = page.content.decode()
    assert "满足交流比例≥10%、骨干≥20%" in body and "0/2" in body
    response = client.post("/teachers/rotation/action/", {"action": "done", "move": move.pk, "date": "2026-09-01"})
    assert response.status_code == 302
    move.refresh_from_db()
    assert move.status == "done" and move.teacher.school == rural
    assert "1/2" in client.get("/teachers/rotation/?year=2026").content.decode()
    api = client.get("/api/teachers/rotation/2026/moves").json()["items"]
    assert sorted(m["status"] for m in api) == ["done", "planned"]
    partial = client.get("/teachers/rotation/?year=2026&status=done", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and move.teacher.name in partial.content.decode()


def test_a_county_round_is_hidden_from_township_and_village_users(client, personnel, township_officer, village_cadre):
    rnd = round_create(actor=personnel, year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    # the township officer opens the rounds page (his township's rounds), but not the county-wide round
    client.force_login(township_officer)
    response = client.get("/teachers/rounds/")
    assert response.status_code == 200 and "2026年县管校聘" not in response.content.decode()
    assert client.get(f"/teachers/rounds/{rnd.pk}/").status_code == 404
    assert client.post(f"/teachers/rounds/{rnd.pk}/action/", {"action": "advance"}).status_code == 404
    # a village cadre may not open the rounds pages at all: the Chinese 403 with its reason
    client.force_login(village_cadre)
    for response in (
        client.get("/teachers/rounds/"),
        client.get(f"/teachers/rounds/{rnd.pk}/"),
        client.post(f"/teachers/rounds/{rnd.pk}/action/", {"action": "advance"}),
    ):
        assert response.status_code == 403
        assert "县管校聘仅县教育局人事股、中心校和校长可查看" in response.content.decode()
    rnd.refresh_from_db()
    assert rnd.status == "draft"


def test_principal_cannot_drive_a_round_through_the_page(client, personnel, principal):
    rnd = round_create(actor=personnel, year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    client.force_login(principal)
    response = client.post(f"/teachers/rounds/{rnd.pk}/action/", {"action": "advance"}, follow=True)
    assert "仅县教育局人事股可执行此操作" in response.content.decode()
    rnd.refresh_from_db()
    assert rnd.status == "draft"
