"""What one xAPI client may see of another's data: statements, documents, voiding (all as if absent)."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest

from jiaoyun.learning import conf
from jiaoyun.learning.models import Document, Statement
from jiaoyun.learning.services import learner_pseudonyms, lrs_client_create
from jiaoyun.learning.tests.conftest import Xapi, statement
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.schools.tests.factories import SchoolClassFactory

pytestmark = pytest.mark.django_db

ACT = "http://example.com/activities/lesson-1"
AGENT = json.dumps({"mbox": "mailto:ada@example.com"})
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def _client(name: str, **kw) -> Xapi:
    client, secret = lrs_client_create(name=name, **kw)
    x = Xapi(client.key, secret)
    x.lrs_client = client
    return x


@pytest.fixture
def other(school_b):
    """Another platform, authorised for another township's school."""
    return _client("老麦乡中心小学平台", school_ids=[school_b.pk])


@pytest.fixture
def county_wide():
    return _client("县学习平台", all_schools=True)


@pytest.fixture
def pupils(school_a, school_b, class_a1):
    a1 = StudentFactory(current_school=school_a, current_class=class_a1, status="in_school")
    class_b1 = SchoolClassFactory(school=school_b, school_year=2021, grade=1, number=1)
    b1 = StudentFactory(current_school=school_b, current_class=class_b1, status="in_school")
    names = learner_pseudonyms(student_ids=[a1.pk, b1.pk])
    return names[a1.pk], names[b1.pk]


def about(name: str, **kw) -> dict:
    return statement(actor={"account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": name}}, **kw)


def _ids(x: Xapi, params: dict | None = None) -> list[str]:
    """Every statement id a client gets from a query, following ``more`` links."""
    found: list[str] = []
    body = x.get("statements", params or {}).json()
    while True:
        found += [s["id"] for s in body["statements"]]
        if not body["more"]:
            return found
        body = json.loads(x.client.get(body["more"], headers=x.headers()).content)


# ---- statements ---------------------------------------------------------------------------------------------


def test_client_does_not_read_another_clients_statements(xapi, other):
    mine = xapi.post("statements", [statement(), statement()]).json()
    theirs = other.post("statements", [statement(), statement(), statement()]).json()
    # list, filtered list and every more page: only the client's own statements
    assert sorted(_ids(xapi, {"limit": 1})) == sorted(mine)
    assert sorted(_ids(xapi, {"agent": AGENT})) == sorted(mine)
    assert sorted(_ids(other, {"limit": 2})) == sorted(theirs)
    # by id: as if it did not exist
    assert xapi.get("statements", {"statementId": theirs[1]}).status_code == 404
    assert xapi.get("statements", {"statementId": mine[1]}).status_code == 200


def test_client_does_not_read_statements_about_another_schools_pupils(xapi, other, pupils):
    mine = xapi.post("statements", [about(pupils[0])]).json()
    theirs = other.post("statements", [about(pupils[1])]).json()
    assert _ids(xapi) == mine
    response = xapi.get("statements", {"statementId": theirs[0]})
    assert response.status_code == 404
    assert pupils[1] not in response.content.decode()


def test_more_link_of_another_client_shows_only_the_askers_statements(xapi, other):
    mine = xapi.post("statements", [statement()]).json()  # stored first: on the far side of the other's cursor
    other.post("statements", [statement(), statement(), statement()])
    more = other.get("statements", {"limit": 1}).json()["more"]
    assert more
    page = json.loads(xapi.client.get(more, headers=xapi.headers()).content)
    assert [s["id"] for s in page["statements"]] == mine
    assert page["more"] == ""


def test_client_reads_statements_about_its_schools_pupils_stored_by_others(xapi, county_wide, pupils):
    ids = county_wide.post("statements", [about(pupils[0]), about(pupils[1]), statement()]).json()
    assert _ids(xapi) == [ids[0]]  # its own school's pupil only
    assert xapi.get("statements", {"statementId": ids[1]}).status_code == 404
    assert sorted(_ids(county_wide)) == sorted(ids)


def test_statement_ref_does_not_reveal_another_clients_statement(xapi, other):
    (theirs,) = other.post("statements", [statement()]).json()
    bob = {"objectType": "Agent", "mbox": "mailto:bob@example.com"}
    ref = statement(actor=bob, object={"objectType": "StatementRef", "id": theirs})
    (mine,) = xapi.post("statements", [ref]).json()
    # the referenced statement matches agent=Ada, but it is not the client's: its reference does not match either
    assert _ids(xapi, {"agent": AGENT}) == []
    assert _ids(xapi) == [mine]


