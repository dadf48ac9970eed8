"""multipart/mixed bodies of statements with attachments (parse requests, build responses), and signed
statement (JWS) checks."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from typing import Any

from jiaoyun.learning.xapi import validate as v
from jiaoyun.learning.xapi.errors import XapiError

BOUNDARY_RE = re.compile(r'boundary="?([^";]+)"?', re.I)


def parse(body: bytes, content_type_header: str) -> tuple[bytes, dict[str, tuple[str, bytes]]]:
    """Split a multipart/mixed request: the first part (statements JSON) and attachments by SHA-256 hash."""
    m = BOUNDARY_RE.search(content_type_header)
    if not m:
        raise XapiError(400, "multipart/mixed 请求缺少 boundary")
    delim = b"--" + m.group(1).encode()
    chunks = body.split(delim)
    if len(chunks) < 3:
        raise XapiError(400, "multipart/mixed 请求体格式错误")
    parts: list[tuple[dict[str, str], bytes]] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition(b"\n\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip():
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, content))
    if not parts:
        raise XapiError(400, "multipart/mixed 请求没有内容")
    first_headers, first = parts[0]
    if not first_headers.get("content-type", "").lower().startswith("application/json"):
        raise XapiError(400, "multipart/mixed 的第一部分必须是 application/json 语句")
    files: dict[str, tuple[str, bytes]] = {}
    for headers, content in parts[1:]:
        declared = headers.get("x-experience-api-hash")
        if not declared:
            raise XapiError(400, "附件部分缺少 X-Experience-API-Hash 请求头")
        if headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise XapiError(400, "附件部分的 Content-Transfer-Encoding 必须是 binary")
        actual = hashlib.sha256(content).hexdigest()
        if declared.lower() != actual:
            raise XapiError(400, f"附件内容的 SHA-256 与声明的哈希不符（声明 {declared[:12]}…，实际 {actual[:12]}…）")
        files[actual] = (headers.get("content-type", "application/octet-stream"), content)
    return first, files


def build(statements_json: str, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """Build a multipart/mixed response; returns (body, content type header)."""
    boundary = secrets.token_hex(16)
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), statements_json.encode("utf-8")]
    for sha2, ctype, content in files:
        out.append(
            f"\r\n--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        out.append(content)
    out.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(out), f'multipart/mixed; boundary="{boundary}"'


def _b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


SIGNATURE_IGNORED = ("id", "authority", "stored", "version", "attachments", "timestamp")
SECONDS_RE = re.compile(r"(\d+)\.(\d+)S$")


def _comparable(st: dict[str, Any]) -> dict[str, Any]:
    """Properties compared with a signature; durations compared to 0.01 s precision."""
    out = {k: val for k, val in st.items() if k not in SIGNATURE_IGNORED}
    result = out.get("result")
    if isinstance(result, dict) and isinstance(result.get("duration"), str):
        out["result"] = dict(
            result, duration=SECONDS_RE.sub(lambda m: f"{m.group(1)}.{m.group(2)[:2]:0<2}S", result["duration"])
        )
    v.normalise_context_activities(out)
    return out


def check_signatures(statement: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> None:
    """A signed statement: its signature attachment must be a JWS (RS256/384/512) whose payload matches it."""
    for a in statement.get("attachments", []):
        if a.get("usageType") != v.SIGNATURE_USAGE:
            continue
        if a.get("contentType") != "application/octet-stream":
            raise XapiError(400, "签名附件的 contentType 必须是 application/octet-stream")
        if a["sha2"] not in files:
            raise XapiError(400, "签名附件缺少内容")
        token = files[a["sha2"]][1].decode("ascii", "replace").strip()
        pieces = token.split(".")
        if len(pieces) != 3:
            raise XapiError(400, "签名不是 JWS 紧凑序列化格式")
        try:
            header = json.loads(_b64url(pieces[0]))
            payload = json.loads(_b64url(pieces[1]))
        except ValueError as exc:
            raise XapiError(400, "签名的 JWS 头或载荷无法解析") from exc
        if header.get("alg") not in ("RS256", "RS384", "RS512"):
            raise XapiError(400, f"签名算法必须是 RS256/RS384/RS512，得到 {header.get('alg')!r}")
        if not isinstance(payload, dict):
            raise XapiError(400, "签名载荷不是语句")
        if _comparable(statement) != _comparable(payload):
            raise XapiError(400, "签名载荷与语句内容不一致")
        _verify_x5c(header, pieces)


def _verify_x5c(header: dict[str, Any], pieces: list[str]) -> None:
    """When the JWS carries its certificate (x5c), verify the RSA signature with it."""
    chain = header.get("x5c")
    if not chain:
        return
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
    except ValueError as exc:
        raise XapiError(400, "签名证书（x5c）无法解析") from exc
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise XapiError(400, "签名证书不是 RSA 公钥")
    algo = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}[header["alg"]]
    try:
        key.verify(_b64url(pieces[2]), f"{pieces[0]}.{pieces[1]}".encode(), padding.PKCS1v15(), algo)
    except InvalidSignature as exc:
        raise XapiError(400, "签名校验失败") from exc
