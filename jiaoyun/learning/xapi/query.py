"""Statement queries (GET /xapi/statements): filters, ordering, ``more`` cursors and response formats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet

from jiaoyun.learning import conf
from jiaoyun.learning.models import Activity, Statement, StatementRef
from jiaoyun.learning.xapi import validate as v
from jiaoyun.learning.xapi.errors import XapiError

QUERY_PARAMS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
SINGLE_PARAMS = {"statementId", "voidedStatementId"}
OUTPUT_PARAMS = {"format", "attachments"}
MORE_SALT = "jiaoyun.learning.xapi.more"


def _bool(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise XapiError(400, f"参数 {name} 只能是 true 或 false")
    return value == "true"


@dataclass
class Query:
    params: dict[str, str]
    after_id: int | None = None  # cursor: continue after (or before, descending) this row id
    before_stored: str | None = None  # consistency: rows stored at or before the first page's time

    @property
    def ascending(self) -> bool:
        return _bool(self.params, "ascending")

    @property
    def fmt(self) -> str:
        fmt = self.params.get("format", "exact")
        if fmt not in ("ids", "exact", "canonical"):
            raise XapiError(400, f"format 只能是 ids、exact 或 canonical，得到 {fmt!r}")
        return fmt

    @property
    def attachments(self) -> bool:
        return _bool(self.params, "attachments")

    @property
    def limit(self) -> int:
        raw = self.params.get("limit", "0")
        if not raw.isdigit():
            raise XapiError(400, "limit 必须是非负整数")
        n = int(raw)
        cap = conf.get("XAPI_MAX_PAGE_SIZE")
        return cap if n == 0 or n > cap else n


def check_params(params: dict[str, str]) -> None:
    unknown = set(params) - QUERY_PARAMS - SINGLE_PARAMS
    if unknown:
        raise XapiError(400, f"不认识的查询参数：{sorted(unknown)}")
    singles = set(params) & SINGLE_PARAMS
    if len(singles) > 1:
        raise XapiError(400, "statementId 与 voidedStatementId 不能同时使用")
    if singles and set(params) - SINGLE_PARAMS - OUTPUT_PARAMS:
        raise XapiError(400, "按 ID 取语句时只能再带 format 与 attachments 参数")


def _agent_ifi(raw: str) -> str:
    try:
        agent = json.loads(raw)
    except ValueError as exc:
        raise XapiError(400, "agent 参数不是合法 JSON") from exc
    v.check_agent(agent, "agent")
    ifi = v.agent_ifi(agent)
    if ifi is None:
        raise XapiError(400, "agent 参数必须带标识（匿名 Group 不能用于查询）")
    return ifi


def filtered(query: Query, visible: Q) -> QuerySet[Statement]:
    """Statements the client may see (``visible``, see ``selectors.xapi_visible_q``) matching the filters, plus
    its statements whose StatementRef object targets a matching one it may see (voided or not), as the spec's
    "filter conditions for StatementRefs" require. A statement the client may not see is, to it, absent: it is
    never returned and never makes another statement match."""
    p = query.params
    content = Q()
    if "agent" in p:
        ifi = _agent_ifi(p["agent"])
        # The actor and an Agent/Group object are columns of the statement; other mentions are StatementRef rows.
        if _bool(p, "related_agents"):
            # One id set from each index (actor, object, other mentions, authority): PostgreSQL joins the union
            # instead of walking all statements through an OR filter.
            parts = [
                Statement.objects.filter(actor_ifi=ifi).values("id"),
                Statement.objects.filter(object_type__in=("Agent", "Group"), object_id=ifi).values("id"),
                StatementRef.objects.filter(kind=StatementRef.AGENT, value=ifi).values("statement_id"),
            ]
            home = f"account:{conf.get('XAPI_HOMEPAGE')}|"
            if ifi.startswith(home):  # the authority of statements stored by that client
                parts.append(Statement.objects.filter(client__key=ifi[len(home) :]).values("id"))
            content &= Q(id__in=parts[0].union(*parts[1:], all=True))
        else:
            content &= Q(actor_ifi=ifi) | Q(object_type__in=("Agent", "Group"), object_id=ifi)
    else:
        _bool(p, "related_agents")
    if "verb" in p:
        content &= Q(verb_id=v.check_iri(p["verb"], "verb"))
    if "activity" in p:
        act = v.check_iri(p["activity"], "activity")
        if _bool(p, "related_activities"):
            as_object = Statement.objects.filter(object_type="Activity", object_id=act).values("id")
            mentioned = StatementRef.objects.filter(kind=StatementRef.ACTIVITY, value=act).values("statement_id")
            content &= Q(id__in=as_object.union(mentioned, all=True))
        else:
            content &= Q(object_type="Activity", object_id=act)
    else:
        _bool(p, "related_activities")
    if "registration" in p:
        content &= Q(registration=v.check_uuid(p["registration"], "registration").lower())
    qs = Statement.objects.filter(visible, voided=False)
    if content:
        # Few statements target others: walk those (partial index on target) and probe each target by its id.
        matching = Statement.objects.filter(visible, content, statement_id=OuterRef("target"))
        targeting = list(
            Statement.objects.filter(target__isnull=False).filter(Exists(matching)).values_list("id", flat=True)[:10000]
        )
        qs = qs.filter(content | Q(id__in=targeting)) if targeting else qs.filter(content)
    if "since" in p:
        qs = qs.filter(stored__gt=v.parse_timestamp(p["since"], "since"))
    if "until" in p:
        qs = qs.filter(stored__lte=v.parse_timestamp(p["until"], "until"))
    return qs


def page(query: Query, visible: Q) -> tuple[list[str], str | None]:
    """One page of the statements the client may see (JSON texts) and the ``more`` token (or None). The token
    holds no grant: each page is filtered again by the visibility of the client that asks for it."""
    qs = filtered(query, visible)
    query.fmt  # noqa: B018 - validate early
    query.attachments  # noqa: B018
    if query.after_id is not None:
        qs = qs.filter(id__gt=query.after_id) if query.ascending else qs.filter(id__lt=query.after_id)
    if query.before_stored is not None:
        qs = qs.filter(id__lte=int(query.before_stored))
    limit = query.limit
    rows = list(qs.order_by("id" if query.ascending else "-id").values_list("id", "data")[: limit + 1])
    more = None
    if len(rows) > limit:
        rows = rows[:limit]
        top = query.before_stored
        if top is None:
            top = str(Statement.objects.order_by("-id").values_list("id", flat=True).first() or 0)
        more = signing.dumps({"p": query.params, "a": rows[-1][0], "t": top}, salt=MORE_SALT, compress=True)
    return [d for _, d in rows], more


def from_more(token: str) -> Query:
    try:
        data = signing.loads(token, salt=MORE_SALT, max_age=24 * 3600)
    except signing.BadSignature as exc:
        raise XapiError(400, "more 链接无效或已过期") from exc
    return Query(params=data["p"], after_id=data["a"], before_stored=data["t"])


# ---- formats -------------------------------------------------------------------------------------------------


def _ids_agent(agent: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: agent[k] for k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account") if k in agent
    }
    if "member" in agent and v.agent_ifi(agent) is None:
        out["member"] = [_ids_agent(m) for m in agent["member"]]
    return out


def _ids(st: dict[str, Any]) -> dict[str, Any]:
    out = dict(st)
    out["actor"] = _ids_agent(st["actor"])
    out["verb"] = {"id": st["verb"]["id"]}
    obj = st["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = {"id": obj["id"]}
    elif kind in ("Agent", "Group"):
        out["object"] = _ids_agent(obj)
    elif kind == "SubStatement":
        out["object"] = _ids(obj)
    if "authority" in st:
        out["authority"] = _ids_agent(st["authority"])
    ctx = st.get("context")
    if ctx:
        ctx = dict(ctx)
        for k in ("instructor", "team"):
            if k in ctx:
                ctx[k] = _ids_agent(ctx[k])
        if "contextActivities" in ctx:
            ctx["contextActivities"] = {
                k: [{"id": a["id"]} for a in val] if isinstance(val, list) else {"id": val["id"]}
                for k, val in ctx["contextActivities"].items()
            }
        out["context"] = ctx
    return out


def _pick_language(lmap: dict[str, str], accept: list[str]) -> dict[str, str]:
    for lang in accept:
        for k in lmap:
            if k.lower() == lang.lower() or k.lower().split("-")[0] == lang.lower():
                return {k: lmap[k]}
    if "und" in lmap:
        return {"und": lmap["und"]}
    first = next(iter(lmap), None)
    return {first: lmap[first]} if first is not None else {}


LANG_MAP_KEYS = {"display", "name", "description"}


def _canonical(value: Any, accept: list[str], key: str = "") -> Any:
    if isinstance(value, dict):
        if key in LANG_MAP_KEYS and all(isinstance(x, str) for x in value.values()):
            return _pick_language(value, accept)
        return {k: (val if k == "extensions" else _canonical(val, accept, k)) for k, val in value.items()}
    if isinstance(value, list):
        return [_canonical(x, accept, key) for x in value]
    return value


def accept_languages(header: str) -> list[str]:
    """Language ranges of an Accept-Language header, best first; ranges with q=0 are not acceptable."""
    langs = []
    for part in header.split(","):
        tag, _, q = part.strip().partition(";q=")
        if tag and tag != "*":
            try:
                weight = float(q) if q else 1.0
            except ValueError:
                continue
            if weight > 0:
                langs.append((weight, tag.strip()))
    return [t for _, t in sorted(langs, key=lambda x: -x[0])]


def _activities_in(st: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The Activity objects of a statement: its object, its context activities, and those of a SubStatement."""
    obj = st.get("object") or {}
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        yield obj
    elif kind == "SubStatement":
        yield from _activities_in(obj)
    for acts in ((st.get("context") or {}).get("contextActivities") or {}).values():
        yield from acts if isinstance(acts, list) else [acts]


