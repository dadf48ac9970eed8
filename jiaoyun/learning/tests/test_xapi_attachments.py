"""Attachments (multipart/mixed, SHA-256 matching) and signed statements."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from jiaoyun.learning.models import Attachment, Statement
from jiaoyun.learning.tests.conftest import statement

pytestmark = pytest.mark.django_db

BOUNDARY = "abc123boundary"


def body(st: dict, parts: list[tuple[str, bytes, str]]) -> bytes:
    out = [f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{json.dumps(st)}".encode()]
    for ctype, content, declared in parts:
        out.append(
            f"\r\n--{BOUNDARY}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {declared}\r\n\r\n".encode()
            + content
        )
    out.append(f"\r\n--{BOUNDARY}--".encode())
    return b"".join(out)


def with_attachment(content: bytes, **extra) -> dict:
    return statement(
        attachments=[
            {
                "usageType": "http://example.com/attachment-usage/test",
                "display": {"zh-CN": "作业照片"},
                "contentType": "text/plain",
                "length": len(content),
                "sha2": hashlib.sha256(content).hexdigest(),
                **extra,
            }
        ]
    )


def test_attachment_round_trip(xapi):
    content = "作业：第一题".encode()
    sha = hashlib.sha256(content).hexdigest()
    response = xapi.post(
        "statements",
        body(with_attachment(content), [("text/plain", content, sha)]),
        content_type=f"multipart/mixed; boundary={BOUNDARY}",
    )
    assert response.status_code == 200, response.content
    sid = response.json()[0]
    assert bytes(Attachment.objects.get(sha2=sha).content) == content
    got = xapi.get("statements", {"statementId": sid, "attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed")
    assert content in got.content and f"X-Experience-API-Hash: {sha}".encode() in got.content


def test_attachment_hash_mismatch_is_refused(xapi):
    content = b"hello"
    response = xapi.post(
        "statements",
        body(with_attachment(content), [("text/plain", b"tampered", hashlib.sha256(content).hexdigest())]),
        content_type=f"multipart/mixed; boundary={BOUNDARY}",
    )
    assert response.status_code == 400
    assert "SHA-256" in response.json()["message"]
    assert Statement.objects.count() == 0 and Attachment.objects.count() == 0


def test_attachment_without_content_or_file_url_is_refused(xapi):
    assert xapi.post("statements", with_attachment(b"hello")).status_code == 400
    ok = with_attachment(b"hello", fileUrl="http://example.com/file.txt")
    assert xapi.post("statements", ok).status_code == 200


def _jws(payload: dict, alg: str = "RS256") -> bytes:
    def b64(d: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{b64({'alg': alg})}.{b64(payload)}.c2ln".encode()


def _signed(st: dict, token: bytes) -> tuple[dict, bytes]:
    st = dict(st)
    st["attachments"] = [
        {
            "usageType": "http://adlnet.gov/expapi/attachments/signature",
            "display": {"en-US": "Signature"},
            "contentType": "application/octet-stream",
            "length": len(token),
            "sha2": hashlib.sha256(token).hexdigest(),
        }
    ]
    return st, body(st, [("application/octet-stream", token, hashlib.sha256(token).hexdigest())])


def test_signed_statement_payload_must_match(xapi2):
    st = statement()
    _, good = _signed(st, _jws(st))
    ok = xapi2.post("statements", good, content_type=f"multipart/mixed; boundary={BOUNDARY}")
    assert ok.status_code == 200, ok.content
    other = dict(st, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    _, bad = _signed(st, _jws(other))
    response = xapi2.post("statements", bad, content_type=f"multipart/mixed; boundary={BOUNDARY}")
    assert response.status_code == 400
    assert "签名" in response.json()["message"]
    _, bad_alg = _signed(st, _jws(st, alg="HS256"))
    assert xapi2.post("statements", bad_alg, content_type=f"multipart/mixed; boundary={BOUNDARY}").status_code == 400
