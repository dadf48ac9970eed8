"""Writes of the xAPI documents (State, Activity Profile, Agent Profile) of a client, under ETag preconditions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.errors import DomainError
from jiaoyun.learning.errors import PreconditionFailed, PreconditionRequired
from jiaoyun.learning.models import Document, LrsClient


@dataclass(frozen=True)
class DocKey:
    kind: str
    activity_id: str = ""
    agent_ifi: str = ""
    registration: str = ""
    key: str = ""

    def filter(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "activity_id": self.activity_id,
            "agent_ifi": self.agent_ifi,
            "registration": self.registration,
            "key": self.key,
        }


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def collection_etag(docs: Iterable[tuple[str, str]]) -> str:
    """ETag of a set of documents (all State documents of an activity, agent and registration): changes when any
    document is added, changed or removed. ``docs`` are (key, etag) pairs."""
    text = "\n".join(f"{k}\t{e}" for k, e in sorted(docs))
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _check_preconditions(current: str | None, *, if_match: str | None, if_none_match: str | None) -> None:
    """RFC 2616 If-Match / If-None-Match against the current ETag of the resource (``None``: it does not exist)."""
    if if_match is not None:
        tags = {t.strip().removeprefix("W/").strip('"') for t in if_match.split(",")}
        if current is None or ("*" not in tags and current not in tags):
            raise PreconditionFailed("If-Match 与文档当前的 ETag 不符（文档已被他人修改或不存在）")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")}
        if current is not None and ("*" in tags or current in tags):
            raise PreconditionFailed("If-None-Match：文档已存在")


@transaction.atomic
def document_write(
    *,
    client: LrsClient,
    key: DocKey,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None,
    if_none_match: str | None,
    require_precondition: bool,
) -> Document:
    """PUT (replace) or POST (merge JSON objects) one of the client's documents, honouring ETag preconditions."""
    doc = Document.objects.select_for_update().filter(client_id=client.pk, **key.filter()).first()
    _check_preconditions(doc.etag if doc else None, if_match=if_match, if_none_match=if_none_match)
    if doc is not None and require_precondition and if_match is None and if_none_match is None:
        raise PreconditionRequired("文档已存在：更新时必须带 If-Match（当前 ETag）或 If-None-Match 请求头")
    is_json = content_type.split(";")[0].strip().lower() == "application/json"
    if merge:
        if is_json:
            try:
                incoming = json.loads(content.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise DomainError("文档声明为 application/json，但内容不是合法 JSON") from exc
        if doc is not None:
            if not is_json or doc.content_type.split(";")[0].strip().lower() != "application/json":
                raise DomainError("POST 合并只适用于 JSON 文档（已存文档与请求都必须是 application/json）")
            current = json.loads(bytes(doc.content).decode("utf-8"))
            if not isinstance(current, dict) or not isinstance(incoming, dict):
                raise DomainError("POST 合并只适用于 JSON 对象")
            current.update(incoming)
            content = json.dumps(current, ensure_ascii=False).encode("utf-8")
    now = timezone.now()
    if doc is None:
        doc = Document(client_id=client.pk, **key.filter())
    doc.content = content
    doc.content_type = content_type or "application/octet-stream"
    doc.etag = etag_of(content)
    doc.updated = now
    doc.save()
    return doc


@transaction.atomic
def document_delete(*, client: LrsClient, key: DocKey, if_match: str | None, if_none_match: str | None) -> None:
    doc = Document.objects.select_for_update().filter(client_id=client.pk, **key.filter()).first()
    _check_preconditions(doc.etag if doc else None, if_match=if_match, if_none_match=if_none_match)
    if doc is not None:
        doc.delete()


@transaction.atomic
def documents_delete_all(
    *,
    client: LrsClient,
    kind: str,
    activity_id: str,
    agent_ifi: str,
    registration: str | None,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> int:
    """Delete every document of the set (State: an activity, agent and registration), all or nothing. The set is
    the resource the preconditions apply to: its ETag is ``collection_etag`` of its documents (the ETag of the
    ids list GET), absent when the set is empty. The rows are locked while checked."""
    qs = Document.objects.filter(client_id=client.pk, kind=kind, activity_id=activity_id, agent_ifi=agent_ifi)
    if registration is not None:
        qs = qs.filter(registration=registration)
    docs = list(qs.select_for_update().values_list("pk", "key", "etag"))
    current = collection_etag((k, e) for _, k, e in docs) if docs else None
    _check_preconditions(current, if_match=if_match, if_none_match=if_none_match)
    return int(Document.objects.filter(pk__in=[pk for pk, _, _ in docs]).delete()[0])
