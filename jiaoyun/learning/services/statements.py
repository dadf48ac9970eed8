"""The statement write path: validating and storing a batch of xAPI statements atomically (ADR 0011)."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.learning import conf
from jiaoyun.learning.errors import BatchTooLarge, StatementConflict
from jiaoyun.learning.models import Activity, Attachment, LearnerPseudonym, LrsClient, Statement, StatementRef
from jiaoyun.learning.services.bulk import insert_statements, select_in
from jiaoyun.learning.services.clients import authority_of
from jiaoyun.learning.xapi import validate as v
from jiaoyun.people.models import Teacher

COMPLETION_VERBS = {
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/mastered",
}
LRS_SET = ("stored", "authority", "version")
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder, not one per call


def _agents_in(agent: dict[str, Any], *, own: bool = True) -> Iterator[str]:
    """The IFIs of an agent or group and of its members (without the group's own IFI unless ``own``)."""
    ifi = v.agent_ifi(agent) if own else None
    if ifi:
        yield ifi
    for m in agent.get("member", []) or []:
        mi = v.agent_ifi(m)
        if mi:
            yield mi


def _refs(st: dict[str, Any], *, sub: bool = False) -> Iterator[tuple[str, str]]:
    """The agents and activities a statement mentions beyond its own indexed columns (for related_agents /
    related_activities). The statement's actor and its Agent/Group/Activity object are already in ``actor_ifi``
    and ``object_id``: queries look there too, so they are not repeated here (in a SubStatement they are)."""
    yield from ((StatementRef.AGENT, a) for a in _agents_in(st["actor"], own=sub))
    obj = st["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        if sub:
            yield StatementRef.ACTIVITY, obj["id"]
    elif kind in ("Agent", "Group"):
        yield from ((StatementRef.AGENT, a) for a in _agents_in(obj, own=sub))
    elif kind == "SubStatement":
        yield from _refs(obj, sub=True)
    ctx = st.get("context") or {}
    for key in ("instructor", "team"):
        if key in ctx:
            yield from ((StatementRef.AGENT, a) for a in _agents_in(ctx[key]))
    for ca in (ctx.get("contextActivities") or {}).values():
        for a in ca if isinstance(ca, list) else [ca]:
            yield StatementRef.ACTIVITY, a["id"]
    for ca in ctx.get("contextAgents") or []:
        yield from ((StatementRef.AGENT, a) for a in _agents_in(ca["agent"]))
    for cg in ctx.get("contextGroups") or []:
        yield from ((StatementRef.AGENT, a) for a in _agents_in(cg["group"]))
    # The authority is always the storing client's agent: queries find it through ``Statement.client``.


def _comparable(st: dict[str, Any], *, lrs_timestamp: bool) -> str:
    d = {k: val for k, val in st.items() if k not in LRS_SET}
    if lrs_timestamp:
        d.pop("timestamp", None)
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


@dataclass
class _Person:
    kind: Literal["student", "teacher"]
    pk: int
    school_id: int | None
    class_id: int | None


def _people(statements: list[dict[str, Any]]) -> dict[str, _Person]:
    """Map actor IFIs of the county platform (a pupil's pseudonymous learning account or a teacher's 教职工号, or a
    teacher's mbox) to people."""
    home = conf.get("XAPI_HOMEPAGE")
    names: set[str] = set()
    mboxes: set[str] = set()
    for st in statements:
        for agent in (st["actor"], st["object"]):
            acc = agent.get("account") if isinstance(agent, dict) else None
            if isinstance(acc, dict) and acc.get("homePage") == home:
                names.add(acc["name"])
            elif isinstance(agent, dict) and isinstance(agent.get("mbox"), str):
                mboxes.add(agent["mbox"][7:])
    found: dict[str, _Person] = {}
    if names:
        for pk, name, school_id, class_id in select_in(
            LearnerPseudonym,
            ("student_id", "name", "student__current_school_id", "student__current_class_id"),
            "name",
            names,
        ):
            found[f"account:{home}|{name}"] = _Person("student", pk, school_id, class_id)
        for pk, no, school_id in select_in(Teacher, ("id", "staff_no", "school_id"), "staff_no", names):
            found.setdefault(f"account:{home}|{no}", _Person("teacher", pk, school_id, None))
    if mboxes:
        for pk, email, school_id in select_in(Teacher, ("id", "user__email", "school_id"), "user__email", mboxes):
            found[f"mbox:mailto:{email}"] = _Person("teacher", pk, school_id, None)
    return found


def _in_class(st: dict[str, Any], platforms: Collection[str], extension: str) -> bool:
    ctx = st.get("context") or {}
    if ctx.get("platform") in platforms:
        return True
    return bool((ctx.get("extensions") or {}).get(extension))


def _merge_definition(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Canonical activity definition: language maps are merged, other properties take the newest value."""
    out = dict(old)
    for k, val in new.items():
        if k in ("name", "description") and isinstance(out.get(k), dict):
            out[k] = {**out[k], **val}
        else:
            out[k] = val
    return out


def new_statement_ids(count: int) -> list[str]:
    """Statement ids assigned by the LRS: RFC 9562 version 7 UUIDs (48-bit Unix time in milliseconds, then 74
    random bits from the OS, read once per batch). Ids assigned in the same period sort together, so each batch
    adds its ids at the right edge of the statement-id index instead of at random pages (each of which costs a
    full-page image in the write-ahead log after a checkpoint, and a read when not cached)."""
    head = (time.time_ns() // 1_000_000) << 80 | 0x7 << 76 | 0b10 << 62
    pool = os.urandom(10 * count)
    out = []
    for i in range(0, 10 * count, 10):
        rand = int.from_bytes(pool[i : i + 10], "big")
        out.append(str(uuid.UUID(int=head | (rand >> 62 & 0xFFF) << 64 | rand & (1 << 62) - 1)))
    return out


# Parsed canonical activity definitions, keyed by their stored JSON text: a definition that did not change is not
# parsed again by each batch (keyed by content, so it can never be stale; the lookup itself stays per batch).
_definitions: dict[str, dict[str, Any]] = {}


def _parsed_definition(text: str) -> dict[str, Any]:
    found = _definitions.get(text)
    if found is None:
        if len(_definitions) >= 20_000:
            _definitions.clear()
        found = _definitions[text] = json.loads(text)
    return found


def statements_validate(statements: list[Any], *, version: str) -> None:
    for i, st in enumerate(statements):
        v.check_statement(st, path=f"statements[{i}]" if len(statements) > 1 else "statement", version=version)


def statement_store(
    *,
    client: LrsClient,
    statements: list[dict[str, Any]],
    version: str,
    attachments: dict[str, tuple[str, bytes]] | None = None,
    now: dt.datetime | None = None,
    validated: bool = False,
) -> list[str]:
    """Validate (unless the caller just did) and store a batch atomically; returns the statement ids in order.
    Raises ``DomainError`` (``BatchTooLarge``, ``StatementConflict``, ``PermissionDenied``); an invalid statement
    raises the spec's ``XapiError`` from ``xapi.validate``."""
    if len(statements) > conf.get("XAPI_MAX_BATCH"):
        raise BatchTooLarge(f"一批最多 {conf.get('XAPI_MAX_BATCH')} 条语句，收到 {len(statements)} 条")
    if not validated:
        statements_validate(statements, version=version)
    ids: list[str] = []
    supplied: list[str] = []  # ids sent by the client: only these can exist already or be voided already
    seen: set[str] = set()
    assigned = iter(new_statement_ids(sum(1 for st in statements if "id" not in st)))
    for st in statements:
        if "id" in st:
            sid = st["id"].lower()
            supplied.append(sid)
        else:
            sid = next(assigned)
        if sid in seen:
            raise DomainError(f"同一批中语句 ID 重复：{sid}")
        seen.add(sid)
        ids.append(sid)
    # Which statements exist already: identical → no-op, different → 409 (one query for the batch). Statement ids
    # are unique across the store, so an id another client stored cannot be stored again: that is a 409 whatever
    # the content (never a comparison with another client's statement, which would tell its content).
    existing = (
        {
            str(row[0]): row
            for row in Statement.objects.filter(statement_id__in=supplied).values_list(
                "statement_id", "data", "timestamp_original", "client_id"
            )
        }
        if supplied
        else {}
    )
    new_items: list[tuple[str, dict[str, Any]]] = []
    for sid, st in zip(ids, statements, strict=True):
        if sid in existing:
            _, data, ts_orig, owner = existing[sid]
            if owner != client.pk:
                raise StatementConflict(f"语句 ID {sid} 已被使用")
            stored_st = json.loads(data)
            mine = dict(st, id=sid)
            v.normalise_context_activities(mine)
            if _comparable(stored_st, lrs_timestamp=not ts_orig) != _comparable(mine, lrs_timestamp=False):
                raise StatementConflict(f"语句 {sid} 已存在且内容不同")
            continue
        new_items.append((sid, st))
    if not new_items:
        return ids
    new_supplied = [sid for sid in supplied if sid not in existing]
    # Voiding: targets must not themselves be voiding statements. A client voids only statements it stored
    # itself: another client's statement is, to it, a statement that does not exist (the voiding statement is
    # kept, as for any target not received yet, and voids nothing).
    voiding = {sid: st["object"]["id"].lower() for sid, st in new_items if st["verb"]["id"] == v.VOIDED_VERB}
    own = Statement.objects.filter(client_id=client.pk)
    if voiding:
        bad = own.filter(statement_id__in=set(voiding.values()), verb_id=v.VOIDED_VERB)
        if bad.exists():
            raise DomainError("作废语句不能被作废")
        batch_voiding = {sid for sid, _ in new_items if sid in voiding}
        if batch_voiding & set(voiding.values()):
            raise DomainError("作废语句不能被作废")
    # Attachments: every attachment without fileUrl must have its content in the request.
    attachments = attachments or {}
    for sid, st in new_items:
        for a in st.get("attachments", []):
            if "fileUrl" not in a and a["sha2"] not in attachments:
                raise DomainError(f"语句 {sid} 的附件 {a['sha2'][:12]}… 缺少内容（multipart/mixed 中无对应哈希）")
    people = _people([st for _, st in new_items])
    scope_all = client.all_schools
    allowed = set() if scope_all else set(client.schools.values_list("id", flat=True))
    stored = now or timezone.now()
    stored = stored.replace(microsecond=stored.microsecond // 1000 * 1000)  # served with millisecond precision
    stored_iso = stored.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    authority = authority_of(client)
    home = conf.get("XAPI_HOMEPAGE")
    in_class_platforms, in_class_extension = conf.get("XAPI_IN_CLASS_PLATFORMS"), conf.get("XAPI_IN_CLASS_EXTENSION")
    rows: list[dict[str, Any]] = []
    refs: list[list[tuple[str, str]]] = []
    activities: dict[str, dict[str, Any]] = {}
    for sid, st in new_items:
        actor_ifi = v.agent_ifi(st["actor"]) or ""
        obj = st["object"]
        kind = obj.get("objectType", "Activity")
        if kind in ("Agent", "Group"):
            object_id = v.agent_ifi(obj) or ""
        elif kind == "SubStatement":
            object_id = ""
        else:
            object_id = obj["id"].lower() if kind == "StatementRef" else obj["id"]
        person = people.get(actor_ifi) or (people.get(object_id) if kind == "Agent" else None)
        for p in (people.get(actor_ifi), people.get(object_id) if kind == "Agent" else None):
            if p is not None and p.kind == "student" and not scope_all and p.school_id not in allowed:
                raise PermissionDenied(f"客户端“{client.name}”无权写入本校以外学生的学习记录（语句 {sid}）")
        acc = st["actor"].get("account")
        if isinstance(acc, dict) and acc.get("homePage") == home and actor_ifi not in people:
            raise DomainError(f"语句 {sid}：平台账号 {acc.get('name')} 不是本县学生的学习账号或教师的教职工号")
        ts_orig = st.get("timestamp", "")
        ts = v.parse_timestamp(ts_orig, "timestamp") if ts_orig else stored
        out = dict(st)
        v.normalise_context_activities(out)
        out["id"] = sid
        out["timestamp"] = ts_orig or stored_iso
        out["stored"] = stored_iso
        out["authority"] = authority
        if "version" not in out:
            out["version"] = "2.0.0" if version.startswith("2") else "1.0.0"
        result = st.get("result") or {}
        score = (result.get("score") or {}).get("scaled")
        ctx = st.get("context") or {}
        rows.append(
            {
                "statement_id": sid,
                "client_id": client.pk,
                "version": out["version"],
                "actor_ifi": actor_ifi,
                "verb_id": st["verb"]["id"],
                "object_type": kind,
                "object_id": object_id,
                "registration": ctx["registration"].lower() if "registration" in ctx else None,
                "target": obj["id"] if kind == "StatementRef" else None,
                "timestamp": ts,
                "stored": stored,
                "voided": False,
                "data": _to_json(out),
                "timestamp_original": ts_orig,
                "school_id": person.school_id if person else None,
                "school_class_id": person.class_id if person else None,
                "student_id": person.pk if person and person.kind == "student" else None,
                "teacher_id": person.pk if person and person.kind == "teacher" else None,
                "duration_s": v.parse_duration(result["duration"], "duration") if "duration" in result else None,
                "score_scaled": float(score) if score is not None else None,
                "completed": result.get("completion") is True or st["verb"]["id"] in COMPLETION_VERBS,
                "in_class": _in_class(st, in_class_platforms, in_class_extension),
            }
        )
        refs.append(list(dict.fromkeys(_refs(out))))
        if kind == "Activity" and "definition" in obj:
            activities[obj["id"]] = _merge_definition(activities.get(obj["id"], {}), obj["definition"])
    with transaction.atomic():
        insert_statements(rows, refs)
        if voiding:
            own.filter(statement_id__in=set(voiding.values())).exclude(verb_id=v.VOIDED_VERB).update(voided=True)
        # Out-of-order voiding: a statement voided (by the same client) before it arrived.
        # (Only ids the client chose can have been voided before: ids assigned here are new.)
        late_targets = (
            set(own.filter(verb_id=v.VOIDED_VERB, target__in=new_supplied).values_list("target", flat=True))
            if new_supplied
            else set()
        )
        if late_targets:
            own.filter(statement_id__in=late_targets).exclude(verb_id=v.VOIDED_VERB).update(voided=True)
        if activities:
            for act_id, old in select_in(Activity, ("activity_id", "definition"), "activity_id", activities):
                current = _parsed_definition(old)
                merged = _merge_definition(current, activities[act_id])
                if merged == current:
                    del activities[act_id]  # unchanged: no write
                else:
                    activities[act_id] = merged
        if activities:
            Activity.objects.bulk_create(
                [
                    Activity(activity_id=k, definition=json.dumps(d, ensure_ascii=False), updated=stored)
                    for k, d in sorted(activities.items())  # one lock order: concurrent batches do not deadlock
                ],
                update_conflicts=True,
                unique_fields=["activity_id"],
                update_fields=["definition", "updated"],
            )
        if attachments:
            Attachment.objects.bulk_create(
                [Attachment(sha2=h, content_type=ct, content=data) for h, (ct, data) in attachments.items()],
                ignore_conflicts=True,
            )
    return ids
