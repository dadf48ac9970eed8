"""Backup of a populated installation restored into a fresh, empty one: same rows, same files, and the ID
numbers still decrypt with the restored data key."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record
from jiaoyun.core.backup import decrypt_key, encrypt_key, restore
from jiaoyun.core.errors import DomainError
from jiaoyun.people.tests.factories import StudentFactory

ID = "530521201509010019"


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


def fresh_env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATA_KEY", "SECRET_KEY", "DATA_KEY_FILE",
                                                            "SECRET_KEY_FILE", "MEDIA_ROOT", "AUDIT_ARCHIVE_DIR")}  # fmt: skip
    env.update(DATABASE_URL=f"sqlite:///{root / 'var' / 'db.sqlite3'}", JIAOYUN_VAR_DIR=str(root / "var"),
               MEDIA_ROOT=str(root / "media"), DJANGO_SETTINGS_MODULE="config.settings")  # fmt: skip
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A fresh installation on SQLite (``manage.py migrate`` into an empty ``var/``: the database and its generated
    keys), made once per module; each test restores into a copy of it (``installation``), which is the same files
    as migrating again (the whole migration history, the most expensive step of these tests)."""
    sqlite_only()
    root = tmp_path_factory.mktemp("fresh")
    done = manage(fresh_env(root), "migrate", "-v", "0")
    assert done.returncode == 0, done.stderr
    return root


def installation(migrated: Path, root: Path) -> dict:
    """A copy of the freshly migrated installation at ``root``; its environment."""
    shutil.copytree(migrated / "var", root / "var")
    return fresh_env(root)


@pytest.fixture
def populated(tmp_path, settings, county_admin, school_a):
    settings.MEDIA_ROOT = str(tmp_path / "old-media")
    settings.JIAOYUN = {**settings.JIAOYUN, "AUDIT_ARCHIVE_DIR": str(tmp_path / "old-archive")}
    for n in range(3):
        StudentFactory(name=f"学生{n}", id_number=idcard.make("530521", __import__("datetime").date(2015, 9, 1), n))
    StudentFactory(name="张小明", id_number=ID)
    audit_record(actor=county_admin, action="update", object_type="people.Student", object_id="1", note="改")
    evidence = Path(settings.MEDIA_ROOT) / "dropout" / "evidence"
    evidence.mkdir(parents=True)
    (evidence / "证明.pdf").write_bytes(b"%PDF-1.4 " + os.urandom(5000))
    (Path(settings.MEDIA_ROOT) / "imports").mkdir()
    (Path(settings.MEDIA_ROOT) / "imports" / "roster.xlsx").write_bytes(os.urandom(2000))
    return tmp_path


def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("restores into a fresh SQLite installation (PostgreSQL: see the test below)")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("portable", [False, True], ids=["sqlite-backup-api", "serialised"])
def test_backup_then_restore_into_an_empty_installation(migrated, populated, portable):
    tmp = populated
    out = tmp / "backup"
    call_command("backup", to=str(out), portable=portable, stdout=__import__("io").StringIO())
    manifest = __import__("json").loads((out / "manifest.json").read_text())
    db_file = "db.json.gz" if portable else "db.sqlite3"
    assert manifest["database"] == db_file and manifest["counts"]["people_student"] == 4
    assert oct((out / "data_key").stat().st_mode & 0o777) == "0o600" and oct(out.stat().st_mode & 0o777) == "0o700"
    assert {"media/dropout/evidence/证明.pdf", "media/imports/roster.xlsx", db_file, "data_key"} <= set(
        manifest["files"]
    )

    new = tmp / "new"
    env = installation(migrated, new)
    restored = manage(env, "restore", "--from", str(out))
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert "行数与校验和均一致" in restored.stdout

    # Row counts: every table of the source (as backed up) has the same rows in the new database.
    db = sqlite3.connect(new / "var" / "db.sqlite3")
    try:
        for table, n in manifest["counts"].items():
            assert db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == n, table
        cipher = db.execute("SELECT id_cipher FROM people_student WHERE name = '张小明'").fetchone()[0]
    finally:
        db.close()
    # Files: same bytes.
    for rel in ("dropout/evidence/证明.pdf", "imports/roster.xlsx"):
        assert sha(new / "media" / rel) == sha(Path(settings.MEDIA_ROOT) / rel)
    # The data key: restored owner-only, and it decrypts the ID number stored by the old installation.
    key_file = new / "var" / "data_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.read_text() == settings.DATA_KEY
    other = settings.DATA_KEY
    try:
        settings.DATA_KEY = key_file.read_text()
        assert idcard.decrypt(cipher) == ID
    finally:
        settings.DATA_KEY = other
    # The restored installation reads its audit log with the restored key: the chain verifies.
    verified = manage(env, "audit_verify")
    assert verified.returncode == 0, verified.stderr
    # A second restore is refused: the installation is no longer empty.
    again = manage(env, "restore", "--from", str(out))
    assert again.returncode != 0 and "只能恢复到空的安装" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_or_a_used_installation(populated, monkeypatch):
    out = populated / "backup"
    call_command("backup", to=str(out), stdout=__import__("io").StringIO())
    with pytest.raises(DomainError, match="只能恢复到空的安装"):
        restore(source=out)
    (out / "media" / "imports" / "roster.xlsx").write_bytes(b"changed")
    with pytest.raises(DomainError, match="roster.xlsx的SHA-256与清单不符"):
        restore(source=out)


