"""Rotation moves name teachers: the personnel chain sees every move, a township or a school the moves out of or into
it once the plan is approved; a class teacher, a village cadre or anyone else opens no rotation page (the Chinese
403) and gets no move from the API — on the page, its export, the HTMX partial and the API alike."""

import pytest

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.teachers.services import rotation_plan_approve
from jiaoyun.teachers.tests.test_pages import _plan


@pytest.fixture
def plan(personnel, school_a, township_b, class_teacher):
    plan, rural = _plan(personnel, school_a, township_b)
    rotation_plan_approve(actor=personnel, plan=plan)
    moves = list(plan.moves.select_related("teacher").order_by("id"))
    assert len(moves) == 2
    own = moves[0].teacher
    own.user = class_teacher
    own.save(update_fields=["user"])
    return plan, rural, moves


def _seen(client, user, moves):
    client.force_login(user)
    page = client.get("/teachers/rotation/?year=2026")
    api = client.get("/api/teachers/rotation/2026/moves").json()["items"]
    if page.status_code == 403:
        assert "交流轮岗仅县教育局人事股、中心校和校长可查看" in page.content.decode()
        assert client.get("/teachers/rotation/?year=2026&format=csv").status_code == 403
        assert api == []
        return None
    assert page.status_code == 200
    body = page.content.decode()
    export = client.get("/teachers/rotation/?year=2026&format=csv")
    on_page = {m.pk for m in moves if m.teacher.name in body}
    in_api = {m["id"] for m in api}
    assert on_page == in_api
    assert export.status_code == 200
    text = b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    assert {m.pk for m in moves if m.teacher.name in text} == in_api
    return in_api


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("county_admin", {0, 1}),
        ("township_officer", {0, 1}),  # the sending township
        ("principal", {0, 1}),  # the sending school
        ("class_teacher", None),  # no rotation page (their own move reaches them through the school)
        ("village_cadre", None),  # no teacher at all (was: every teacher of the township)
        ("outsider", None),
    ],
)
def test_each_persona_sees_the_moves_of_the_teachers_in_its_scope(client, request, plan, persona, expected):
    _, _, moves = plan
    user = request.getfixturevalue(persona)
    seen = _seen(client, user, moves)
    assert seen == (None if expected is None else {moves[i].pk for i in expected})


@pytest.fixture
def draft(personnel, school_a, township_b):
    plan, _ = _plan(personnel, school_a, township_b)
    assert plan.status == "proposed"
    return plan, list(plan.moves.select_related("teacher").order_by("id"))


def test_a_draft_plan_names_nobody_outside_the_personnel_chain(
    client, draft, county_admin, county_leader, township_officer, principal, village_cadre, township_b
):
    """拟定 (not yet approved): the names stay with the county administrator, the 人事股 and the leader (of his
    linked schools); the sending and the receiving township and school see no row, on the page, its export or the
    API."""
    _, moves = draft
    assert _seen(client, county_admin, moves) == {m.pk for m in moves}
    # the county leader: the moves of the schools linked to him only (挂钩联系, ADR 0037)
    assert _seen(client, county_leader, moves) == set()
    from jiaoyun.supervision.models import Link

    Link.objects.create(
        school=moves[0].from_school, leader=county_leader, person="县领导", since=moves[0].plan.start_date
    )
    linked = {m.pk for m in moves if moves[0].from_school_id in (m.from_school_id, m.to_school_id)}
    assert linked and _seen(client, county_leader, moves) == linked
    officer_b = UserFactory(username="officer_b", role="township_officer", area=township_b)
    for user in (township_officer, principal, officer_b):
        assert _seen(client, user, moves) == set()
        assert (
            "计划尚未批准，交流人员名单经县教育局批准后公布"
            in client.get("/teachers/rotation/?year=2026").content.decode()
        )
    assert _seen(client, village_cadre, moves) is None


def test_the_receiving_township_sees_the_teachers_it_receives(client, plan, township_b, school_b):
    _, _, moves = plan
    officer_b = UserFactory(username="officer_b", role="township_officer", area=township_b)
    assert _seen(client, officer_b, moves) == {m.pk for m in moves}
    principal_b = UserFactory(username="principal_b2", role="principal", school=school_b)
    assert _seen(client, principal_b, moves) == set()  # school_b receives nobody


def test_a_move_out_of_scope_cannot_be_acted_on(client, plan, village_cadre):
    _, _, moves = plan
    client.force_login(village_cadre)
    response = client.post("/teachers/rotation/action/", {"action": "done", "move": moves[0].pk}, follow=True)
    assert response.status_code == 403
    assert moves[0].teacher.name not in response.content.decode()
    moves[0].refresh_from_db()
    assert moves[0].status == "planned"
