from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from jiaoyun.learning.services import lrs_client_create


class Xapi:
    """A test client speaking xAPI: Basic auth, version header, JSON bodies."""

    def __init__(self, key: str, secret: str, version: str = "1.0.3") -> None:
        self.client = Client()
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.version = version

    def headers(self, extra: dict[str, str] | None = None, version: str | None = None) -> dict[str, str]:
        h = {"Authorization": self.auth}
        v = self.version if version is None else version
        if v:
            h["X-Experience-API-Version"] = v
        h.update(extra or {})
        return h

    def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        extra = {"REMOTE_ADDR": kw.pop("REMOTE_ADDR")} if "REMOTE_ADDR" in kw else {}
        return self.client.get(
            f"/xapi/{path}", params or {}, headers=self.headers(kw.pop("headers", None), **kw), **extra
        )

    def post(self, path: str, data: Any, params: str = "", content_type: str = "application/json", **kw: Any) -> Any:
        body = data if isinstance(data, bytes | str) else json.dumps(data)
        return self.client.post(
            f"/xapi/{path}{params}",
            body,
            content_type=content_type,
            headers=self.headers(kw.pop("headers", None), **kw),
        )

    def put(self, path: str, data: Any, params: str = "", content_type: str = "application/json", **kw: Any) -> Any:
        body = data if isinstance(data, bytes | str) else json.dumps(data)
        return self.client.put(
            f"/xapi/{path}{params}",
            body,
            content_type=content_type,
            headers=self.headers(kw.pop("headers", None), **kw),
        )

    def delete(self, path: str, params: str = "", **kw: Any) -> Any:
        return self.client.delete(f"/xapi/{path}{params}", headers=self.headers(kw.pop("headers", None), **kw))


@pytest.fixture
def lrs_client(school_a):
    client, secret = lrs_client_create(name="甸阳镇中心小学智慧课堂", school_ids=[school_a.pk])
    client.plain_secret = secret
    return client


@pytest.fixture
def xapi(lrs_client):
    return Xapi(lrs_client.key, lrs_client.plain_secret)


@pytest.fixture
def xapi2(lrs_client):
    return Xapi(lrs_client.key, lrs_client.plain_secret, version="2.0.0")


def statement(**overrides: Any) -> dict[str, Any]:
    st: dict[str, Any] = {
        "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"id": "http://example.com/activities/lesson-1", "definition": {"name": {"zh-CN": "第一课"}}},
    }
    st.update(overrides)
    return st
