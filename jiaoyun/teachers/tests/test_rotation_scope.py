"""Rotation moves name teachers: they are scoped by teacher (``teacher_q``), not by school — a village cadre sees no
teacher, a class teacher only their own move — on the page, its export, the HTMX partial and the API."""

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
    assert page.status_code == 200
    body = page.content.decode()
    api = client.get("/api/teachers/rotation/2026/moves").json()["items"]
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
        ("class_teacher", {0}),  # only their own move
        ("village_cadre", set()),  # no teacher at all (was: every teacher of the township)
        ("outsider", set()),
    ],
)
def test_each_persona_sees_the_moves_of_the_teachers_in_its_scope(client, request, plan, persona, expected):
    _, _, moves = plan
    user = request.getfixturevalue(persona)
    assert _seen(client, user, moves) == {moves[i].pk for i in expected}


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
    assert "计划或人员不存在" in response.content.decode()
    assert moves[0].teacher.name not in response.content.decode()
