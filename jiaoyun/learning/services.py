"""Writes of the learning module: storing xAPI statements and documents, managing LRS clients."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import secrets
import time
import uuid
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import AuditEntry
from jiaoyun.learning import conf
from jiaoyun.learning.models import (
    Activity,
    Attachment,
    Document,
    LearnerPseudonym,
    LrsClient,
    Statement,
    StatementRef,
)
from jiaoyun.learning.xapi import validate as v
from jiaoyun.learning.xapi.errors import XapiError
from jiaoyun.people.models import Teacher

COMPLETION_VERBS = {
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/mastered",
}
LRS_SET = ("stored", "authority", "version")
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder, not one per call


# ---- clients ------------------------------------------------------------------------------------------------


@transaction.atomic
def lrs_client_create(
    *, name: str, school_ids: Iterable[int] = (), all_schools: bool = False, actor: Any = None
) -> tuple[LrsClient, str]:
    """Create a client; returns it with the plain secret (shown once, only its hash is kept)."""
    secret = secrets.token_urlsafe(32)
    client = LrsClient(name=name, key=secrets.token_hex(10), all_schools=all_schools)
    client.set_secret(secret)
    if getattr(actor, "is_authenticated", False):
        client.created_by = actor
    client.full_clean()
    client.save()
    client.schools.set(list(school_ids))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=client,
        changes=_client_snapshot(client),
        note="新建 xAPI 学习平台客户端",
    )
    return client, secret


def _client_snapshot(client: LrsClient) -> dict[str, Any]:
    return {
        "name": client.name,
        "key": client.key,
        "all_schools": client.all_schools,
        "is_active": client.is_active,
        "schools": sorted(client.schools.values_list("id", flat=True)),
    }


_UNSET: Any = object()


@transaction.atomic
def lrs_client_update(
    *,
    client: LrsClient,
    actor: Any = None,
    name: str = _UNSET,
    school_ids: Iterable[int] = _UNSET,
    all_schools: bool = _UNSET,
    is_active: bool = _UNSET,
    ip: str | None = None,
) -> LrsClient:
    """Change a client's name, schools, county-wide flag or active state (only the arguments given). A client
    that is deactivated is refused from its next request on (credentials are checked on every request)."""
    client = LrsClient.objects.select_for_update().get(pk=client.pk)
    before = _client_snapshot(client)
    if name is not _UNSET:
        client.name = name
    if all_schools is not _UNSET:
        client.all_schools = all_schools
    if is_active is not _UNSET:
        client.is_active = is_active
    client.full_clean()
    client.save()
    if school_ids is not _UNSET:
        client.schools.set(list(school_ids))
    after = _client_snapshot(client)
    changes = {k: [before[k], val] for k, val in after.items() if before[k] != val}
    if changes:
        deactivated = changes.get("is_active") == [True, False]
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=client,
            changes=changes,
            note="停用 xAPI 学习平台客户端" if deactivated else "修改 xAPI 学习平台客户端",
            ip=ip,
        )
    return client


def lrs_client_deactivate(*, client: LrsClient, actor: Any = None, ip: str | None = None) -> LrsClient:
    return lrs_client_update(client=client, actor=actor, is_active=False, ip=ip)


AUTH_FAILURE_WINDOW = dt.timedelta(minutes=1)


def lrs_auth_failure_record(*, key: str, ip: str | None, reason: str, client: LrsClient | None = None) -> bool:
    """Audit a failed xAPI authentication (``LOGIN_FAILED``, with the address). At most one entry per key and
    address per minute, so that a flood of wrong credentials cannot fill the log; returns whether one was written.
    The secret is never recorded."""
    key = key[:40]
    recent = timezone.now() - AUTH_FAILURE_WINDOW
    with transaction.atomic():
        if AuditEntry.objects.filter(
            action=AuditAction.LOGIN_FAILED, object_type=LRS_CLIENT_LABEL, object_id=key, ip=ip, at__gte=recent
        ).exists():
            return False
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            object_type=LRS_CLIENT_LABEL,
            object_id=key,
            object_repr=client.name if client is not None else key,
            note=f"xAPI 认证失败：{reason}",
            ip=ip,
        )
    return True


LRS_CLIENT_LABEL = LrsClient._meta.label


# ---- pupils' pseudonymous learning accounts -----------------------------------------------------------------


def learner_pseudonyms(*, student_ids: Iterable[int]) -> dict[int, str]:
    """The pseudonymous learning account names of pupils (student pk → name), issuing the missing ones.
    Set-based: one read, and one insert for the pupils that had none. A name is a random token with no
    personal data in it, so issuing one is not audited (the audit is on whoever hands names out with pupils'
    names, see the ``xapi_pseudonyms`` command)."""
    wanted = set(student_ids)
    if not wanted:
        return {}
    names = dict(LearnerPseudonym.objects.filter(student_id__in=wanted).values_list("student_id", "name"))
    missing = wanted - set(names)
    if missing:
        LearnerPseudonym.objects.bulk_create(
            [LearnerPseudonym(student_id=pk, name=LearnerPseudonym.new_name()) for pk in sorted(missing)],
            ignore_conflicts=True,  # a concurrent call issued some: read them back below
        )
        names.update(LearnerPseudonym.objects.filter(student_id__in=missing).values_list("student_id", "name"))
    return names


@transaction.atomic
def learner_accounts_for_school(*, school_id: int, actor: Any = None) -> list[tuple[str, str, str]]:
    """(class, pupil name, learning account) of the pupils in the classes of a school, issuing missing accounts:
    what the county hands to the school's learning platforms so that they name pupils by their accounts. Names of
    minors leave the platform here, so it is audited as an export (no identity number is part of it)."""
    from jiaoyun.people.models import Student

    pupils = list(
        Student.objects.filter(current_school_id=school_id, current_class__isnull=False)
        .select_related("current_class")
        .order_by("current_class__grade", "current_class__number", "name", "pk")
    )
    names = learner_pseudonyms(student_ids=[p.pk for p in pupils])
    rows = [(str(p.current_class), p.name, names[p.pk]) for p in pupils]
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="schools.School",
        object_id=str(school_id),
        object_repr=f"学生学习账号（{len(rows)}人）",
        note="向学习平台提供学生学习账号（假名）",
    )
    return rows


def learner_account(name: str) -> dict[str, Any]:
    """The xAPI Agent of a pupil's pseudonymous learning account."""
    return {"objectType": "Agent", "account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": name}}


