"""Stored files: what an upload may be, how it is named on disk, how it is handed back, and when it is purged.

* ``check_upload`` is called by the services that store an uploaded file (case evidence, hazard photos, the
  hukou roster, import files). It refuses a file whose extension is not on the list of its use, that is larger
  than the limit, or whose first bytes do not match its extension (an ``.html`` renamed ``.pdf`` is refused),
  and gives the file a random stored name (the name a user chose never reaches the disk).
* ``check_zip`` refuses an XLSX/DOCX (a zip archive) that would expand beyond the limits (a "zip bomb").
* ``serve`` answers a download: always as an attachment, ``X-Content-Type-Options: nosniff``, a Content-Type
  from the whitelist (never the one the uploader sent), an RFC 5987 file name, optionally through nginx
  (``X-Accel-Redirect``). Views fetch the owning object through their app's scoped selector first, so a file
  is reachable exactly when its owner is; nothing under ``MEDIA_ROOT`` is served by URL.
* ``uploads_purge`` deletes uploaded import files and temporary files older than ``UPLOAD_KEEP_DAYS``
  (剩余信息保护, GB/T 22239-2019 8.1.4.10); the periodic job ``uploads_purge`` runs it daily.

Settings (``settings.JIAOYUN``): ``UPLOAD_MAX_BYTES``, ``UPLOAD_ROSTER_MAX_BYTES``, ``UPLOAD_EXTENSIONS`` (per use), ``UPLOAD_KEEP_DAYS``,
``UPLOAD_ZIP_MAX_BYTES``, ``UPLOAD_ZIP_MAX_RATIO``, ``FILES_X_ACCEL_PREFIX``; see ``DEFAULTS``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zipfile
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.module_loading import import_string

from jiaoyun.core.errors import DomainError

MB = 1024 * 1024

DEFAULTS: dict[str, Any] = {
    # Largest accepted upload of evidence, photos and rosters (bytes).
    "UPLOAD_MAX_BYTES": 10 * MB,
    # Extensions accepted per use (lower case, without the dot).
    "UPLOAD_EXTENSIONS": {
        "evidence": ("jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx"),
        "image": ("jpg", "jpeg", "png", "webp"),
        "spreadsheet": ("xlsx", "xls", "csv", "txt"),
    },
    # Largest accepted hukou (户籍) roster upload (bytes); the registry imports have IMPORT_MAX_BYTES.
    "UPLOAD_ROSTER_MAX_BYTES": 50 * MB,
    # Uploaded import files and temporary files are deleted this many days after upload.
    "UPLOAD_KEEP_DAYS": 30,
    # An XLSX/DOCX (zip) whose members declare more than this many bytes in all, or that expands more than
    # UPLOAD_ZIP_MAX_RATIO times its size on disk, is refused before it is read.
    "UPLOAD_ZIP_MAX_BYTES": 200 * MB,
    "UPLOAD_ZIP_MAX_RATIO": 100,
    # When set (e.g. "/protected-media/"), downloads are handed to nginx with X-Accel-Redirect to this internal
    # location instead of being streamed by Django (the checks and the audit stay in Django).
    "FILES_X_ACCEL_PREFIX": "",
}

# The one Content-Type each accepted extension is served with.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "csv": "text/csv; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
LABELS = {"jpg": "JPG", "jpeg": "JPG", "png": "PNG", "webp": "WebP", "pdf": "PDF", "docx": "Word（.docx）",
          "xlsx": "Excel（.xlsx）", "xls": "Excel（.xls）", "csv": "CSV", "txt": "文本（制表符分隔）"}  # fmt: skip

SNIFF_BYTES = 2048
# Markup that a browser would render as a page (checked in text files and before a PDF header).
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe", b"<head")
# A zip member that marks each Office format.
_OFFICE_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def conf(key: str) -> Any:
    return getattr(settings, "JIAOYUN", {}).get(key, DEFAULTS[key])


def extension(name: str) -> str:
    return Path(name or "").suffix.lower().lstrip(".")


def allowed_extensions(use: str) -> tuple[str, ...]:
    table = {**DEFAULTS["UPLOAD_EXTENSIONS"], **(conf("UPLOAD_EXTENSIONS") or {})}
    return tuple(table[use])


def _describe(ext: str) -> str:
    return LABELS.get(ext, ext.upper())


def _content_matches(ext: str, head: bytes, fh: IO[bytes]) -> bool:
    """Whether the first bytes are those of the format the extension names."""
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext == "pdf":
        start = head.find(b"%PDF-")
        return 0 <= start < 1024 and not _has_markup(head[:start])
    if ext in ("docx", "xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(fh) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return _OFFICE_MEMBER[ext] in names
    if ext == "xls":
        return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if ext in ("csv", "txt"):  # the encoding is checked by the reader, which names the problem and the row
        return not _has_markup(head)
    return False


def _has_markup(data: bytes) -> bool:
    lowered = data.lower()
    return any(tag in lowered for tag in _MARKUP)


def check_upload(upload: Any, *, use: str = "evidence", field: str = "文件", max_bytes: int | None = None) -> str:
    """Refuse a file that is not allowed for ``use``; rename it to a random stored name.

    Returns the name the user gave (for display; it never becomes a path). Raises DomainError naming the
    field, the file and the reason.
    """
    original = Path(str(upload.name or "")).name
    shown = original or "（无文件名）"
    ext = extension(original)
    allowed = allowed_extensions(use)
    if ext not in allowed:
        kinds = "、".join(dict.fromkeys(_describe(e) for e in allowed))
        raise DomainError(f"文件“{shown}”的类型不支持，只接受{kinds}文件", field=field)
    limit = max_bytes if max_bytes is not None else int(conf("UPLOAD_MAX_BYTES"))
    size = upload.size if upload.size is not None else 0
    if size == 0:
        raise DomainError(f"文件“{shown}”是空的（0字节）", field=field)
    if size > limit:
        raise DomainError(f"文件“{shown}”大小为{size / MB:.1f} MB，超过上限{limit / MB:.0f} MB", field=field)
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not _content_matches(ext, head, upload):
        upload.seek(0)
        raise DomainError(
            f"文件“{shown}”的内容与扩展名“.{ext}”不符（不是真正的{_describe(ext)}文件），已拒绝；请上传原始文件",
            field=field,
        )
    upload.seek(0)
    if ext in ("docx", "xlsx"):
        check_zip(upload, name=shown, field=field)
        upload.seek(0)
    upload.name = stored_name(ext)
    return original


def stored_name(ext: str) -> str:
    """A random file name (the date folder comes from the field's ``upload_to``)."""
    return f"{secrets.token_hex(16)}.{ext}"


def check_zip(source: Any, *, name: str = "", field: str | None = None) -> None:
    """Refuse a zip archive (XLSX, DOCX) whose declared uncompressed size or ratio is beyond the limits.

    ``source`` is a path or a seekable binary file. The sizes come from the central directory, so nothing is
    decompressed; Python's reader does not inflate a member beyond its declared size.
    """
    limit = int(conf("UPLOAD_ZIP_MAX_BYTES"))
    ratio = float(conf("UPLOAD_ZIP_MAX_RATIO"))
    shown = f"“{name}”" if name else ""
    try:
        with zipfile.ZipFile(source) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError(
            f"Excel文件{shown}已损坏或不完整（可能上传中断），无法读取：{exc}。请重新保存后上传", field=field
        )
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > limit:
        raise DomainError(
            f"文件{shown}解压后为{total / MB:.0f} MB，超过上限{limit / MB:.0f} MB，请拆分后上传", field=field
        )
    if total > MB and total > ratio * max(packed, 1):
        raise DomainError(
            f"文件{shown}的压缩比异常（解压后为压缩数据的{total / max(packed, 1):.0f}倍，上限{ratio:.0f}倍），"
            "疑似恶意构造的文件，已拒绝",
            field=field,
        )
    for m in members:
        if m.file_size > MB and m.file_size > ratio * max(m.compress_size, 1):
            raise DomainError(
                f"文件{shown}中的“{m.filename}”压缩比异常（{m.file_size / max(m.compress_size, 1):.0f}倍，"
                f"上限{ratio:.0f}倍），疑似恶意构造的文件，已拒绝",
                field=field,
            )


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name in RFC 5987 form."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename) or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def serve(request: HttpRequest, file: FieldFile, *, filename: str) -> HttpResponseBase:
    """Hand a stored file to the user who may see its owner (the caller checked that and audited it)."""
    if not file or not file.name:
        from django.http import Http404

        raise Http404("文件不存在")
    ext = extension(file.name)
    content_type = CONTENT_TYPES.get(ext, "application/octet-stream")
    if extension(filename) != ext:
        filename = f"{Path(filename).stem or 'file'}.{ext}" if ext else Path(filename).stem
    prefix = str(conf("FILES_X_ACCEL_PREFIX") or "")
    response: HttpResponseBase
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name.lstrip("/"))
    else:
        try:
            handle = file.open("rb")
        except (FileNotFoundError, OSError):
            from django.http import Http404

            raise Http404("文件不存在")
        response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=filename)
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# -- 剩余信息保护: uploaded and temporary files do not stay on disk ---------------------------------------