def test_reusing_another_clients_statement_id_is_a_conflict_without_content(xapi, other):
    sid = str(uuid.uuid4())
    other.put("statements", statement(id=sid), params=f"?statementId={sid}")
    response = xapi.put("statements", statement(id=sid), params=f"?statementId={sid}")  # identical content
    assert response.status_code == 409
    assert Statement.objects.get(statement_id=sid).client_id == other.lrs_client.pk


# ---- voiding ------------------------------------------------------------------------------------------------


def test_client_cannot_void_another_clients_statement(xapi, other):
    (theirs,) = other.post("statements", [statement()]).json()
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": theirs})
    assert xapi.post("statements", [voiding]).status_code == 200  # as for a statement it has not received
    assert not Statement.objects.get(statement_id=theirs).voided
    assert other.get("statements", {"statementId": theirs}).status_code == 200
    assert other.get("statements", {"voidedStatementId": theirs}).status_code == 404


def test_voiding_before_arrival_only_applies_to_the_same_clients_statement(xapi, other):
    sid = str(uuid.uuid4())
    xapi.post("statements", [statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": sid})])
    other.put("statements", statement(id=sid), params=f"?statementId={sid}")
    assert not Statement.objects.get(statement_id=sid).voided
    # within one client, out-of-order voiding still works as the spec says
    sid2 = str(uuid.uuid4())
    xapi.post("statements", [statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": sid2})])
    xapi.put("statements", statement(id=sid2), params=f"?statementId={sid2}")
    assert Statement.objects.get(statement_id=sid2).voided


def test_client_voids_its_own_statement(xapi):
    (sid,) = xapi.post("statements", [statement()]).json()
    xapi.post("statements", [statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": sid})])
    assert xapi.get("statements", {"statementId": sid}).status_code == 404
    assert xapi.get("statements", {"voidedStatementId": sid}).status_code == 200


# ---- documents ----------------------------------------------------------------------------------------------


def _state(state_id: str = "bookmark") -> str:
    return "?" + urlencode({"activityId": ACT, "agent": AGENT, "stateId": state_id})


def test_client_cannot_read_or_delete_another_clients_state_document(xapi, other):
    assert other.put("activities/state", {"page": 7}, params=_state()).status_code == 204
    params = {"activityId": ACT, "agent": AGENT, "stateId": "bookmark"}
    assert xapi.get("activities/state", params).status_code == 404
    assert xapi.get("activities/state", {"activityId": ACT, "agent": AGENT}).json() == []
    # deleting one or all: nothing of the other client's is touched
    assert xapi.delete("activities/state", params=_state()).status_code == 204
    assert (
        xapi.delete("activities/state", params="?" + urlencode({"activityId": ACT, "agent": AGENT})).status_code == 204
    )
    assert json.loads(other.get("activities/state", params).content) == {"page": 7}
    # the same key is a separate document per client
    assert xapi.put("activities/state", {"page": 1}, params=_state()).status_code == 204
    assert json.loads(other.get("activities/state", params).content) == {"page": 7}
    assert json.loads(xapi.get("activities/state", params).content) == {"page": 1}
    assert Document.objects.count() == 2


def test_state_preconditions_do_not_reveal_another_clients_document(xapi, other):
    other.put("activities/state", {"page": 7}, params=_state())
    # If-None-Match: * succeeds, since for this client the document does not exist
    assert xapi.put("activities/state", {"v": 1}, params=_state(), headers={"If-None-Match": "*"}).status_code == 204


def test_profiles_are_per_client(xapi, other):
    qs = f"?activityId={ACT}&profileId=p1"
    assert other.put("activities/profile", {"x": 1}, params=qs, headers={"If-None-Match": "*"}).status_code == 204
    assert xapi.get("activities/profile", {"activityId": ACT, "profileId": "p1"}).status_code == 404
    assert xapi.get("activities/profile", {"activityId": ACT}).json() == []
    aqs = "?" + urlencode({"agent": AGENT, "profileId": "p1"})
    assert other.put("agents/profile", {"y": 1}, params=aqs, headers={"If-None-Match": "*"}).status_code == 204
    assert xapi.get("agents/profile", {"agent": AGENT, "profileId": "p1"}).status_code == 404
    assert xapi.delete("agents/profile", params=aqs).status_code == 204
    assert other.get("agents/profile", {"agent": AGENT, "profileId": "p1"}).status_code == 200
