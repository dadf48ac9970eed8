"""The xAPI resources under /xapi/ (plain Django views; HTTP Basic per client; see ``http.xapi_view``)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import http_date

from jiaoyun.learning import conf, selectors, services
from jiaoyun.learning.models import Document
from jiaoyun.learning.xapi import multipart, query
from jiaoyun.learning.xapi import validate as v
from jiaoyun.learning.xapi.errors import XapiError
from jiaoyun.learning.xapi.http import XRequest, json_response, parse_json_param, xapi_view

STATEMENT_METHODS = ("GET", "PUT", "POST")
DOC_METHODS = ("GET", "PUT", "POST", "DELETE")


@xapi_view(methods=("GET",), auth=False, versioned=False)
def about(xreq: XRequest) -> HttpResponse:
    return json_response({"version": ["1.0.3", "2.0.0"], "extensions": {}})


# ---- statements ---------------------------------------------------------------------------------------------


def _read_statements(xreq: XRequest) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    files: dict[str, tuple[str, bytes]] = {}
    if xreq.content_type == "multipart/mixed":
        body, files = multipart.parse(xreq.body, xreq.headers.get("content-type", ""))
    elif xreq.content_type == "application/json":
        body = xreq.body
    else:
        raise XapiError(
            400, f"语句请求的 Content-Type 必须是 application/json 或 multipart/mixed，得到 {xreq.content_type!r}"
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise XapiError(400, f"请求体不是合法 JSON：{exc}") from exc
    return data, files


def _check_attachment_parts(statements: list[Any], files: dict[str, tuple[str, bytes]], is_v2: bool) -> None:
    declared = set()
    for st in statements:
        if isinstance(st, dict) and isinstance(st.get("attachments"), list):
            for a in st["attachments"]:
                if isinstance(a, dict) and isinstance(a.get("sha2"), str):
                    declared.add(a["sha2"])
    extra = set(files) - declared
    if extra:
        raise XapiError(400, f"multipart 中有未被任何语句声明的附件：{sorted(h[:12] for h in extra)}")
    for st in statements:
        if isinstance(st, dict):
            multipart.check_signatures(st, files)


@xapi_view(methods=STATEMENT_METHODS, consistent=True)
def statements(xreq: XRequest) -> HttpResponse:
    client = xreq.authed_client
    if xreq.method == "GET":
        return _statements_get(xreq)
    data, files = _read_statements(xreq)
    if xreq.method == "PUT":
        sid = xreq.params.get("statementId")
        if not sid:
            raise XapiError(400, "PUT 语句需要 statementId 参数")
        if set(xreq.params) - {"statementId"}:
            raise XapiError(400, f"不认识的参数：{sorted(set(xreq.params) - {'statementId'})}")
        v.check_uuid(sid, "statementId")
        if not isinstance(data, dict):
            raise XapiError(400, "PUT 的请求体必须是单条语句")
        if "id" in data and isinstance(data["id"], str) and data["id"].lower() != sid.lower():
            raise XapiError(400, "语句中的 id 与 statementId 参数不一致")
        data = dict(data, id=sid)
        v.check_statement(data, version=xreq.version)
        _check_attachment_parts([data], files, xreq.is_v2)
        services.statement_store(
            client=client, statements=[data], version=xreq.version, attachments=files, validated=True
        )
        return _with_consistency(HttpResponse(status=204))
    if xreq.params:
        raise XapiError(400, f"POST 语句不接受查询参数：{sorted(xreq.params)}")
    batch = data if isinstance(data, list) else [data]
    if not batch:
        raise XapiError(400, "语句数组为空")
    if len(batch) > conf.get("XAPI_MAX_BATCH"):
        raise XapiError(413, f"一批最多 {conf.get('XAPI_MAX_BATCH')} 条语句，收到 {len(batch)} 条")
    services.statements_validate(batch, version=xreq.version)
    _check_attachment_parts(batch, files, xreq.is_v2)
    ids = services.statement_store(
        client=client, statements=batch, version=xreq.version, attachments=files, validated=True
    )
    return _with_consistency(json_response(ids))


def _with_consistency(response: HttpResponse) -> HttpResponse:
    return response


def _statements_get(xreq: XRequest) -> HttpResponse:
    token = xreq.meta.get("token")
    if token:
        q = query.from_more(token)
    else:
        query.check_params(xreq.params)
        q = query.Query(params=xreq.params)
    fmt = q.fmt
    attachments = q.attachments
    accept = query.accept_languages(xreq.headers.get("accept-language", ""))
    client = xreq.authed_client
    visible = selectors.xapi_visible_q(client)
    for param, voided in (("statementId", False), ("voidedStatementId", True)):
        if param not in q.params:
            continue
        row = selectors.xapi_statement_get(
            client=client, statement_id=v.check_uuid(q.params[param], param).lower(), voided=voided
        )
        if row is None:
            raise XapiError(404, "没有这条语句")
        (body,) = query.render_page([row[0]], fmt, accept)
        response = _maybe_multipart(body, [row[0]], attachments)
        response["Last-Modified"] = http_date(row[1].timestamp())
        return _with_consistency(response)
    rows, more = query.page(q, visible)
    more_url = reverse("xapi:statements-more", kwargs={"token": more}) if more else ""
    text = '{"statements":[' + ",".join(query.render_page(rows, fmt, accept)) + '],"more":' + json.dumps(more_url) + "}"
    return _with_consistency(_maybe_multipart(text, rows, attachments))


def _maybe_multipart(text: str, rows: list[str], attachments: bool) -> HttpResponse:
    if not attachments:
        return json_response(None, raw=text)
    hashes: list[str] = []
    for r in rows:
        if '"attachments"' in r:
            for a in json.loads(r).get("attachments", []):
                if "sha2" in a and a["sha2"] not in hashes:
                    hashes.append(a["sha2"])
    files = selectors.xapi_attachments(hashes)
    body, ctype = multipart.build(text, files)
    return HttpResponse(body, content_type=ctype)


# ---- documents ----------------------------------------------------------------------------------------------


def _agent_param(xreq: XRequest) -> str:
    agent = parse_json_param(xreq, "agent")
    v.check_agent(agent, "agent", version=xreq.version)
    ifi = v.agent_ifi(agent)
    if ifi is None:
        raise XapiError(400, "agent 参数必须带标识")
    return ifi


def _document_response(doc: Document) -> HttpResponse:
    response = HttpResponse(bytes(doc.content), content_type=doc.content_type)
    response["ETag"] = f'"{doc.etag}"'
    response["Last-Modified"] = http_date(doc.updated.timestamp())
    return response


def _document_resource(
    xreq: XRequest, *, kind: str, key_param: str, base: dict[str, str], allowed: set[str]
) -> HttpResponse:
    unknown = set(xreq.params) - allowed
    if unknown:
        raise XapiError(400, f"不认识的参数：{sorted(unknown)}")
    client = xreq.authed_client
    # Only the client's own documents: another client's do not exist for this one.
    doc_key = xreq.params.get(key_param)
    if xreq.method == "GET":
        if doc_key is not None:
            doc = selectors.xapi_document_get(
                client=client, key=services.DocKey(kind=kind, key=doc_key, **base).filter()
            )
            if doc is None:
                raise XapiError(404, "没有这份文档")
            return _document_response(doc)
        since = v.parse_timestamp(xreq.params["since"], "since") if "since" in xreq.params else None
        docs = selectors.xapi_document_list(client=client, kind=kind, base=base, since=since)
        response = json_response([k for k, _, _ in docs])
        if docs:
            response["Last-Modified"] = http_date(max(u for _, _, u in docs).timestamp())
            if "since" not in xreq.params:  # the ETag of the whole set, the resource a DELETE of all applies to
                response["ETag"] = f'"{services.collection_etag((k, e) for k, e, _ in docs)}"'
        return response
    if xreq.method == "DELETE":
        if doc_key is None:
            if kind != Document.STATE:
                raise XapiError(400, f"删除文档需要 {key_param} 参数")
            services.documents_delete_all(
                client=client,
                kind=kind,
                activity_id=base["activity_id"],
                agent_ifi=base["agent_ifi"],
                registration=base["registration"],
                if_match=xreq.headers.get("if-match"),
                if_none_match=xreq.headers.get("if-none-match"),
            )
            return HttpResponse(status=204)
        services.document_delete(
            client=client,
            key=services.DocKey(kind=kind, key=doc_key, **base),
            if_match=xreq.headers.get("if-match"),
            if_none_match=xreq.headers.get("if-none-match"),
        )
        return HttpResponse(status=204)
    if doc_key is None:
        raise XapiError(400, f"写入文档需要 {key_param} 参数")
    if "since" in xreq.params:
        raise XapiError(400, "写入文档时不能带 since 参数")
    ctype = xreq.headers.get("content-type", "application/octet-stream")
    if_match, if_none_match = xreq.headers.get("if-match"), xreq.headers.get("if-none-match")
    require = xreq.method == "PUT" and (xreq.is_v2 or kind != Document.STATE)
    if require and not xreq.is_v2 and if_match is None and if_none_match is None:
        key = services.DocKey(kind=kind, key=doc_key, **base).filter()
        if selectors.xapi_document_get(client=client, key=key) is None:
            raise XapiError(400, "xAPI 1.0.3：PUT 档案文档必须带 If-Match 或 If-None-Match 请求头")
    doc = services.document_write(
        client=client,
        key=services.DocKey(kind=kind, key=doc_key, **base),
        content=xreq.body,
        content_type=ctype,
        merge=xreq.method == "POST",
        if_match=if_match,
        if_none_match=if_none_match,
        require_precondition=require,
    )
    response = HttpResponse(status=204)
    response["ETag"] = f'"{doc.etag}"'
    return response


@xapi_view(methods=DOC_METHODS)
def state(xreq: XRequest) -> HttpResponse:
    activity_id = xreq.params.get("activityId")
    if not activity_id:
        raise XapiError(400, "缺少参数 activityId")
    v.check_iri(activity_id, "activityId")
    registration = xreq.params.get("registration", "")
    if registration:
        v.check_uuid(registration, "registration")
    base = {"activity_id": activity_id, "agent_ifi": _agent_param(xreq), "registration": registration.lower()}
    return _document_resource(
        xreq,
        kind=Document.STATE,
        key_param="stateId",
        base=base,
        allowed={"activityId", "agent", "registration", "stateId", "since"},
    )


@xapi_view(methods=DOC_METHODS)
def activity_profile(xreq: XRequest) -> HttpResponse:
    activity_id = xreq.params.get("activityId")
    if not activity_id:
        raise XapiError(400, "缺少参数 activityId")
    v.check_iri(activity_id, "activityId")
    base = {"activity_id": activity_id, "agent_ifi": "", "registration": ""}
    return _document_resource(
        xreq,
        kind=Document.ACTIVITY_PROFILE,
        key_param="profileId",
        base=base,
        allowed={"activityId", "profileId", "since"},
    )


@xapi_view(methods=DOC_METHODS)
def agent_profile(xreq: XRequest) -> HttpResponse:
    base = {"activity_id": "", "agent_ifi": _agent_param(xreq), "registration": ""}
    return _document_resource(
        xreq, kind=Document.AGENT_PROFILE, key_param="profileId", base=base, allowed={"agent", "profileId", "since"}
    )


@xapi_view(methods=("GET",))
def activities(xreq: XRequest) -> HttpResponse:
    activity_id = xreq.params.get("activityId")
    if not activity_id:
        raise XapiError(400, "缺少参数 activityId")
    if set(xreq.params) - {"activityId"}:
        raise XapiError(400, "只接受 activityId 参数")
    v.check_iri(activity_id, "activityId")
    act = selectors.xapi_activity_get(activity_id)
    out: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if act is not None:
        definition = json.loads(act.definition)
        if definition:
            out["definition"] = definition
    response = json_response(out)
    if act is not None:
        response["Last-Modified"] = http_date(act.updated.timestamp())
    return response


@xapi_view(methods=("GET",))
def agents(xreq: XRequest) -> HttpResponse:
    if set(xreq.params) - {"agent"}:
        raise XapiError(400, "只接受 agent 参数")
    agent = parse_json_param(xreq, "agent")
    v.check_agent(agent, "agent", version=xreq.version)
    if agent.get("objectType") == "Group":
        raise XapiError(400, "Agents 资源只接受 Agent")
    person: dict[str, Any] = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for k in ("mbox", "mbox_sha1sum", "openid", "account"):
        if k in agent:
            person[k] = [agent[k]]
    return json_response(person)