def test_the_data_key_can_be_encrypted_with_a_passphrase():
    blob = encrypt_key("the-data-key", "correct horse battery staple")
    assert "the-data-key" not in str(blob) and blob["cipher"] == "SM4-GCM"
    assert decrypt_key(blob, "correct horse battery staple") == "the-data-key"
    with pytest.raises(DomainError, match="口令不正确"):
        decrypt_key(blob, "wrong")


@pytest.mark.django_db(transaction=True)
def test_an_encrypted_key_backup_needs_its_passphrase(migrated, populated, monkeypatch):
    monkeypatch.setenv("JY_BACKUP_PASS", "correct horse battery staple")
    out = populated / "backup"
    call_command("backup", to=str(out), passphrase_env="JY_BACKUP_PASS", stdout=__import__("io").StringIO())
    assert not (out / "data_key").exists()
    assert settings.DATA_KEY not in (out / "data_key.enc").read_text()
    new = populated / "new"
    env = installation(migrated, new)
    refused = manage(env, "restore", "--from", str(out))
    assert refused.returncode != 0 and "passphrase-env" in refused.stderr
    env["JY_BACKUP_PASS"] = "correct horse battery staple"
    ok = manage(env, "restore", "--from", str(out), "--passphrase-env", "JY_BACKUP_PASS")
    assert ok.returncode == 0, ok.stderr
    assert (new / "var" / "data_key").read_text() == settings.DATA_KEY


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("portable", [False, True], ids=["pg_dump", "serialised"])
def test_postgresql_backup_restores_into_an_empty_database(populated, portable):
    """PostgreSQL: pg_dump of one snapshot (or Django's serialisation), restored into a new, migrated database."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import uuid

    import psycopg

    conf = connection.settings_dict
    name = f"{conf['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    admin = {"host": conf["HOST"], "port": conf["PORT"] or 5432, "user": conf["USER"], "password": conf["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        out = populated / "backup"
        call_command("backup", to=str(out), portable=portable, stdout=__import__("io").StringIO())
        manifest = __import__("json").loads((out / "manifest.json").read_text())
        assert manifest["database"] == ("db.json.gz" if portable else "db.pgdump")
        env = fresh_env(populated / "new")
        env["DATABASE_URL"] = f"postgres://{conf['USER']}:{conf['PASSWORD']}@{conf['HOST']}:{admin['port']}/{name}"
        assert manage(env, "migrate", "-v", "0").returncode == 0
        restored = manage(env, "restore", "--from", str(out))
        assert restored.returncode == 0, restored.stderr + restored.stdout
        with psycopg.connect(dbname=name, **admin) as c:
            for table, n in manifest["counts"].items():
                assert c.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == n, table
            cipher = c.execute("SELECT id_cipher FROM people_student WHERE name = '张小明'").fetchone()[0]
        other = settings.DATA_KEY
        try:
            settings.DATA_KEY = (populated / "new" / "var" / "data_key").read_text()
            assert idcard.decrypt(cipher) == ID
        finally:
            settings.DATA_KEY = other
        assert manage(env, "audit_verify").returncode == 0
    finally:
        _drop_database(admin, name)


def _drop_database(admin: dict, name: str) -> None:
    """Drop the scratch database; wait out an autovacuum worker the restore's inserts woke.

    A role that is not a superuser cannot end an autovacuum worker on PostgreSQL 15 (``WITH (FORCE)``
    then fails with InsufficientPrivilege), so the drop is retried until the worker has finished.
    """
    import time

    import psycopg

    deadline = time.monotonic() + 120
    while True:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as c:
            try:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
                if time.monotonic() > deadline:
                    raise
        time.sleep(0.5)
