"""Backup and restore of an installation: the database, the uploaded files, the audit archives and the data key.

A backup is a directory (created owner-only) holding

* the database: SQLite through its online backup API (``db.sqlite3``); PostgreSQL with ``pg_dump`` in custom
  format (``db.pgdump``) when the client is installed, else Django's serialisation (``db.json.gz``); both
  PostgreSQL forms read one snapshot, the same one the row counts are taken from;
* ``media/``: every file under ``MEDIA_ROOT``; ``audit-archive/``: the audit archive files;
* the data key (the key of ID-number encryption and of the audit chain; without it neither the ID numbers nor
  the audit log can be read or verified): ``data_key`` (0600), or ``data_key.enc`` encrypted with SM4-GCM under a
  scrypt key from a passphrase taken from an environment variable;
* ``manifest.json``: the database vendor and format, the rows of every table and the SHA-256 of every file.

``restore`` checks every checksum first, refuses an installation that is in use (a user, an audit entry or
an uploaded file), loads the database, copies the files, writes the data key (0600) and checks the row counts
and checksums again.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from jiaoyun.core.errors import DomainError

FORMAT_VERSION = 1
SCRYPT_N = 2**15


def _tables() -> list[str]:
    names = {
        m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy
    }
    return sorted(names & set(connection.introspection.table_names()))


def _count(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a quoted table name from the model registry)
    return int(cursor.fetchone()[0])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    if root.exists():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def _private_file(path: Path) -> Any:
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _copy_tree(src: Path, dst: Path) -> None:
    for path in _files(src):
        target = dst / path.relative_to(src)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(path, "rb") as f, _private_file(target) as out:
            shutil.copyfileobj(f, out, 1 << 20)


# -- the data key -----------------------------------------------------------------------------------------


def _scrypt(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=16, n=SCRYPT_N, r=8, p=1).derive(passphrase.encode("utf-8"))


def encrypt_key(key: str, passphrase: str) -> dict[str, Any]:
    salt, nonce = os.urandom(16), os.urandom(12)
    encryptor = Cipher(algorithms.SM4(_scrypt(passphrase, salt)), modes.GCM(nonce)).encryptor()
    body = encryptor.update(key.encode("utf-8")) + encryptor.finalize()
    return {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": 8,
        "p": 1,
        "cipher": "SM4-GCM",
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(body + encryptor.tag).decode(),
    }


def decrypt_key(blob: dict[str, Any], passphrase: str) -> str:
    raw = base64.b64decode(blob["ciphertext"])
    salt, nonce = base64.b64decode(blob["salt"]), base64.b64decode(blob["nonce"])
    key = Scrypt(salt=salt, length=16, n=int(blob["n"]), r=int(blob["r"]), p=int(blob["p"])).derive(
        passphrase.encode("utf-8")
    )
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, raw[-16:])).decryptor()
    try:
        return (decryptor.update(raw[:-16]) + decryptor.finalize()).decode("utf-8")
    except Exception:
        raise DomainError("数据密钥解密失败：口令不正确或文件已损坏")


def _passphrase(env_name: str | None) -> str | None:
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if not value:
        raise DomainError(f"环境变量{env_name}未设置或为空（数据密钥的加密口令）")
    return value


def _archive_dir() -> Path:
    conf: Any = settings.JIAOYUN
    value = conf.get("AUDIT_ARCHIVE_DIR")
    if not value:
        raise DomainError('未设置 JIAOYUN["AUDIT_ARCHIVE_DIR"]（审计归档目录）')
    return Path(str(value))


# -- backup -----------------------------------------------------------------------------------------------


def _dump_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    source = connection.connection
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
        cur = dest.cursor()
        return {t: _count(cur, t) for t in _tables()}
    finally:
        dest.close()


def _pg_env() -> dict[str, str]:
    conf = connection.settings_dict
    env = dict(os.environ)
    env.update({"PGHOST": str(conf.get("HOST") or ""), "PGPORT": str(conf.get("PORT") or ""),
                "PGUSER": str(conf.get("USER") or ""), "PGPASSWORD": str(conf.get("PASSWORD") or ""),
                "PGDATABASE": str(conf["NAME"])})  # fmt: skip
    return {k: v for k, v in env.items() if v != ""}


def _dump_postgres(directory: Path, *, portable: bool) -> tuple[str, dict[str, int]]:
    """pg_dump (or Django's serialisation) of one snapshot; the counts come from the same snapshot."""
    use_pg_dump = not portable and shutil.which("pg_dump") is not None
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        counts = {t: _count(cur, t) for t in _tables()}
        if use_pg_dump:
            name = "db.pgdump"
            subprocess.run(  # noqa: S603 (fixed arguments; the snapshot id comes from PostgreSQL)
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",  # noqa: S607 (the client on PATH)
                 "--file", str(directory / name)],
                env=_pg_env(), check=True, capture_output=True,
            )  # fmt: skip
            (directory / name).chmod(0o600)
        else:
            name = _dump_json(directory)
    return name, counts