def uploads_purge(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete uploaded import files and temporary files older than ``UPLOAD_KEEP_DAYS``; returns how many.

    The import batches keep their metadata (file name, SHA-256, counts, rejected rows as masked values) with a
    note that the file was purged. Files of batches still being read (处理中, 导入中) are left alone.
    """
    now = now or timezone.now()
    keep = int(days if days is not None else conf("UPLOAD_KEEP_DAYS"))
    before = now - dt.timedelta(days=keep)
    # The modules that keep uploaded files purge their own (settings.UPLOAD_PURGERS: dotted paths of
    # ``purge(*, before) -> int``), so core names none of them.
    removed = sum(int(import_string(path)(before=before)) for path in settings.UPLOAD_PURGERS)
    removed += _purge_temporary(before)
    if removed:
        from jiaoyun.core.audit import audit_record
        from jiaoyun.core.choices import AuditAction

        audit_record(actor=None, action=AuditAction.DELETE, object_type="core.StoredFile",
                     object_repr=f"清理超过{keep}天的上传文件和临时文件{removed}个",
                     changes={"removed": removed, "before": before.isoformat(), "keep_days": keep},
                     note="剩余信息保护：按保存期限删除")  # fmt: skip
    return removed


def temporary_dir() -> Path:
    """Where uploads wait while they are read (the hukou roster); purged with the import files."""
    folder = Path(settings.MEDIA_ROOT) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _purge_temporary(before: dt.datetime) -> int:
    removed = 0
    cutoff = before.timestamp()
    root = Path(settings.MEDIA_ROOT)
    candidates = list((root / "tmp").glob("*")) if (root / "tmp").is_dir() else []
    if (root / "imports").is_dir():
        candidates += [p for p in (root / "imports").glob("*") if p.suffix in (".part", ".progress")]
    for path in candidates:
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
