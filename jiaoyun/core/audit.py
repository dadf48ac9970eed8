"""The audit write path: services call ``audit_record`` inside their transaction.

The log is tamper-evident: every entry carries ``prev_hash`` (the ``entry_hash`` of the entry before it, in id
order) and ``entry_hash`` = HMAC-SM3 over a canonical serialisation of its fields and ``prev_hash``, keyed from
``settings.DATA_KEY`` (HKDF, its own label). Editing, deleting or inserting a row breaks the chain at that row;
without the key nobody can compute a matching chain. ``manage.py audit_verify`` walks it.

Appends are serialised through the one ``AuditChainHead`` row: an append locks it (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite has one writer at a time) and holds it until its transaction commits, so two transactions
can never chain onto the same predecessor. An append is the lock, one INSERT (one COPY for a batch) and the
update of the head.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from jiaoyun.core.models import AuditChainHead, AuditEntry, User

GENESIS = "0" * 64  # prev_hash of the very first entry
HEAD_PK = 1
CHAIN_FIELDS = ("id", "at", "actor_name", "action", "object_type", "object_id", "object_repr", "changes", "note",
                "ip", "prev_hash", "entry_hash")  # fmt: skip

SECRET_FIELDS = {
    "id_cipher",
    "id_hash",
    "student_no_cipher",
    "student_no_hash",
    "password",
    "token_hash",
    "webhook",
    "secret",
}
# Bookkeeping timestamps that change on every save: not a change anyone made, so left out of diffs.
NOISE_FIELDS = {"updated_at"}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field values of a model instance, secrets left out, ready for JSON."""
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in SECRET_FIELDS:
            continue
        data[f.attname] = _plain(getattr(instance, f.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v and k not in NOISE_FIELDS}


# -- the hash chain ---------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _chain_key(master: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jiaoyun-audit", info=b"audit-chain").derive(
        master.encode("utf-8")
    )


def chain_key() -> bytes:
    return _chain_key(settings.DATA_KEY)


def _canon(value: Any) -> Any:
    """JSON values as they come back from either database: numbers as floats (PostgreSQL's jsonb may return
    ``1e+20`` as an integer), keys as strings."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:
            return str(value)
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    return str(value)


def _json_default(value: Any) -> Any:
    plain = _plain(value)
    return plain if plain is not value else str(value)


def stored_changes(changes: dict[str, Any] | None) -> Any:
    """``changes`` as the database will give it back (dates as ISO text, decimals and UUIDs as text)."""
    if not changes:
        return {}
    return json.loads(json.dumps(changes, default=_json_default))


def changes_text(changes: Any) -> str:
    """The canonical text of ``changes`` (as stored) that enters the entry's hash."""
    return json.dumps(_canon(changes), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def clean_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    return clean_ipv6_address(ip) if ":" in ip else ip


def _at_text(at: dt.datetime) -> str:
    """UTC to the millisecond: Django's JSON serialisation (portable backups) keeps no more than that."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}"


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _message(prev_hash: str, at_text: str, middle: str, object_id: str, object_repr: str, tail: str) -> bytes:
    """``JSON[prev_hash, at, actor_name, action, object_type, object_id, object_repr, note, ip]`` + "\n" + changes,
    built from pre-encoded parts (``middle``: actor_name, action, object_type; ``tail``: note, ip, then the
    changes text); the same bytes as encoding the whole list at once."""
    return (f'["{prev_hash}","{at_text}",{middle},{_ENCODE(object_id)},{_ENCODE(object_repr)},{tail}').encode()


def _middle(actor_name: str, action: str, object_type: str) -> str:
    return f"{_ENCODE(actor_name)},{_ENCODE(action)},{_ENCODE(object_type)}"


def _tail(note: str, ip: str | None, changes_canonical: str) -> str:
    return f"{_ENCODE(note)},{_ENCODE(ip or '')}]\n{changes_canonical}"


def entry_digest(
    key: bytes,
    *,
    prev_hash: str,
    at: dt.datetime,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes_canonical: str,
    note: str,
    ip: str | None,
) -> str:
    """HMAC-SM3 (hex) of one entry. ``actor_id`` is left out on purpose: deleting a user sets it to NULL
    (``on_delete=SET_NULL``); ``actor_name`` records who acted and is covered."""
    message = _message(prev_hash, _at_text(at), _middle(actor_name, action, object_type), object_id, object_repr,
                       _tail(note, ip, changes_canonical))  # fmt: skip
    return hmac.digest(key, message, "sm3").hex()


def row_digest(key: bytes, row: dict[str, Any], prev_hash: str) -> str:
    """The hash an entry read back from the table (or an archive) should carry after ``prev_hash``."""
    at = row["at"]
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    return entry_digest(
        key,
        prev_hash=prev_hash,
        at=at,
        actor_name=row["actor_name"] or "",
        action=row["action"],
        object_type=row["object_type"] or "",
        object_id=row["object_id"] or "",
        object_repr=row["object_repr"] or "",
        changes_canonical=changes_text(row["changes"]),
        note=row["note"] or "",
        ip=clean_ip(row["ip"]),
    )


def lock_head() -> AuditChainHead:
    """Lock the chain head until the surrounding transaction ends (call inside ``transaction.atomic``)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:  # a fresh or flushed database: start from the newest entry there is
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        with transaction.atomic():
            AuditChainHead.objects.get_or_create(pk=HEAD_PK, defaults={"last_hash": last or ""})
        head = AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)
    return head


