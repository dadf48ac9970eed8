"""Configuration hardening: ID encryption fails closed without SM4, security headers, cookies, CSP, files."""

import base64
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

from jiaoyun.core import idcard

ID = "530521201509010019"


@pytest.fixture
def no_sm4(monkeypatch):
    class Missing:
        def __init__(self, key):
            raise ValueError("SM4 is not supported by this OpenSSL")

    monkeypatch.setattr(idcard.algorithms, "SM4", Missing)
    idcard._sm4.cache_clear()
    yield
    idcard._sm4.cache_clear()


def test_without_sm4_encryption_fails_closed(no_sm4):
    with pytest.raises(ImproperlyConfigured, match="SM4"):
        idcard.encrypt(ID)


def test_without_sm4_the_start_up_check_refuses(no_sm4):
    from jiaoyun.core.apps import check_configuration

    with pytest.raises(ImproperlyConfigured, match="SM4"):
        check_configuration()


def test_tokens_are_always_sm4(settings):
    token = idcard.encrypt(ID)
    assert base64.b64decode(token)[:1] == b"S" and idcard.decrypt(token) == ID


def test_old_aes_tokens_can_still_be_read(settings):
    enc_key, _ = idcard._keys(settings.DATA_KEY)
    nonce = os.urandom(12)
    token = base64.b64encode(b"A" + nonce + AESGCM(enc_key).encrypt(nonce, ID.encode(), None)).decode()
    assert idcard.decrypt(token) == ID


# -- headers and cookies ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client, county_admin):
    client.force_login(county_admin)
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    script_src = directives["script-src"].split()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    nonce = next(s for s in script_src if s.startswith("'nonce-"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    # A new nonce for every response.
    assert nonce not in client.get("/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_no_template_has_an_inline_script_or_event_handler():
    """The policy runs no inline code: every <script> has a src (or is a JSON data block, or carries the nonce)
    and no element has an on…= handler or a javascript: URL."""
    import re
    from pathlib import Path

    from django.conf import settings

    bad = []
    for path in Path(settings.BASE_DIR, "jiaoyun").rglob("templates/**/*.html"):
        if "/pdf/" in str(path):  # rendered to PDF on the server, never by a browser
            continue
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag and "csp_nonce" not in tag:
                bad.append(f"{path.name}: {tag}")
        bad += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        bad += [f"{path.name}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert not bad, bad


def test_hsts_and_secure_cookies_outside_debug(monkeypatch, tmp_path):
    """Settings as production loads them (DEBUG off, nothing set): Secure, HttpOnly, SameSite=Lax cookies and
    a year of HSTS; with DEBUG on, plain-HTTP development still works."""
    prod = load_settings(monkeypatch, tmp_path, DEBUG="false")
    assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
    assert prod.SESSION_COOKIE_HTTPONLY and prod.CSRF_COOKIE_HTTPONLY
    assert prod.SESSION_COOKIE_SAMESITE == prod.CSRF_COOKIE_SAMESITE == "Lax"
    assert prod.SECURE_HSTS_SECONDS >= 31_536_000
    dev = load_settings(monkeypatch, tmp_path, DEBUG="true")
    assert not dev.SESSION_COOKIE_SECURE and dev.SECURE_HSTS_SECONDS == 0


@pytest.mark.django_db
def test_cookies_set_by_login_are_secure_and_http_only(client, county_admin, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True  # the values outside DEBUG
    client.get("/login/")
    response = client.post("/login/", {"username": "county_admin", "password": "Jiaoyun2021"}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.get("/login/", secure=True).cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db
def test_hsts_header_on_https(client, county_admin, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    client.force_login(county_admin)
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"


# -- request size ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_oversized_requests_are_refused_before_reading(client, county_admin, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client.force_login(county_admin)
    response = client.post("/people/students/new/", data=b"x" * 2000, content_type="application/octet-stream")
    assert response.status_code == 413 and "上限" in response.content.decode()


@pytest.mark.django_db
def test_imports_keep_their_own_larger_limit(client, county_admin, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    settings.JIAOYUN = {**settings.JIAOYUN, "IMPORT_MAX_BYTES": 5000}
    client.force_login(county_admin)
    ok = client.post("/exchange/students/upload/", data=b"x" * 2000, content_type="application/octet-stream")
    assert ok.status_code != 413
    big = client.post("/exchange/students/upload/", data=b"x" * 6000, content_type="application/octet-stream")
    assert big.status_code == 413


def test_request_body_limits_are_not_300_mb():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 20 * 1024 * 1024
    assert settings.UPLOAD_MAX_BYTES <= 20 * 1024 * 1024


# -- the API schema ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs"])
def test_the_api_schema_and_docs_need_a_login(client, county_admin, path):
    anonymous = client.get(path)
    assert anonymous.status_code in (401, 302)
    if anonymous.status_code == 302:
        assert "/login/" in anonymous["Location"]
    client.force_login(county_admin)
    assert client.get(path).status_code == 200


# -- var/ and key files -----------------------------------------------------------------------------------


def load_settings(monkeypatch, tmp_path, **env):
    """Import config/settings.py afresh with the given environment (a new var/ under tmp_path)."""
    import importlib.util
    import stat  # noqa: F401

    from django.conf import settings as live

    for name in ("SECRET_KEY", "DATA_KEY", "SECRET_KEY_FILE", "DATA_KEY_FILE", "SESSION_COOKIE_SECURE",
                 "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIAOYUN_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'db.sqlite3'}")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("fresh_settings", str(live.BASE_DIR / "config" / "settings.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_var_and_generated_keys_are_owner_only(monkeypatch, tmp_path):
    import stat

    old = os.umask(0o022)  # the usual umask, which would leave files world-readable
    try:
        fresh = load_settings(monkeypatch, tmp_path)
    finally:
        os.umask(old)
    var = tmp_path / "var"
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for name in ("secret_key", "data_key"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600
    assert (var / "data_key").read_text() == fresh.DATA_KEY and len(fresh.DATA_KEY) > 40


def test_an_existing_world_readable_var_is_tightened(monkeypatch, tmp_path):
    import stat

    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    (var / "data_key").write_text("k" * 64)
    (var / "data_key").chmod(0o644)
    fresh = load_settings(monkeypatch, tmp_path)
    assert fresh.DATA_KEY == "k" * 64
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "data_key").stat().st_mode) == 0o600


def test_keys_may_come_from_files(monkeypatch, tmp_path):
    (tmp_path / "dk").write_text("data-key-from-a-file\n")
    (tmp_path / "sk").write_text("secret-key-from-a-file\n")
    fresh = load_settings(
        monkeypatch, tmp_path, DATA_KEY_FILE=str(tmp_path / "dk"), SECRET_KEY_FILE=str(tmp_path / "sk")
    )
    assert fresh.DATA_KEY == "data-key-from-a-file" and fresh.SECRET_KEY == "secret-key-from-a-file"
    assert not (tmp_path / "var" / "data_key").exists()