def lrs_client_note_version(*, client: LrsClient, version: str) -> None:
    """Remember the xAPI version a client speaks (written only when it changes). Technical state like a last
    login, so no audit entry; the in-memory client (possibly cached) is updated too."""
    LrsClient.objects.filter(pk=client.pk).update(last_version=version)
    client.last_version = version


def authority_of(client: LrsClient) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": client.key},
    }


# ---- statements ---------------------------------------------------------------------------------------------


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
    kind: str  # "student" | "teacher"
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
        for pk, name, school_id, class_id in _select_in(
            LearnerPseudonym,
            ("student_id", "name", "student__current_school_id", "student__current_class_id"),
            "name",
            names,
        ):
            found[f"account:{home}|{name}"] = _Person("student", pk, school_id, class_id)
        for pk, no, school_id in _select_in(Teacher, ("id", "staff_no", "school_id"), "staff_no", names):
            found.setdefault(f"account:{home}|{no}", _Person("teacher", pk, school_id, None))
    if mboxes:
        for pk, email, school_id in _select_in(Teacher, ("id", "user__email", "school_id"), "user__email", mboxes):
            found[f"mbox:mailto:{email}"] = _Person("teacher", pk, school_id, None)
    return found


def _select_in(model: Any, fields: tuple[str, ...], key: str, values: Iterable[str]) -> list[tuple[Any, ...]]:
    """``model.objects.filter(<key>__in=values).values_list(*fields)``. On PostgreSQL the list goes as one array
    parameter (``= ANY(%s)``) of the ORM's SQL, built once per process: this saves building the query and parsing
    and adapting a 100-placeholder ``IN`` list in Python (together about a millisecond per batch)."""
    if connection.vendor != "postgresql":
        return list(model.objects.filter(**{f"{key}__in": list(values)}).values_list(*fields))
    sql, params, position = _any_query(model, fields, key)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params[:position], list(values), *params[position + 1 :]])
        return cursor.fetchall()


