"""State, Activity Profile and Agent Profile resources: ETag concurrency and JSON merge; Activities, Agents."""

from __future__ import annotations

import json

import pytest

from jiaoyun.learning.models import Document
from jiaoyun.learning.tests.conftest import statement

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"mbox": "mailto:ada@example.com"})
ACT = "http://example.com/activities/lesson-1"


def state_qs(state_id: str = "bookmark") -> str:
    from urllib.parse import urlencode

    return "?" + urlencode({"activityId": ACT, "agent": AGENT, "stateId": state_id})


def test_state_put_get_etag_and_last_modified(xapi):
    assert xapi.put("activities/state", {"page": 3}, params=state_qs()).status_code == 204
    got = xapi.get("activities/state", {"activityId": ACT, "agent": AGENT, "stateId": "bookmark"})
    assert got.status_code == 200
    assert json.loads(got.content) == {"page": 3}
    assert got["ETag"].startswith('"') and len(got["ETag"]) == 42
    assert got["Last-Modified"]


def test_post_merges_json_objects(xapi):
    xapi.post("activities/state", {"a": 1, "b": 1}, params=state_qs())
    xapi.post("activities/state", {"b": 2, "c": 3}, params=state_qs())
    got = xapi.get("activities/state", {"activityId": ACT, "agent": AGENT, "stateId": "bookmark"})
    assert json.loads(got.content) == {"a": 1, "b": 2, "c": 3}


def test_post_merge_refused_for_non_json_document(xapi):
    xapi.put("activities/state", b"plain", params=state_qs(), content_type="text/plain")
    response = xapi.post("activities/state", {"b": 2}, params=state_qs())
    assert response.status_code == 400
    assert bytes(Document.objects.get().content) == b"plain"


def test_if_match_stale_etag_is_412_and_document_unchanged(xapi2):
    xapi2.post("activities/state", {"v": 1}, params=state_qs())
    etag = xapi2.get("activities/state", {"activityId": ACT, "agent": AGENT, "stateId": "bookmark"})["ETag"]
    ok = xapi2.put("activities/state", {"v": 2}, params=state_qs(), headers={"If-Match": etag})
    assert ok.status_code == 204
    stale = xapi2.put("activities/state", {"v": 3}, params=state_qs(), headers={"If-Match": etag})
    assert stale.status_code == 412
    assert "ETag" in stale.json()["message"]
    assert json.loads(bytes(Document.objects.get().content)) == {"v": 2}


def test_if_none_match_star_refuses_overwrite(xapi2):
    xapi2.post("activities/state", {"v": 1}, params=state_qs())
    response = xapi2.put("activities/state", {"v": 2}, params=state_qs(), headers={"If-None-Match": "*"})
    assert response.status_code == 412


def test_put_without_precondition_on_existing_document_is_409_in_2_0_but_allowed_for_state_in_1_0_3(xapi, xapi2):
    xapi2.post("activities/state", {"v": 1}, params=state_qs())
    response = xapi2.put("activities/state", {"v": 2}, params=state_qs())
    assert response.status_code == 409
    assert response.json()["message"]
    assert xapi.put("activities/state", {"v": 2}, params=state_qs()).status_code == 204


def test_activity_profile_put_without_etag_in_1_0_3(xapi):
    qs = f"?activityId={ACT}&profileId=p1"
    assert xapi.put("activities/profile", {"x": 1}, params=qs).status_code == 400  # new document, no header
    assert xapi.put("activities/profile", {"x": 1}, params=qs, headers={"If-None-Match": "*"}).status_code == 204
    assert xapi.put("activities/profile", {"x": 2}, params=qs).status_code == 409
    ids = xapi.get("activities/profile", {"activityId": ACT}).json()
    assert ids == ["p1"]


def test_agent_profile_delete_with_if_match(xapi2):
    from urllib.parse import urlencode

    qs = "?" + urlencode({"agent": AGENT, "profileId": "prefs"})
    xapi2.post("agents/profile", {"lang": "zh"}, params=qs)
    etag = xapi2.get("agents/profile", {"agent": AGENT, "profileId": "prefs"})["ETag"]
    assert xapi2.delete("agents/profile", params=qs, headers={"If-Match": '"0000"'}).status_code == 412
    assert xapi2.delete("agents/profile", params=qs, headers={"If-Match": etag}).status_code == 204
    assert xapi2.get("agents/profile", {"agent": AGENT, "profileId": "prefs"}).status_code == 404


def test_state_delete_all_for_agent_and_activity(xapi):
    xapi.post("activities/state", {"v": 1}, params=state_qs("a"))
    xapi.post("activities/state", {"v": 1}, params=state_qs("b"))
    assert xapi.get("activities/state", {"activityId": ACT, "agent": AGENT}).json() == ["a", "b"]
    from urllib.parse import urlencode

    assert (
        xapi.delete("activities/state", params="?" + urlencode({"activityId": ACT, "agent": AGENT})).status_code == 204
    )
    assert Document.objects.count() == 0


def test_state_delete_all_honours_if_match_and_if_none_match(xapi2):
    from urllib.parse import urlencode

    all_qs = "?" + urlencode({"activityId": ACT, "agent": AGENT})
    # nothing stored yet: If-Match fails (no resource), If-None-Match: * passes
    assert xapi2.delete("activities/state", params=all_qs, headers={"If-Match": "*"}).status_code == 412
    assert xapi2.delete("activities/state", params=all_qs, headers={"If-None-Match": "*"}).status_code == 204
    xapi2.post("activities/state", {"v": 1}, params=state_qs("a"))
    xapi2.post("activities/state", {"v": 1}, params=state_qs("b"))
    listed = xapi2.get("activities/state", {"activityId": ACT, "agent": AGENT})
    assert listed.json() == ["a", "b"]
    etag = listed["ETag"]
    # another client changes one document: the ETag read before is stale, nothing is deleted
    xapi2.post("activities/state", {"w": 2}, params=state_qs("b"))
    assert xapi2.delete("activities/state", params=all_qs, headers={"If-Match": etag}).status_code == 412
    assert xapi2.delete("activities/state", params=all_qs, headers={"If-None-Match": "*"}).status_code == 412
    assert Document.objects.count() == 2
    fresh = xapi2.get("activities/state", {"activityId": ACT, "agent": AGENT})["ETag"]
    assert fresh != etag
    assert xapi2.delete("activities/state", params=all_qs, headers={"If-None-Match": fresh}).status_code == 412
    assert xapi2.delete("activities/state", params=all_qs, headers={"If-Match": fresh}).status_code == 204
    assert Document.objects.count() == 0


def test_state_requires_valid_agent(xapi):
    response = xapi.get("activities/state", {"activityId": ACT, "agent": "{bad", "stateId": "x"})
    assert response.status_code == 400


def test_activities_resource_merges_definitions(xapi):
    xapi.post("statements", statement(object={"id": ACT, "definition": {"name": {"en-US": "Lesson 1"}}}))
    xapi.post("statements", statement(object={"id": ACT, "definition": {"name": {"zh-CN": "第一课"}}}))
    got = xapi.get("activities", {"activityId": ACT}).json()
    assert got["definition"]["name"] == {"en-US": "Lesson 1", "zh-CN": "第一课"}


def test_agents_resource_returns_person(xapi):
    got = xapi.get("agents", {"agent": json.dumps({"name": "Ada", "mbox": "mailto:ada@example.com"})}).json()
    assert got == {"objectType": "Person", "name": ["Ada"], "mbox": ["mailto:ada@example.com"]}