def _dump_json(directory: Path) -> str:
    name = "db.json.gz"
    with _private_file(directory / name) as raw, gzip.GzipFile(fileobj=raw, mode="wb") as gz:
        stream = _TextStream(gz)
        objects = _all_objects()
        serializers.serialize("json", objects, stream=stream, use_natural_foreign_keys=False)
    return name


class _TextStream:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def write(self, text: str) -> None:
        self.raw.write(text.encode("utf-8"))


def _all_objects() -> Iterator[models.Model]:
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            yield from model._base_manager.order_by("pk").iterator(chunk_size=2000)


def backup(*, to: Path, passphrase_env: str | None = None, portable: bool = False) -> dict[str, Any]:
    """Write a backup into ``to`` (must be empty or absent); returns the manifest."""
    passphrase = _passphrase(passphrase_env)
    if to.exists() and any(to.iterdir()):
        raise DomainError(f"备份目录{to}不是空的")
    to.mkdir(mode=0o700, parents=True, exist_ok=True)
    to.chmod(0o700)
    vendor = connection.vendor
    if vendor == "sqlite" and portable:
        with transaction.atomic():  # SQLite: a write transaction (IMMEDIATE) keeps everyone else out meanwhile
            counts = _table_counts()
            db_file = _dump_json(to)
    elif vendor == "sqlite":
        db_file, counts = "db.sqlite3", _dump_sqlite(to / "db.sqlite3")
        (to / db_file).chmod(0o600)
    else:
        db_file, counts = _dump_postgres(to, portable=portable)
    _copy_tree(Path(settings.MEDIA_ROOT), to / "media")
    archives = _archive_dir()
    if archives.is_dir():
        _copy_tree(archives, to / "audit-archive")
    if passphrase:
        with _private_file(to / "data_key.enc") as f:
            f.write(json.dumps(encrypt_key(settings.DATA_KEY, passphrase)).encode())
        key_file = "data_key.enc"
    else:
        with _private_file(to / "data_key") as f:
            f.write(settings.DATA_KEY.encode("utf-8"))
        key_file = "data_key"
    files = {str(p.relative_to(to)): sha256_file(p) for p in _files(to) if p.name != "manifest.json"}
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "database": db_file,
        "data_key": key_file,
        "counts": counts,
        "files": files,
    }
    with _private_file(to / "manifest.json") as f:
        f.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    return manifest


# -- restore ----------------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / "manifest.json"
    if not path.exists():
        raise DomainError(f"{source}中没有manifest.json，不是教云备份")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise DomainError(f"备份格式版本{manifest.get('format')}不受支持")
    return manifest


def check_files(source: Path, manifest: dict[str, Any]) -> None:
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.exists():
            raise DomainError(f"备份缺少文件{name}")
        if sha256_file(path) != digest:
            raise DomainError(f"备份文件{name}的SHA-256与清单不符")


def in_use() -> list[str]:
    """Why this installation is not empty (nothing when it may be restored into)."""
    from jiaoyun.core.models import AuditEntry, User

    reasons = []
    if User.objects.exists():
        reasons.append(f"已有{User.objects.count()}个用户")
    if AuditEntry.objects.exists():
        reasons.append(f"已有{AuditEntry.objects.count()}条审计记录")
    if any(_files(Path(settings.MEDIA_ROOT))):
        reasons.append(f"上传文件目录{settings.MEDIA_ROOT}不是空的")
    if any(_files(_archive_dir())):
        reasons.append(f"审计归档目录{_archive_dir()}不是空的")
    return reasons