@functools.cache
def _any_query(model: Any, fields: tuple[str, ...], key: str) -> tuple[str, tuple[Any, ...], int]:
    marker = "\x00jiaoyun-any\x00"
    sql, params = model.objects.filter(**{key: marker}).values_list(*fields).query.sql_with_params()
    if sql.count("= %s") != 1 or marker not in params:  # pragma: no cover - a query shape this was not made for
        raise RuntimeError(f"unexpected query for {model.__name__}.{key}: {sql}")
    return sql.replace("= %s", "= ANY(%s)"), tuple(params), params.index(marker)


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
    Raises ``XapiError``."""
    if len(statements) > conf.get("XAPI_MAX_BATCH"):
        raise XapiError(413, f"一批最多 {conf.get('XAPI_MAX_BATCH')} 条语句，收到 {len(statements)} 条")
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
            raise XapiError(400, f"同一批中语句 ID 重复：{sid}")
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
                raise XapiError(409, f"语句 ID {sid} 已被使用")
            stored_st = json.loads(data)
            mine = dict(st, id=sid)
            v.normalise_context_activities(mine)
            if _comparable(stored_st, lrs_timestamp=not ts_orig) != _comparable(mine, lrs_timestamp=False):
                raise XapiError(409, f"语句 {sid} 已存在且内容不同")
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
            raise XapiError(400, "作废语句不能被作废")
        batch_voiding = {sid for sid, _ in new_items if sid in voiding}
        if batch_voiding & set(voiding.values()):
            raise XapiError(400, "作废语句不能被作废")
    # Attachments: every attachment without fileUrl must have its content in the request.
    attachments = attachments or {}
    for sid, st in new_items:
        for a in st.get("attachments", []):
            if "fileUrl" not in a and a["sha2"] not in attachments:
                raise XapiError(400, f"语句 {sid} 的附件 {a['sha2'][:12]}… 缺少内容（multipart/mixed 中无对应哈希）")
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
                raise XapiError(403, f"客户端“{client.name}”无权写入本校以外学生的学习记录（语句 {sid}）")
        acc = st["actor"].get("account")
        if isinstance(acc, dict) and acc.get("homePage") == home and actor_ifi not in people:
            raise XapiError(400, f"语句 {sid}：平台账号 {acc.get('name')} 不是本县学生的学习账号或教师的教职工号")
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
        _insert(rows, refs)
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
            for act_id, old in _select_in(Activity, ("activity_id", "definition"), "activity_id", activities):
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


def _insert(rows: list[dict[str, Any]], refs: list[list[tuple[str, str]]]) -> None:
    """Insert statements and their index rows: COPY on PostgreSQL (ids taken from the sequence first),
    ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql":
        created = Statement.objects.bulk_create([Statement(**r) for r in rows])
        StatementRef.objects.bulk_create(
            [
                StatementRef(statement_id=s.pk, kind=k, value=val[:500])
                for s, r in zip(created, refs, strict=True)
                for k, val in r
            ]
        )
        return
    table = Statement._meta.db_table
    columns = _COPY_COLUMNS
    if list(rows[0]) != list(columns):  # pragma: no cover - a programming error, caught by the tests
        raise RuntimeError("statement row keys and COPY columns differ")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [len(rows)]
        )
        ids = [r[0] for r in cursor.fetchall()]
        raw = cursor.cursor  # the psycopg cursor: COPY is several times faster than INSERT for batches
        cols = ", ".join(f'"{c}"' for c in ["id", *columns])
        # The COPY text is built here in one piece (psycopg's per-row adaptation costs more than the rows); columns
        # whose values cannot need escaping (numbers, UUIDs, times, booleans) are written without a call per value.
        text = "".join(_copy_row(pk, row) for pk, row in zip(ids, rows, strict=True))
        with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            copy.write(text)
        ref_text = "".join(
            f"{pk}\t{k}\t{_copy_value(val[:500])}\n" for pk, r in zip(ids, refs, strict=True) for k, val in r
        )
        if ref_text:
            ref_table = StatementRef._meta.db_table
            with raw.copy(f'COPY "{ref_table}" ("statement_id", "kind", "value") FROM STDIN') as copy:
                copy.write(ref_text)


