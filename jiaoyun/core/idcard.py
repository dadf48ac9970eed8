"""身份证号 (GB 11643-1999 citizen ID numbers): validation, masking, encryption and matching.

The same storage, matching and masking serve every number that embeds or is an ID number: the 全国学籍号
(``G`` + the 18-character ID number) included.

* Validation follows GB 11643: 17 digits, then an ISO 7064 MOD 11-2 check character (0-9 or X);
  the birth date (positions 7-14) must be a real date not in the future.
* Stored encrypted with SM4-GCM (国密) and matched through a keyed HMAC-SM3, both keyed from
  ``settings.DATA_KEY`` through HKDF, so equal numbers match without ever being stored in clear.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac as std_hmac
import operator
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from jiaoyun.core.errors import DomainError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
FIELD = "身份证号"


def check_char(first17: str) -> str:
    if len(first17) != 17:
        raise ValueError("check_char needs the first 17 digits")
    return CHECK_CHARS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str

    @property
    def birth_date(self) -> dt.date:
        v = self.value
        return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))

    @property
    def sex(self) -> str:
        """'M' or 'F' from the order code (odd = male)."""
        return "M" if int(self.value[16]) % 2 == 1 else "F"

    @property
    def area_code(self) -> str:
        return self.value[:6]


def normalize(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def validate(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Return the normalized ID number or raise DomainError with the reason in Chinese."""
    value = normalize(raw)
    if not value:
        raise DomainError("不能为空", field=FIELD)
    if len(value) != 18:
        raise DomainError(f"应为18位，实际{len(value)}位", field=FIELD)
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise DomainError("前17位应为数字，末位应为数字或X", field=FIELD)
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise DomainError(f"出生日期{value[6:14]}不是有效日期", field=FIELD)
    if birth > (today or timezone.localdate()) or birth.year < 1900:
        raise DomainError(f"出生日期{birth.isoformat()}不合理", field=FIELD)
    expected = check_char(value[:17])
    if value[17] != expected:
        raise DomainError(f"校验码错误（末位应为{expected}）", field=FIELD)
    return IdNumber(value)


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except DomainError:
        return False
    return True


def mask(value: str) -> str:
    """Show only the first and the last character: ``5****************X`` (学籍号 ``G*****************X``).

    Nothing else is kept on purpose: the pages that show a masked number also show the birth date, the sex and
    the hukou village (whose code starts with the county's area code), so any kept digit of the area code, the
    birth date or the order code would let the number be rebuilt. With only the first and the check character
    kept, those facts still leave about 45 checksum-valid numbers (``docs/security/identity-numbers.md``).
    """
    v = normalize(value)
    if len(v) < 10:
        return "*" * len(v)
    return v[0] + "*" * (len(v) - 2) + v[-1]


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[bytes, bytes]:
    material = HKDF(algorithm=hashes.SHA256(), length=48, salt=b"jiaoyun-id", info=b"sm4+hmac").derive(
        master.encode("utf-8")
    )
    return material[:16], material[16:]


def _sm3_available() -> bool:
    try:
        crypto_hmac.HMAC(b"k", hashes.SM3())
    except Exception:  # pragma: no cover - depends on the OpenSSL build
        return False
    return True


SM3_AVAILABLE = _sm3_available()
try:  # OpenSSL's HMAC-SM3 through hashlib: one C call per number (imports hash millions of them)
    std_hmac.digest(b"k", b"x", "sm3")
    _HASHLIB_SM3 = True
except ValueError:  # pragma: no cover - depends on the OpenSSL build
    _HASHLIB_SM3 = False


@lru_cache(maxsize=4)
def _sm4(enc_key: bytes) -> algorithms.SM4:
    return algorithms.SM4(enc_key)


def sm4_check() -> None:
    """Raise ImproperlyConfigured unless this OpenSSL encrypts with SM4-GCM (run at start-up and on each use).

    ID numbers are never encrypted with anything else: there is no silent fallback to AES."""
    try:
        encryptor = Cipher(algorithms.SM4(b"\0" * 16), modes.GCM(b"\0" * 12)).encryptor()
        encryptor.update(b"x")
        encryptor.finalize()
    except Exception as exc:
        raise ImproperlyConfigured(
            f"身份证号加密需要SM4-GCM（国密），当前的OpenSSL/cryptography不支持：{exc}；"
            "请安装支持SM4的OpenSSL，不会改用其他算法"
        ) from exc


def match_hash(value: str) -> str:
    """Keyed HMAC-SM3 of the normalized number, hex; equal numbers give equal hashes."""
    _, mac_key = _keys(settings.DATA_KEY)
    data = normalize(value).encode("ascii")
    if _HASHLIB_SM3:
        return std_hmac.digest(mac_key, data, "sm3").hex()
    if SM3_AVAILABLE:  # pragma: no cover
        h = crypto_hmac.HMAC(mac_key, hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    return std_hmac.new(mac_key, data, hashlib.sha256).hexdigest()  # pragma: no cover


def encrypt(value: str) -> str:
    """SM4-GCM with a random 12-byte nonce; returns base64(nonce | ciphertext | tag)."""
    enc_key, _ = _keys(settings.DATA_KEY)
    nonce = os.urandom(12)
    data = normalize(value).encode("ascii")
    try:
        encryptor = Cipher(_sm4(enc_key), modes.GCM(nonce)).encryptor()
        body = encryptor.update(data) + encryptor.finalize() + encryptor.tag
    except Exception:  # OpenSSL without SM4: fail closed, never another cipher
        sm4_check()
        raise
    return base64.b64encode(b"S" + nonce + body).decode("ascii")


def decrypt(token: str) -> str:
    enc_key, _ = _keys(settings.DATA_KEY)
    raw = base64.b64decode(token)
    kind, nonce, body = raw[:1], raw[1:13], raw[13:]
    if kind == b"S":
        ciphertext, tag = body[:-16], body[-16:]
        decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
        return (decryptor.update(ciphertext) + decryptor.finalize()).decode("ascii")
    if kind == b"A":  # written by old versions that fell back to AES-GCM: still readable, never written again
        return AESGCM(enc_key).decrypt(nonce, body, None).decode("ascii")
    raise ValueError(f"unknown ID-number cipher tag {kind!r}")


def make(area_code: str, birth: dt.date, order: int) -> str:
    """Build a valid number (for synthetic data and tests): 6-digit area, birth date, 3-digit order."""
    first17 = f"{area_code[:6]}{birth:%Y%m%d}{order % 1000:03d}"
    return first17 + check_char(first17)
