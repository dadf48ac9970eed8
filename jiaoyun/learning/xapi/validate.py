"""Statement validation (xAPI 1.0.3 Data section / IEEE 9274.1.1 §4.2): raises ``XapiError`` with a message."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from jiaoyun.learning.xapi.errors import XapiError

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
MBOX_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
LANG_RE = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$|^[xX](?:-[A-Za-z0-9]{1,8})+$|^i-[A-Za-z]+$"
)
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$"
)
DURATION_RE = re.compile(
    r"^P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$|^P\d+(?:\.\d+)?W$"
)
DURATION_PARTS = re.compile(r"(\d+(?:\.\d+)?)([YMWDHS])")
INTERACTION_TYPES = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"


def fail(path: str, reason: str) -> XapiError:
    return XapiError(400, f"{path}: {reason}")


def check_keys(obj: dict[str, Any], allowed: set[str], path: str) -> None:
    if not allowed.issuperset(obj):
        raise fail(path, f"不允许的属性 {sorted(set(obj) - allowed)}")


def check_object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(path, "必须是 JSON 对象")
    if None in value.values():
        k = next(k for k, v in value.items() if v is None)
        raise fail(f"{path}.{k}", "不允许为 null")
    return value


def check_string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise fail(path, "必须是字符串")
    return value


@functools.lru_cache(maxsize=65536)
def _is_iri(value: str) -> bool:
    # Verbs, activity types and extension keys repeat from statement to statement: each is matched once.
    return IRI_RE.match(value) is not None


def check_iri(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _is_iri(value):
        raise fail(path, f"不是合法的 IRI：{value!r}")
    return value


def check_uuid(value: Any, path: str) -> str:
    if not isinstance(value, str) or not UUID_RE.match(value):
        raise fail(path, f"不是合法的 UUID：{value!r}")
    return value


def check_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise fail(path, "必须是 true 或 false")
    return value


def check_number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(path, "必须是数字")
    return float(value)


def check_language_map(value: Any, path: str) -> None:
    check_object(value, path)
    for k, v in value.items():
        if not LANG_RE.match(k):
            raise fail(path, f"语言标记不合法：{k!r}")
        check_string(v, f"{path}.{k}")


def check_extensions(value: Any, path: str) -> None:
    if not isinstance(value, dict):
        raise fail(path, "必须是 JSON 对象")
    for k in value:
        check_iri(k, f"{path} 的键")


def parse_timestamp(value: Any, path: str) -> dt.datetime:
    """RFC 3339 / ISO 8601 extended timestamp; "-00:00" (unknown offset) is refused. Returns an aware UTC time."""
    if not isinstance(value, str):
        raise fail(path, "时间戳必须是字符串")
    parsed = _parse_timestamp(value)
    if isinstance(parsed, str):
        raise fail(path, parsed)
    return parsed


# Validation and storage parse the same values: the pure parsers are cached by value (a reason string on error).
@functools.lru_cache(maxsize=4096)
def _parse_timestamp(value: str) -> dt.datetime | str:
    m = TIMESTAMP_RE.match(value)
    if not m:
        return f"不是 ISO 8601 时间戳：{value!r}"
    tz = m.group(8)
    if tz and tz.startswith("-") and tz.replace("-", "").replace(":", "").strip("0") == "":
        return f"时区偏移 -00:00 不允许：{value!r}"
    try:
        frac = m.group(7) or ""
        micro = int((frac[1:] + "000000")[:6]) if frac else 0
        y, mo, d, h, mi, sec = (int(m.group(i)) for i in range(1, 7))
        base = dt.datetime(y, mo, d, h, mi, sec, micro, tzinfo=dt.UTC)  # as if UTC: the offset is applied below
    except ValueError:
        return f"日期不存在：{value!r}"
    if not tz or tz in ("Z", "z"):
        offset = dt.timedelta(0)
    else:
        digits = tz[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        offset = dt.timedelta(hours=hours, minutes=minutes) * (1 if tz[0] == "+" else -1)
    return base - offset


def parse_duration(value: Any, path: str) -> float:
    """ISO 8601 duration → seconds (months = 30 days, years = 365 days, approximations for statistics)."""
    seconds = _parse_duration(value) if isinstance(value, str) else None
    if seconds is None:
        raise fail(path, f"不是 ISO 8601 时长：{value!r}")
    return seconds


@functools.lru_cache(maxsize=4096)
def _parse_duration(value: str) -> float | None:
    if not DURATION_RE.match(value):
        return None
    date_part, _, time_part = value[1:].partition("T")
    factors_date = {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400}
    factors_time = {"H": 3600, "M": 60, "S": 1}
    total = sum(float(n) * factors_date[u] for n, u in DURATION_PARTS.findall(date_part))
    total += sum(float(n) * factors_time[u] for n, u in DURATION_PARTS.findall(time_part))
    return total


# ---- actors -----------------------------------------------------------------------------------------------


def agent_ifi(agent: dict[str, Any]) -> str | None:
    """The canonical inverse functional identifier of an agent/group, or None (anonymous group)."""
    if "mbox" in agent:
        return f"mbox:{agent['mbox']}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent and isinstance(agent["account"], dict):
        return f"account:{agent['account'].get('homePage')}|{agent['account'].get('name')}"
    return None


def _check_ifis(agent: dict[str, Any], path: str) -> int:
    count = 0
    if "mbox" in agent:
        count += 1
        if not isinstance(agent["mbox"], str) or not MBOX_RE.match(agent["mbox"]):
            raise fail(f"{path}.mbox", "必须是 mailto: 开头的邮箱 IRI")
    if "mbox_sha1sum" in agent:
        count += 1
        if not isinstance(agent["mbox_sha1sum"], str) or not SHA1_RE.match(agent["mbox_sha1sum"]):
            raise fail(f"{path}.mbox_sha1sum", "必须是 40 位十六进制 SHA-1")
    if "openid" in agent:
        count += 1
        check_iri(agent["openid"], f"{path}.openid")
    if "account" in agent:
        count += 1
        account = check_object(agent["account"], f"{path}.account")
        check_keys(account, {"homePage", "name"}, f"{path}.account")
        if "homePage" not in account or "name" not in account:
            raise fail(f"{path}.account", "需要 homePage 与 name")
        check_iri(account["homePage"], f"{path}.account.homePage")
        check_string(account["name"], f"{path}.account.name")
    return count


IFI_KEYS = {"mbox", "mbox_sha1sum", "openid", "account"}


def check_agent(value: Any, path: str, *, allow_group: bool = True, version: str = "1.0.3") -> dict[str, Any]:
    agent = check_object(value, path)
    kind = agent.get("objectType", "Agent")
    if kind == "Group" and allow_group:
        return check_group(agent, path, version=version)
    if kind != "Agent":
        raise fail(f"{path}.objectType", f"应为 Agent{'/Group' if allow_group else ''}，得到 {kind!r}")
    check_keys(agent, {"objectType", "name"} | IFI_KEYS, path)
    if "name" in agent:
        check_string(agent["name"], f"{path}.name")
    if _check_ifis(agent, path) != 1:
        raise fail(path, "Agent 必须恰有一个标识（mbox、mbox_sha1sum、openid 或 account）")
    return agent


def check_group(group: dict[str, Any], path: str, *, version: str = "1.0.3") -> dict[str, Any]:
    check_keys(group, {"objectType", "name", "member"} | IFI_KEYS, path)
    if group.get("objectType") != "Group":
        raise fail(f"{path}.objectType", "Group 必须写明 objectType")
    if "name" in group:
        check_string(group["name"], f"{path}.name")
    n = _check_ifis(group, path)
    if n > 1:
        raise fail(path, "Group 最多一个标识")
    if "member" in group:
        if not isinstance(group["member"], list):
            raise fail(f"{path}.member", "必须是数组")
        for i, m in enumerate(group["member"]):
            check_agent(m, f"{path}.member[{i}]", allow_group=False, version=version)
    if n == 0 and not group.get("member"):
        raise fail(path, "匿名 Group 必须列出 member")
    return group


# ---- verb / object -----------------------------------------------------------------------------------------


def check_verb(value: Any, path: str) -> None:
    verb = check_object(value, path)
    check_keys(verb, {"id", "display"}, path)
    if "id" not in verb:
        raise fail(path, "缺少 id")
    check_iri(verb["id"], f"{path}.id")
    if "display" in verb:
        check_language_map(verb["display"], f"{path}.display")


def check_activity(value: Any, path: str) -> None:
    act = check_object(value, path)
    check_keys(act, {"objectType", "id", "definition"}, path)
    if act.get("objectType", "Activity") != "Activity":
        raise fail(f"{path}.objectType", "应为 Activity")
    if "id" not in act:
        raise fail(path, "缺少 id")
    check_iri(act["id"], f"{path}.id")
    if "definition" in act:
        check_definition(act["definition"], f"{path}.definition")


def check_definition(value: Any, path: str) -> None:
    d = check_object(value, path)
    check_keys(
        d,
        {"name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern"}
        | set(COMPONENT_LISTS),
        path,
    )
    for k in ("name", "description"):
        if k in d:
            check_language_map(d[k], f"{path}.{k}")
    for k in ("type", "moreInfo"):
        if k in d:
            check_iri(d[k], f"{path}.{k}")
    if "extensions" in d:
        check_extensions(d["extensions"], f"{path}.extensions")
    itype = d.get("interactionType")
    if itype is not None and (not isinstance(itype, str) or itype not in INTERACTION_TYPES):
        raise fail(f"{path}.interactionType", f"不认识的交互类型 {itype!r}")
    if "correctResponsesPattern" in d:
        if itype is None:
            raise fail(path, "correctResponsesPattern 需要 interactionType")
        if not isinstance(d["correctResponsesPattern"], list):
            raise fail(f"{path}.correctResponsesPattern", "必须是字符串数组")
        for i, s in enumerate(d["correctResponsesPattern"]):
            check_string(s, f"{path}.correctResponsesPattern[{i}]")
    for lst in COMPONENT_LISTS:
        if lst not in d:
            continue
        if itype is None or lst not in INTERACTION_TYPES[itype]:
            raise fail(f"{path}.{lst}", f"交互类型 {itype!r} 不允许 {lst}")
        if not isinstance(d[lst], list):
            raise fail(f"{path}.{lst}", "必须是数组")
        seen: set[str] = set()
        for i, comp in enumerate(d[lst]):
            c = check_object(comp, f"{path}.{lst}[{i}]")
            check_keys(c, {"id", "description"}, f"{path}.{lst}[{i}]")
            cid = check_string(c.get("id"), f"{path}.{lst}[{i}].id")
            if cid in seen:
                raise fail(f"{path}.{lst}", f"组件 id 重复：{cid}")
            seen.add(cid)
            if "description" in c:
                check_language_map(c["description"], f"{path}.{lst}[{i}].description")


def check_statement_ref(value: dict[str, Any], path: str) -> None:
    check_keys(value, {"objectType", "id"}, path)
    if "id" not in value:
        raise fail(path, "StatementRef 缺少 id")
    check_uuid(value["id"], f"{path}.id")


def check_object_property(value: Any, path: str, *, sub: bool, version: str) -> str:
    obj = check_object(value, path)
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        check_activity(obj, path)
    elif kind in ("Agent", "Group"):
        check_agent(obj, path, version=version)
    elif kind == "StatementRef":
        check_statement_ref(obj, path)
    elif kind == "SubStatement":
        if sub:
            raise fail(path, "SubStatement 不能嵌套 SubStatement")
        check_statement(obj, path=path, sub=True, version=version)
    else:
        raise fail(f"{path}.objectType", f"不认识的对象类型 {kind!r}")
    return str(kind)


# ---- result / context / attachments -------------------------------------------------------------------------


def check_result(value: Any, path: str) -> None:
    r = check_object(value, path)
    check_keys(r, {"score", "success", "completion", "response", "duration", "extensions"}, path)
    if "score" in r:
        s = check_object(r["score"], f"{path}.score")
        check_keys(s, {"scaled", "raw", "min", "max"}, f"{path}.score")
        nums = {k: check_number(s[k], f"{path}.score.{k}") for k in ("scaled", "raw", "min", "max") if k in s}
        if "scaled" in nums and not -1 <= nums["scaled"] <= 1:
            raise fail(f"{path}.score.scaled", "必须在 -1 与 1 之间")
        if "min" in nums and "max" in nums and nums["min"] >= nums["max"]:
            raise fail(f"{path}.score", "min 必须小于 max")
        if "raw" in nums and "min" in nums and nums["raw"] < nums["min"]:
            raise fail(f"{path}.score.raw", "不得小于 min")
        if "raw" in nums and "max" in nums and nums["raw"] > nums["max"]:
            raise fail(f"{path}.score.raw", "不得大于 max")
    for k in ("success", "completion"):
        if k in r:
            check_bool(r[k], f"{path}.{k}")
    if "response" in r:
        check_string(r["response"], f"{path}.response")
    if "duration" in r:
        parse_duration(r["duration"], f"{path}.duration")
    if "extensions" in r:
        check_extensions(r["extensions"], f"{path}.extensions")


def normalise_context_activities(st: dict[str, Any]) -> None:
    """A single context activity is returned as an array of one (also inside a SubStatement)."""
    for holder in (st, st.get("object") if isinstance(st.get("object"), dict) else None):
        if not holder or not isinstance(holder.get("context"), dict):
            continue
        ca = holder["context"].get("contextActivities")
        if isinstance(ca, dict):
            holder["context"] = dict(
                holder["context"],
                contextActivities={k: (val if isinstance(val, list) else [val]) for k, val in ca.items()},
            )


def check_context(value: Any, path: str, *, object_kind: str, version: str) -> None:
    c = check_object(value, path)
    allowed = {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
    if version.startswith("2"):
        allowed |= {"contextAgents", "contextGroups"}
    check_keys(c, allowed, path)
    if "registration" in c:
        check_uuid(c["registration"], f"{path}.registration")
    if "instructor" in c:
        check_agent(c["instructor"], f"{path}.instructor", version=version)
    if "team" in c:
        team = check_object(c["team"], f"{path}.team")
        if team.get("objectType") != "Group":
            raise fail(f"{path}.team", "必须是 Group")
        check_group(team, f"{path}.team", version=version)
    if "contextActivities" in c:
        ca = check_object(c["contextActivities"], f"{path}.contextActivities")
        check_keys(ca, {"parent", "grouping", "category", "other"}, f"{path}.contextActivities")
        for k, v in ca.items():
            items = v if isinstance(v, list) else [v]
            for i, a in enumerate(items):
                check_activity(a, f"{path}.contextActivities.{k}[{i}]")
    for k in ("revision", "platform"):
        if k in c:
            check_string(c[k], f"{path}.{k}")
            if object_kind != "Activity":
                raise fail(f"{path}.{k}", "仅当对象是 Activity 时才可使用")
    if "language" in c and (not isinstance(c["language"], str) or not LANG_RE.match(c["language"])):
        raise fail(f"{path}.language", "不是合法的 RFC 5646 语言标记")
    if "statement" in c:
        ref = check_object(c["statement"], f"{path}.statement")
        if ref.get("objectType") != "StatementRef":
            raise fail(f"{path}.statement", "必须是 StatementRef")
        check_statement_ref(ref, f"{path}.statement")
    if "extensions" in c:
        check_extensions(c["extensions"], f"{path}.extensions")
    for key, obj_type, member in (
        ("contextAgents", "contextAgent", "agent"),
        ("contextGroups", "contextGroup", "group"),
    ):
        if key not in c:
            continue
        if not isinstance(c[key], list):
            raise fail(f"{path}.{key}", "必须是数组")
        for i, item in enumerate(c[key]):
            p = f"{path}.{key}[{i}]"
            it = check_object(item, p)
            check_keys(it, {"objectType", member, "relevantTypes"}, p)
            if it.get("objectType") != obj_type:
                raise fail(f"{p}.objectType", f"必须是 {obj_type}")
            if member not in it:
                raise fail(p, f"缺少 {member}")
            if member == "agent":
                check_agent(it["agent"], f"{p}.agent", allow_group=False, version=version)
            else:
                g = check_object(it["group"], f"{p}.group")
                if g.get("objectType") != "Group":
                    raise fail(f"{p}.group", "必须是 Group")
                check_group(g, f"{p}.group", version=version)
            if "relevantTypes" in it:
                rt = it["relevantTypes"]
                if not isinstance(rt, list) or not rt:
                    raise fail(f"{p}.relevantTypes", "必须是非空 IRI 数组")
                for j, t in enumerate(rt):
                    check_iri(t, f"{p}.relevantTypes[{j}]")


def check_attachments(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise fail(path, "必须是数组")
    for i, item in enumerate(value):
        p = f"{path}[{i}]"
        a = check_object(item, p)
        check_keys(a, {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}, p)
        for k in ("usageType", "display", "contentType", "length", "sha2"):
            if k not in a:
                raise fail(p, f"缺少 {k}")
        check_iri(a["usageType"], f"{p}.usageType")
        check_language_map(a["display"], f"{p}.display")
        if "description" in a:
            check_language_map(a["description"], f"{p}.description")
        if not isinstance(a["contentType"], str) or "/" not in a["contentType"]:
            raise fail(f"{p}.contentType", "不是合法的媒体类型")
        if isinstance(a["length"], bool) or not isinstance(a["length"], int) or a["length"] < 0:
            raise fail(f"{p}.length", "必须是非负整数")
        if not isinstance(a["sha2"], str) or not SHA2_RE.match(a["sha2"]):
            raise fail(f"{p}.sha2", "不是 SHA-2 十六进制摘要")
        if "fileUrl" in a:
            check_iri(a["fileUrl"], f"{p}.fileUrl")


# ---- statement ----------------------------------------------------------------------------------------------

VERSION_RE = {"1": re.compile(r"^1\.0(\.\d+)?$"), "2": re.compile(r"^(1\.0|2\.0)(\.\d+)?$")}


def check_statement(value: Any, *, path: str = "statement", sub: bool = False, version: str = "1.0.3") -> str:
    """Validate one statement (or SubStatement when ``sub``); returns the object's kind."""
    st = check_object(value, path)
    if sub:
        check_keys(st, {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}, path)
    else:
        check_keys(
            st,
            {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version"}
            | {"attachments"},
            path,
        )
        if "id" in st:
            check_uuid(st["id"], f"{path}.id")
    for k in ("actor", "verb", "object"):
        if k not in st:
            raise fail(path, f"缺少必需属性 {k}")
    check_agent(st["actor"], f"{path}.actor", version=version)
    check_verb(st["verb"], f"{path}.verb")
    kind = check_object_property(st["object"], f"{path}.object", sub=sub, version=version)
    if st["verb"]["id"] == VOIDED_VERB and not sub and kind != "StatementRef":
        raise fail(f"{path}.object", "作废语句的对象必须是 StatementRef")
    if "result" in st:
        check_result(st["result"], f"{path}.result")
    if "context" in st:
        check_context(st["context"], f"{path}.context", object_kind=kind, version=version)
    if "timestamp" in st:
        parse_timestamp(st["timestamp"], f"{path}.timestamp")
    if "stored" in st:
        parse_timestamp(st["stored"], f"{path}.stored")
    if "authority" in st:
        auth = check_agent(st["authority"], f"{path}.authority", version=version)
        if auth.get("objectType") == "Group" and (len(auth.get("member", [])) != 2 or agent_ifi(auth)):
            raise fail(f"{path}.authority", "作为 authority 的 Group 必须恰有两个成员（OAuth 消费者与用户）")
    if "version" in st and (not isinstance(st["version"], str) or not VERSION_RE[version[0]].match(st["version"])):
        raise fail(f"{path}.version", f"不支持的语句版本 {st['version']!r}")
    if "attachments" in st:
        check_attachments(st["attachments"], f"{path}.attachments")
    return kind
