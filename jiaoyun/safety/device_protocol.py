"""How a device signs a message to ``/devices/…`` (see docs/security/devices.md).

Every request carries four headers::

    X-Device-Serial:     ALM-0001
    X-Device-Timestamp:  1764547200            (Unix seconds, UTC, when the message was signed)
    X-Device-Nonce:      4f1c0e…               (16–100 characters [A-Za-z0-9_-], never reused by the device)
    X-Device-Signature:  hex HMAC-SHA256(key, canonical)

    key       = SHA-256(token) as 64 lowercase hex characters, UTF-8 encoded
    canonical = METHOD "\\n" PATH "\\n" TIMESTAMP "\\n" NONCE "\\n" hex SHA-256(body)

The token itself never travels: the device keeps it, the server keeps only its SHA-256, which is the HMAC key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

SERIAL = "X-Device-Serial"
TIMESTAMP = "X-Device-Timestamp"
NONCE = "X-Device-Nonce"
SIGNATURE = "X-Device-Signature"
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,100}$")


def signing_key(token_hash: str) -> bytes:
    """The HMAC key of a device: the hex SHA-256 of its token (what the server stores)."""
    return token_hash.encode("ascii")


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest())).encode("utf-8")


def signature(key: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(key, canonical(method, path, timestamp, nonce, body), hashlib.sha256).hexdigest()


def sign(
    *,
    serial: str,
    token: str,
    method: str,
    path: str,
    body: bytes,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers device ``serial`` holding ``token`` sends with ``body`` (client side: the simulator, tests)."""
    from jiaoyun.safety.services.devices import token_hash

    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    return {
        SERIAL: serial,
        TIMESTAMP: ts,
        NONCE: nonce,
        SIGNATURE: signature(signing_key(token_hash(token)), method, path, ts, nonce, body),
    }