def _with_canonical_definitions(statements: list[dict[str, Any]]) -> None:
    """Replace each Activity's definition by the LRS's canonical one (``Activity``), one query for the page."""
    acts = [a for st in statements for a in _activities_in(st) if isinstance(a, dict) and "id" in a]
    if not acts:
        return
    known = dict(
        Activity.objects.filter(activity_id__in={a["id"] for a in acts}).values_list("activity_id", "definition")
    )
    parsed = {k: json.loads(d) for k, d in known.items()}
    for a in acts:
        definition = parsed.get(a["id"])
        if definition:
            a["definition"] = definition


def render_page(rows: list[str], fmt: str, accept: list[str]) -> list[str]:
    """The statements of a response in the requested format. ``exact``: as stored. ``ids``: identifiers only.
    ``canonical``: Activities with the LRS's canonical definitions, then every language map (verb display,
    activity name/description, interaction components, attachment display) cut to the one language the
    Accept-Language header prefers."""
    if fmt == "exact":
        return rows
    statements = [json.loads(r) for r in rows]
    if fmt == "ids":
        return [json.dumps(_ids(st), ensure_ascii=False, separators=(",", ":")) for st in statements]
    _with_canonical_definitions(statements)
    return [json.dumps(_canonical(st, accept), ensure_ascii=False, separators=(",", ":")) for st in statements]