def _advance(head: AuditChainHead, last_hash: str) -> None:
    AuditChainHead.objects.filter(pk=head.pk).update(last_hash=last_hash)


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
    ip: str | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_obj = cast("User | None", actor if getattr(actor, "is_authenticated", False) else None)
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor_obj,
        actor_name=getattr(actor_obj, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        changes=stored_changes(changes),
        note=note[:500],
        ip=clean_ip(ip),
    )
    key = chain_key()
    with transaction.atomic(savepoint=False):  # any error rolls the caller's transaction back anyway
        head = lock_head()
        entry.prev_hash = head.last_hash or GENESIS
        entry.entry_hash = row_digest(key, entry.__dict__, entry.prev_hash)
        entry.save(force_insert=True)
        _advance(head, entry.entry_hash)
    return entry


def audit_record_many(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    entries: Iterable[tuple[Any, str, dict[str, Any]]],
    note: str = "",
) -> int:
    """One entry per (object id, repr, changes), chained and written at once (COPY on PostgreSQL).

    Imports share one ``changes`` dict between many entries: it is serialised once."""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_name = (getattr(actor, "username", "") or "") if actor_id else ""
    note = note[:500]
    key = chain_key()
    # id(changes) -> (stored JSON text, canonical text, the dict itself: kept alive so that its id is not reused)
    texts: dict[int, tuple[str, str, Any]] = {}

    def texts_of(ch: dict[str, Any]) -> tuple[str, str]:
        got = texts.get(id(ch))
        if got is None:
            stored = stored_changes(ch)
            got = texts[id(ch)] = (json.dumps(stored, ensure_ascii=False), changes_text(stored), ch)
        return got[0], got[1]

    with transaction.atomic(savepoint=False):
        head = lock_head()
        prev = head.last_hash or GENESIS
        now = timezone.now()
        at_text, middle = _at_text(now), _middle(actor_name, action, object_type)
        tails: dict[str, str] = {}
        rows: list[tuple[Any, ...]] = []
        for pk, rep, ch in entries:
            stored_text, canonical = texts_of(ch)
            tail = tails.get(canonical)
            if tail is None:
                tail = tails[canonical] = _tail(note, None, canonical)
            object_id, object_repr = str(pk), (rep or "")[:200]
            digest = hmac.digest(key, _message(prev, at_text, middle, object_id, object_repr, tail), "sm3").hex()
            rows.append((now, actor_id, actor_name, action, object_type, object_id, object_repr, stored_text, note,
                         prev, digest))  # fmt: skip
            prev = digest
        if not rows:
            return 0
        _insert_rows(rows)
        _advance(head, prev)
    return len(rows)


_INSERT_COLUMNS = ("at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "changes",
                   "note", "prev_hash", "entry_hash")  # fmt: skip


def _insert_rows(rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert entries in this order (ids ascending in chain order): COPY on PostgreSQL, executemany on SQLite."""
    qn = connection.ops.quote_name
    table = qn(AuditEntry._meta.db_table)
    cols = ", ".join(qn(c) for c in _INSERT_COLUMNS)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        stamp = connection.ops.adapt_datetimefield_value(rows[0][0])  # one time for the whole batch
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))})"  # noqa: S608 (quoted names of our table)
        for i in range(0, len(rows), 2000):
            cur.executemany(sql, [(stamp, *r[1:]) for r in rows[i : i + 2000]])


# -- verification -----------------------------------------------------------------------------------


@dataclass
class ChainBreak:
    entry_id: int | None
    reason: str


@dataclass
class ChainReport:
    checked: int
    last_id: int | None
    last_hash: str
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def iter_entries(*, after_id: int = 0, upto_id: int | None = None, chunk: int = 5000) -> Iterator[dict[str, Any]]:
    """Entries in id order, read in keyset chunks (never the whole table at once)."""
    last = after_id
    while True:
        qs = AuditEntry.objects.filter(id__gt=last).order_by("id")
        if upto_id is not None:
            qs = qs.filter(id__lte=upto_id)
        rows = list(qs.values(*CHAIN_FIELDS)[:chunk])
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def check_rows(rows: Iterable[dict[str, Any]], *, start_hash: str, key: bytes | None = None) -> ChainReport:
    """Walk rows in chain order from ``start_hash``; stop at the first broken link."""
    key = key or chain_key()
    prev, prev_id, n = start_hash, None, 0
    for row in rows:
        n += 1
        if row["prev_hash"] != prev:
            where = f"在#{prev_id}之后" if prev_id is not None else "链首"
            reason = (f"前一条哈希不符（{where}）：其前的记录被删除、插入或改动"
                      if row["prev_hash"] else "没有哈希：记录被插入")  # fmt: skip
            return ChainReport(n, prev_id, prev, ChainBreak(row["id"], reason))
        if row_digest(key, row, prev) != row["entry_hash"]:
            return ChainReport(n, prev_id, prev, ChainBreak(row["id"], "内容与哈希不符：记录被改动"))
        prev, prev_id = row["entry_hash"], row["id"]
    return ChainReport(n, prev_id, prev, None)


def chain_verify(*, chunk: int = 5000) -> ChainReport:
    """Verify the audit chain in the table, from the archive anchor to the head."""
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    anchor_id = head.anchor_id if head else 0
    start = (head.anchor_hash if head and head.anchor_id else "") or GENESIS
    stray = AuditEntry.objects.filter(id__lte=anchor_id).order_by("id").values_list("id", flat=True).first()
    if stray is not None:
        return ChainReport(0, None, start, ChainBreak(stray, f"编号不大于已归档的#{anchor_id}：记录被插入"))
    report = check_rows(iter_entries(after_id=anchor_id, chunk=chunk), start_hash=start)
    if report.ok and head is not None and head.last_hash and report.last_hash != head.last_hash:
        report.broken = ChainBreak(None, "最新的记录被删除：链尾哈希与链头记录不符")
    return report
