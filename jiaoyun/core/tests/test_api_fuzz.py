"""API fuzzing: schemathesis generates requests from the published OpenAPI schema for every operation, and they
are sent through Django's test client (in-process, no network) as several logged-in personas.

Every answer must be no server error, have the declared content type and, when the schema declares the
status, match the declared schema. Bad input must be refused with 4xx (a Chinese message), never a 500.
The run is derandomised (same cases on every run) and sized to ≥ 1,000 cases.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from jiaoyun.people.tests.fixtures import *  # noqa: F403 - the students and teachers of the small county

PERSONAS = ["county_admin", "township_officer", "class_teacher", "village_cadre"]
EXAMPLES = 6  # valid requests per operation and persona: 49 operations × 4 personas × 6 ≈ 1,170 cases
NEGATIVE_EXAMPLES = 2  # and invalid ones (wrong types, missing fields): refused with 4xx, never a 500
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
SENT: list[int] = []


def _send(client: Client, case: Any) -> Response:
    """Send a schemathesis case through the Django test client; return the answer as schemathesis reads it."""
    path = case.formatted_path
    url = "/api" + path if not path.startswith("/api") else path
    query = {k: v for k, v in (case.query or {}).items() if v is not None}
    if query:
        url += "?" + urlencode(query, doseq=True)
    method = case.method.upper()
    body = None if isinstance(case.body, NotSet) else case.body
    if method == "POST" and case.media_type == "multipart/form-data":
        data = {k: v for k, v in dict(body or {}).items() if v is not None}
        response = client.post(url, data)
    elif body is not None and method != "GET":
        response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
    else:
        response = client.generic(method, url)
    SENT.append(response.status_code)
    return Response(
        status_code=response.status_code,
        headers={k: [v] for k, v in response.items()},
        content=response.content,
        request=requests.Request(method, "http://testserver" + url).prepare(),
        elapsed=0.0,
        verify=True,
        encoding="utf-8",
    )


def _fuzz(operation: Any, client: Client, mode: GenerationMode, examples: int) -> None:
    checks = CHECKS if mode == GenerationMode.POSITIVE else [not_a_server_error]

    @given(case=operation.as_strategy(generation_mode=mode))
    @hsettings(
        max_examples=examples, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        case.validate_response(_send(client, case), checks=checks)

    run()


@pytest.fixture
def schema(client, county_admin):
    client.force_login(county_admin)
    return schemathesis.openapi.from_dict(client.get("/api/openapi.json").json())


def test_fuzzing_the_api_finds_no_server_error_and_no_broken_schema(
    db, request, schema, students, teacher_a, teacher_b, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    started = time.monotonic()
    SENT.clear()
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        client.force_login(request.getfixturevalue(persona))
        for operation in operations:
            try:
                _fuzz(operation, client, GenerationMode.POSITIVE, EXAMPLES)
                _fuzz(operation, client, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)
            except Exception as exc:
                raise AssertionError(f"{operation.method.upper()} {operation.path} as {persona}: {exc}") from exc
    elapsed = time.monotonic() - started
    assert len(SENT) >= 1000, f"only {len(SENT)} cases were generated"
    assert not [s for s in SENT if s >= 500]
    print(f"API fuzzing: {len(SENT)} cases in {elapsed:.1f} s")


@pytest.mark.parametrize(
    ("url", "statuses"),
    [
        # was a 500 on SQLite (OverflowError); PostgreSQL compares it as a numeric and finds nothing
        ("/api/areas/?parent=471291020131666139021312", {400, 200}),
        ("/api/exchange/batches?offset=23807161448306593984214466560", {422}),  # was a 500 (datatype mismatch)
        ("/api/people/students/471291020131666139021312", {404}),
    ],
)
def test_numbers_too_large_for_the_database_are_bad_input(client, county_admin, url, statuses):
    client.force_login(county_admin)
    response = client.get(url)
    assert response.status_code in statuses
    if response.status_code >= 400:
        assert response.json()["detail"]


def test_no_two_api_schemas_share_a_name(client, county_admin):
    """Two schema classes of one name (people's and dropout's ``EventOut``) made the OpenAPI document describe
    one operation's answer with the other's fields."""
    client.force_login(county_admin)
    doc = client.get("/api/openapi.json").json()
    events = doc["paths"]["/api/people/students/{student_id}/events"]["get"]["responses"]["200"]
    ref = events["content"]["application/json"]["schema"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert "kind" in doc["components"]["schemas"][ref]["properties"]