def _table_counts() -> dict[str, int]:
    with connection.cursor() as cur:
        return {t: _count(cur, t) for t in _tables()}


def _restore_sqlite(path: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(str(path))
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def _restore_pg_dump(path: Path) -> None:
    if shutil.which("pg_restore") is None:
        raise DomainError("备份为pg_dump格式，但本机没有pg_restore")
    connection.close()
    subprocess.run(  # noqa: S603 (fixed arguments; the path is the backup being restored)
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",  # noqa: S607 (the client on PATH)
         "--dbname", str(connection.settings_dict["NAME"]), str(path)],
        env=_pg_env(), check=True, capture_output=True,
    )  # fmt: skip


def _restore_json(path: Path) -> None:
    """Load the serialised rows into the migrated, empty database (rows seeded by migrations are replaced)."""
    with transaction.atomic():  # foreign keys are checked at commit (Django creates them deferrable)
        for model in apps.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                qs = model._base_manager.all()
                qs._raw_delete(qs.db)  # type: ignore[attr-defined]
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for obj in serializers.deserialize("json", f):
                obj.save()
    _reset_sequences()


def _reset_sequences() -> None:
    from io import StringIO

    if connection.vendor != "postgresql":
        return
    labels = [a.label for a in apps.get_app_configs() if a.models_module is not None]
    out = StringIO()
    call_command("sqlsequencereset", *labels, stdout=out, no_color=True)
    with connection.cursor() as cur:
        cur.execute(out.getvalue())


def restore(*, source: Path, passphrase_env: str | None = None, key_to: Path | None = None) -> dict[str, Any]:
    """Restore a backup into this (empty) installation; returns the manifest after every check passed."""
    manifest = read_manifest(source)
    check_files(source, manifest)
    reasons = in_use()
    if reasons:
        raise DomainError("只能恢复到空的安装：" + "；".join(reasons))
    key_name = manifest["data_key"]
    if key_name == "data_key.enc":
        passphrase = _passphrase(passphrase_env)
        if passphrase is None:
            raise DomainError("数据密钥已加密：请用 --passphrase-env 指定存放口令的环境变量")
        data_key = decrypt_key(json.loads((source / key_name).read_text()), passphrase)
    else:
        data_key = (source / key_name).read_text(encoding="utf-8").strip()
    db_file = source / manifest["database"]
    if db_file.suffix == ".sqlite3":
        if connection.vendor != "sqlite":
            raise DomainError("SQLite备份不能直接恢复到PostgreSQL：请用 backup --portable 生成可移植的备份")
        _restore_sqlite(db_file)
    elif db_file.suffix == ".pgdump":
        if connection.vendor != "postgresql":
            raise DomainError("pg_dump备份只能恢复到PostgreSQL")
        _restore_pg_dump(db_file)
    else:
        _restore_json(db_file)
    media = Path(settings.MEDIA_ROOT)
    _copy_tree(source / "media", media)
    archives = _archive_dir()
    if (source / "audit-archive").is_dir():
        _copy_tree(source / "audit-archive", archives)
    key_to = key_to or Path(settings.VAR_DIR) / "data_key"
    key_to.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _private_file(key_to) as f:
        f.write(data_key.encode("utf-8"))
    # Check what was restored against the manifest.
    counts = _table_counts()
    wrong = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
    if wrong:
        raise DomainError(f"恢复后的行数与备份不符：{wrong}")
    for name, digest in manifest["files"].items():
        if name.startswith("media/"):
            restored = media / name.removeprefix("media/")
        elif name.startswith("audit-archive/"):
            restored = archives / name.removeprefix("audit-archive/")
        else:
            continue
        if sha256_file(restored) != digest:
            raise DomainError(f"恢复后的文件{restored}校验和不符")
    if key_to.read_text(encoding="utf-8") != data_key:
        raise DomainError("数据密钥写入后校验不符")
    return manifest