_COPY_COLUMNS = (
    "statement_id", "client_id", "version", "actor_ifi", "verb_id", "object_type", "object_id", "registration",
    "target", "timestamp", "stored", "voided", "data", "timestamp_original", "school_id", "school_class_id",
    "student_id", "teacher_id", "duration_s", "score_scaled", "completed", "in_class",
)  # fmt: skip


def _copy_row(pk: int, r: dict[str, Any]) -> str:
    """One statement row in COPY text format, columns in the order of the row dict built by ``statement_store``.
    Free text goes through ``_copy_value``; ids, UUIDs, times, numbers and booleans cannot contain a character
    that needs escaping and are formatted inline."""
    e, n = _copy_value, _copy_null
    return (
        f"{pk}\t{r['statement_id']}\t{n(r['client_id'])}\t{e(r['version'])}\t{e(r['actor_ifi'])}\t{e(r['verb_id'])}"
        f"\t{e(r['object_type'])}\t{e(r['object_id'])}\t{n(r['registration'])}\t{e(r['target'])}"
        f"\t{r['timestamp'].isoformat()}\t{r['stored'].isoformat()}\t{'t' if r['voided'] else 'f'}\t{e(r['data'])}"
        f"\t{e(r['timestamp_original'])}\t{n(r['school_id'])}\t{n(r['school_class_id'])}\t{n(r['student_id'])}"
        f"\t{n(r['teacher_id'])}\t{n(r['duration_s'])}\t{n(r['score_scaled'])}\t{'t' if r['completed'] else 'f'}"
        f"\t{'t' if r['in_class'] else 'f'}\n"
    )


def _copy_null(value: int | float | str | None) -> str:
    return "\\N" if value is None else repr(value) if isinstance(value, float) else str(value)


_COPY_ESCAPES = (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))


def _copy_value(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        # ``in`` and ``replace`` are C loops; ``str.translate`` with a table walks each character in Python objects.
        for char, escaped in _COPY_ESCAPES:
            if char in value:
                value = value.replace(char, escaped)
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


# ---- documents ----------------------------------------------------------------------------------------------


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
            raise XapiError(412, "If-Match 与文档当前的 ETag 不符（文档已被他人修改或不存在）")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")}
        if current is not None and ("*" in tags or current in tags):
            raise XapiError(412, "If-None-Match：文档已存在")


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
        raise XapiError(409, "文档已存在：更新时必须带 If-Match（当前 ETag）或 If-None-Match 请求头")
    is_json = content_type.split(";")[0].strip().lower() == "application/json"
    if merge:
        if is_json:
            try:
                incoming = json.loads(content.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise XapiError(400, "文档声明为 application/json，但内容不是合法 JSON") from exc
        if doc is not None:
            if not is_json or doc.content_type.split(";")[0].strip().lower() != "application/json":
                raise XapiError(400, "POST 合并只适用于 JSON 文档（已存文档与请求都必须是 application/json）")
            current = json.loads(bytes(doc.content).decode("utf-8"))
            if not isinstance(current, dict) or not isinstance(incoming, dict):
                raise XapiError(400, "POST 合并只适用于 JSON 对象")
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
