"""Writes of the official-document data: the letterheads and the 发文登记 (numbers given once, in sequence)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Max

from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.types import User
from jiaoyun.reports.models import IssuedDocument, Letterhead
from jiaoyun.reports.official import DATE_STYLES, DEFAULT_LETTERHEADS, OfficialDocument, document_number

LETTERHEAD_FIELDS = ("name", "authority", "mark", "prefix", "recipients", "copy_to", "printer", "date_style")
REQUIRED = {"name": "文种", "authority": "发文机关署名", "mark": "发文机关标志", "prefix": "发文机关代字",
            "recipients": "主送机关"}  # fmt: skip


def _letterhead(key: str, *, lock: bool = False) -> Letterhead:
    """The letterhead of ``key`` (its row made from the defaults when missing). ``lock``: every letterhead sharing
    its 文号 prefix is locked (in id order), so two documents of one sequence never take the same number."""
    if key not in DEFAULT_LETTERHEADS:
        raise DomainError(f"未知文种“{key}”", field="文种")
    missing = set(DEFAULT_LETTERHEADS) - set(Letterhead.objects.values_list("key", flat=True))
    for k in sorted(missing):
        Letterhead.objects.get_or_create(key=k, defaults=DEFAULT_LETTERHEADS[k])
    head = Letterhead.objects.get(key=key)
    if lock:
        list(Letterhead.objects.select_for_update().filter(prefix=head.prefix).order_by("pk"))
        head = Letterhead.objects.get(pk=head.pk)
    return head


@transaction.atomic
def letterhead_update(*, actor: User, key: str, values: dict[str, Any]) -> Letterhead:
    """The county administrator sets how a kind of document is issued (used by every later document)."""
    if getattr(actor, "role", None) != Role.COUNTY_ADMIN or not getattr(actor, "can_write", False):
        raise PermissionDenied("公文格式由县局管理员设置")
    head = _letterhead(key, lock=True)
    before = snapshot(head)
    for field in LETTERHEAD_FIELDS:
        value = str(values.get(field, getattr(head, field)) or "").strip()
        if field in REQUIRED and not value:
            raise DomainError(f"{REQUIRED[field]}不能为空", field=REQUIRED[field])
        setattr(head, field, value)
    if head.date_style not in dict(DATE_STYLES):
        raise DomainError("成文日期写法只能是阿拉伯数字或汉字数字", field="成文日期写法")
    head.full_clean()
    head.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=head, changes=diff(before, snapshot(head)))
    return head


@transaction.atomic
def document_register(
    *, actor: User | None, key: str, subject: str, title: str, on: dt.date
) -> tuple[IssuedDocument, bool]:
    """The 发文登记 of ``subject``: the one already made (created False), or a new one with the next number of its
    prefix's sequence for the year of ``on`` (the letterhead row is locked while the number is taken)."""
    existing = IssuedDocument.objects.filter(subject=subject).first()
    if existing is not None:
        return existing, False
    head = _letterhead(key, lock=True)
    last = IssuedDocument.objects.filter(prefix=head.prefix, year=on.year).aggregate(n=Max("seq"))["n"] or 0
    number = document_number(head.prefix, on.year, last + 1)
    doc = OfficialDocument(
        mark=head.mark, number=number, recipients=head.recipients, title=title, authority=head.authority,
        date=on.isoformat(), copy_to=head.copy_to, printer=head.printer, printed_on=on.isoformat(),
        date_style=head.date_style,
    )  # fmt: skip
    record = IssuedDocument.objects.create(
        subject=subject, letterhead_key=key, prefix=head.prefix, year=on.year, seq=last + 1, number=number,
        title=title, issued_on=on, parts=doc.parts(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, changes={"number": number, "subject": subject})
    return record, True


@transaction.atomic
def document_archive(*, record: IssuedDocument, pdf: bytes) -> IssuedDocument:
    """Keep the rendered PDF with its 发文登记; an archived document is never replaced."""
    if record.pdf_sha256:
        raise DomainError(f"{record.number}已归档，不能替换", field="文件")
    record.pdf = pdf
    record.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    record.save(update_fields=["pdf", "pdf_sha256"])
    return record
