"""Statements resource: storing, validation, versions, voiding, queries (xAPI 1.0.3 / 2.0)."""

from __future__ import annotations

import json
import uuid

import pytest

from jiaoyun.learning.models import Statement, StatementRef
from jiaoyun.learning.tests.conftest import Xapi, statement

pytestmark = pytest.mark.django_db


def test_about_needs_no_auth_and_lists_both_versions(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.3", "2.0.0"]
    assert response["X-Experience-API-Version"]


def test_post_single_statement_assigns_id_stored_authority_version(xapi, lrs_client):
    response = xapi.post("statements", statement())
    assert response.status_code == 200
    (sid,) = response.json()
    assert uuid.UUID(sid)
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response["X-Experience-API-Consistent-Through"]
    got = xapi.get("statements", {"statementId": sid}).json()
    assert got["id"] == sid
    assert got["version"] == "1.0.0"
    assert got["stored"].endswith("Z")
    assert got["authority"]["account"]["name"] == lrs_client.key
    assert got["timestamp"] == got["stored"]  # timestamp set from stored when absent


def test_version_2_statement_gets_version_2(xapi2):
    sid = xapi2.post("statements", statement()).json()[0]
    got = xapi2.get("statements", {"statementId": sid})
    assert got["X-Experience-API-Version"] == "2.0.0"
    assert got.json()["version"] == "2.0.0"


def test_missing_version_header_is_refused(xapi):
    response = xapi.post("statements", statement(), version="")
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["message"]
    assert Statement.objects.count() == 0


def test_missing_version_header_is_answered_in_the_version_the_client_speaks(xapi, xapi2, lrs_client):
    # a client never seen before: the newest version
    assert xapi.get("statements", version="")["X-Experience-API-Version"] == "2.0.0"
    # a 1.0.3 client that forgets the header once is answered as 1.0.3
    assert xapi.get("statements", {"limit": 1})["X-Experience-API-Version"] == "1.0.3"
    refused = xapi.post("statements", statement(), version="")
    assert refused.status_code == 400
    assert refused["X-Experience-API-Version"] == "1.0.3"
    # the same credentials now speaking 2.0
    assert xapi2.get("statements", {"limit": 1}).status_code == 200
    refused = xapi2.put("statements", statement(), params=f"?statementId={uuid.uuid4()}", version="")
    assert (refused.status_code, refused["X-Experience-API-Version"]) == (400, "2.0.0")
    lrs_client.refresh_from_db()
    assert lrs_client.last_version == "2.0.0"
    # without (valid) credentials nothing is known about the client
    anonymous = Xapi(lrs_client.key, "wrong").get("statements", version="")
    assert (anonymous.status_code, anonymous["X-Experience-API-Version"]) == (400, "2.0.0")


@pytest.mark.parametrize("header,status", [("1.0.2", 200), ("1.0", 200), ("2.0.1", 200), ("0.95", 400), ("3.0.0", 400)])
def test_version_header_negotiation(xapi, header, status):
    assert xapi.post("statements", statement(), version=header).status_code == status


def test_wrong_credentials_are_refused(lrs_client):
    bad = Xapi(lrs_client.key, "wrong")
    response = bad.post("statements", statement())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


def test_batch_is_atomic_when_one_statement_is_invalid(xapi):
    bad = statement(verb={"id": "not an iri"})
    response = xapi.post("statements", [statement(), bad])
    assert response.status_code == 400
    assert "statements[1].verb.id" in response.json()["message"]
    assert Statement.objects.count() == 0


def test_malformed_json_is_refused(xapi):
    response = xapi.post("statements", "{not json")
    assert response.status_code == 400
    assert "JSON" in response.json()["message"]


def test_put_with_statement_id_then_same_content_is_noop_and_different_content_conflicts(xapi):
    sid = str(uuid.uuid4())
    assert xapi.put("statements", statement(), params=f"?statementId={sid}").status_code == 204
    assert xapi.put("statements", statement(), params=f"?statementId={sid}").status_code == 204
    assert xapi.post("statements", statement(id=sid)).status_code == 200
    other = statement(id=sid, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    response = xapi.post("statements", other)
    assert response.status_code == 409
    assert sid in response.json()["message"]
    assert Statement.objects.count() == 1


def test_oversized_batch_is_refused_with_413(xapi, settings):
    settings.JIAOYUN = {**settings.JIAOYUN, "XAPI_MAX_BATCH": 3}
    response = xapi.post("statements", [statement() for _ in range(4)])
    assert response.status_code == 413
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    "overrides,where",
    [
        ({"actor": {"name": "no ifi"}}, "statement.actor"),
        ({"actor": {"mbox": "mailto:a@b.c", "openid": "http://openid.example.com/a"}}, "statement.actor"),
        ({"actor": {"mbox": "a@b.c"}}, "statement.actor.mbox"),
        ({"actor": {"objectType": "Group"}}, "statement.actor"),
        ({"id": "not-a-uuid"}, "statement.id"),
        ({"verb": {"id": "http://x.y/v", "display": {"english!": "x"}}}, "statement.verb.display"),
        ({"result": {"score": {"scaled": 1.5}}}, "statement.result.score.scaled"),
        ({"result": {"score": {"raw": 11, "min": 0, "max": 10}}}, "statement.result.score.raw"),
        ({"result": {"duration": "1 hour"}}, "statement.result.duration"),
        ({"result": {"extensions": {"not an iri": 1}}}, "statement.result.extensions"),
        ({"timestamp": "2024-09-15T15:53:00.601-00:00"}, "statement.timestamp"),
        ({"timestamp": "yesterday"}, "statement.timestamp"),
        (
            {"object": {"objectType": "StatementRef", "id": str(uuid.uuid4())}, "context": {"platform": "x"}},
            "statement.context.platform",
        ),
        (
            {"object": {"objectType": "Agent", "mbox": "mailto:b@c.d"}, "context": {"revision": "2"}},
            "statement.context.revision",
        ),
        (
            {
                "object": {
                    "objectType": "SubStatement",
                    "actor": {"mbox": "mailto:a@b.c"},
                    "verb": {"id": "http://x.y/v"},
                    "object": {"id": "http://x.y/o"},
                    "id": str(uuid.uuid4()),
                }
            },
            "statement.object",
        ),
        (
            {
                "object": {
                    "objectType": "SubStatement",
                    "actor": {"mbox": "mailto:a@b.c"},
                    "verb": {"id": "http://x.y/v"},
                    "object": {"objectType": "SubStatement"},
                }
            },
            "statement.object",
        ),
        ({"result": {"success": None}}, "statement.result.success"),
        ({"context": {"registration": "abc"}}, "statement.context.registration"),
        ({"context": {"language": "not a language tag"}}, "statement.context.language"),
        ({"extra": 1}, "statement"),
    ],
)
def test_invalid_statements_are_refused_with_a_located_message(xapi, overrides, where):
    response = xapi.post("statements", statement(**overrides))
    assert response.status_code == 400, response.content
    assert response.json()["message"].startswith(where)
    assert Statement.objects.count() == 0


def test_context_agents_are_accepted_in_2_0_and_refused_in_1_0_3(xapi, xapi2):
    ctx = {
        "contextAgents": [
            {"objectType": "contextAgent", "agent": {"mbox": "mailto:t@x.y"}, "relevantTypes": ["http://x.y/t"]}
        ],
        "contextGroups": [
            {"objectType": "contextGroup", "group": {"objectType": "Group", "member": [{"mbox": "mailto:s@x.y"}]}}
        ],
    }
    assert xapi.post("statements", statement(context=ctx)).status_code == 400
    sid = xapi2.post("statements", statement(context=ctx)).json()[0]
    related = xapi2.get("statements", {"agent": json.dumps({"mbox": "mailto:s@x.y"}), "related_agents": "true"})
    assert [s["id"] for s in related.json()["statements"]] == [sid]


def test_timestamp_with_offset_is_normalised_to_utc_and_original_kept(xapi2):
    sid = xapi2.post("statements", statement(timestamp="2024-09-02T08:30:00+08:00")).json()[0]
    row = Statement.objects.get(statement_id=sid)
    assert row.timestamp.isoformat() == "2024-09-02T00:30:00+00:00"
    assert row.timestamp_original == "2024-09-02T08:30:00+08:00"


def test_voiding_hides_statement_and_voided_statement_id_finds_it(xapi):
    target = xapi.post("statements", statement()).json()[0]
    void = {
        "actor": {"mbox": "mailto:admin@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }
    voiding = xapi.post("statements", void).json()[0]
    assert xapi.get("statements", {"statementId": target}).status_code == 404
    assert xapi.get("statements", {"voidedStatementId": target}).json()["id"] == target
    ids = [s["id"] for s in xapi.get("statements").json()["statements"]]
    assert ids == [voiding]
    # a voiding statement cannot be voided
    again = dict(void, object={"objectType": "StatementRef", "id": voiding})
    response = xapi.post("statements", again)
    assert response.status_code == 400
    assert Statement.objects.count() == 2


def test_voiding_before_target_arrives_still_voids_it(xapi):
    target = str(uuid.uuid4())
    xapi.post(
        "statements",
        {
            "actor": {"mbox": "mailto:admin@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": target},
        },
    )
    xapi.post("statements", statement(id=target))
    assert Statement.objects.get(statement_id=target).voided is True


def test_query_filters_and_more_paging(xapi):
    a = {"mbox": "mailto:a@x.y"}
    b = {"mbox": "mailto:b@x.y"}
    reg = str(uuid.uuid4())
    ids_a = xapi.post("statements", [statement(actor=a, context={"registration": reg}) for _ in range(3)]).json()
    xapi.post("statements", [statement(actor=b, verb={"id": "http://adlnet.gov/expapi/verbs/attempted"})])
    xapi.post(
        "statements",
        [statement(actor=b, context={"contextActivities": {"parent": [{"id": "http://example.com/course"}]}})],
    )
    by_agent = xapi.get("statements", {"agent": json.dumps(a)}).json()["statements"]
    assert sorted(s["id"] for s in by_agent) == sorted(ids_a)
    assert len(xapi.get("statements", {"verb": "http://adlnet.gov/expapi/verbs/attempted"}).json()["statements"]) == 1
    assert len(xapi.get("statements", {"registration": reg}).json()["statements"]) == 3
    assert len(xapi.get("statements", {"activity": "http://example.com/course"}).json()["statements"]) == 0
    related = {"activity": "http://example.com/course", "related_activities": "true"}
    assert len(xapi.get("statements", related).json()["statements"]) == 1
    # paging: 2 per page, ascending, over all 5
    first = xapi.get("statements", {"limit": 2, "ascending": "true"}).json()
    assert [s["id"] for s in first["statements"]] == ids_a[:2]
    second = xapi.client.get(first["more"], headers=xapi.headers()).json()
    third = xapi.client.get(second["more"], headers=xapi.headers()).json()
    assert len(second["statements"]) == 2 and len(third["statements"]) == 1 and third["more"] == ""


def test_since_and_until_use_stored(xapi):
    xapi.post("statements", statement())
    stored = xapi.get("statements").json()["statements"][0]["stored"]
    assert len(xapi.get("statements", {"since": stored}).json()["statements"]) == 0
    assert len(xapi.get("statements", {"until": stored}).json()["statements"]) == 1


def test_unknown_parameter_and_statement_id_with_filters_are_refused(xapi):
    assert xapi.get("statements", {"foo": "1"}).status_code == 400
    assert xapi.get("statements", {"statementId": str(uuid.uuid4()), "verb": "http://x.y/v"}).status_code == 400


def test_format_ids_and_canonical(xapi):
    st = statement(verb={"id": "http://x.y/v", "display": {"en-US": "did", "zh-CN": "做了"}})
    sid = xapi.post("statements", st).json()[0]
    ids = xapi.get("statements", {"statementId": sid, "format": "ids"}).json()
    assert ids["verb"] == {"id": "http://x.y/v"}
    assert "name" not in ids["actor"]
    assert "definition" not in ids["object"]
    canon = xapi.get("statements", {"statementId": sid, "format": "canonical"}, headers={"Accept-Language": "zh-CN"})
    assert canon.json()["verb"]["display"] == {"zh-CN": "做了"}


def test_format_canonical_serves_the_stored_activity_definition_in_one_language(xapi):
    # given: a statement whose activity definition is later extended by another statement of the same client
    act = "http://example.com/activities/canonical-1"
    first = statement(
        verb={"id": "http://x.y/v", "display": {"en-US": "did", "zh-CN": "做了"}},
        object={"id": act, "definition": {"name": {"en-US": "Lesson one", "zh-CN": "第一课"}}},
        context={"contextActivities": {"parent": [{"id": act}]}},
    )
    sid = xapi.post("statements", first).json()[0]
    later = statement(
        object={
            "id": act,
            "definition": {
                "name": {"en-US": "Lesson 1"},
                "description": {"en-US": "Fractions", "zh-CN": "分数", "fr": "Fractions (fr)"},
                "type": "http://adlnet.gov/expapi/activities/lesson",
            },
        }
    )
    xapi.post("statements", later)

    # when: the first statement is read back in canonical format, preferring Chinese
    got = xapi.get(
        "statements", {"statementId": sid, "format": "canonical"}, headers={"Accept-Language": "zh-CN, en;q=0.5"}
    ).json()

    # then: the definition is the LRS's merged one, each language map cut to the preferred language
    assert got["object"]["definition"] == {
        "name": {"zh-CN": "第一课"},
        "description": {"zh-CN": "分数"},
        "type": "http://adlnet.gov/expapi/activities/lesson",
    }
    assert got["verb"]["display"] == {"zh-CN": "做了"}
    assert got["context"]["contextActivities"]["parent"][0]["definition"]["name"] == {"zh-CN": "第一课"}
    assert got["actor"] == first["actor"]  # agents as sent

    # English first: the newest English name; a language range matches its sub-tags (en → en-US)
    english = xapi.get("statements", {"statementId": sid, "format": "canonical"}, headers={"Accept-Language": "en"})
    assert english.json()["object"]["definition"]["name"] == {"en-US": "Lesson 1"}
    # A language refused with q=0 is not chosen when another one exists
    no_zh = xapi.get(
        "statements", {"statementId": sid, "format": "canonical"}, headers={"Accept-Language": "zh-CN;q=0, fr"}
    ).json()
    assert no_zh["object"]["definition"]["description"] == {"fr": "Fractions (fr)"}
    # exact keeps the statement as it was sent
    exact = xapi.get("statements", {"statementId": sid}).json()
    assert exact["object"]["definition"] == first["object"]["definition"]
    # a page of statements in canonical format uses the same definitions
    page = xapi.get("statements", {"activity": act, "format": "canonical"}, headers={"Accept-Language": "zh-CN"})
    assert {s["object"]["definition"]["name"]["zh-CN"] for s in page.json()["statements"]} == {"第一课"}


def test_statements_with_control_characters_and_backslashes_round_trip(xapi):
    # (On PostgreSQL the statements go in through COPY's text format, which has its own escapes.)
    odd = "制表\t换行\n回车\r反斜杠\\ \\N 结束"
    st = statement(
        actor={"objectType": "Agent", "name": odd, "account": {"homePage": "http://lms.example.com", "name": odd}},
        result={"response": odd, "score": {"scaled": 1e-05}},
        context={"instructor": {"account": {"homePage": "http://lms.example.com", "name": odd}}},
    )
    sid = xapi.post("statements", [st, statement()]).json()[0]
    got = xapi.get("statements", {"statementId": sid}).json()
    assert got["actor"]["name"] == odd and got["result"]["response"] == odd
    assert Statement.objects.get(statement_id=sid).actor_ifi == f"account:http://lms.example.com|{odd}"
    assert Statement.objects.get(statement_id=sid).score_scaled == 1e-05
    agent = json.dumps({"account": {"homePage": "http://lms.example.com", "name": odd}})
    found = xapi.get("statements", {"agent": agent, "related_agents": "true"}).json()["statements"]
    assert [s["id"] for s in found] == [sid]


def test_statement_refs_index_related_agents(xapi):
    sid = xapi.post("statements", statement(context={"instructor": {"mbox": "mailto:teacher@x.y"}})).json()[0]
    values = set(StatementRef.objects.filter(statement__statement_id=sid).values_list("value", flat=True))
    # the instructor is indexed as a related agent; actor and object are columns of the statement already
    assert values == {"mbox:mailto:teacher@x.y"}

    def found(params: dict[str, str]) -> list[str]:
        return [st["id"] for st in xapi.get("statements", params).json()["statements"]]

    teacher = json.dumps({"mbox": "mailto:teacher@x.y"})
    assert found({"agent": teacher}) == []
    assert found({"agent": teacher, "related_agents": "true"}) == [sid]
    ada = json.dumps({"mbox": "mailto:ada@example.com"})
    assert found({"agent": ada, "related_agents": "true"}) == [sid]
    lesson = "http://example.com/activities/lesson-1"
    assert found({"activity": lesson, "related_activities": "true"}) == [sid]
    assert found({"activity": lesson, "related_activities": "true", "agent": teacher, "related_agents": "true"}) == [
        sid
    ]
    assert found({"activity": lesson, "agent": teacher, "related_agents": "true", "verb": "http://x.y/other"}) == []


def test_alternate_request_syntax_put_for_1_0_3_only(xapi, xapi2):
    sid = str(uuid.uuid4())
    form = f"statementId={sid}&content={json.dumps(statement())}"
    response = xapi.client.post(
        "/xapi/statements?method=PUT", form, content_type="application/x-www-form-urlencoded", headers=xapi.headers()
    )
    assert response.status_code == 204
    assert Statement.objects.filter(statement_id=sid).exists()
    response = xapi2.client.post(
        "/xapi/statements?method=PUT", form, content_type="application/x-www-form-urlencoded", headers=xapi2.headers()
    )
    assert response.status_code == 400


def test_get_list_uses_few_queries(xapi, django_assert_max_num_queries):
    xapi.post("statements", [statement() for _ in range(30)])
    with django_assert_max_num_queries(4):
        response = xapi.get("statements", {"limit": 10})
    assert len(response.json()["statements"]) == 10


def test_related_agents_finds_statements_by_their_authority(xapi, lrs_client):
    from jiaoyun.learning import conf

    sid = xapi.post("statements", statement()).json()[0]
    authority = {"account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": lrs_client.key}}
    found = xapi.get("statements", {"agent": json.dumps(authority), "related_agents": "true"}).json()["statements"]
    assert [s["id"] for s in found] == [sid]
    assert xapi.get("statements", {"agent": json.dumps(authority)}).json()["statements"] == []


def test_statement_ref_targeting_returns_referencing_statements(xapi):
    target = xapi.post("statements", statement(verb={"id": "http://example.com/verbs/special"})).json()[0]
    ref = xapi.post(
        "statements",
        statement(object={"objectType": "StatementRef", "id": target}, verb={"id": "http://example.com/verbs/cited"}),
    ).json()[0]
    got = xapi.get("statements", {"verb": "http://example.com/verbs/special"}).json()["statements"]
    assert {s["id"] for s in got} == {target, ref}


def test_head_request_has_headers_but_no_body(xapi):
    xapi.post("statements", statement())
    response = xapi.client.head("/xapi/statements", headers=xapi.headers())
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Experience-API-Consistent-Through"]


def test_context_activities_single_object_returned_as_array(xapi):
    ctx = {"contextActivities": {"parent": {"id": "http://example.com/course"}}}
    sid = xapi.post("statements", statement(context=ctx)).json()[0]
    got = xapi.get("statements", {"statementId": sid}).json()
    assert got["context"]["contextActivities"]["parent"] == [{"id": "http://example.com/course"}]
    # the same statement sent again is still "the same" (no 409)
    assert xapi.post("statements", statement(id=sid, context=ctx)).status_code == 200


def test_ids_assigned_by_the_lrs_are_time_ordered_version_7_uuids(xapi):
    first = xapi.post("statements", [statement() for _ in range(50)]).json()
    second = xapi.post("statements", [statement() for _ in range(50)]).json()
    ids = [uuid.UUID(sid) for sid in first + second]
    assert len(set(ids)) == 100
    assert {u.version for u in ids} == {7} and {u.variant for u in ids} == {uuid.RFC_4122}
    # The first 48 bits are the time in milliseconds: never decreasing from one batch to the next.
    assert max(u.int >> 80 for u in ids[:50]) <= min(u.int >> 80 for u in ids[50:])
    sid = uuid.UUID(xapi.post("statements", statement(id=str(uuid.uuid4()))).json()[0])
    assert sid.version == 4  # an id chosen by the client is kept as sent
