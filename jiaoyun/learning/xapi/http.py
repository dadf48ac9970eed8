"""HTTP plumbing of the LRS: a request value (headers/params/body, also from the 1.0.3 Alternate Request
Syntax), version negotiation, HTTP Basic authentication per client, and the error → response mapping."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.learning import selectors
from jiaoyun.learning.errors import BatchTooLarge, PreconditionFailed, PreconditionRequired, StatementConflict
from jiaoyun.learning.models import LrsClient
from jiaoyun.learning.services import lrs_auth_failure_record, lrs_client_note_version
from jiaoyun.learning.xapi.errors import XapiError

log = logging.getLogger(__name__)

SUPPORTED = ("1.0.3", "2.0.0")
ALT_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}


@dataclass
class XRequest:
    """An xAPI request after Alternate Request Syntax has been unfolded."""

    method: str
    path: str
    ip: str | None
    headers: dict[str, str]  # lower-case names
    params: dict[str, str]
    body: bytes
    version: str = "1.0.3"  # "1.0.3" or "2.0.0": the rules applied and the header answered
    client: LrsClient | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def is_v2(self) -> bool:
        return self.version.startswith("2")

    @property
    def authed_client(self) -> LrsClient:
        """The client ``xapi_view`` authenticated; a view reached without one answers 401."""
        if self.client is None:
            raise XapiError(401, "需要认证")
        return self.client


def negotiate_version(value: str | None) -> str:
    if not value:
        raise XapiError(400, "缺少 X-Experience-API-Version 请求头")
    v = value.strip()
    parts = v.split(".")
    if len(parts) >= 2 and parts[0] == "1" and parts[1] == "0" and all(p.isdigit() for p in parts):
        return "1.0.3"  # 1.0.0 – 1.0.3 clients (e.g. authoring tools still sending 1.0.2) are served as 1.0.3
    if len(parts) >= 2 and parts[0] == "2" and parts[1] == "0" and all(p.isdigit() for p in parts):
        return "2.0.0"
    raise XapiError(400, f"不支持的 xAPI 版本：{v}（支持 1.0.3 与 2.0.0）")


def authenticate(header: str | None, *, ip: str | None = None, audit: bool = True) -> LrsClient:
    """The active client whose key and secret the Basic header carries; else 401. Checked against the database on
    every request (no cache): a client deactivated or given a new secret is refused from its next request on.
    A failure with a key (unknown key, wrong secret, inactive client) is audited as ``LOGIN_FAILED`` with the
    address, at most once per key and address per minute (``services.lrs_auth_failure_record``); every failure
    answers the same 401, which does not tell which of the three it was."""
    if not header or not header.lower().startswith("basic "):
        raise XapiError(401, "需要 HTTP Basic 认证（学习平台的客户端标识与密钥）")
    try:
        key, _, secret = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise XapiError(401, "Authorization 请求头无法解析") from exc
    client = selectors.xapi_client_by_key(key) if key else None
    if client is None:
        reason = "未知的客户端标识"
    elif not client.check_secret(secret):
        reason = "密钥错误"
    elif not client.is_active:
        reason = "客户端已停用"
    else:
        return client
    if audit and key:
        lrs_auth_failure_record(key=key, ip=ip, reason=reason, client=client)
    raise XapiError(401, "客户端标识或密钥错误，或客户端已停用")


def _reply_version(xreq: XRequest) -> str:
    """The version to answer a request without a usable version header in: the one its client last spoke (an LRS
    serving 1.0.3 and 2.0.0 side by side has no other clue), else the newest. (Not audited here: the request
    fails on its version, not on its credentials.)"""
    try:
        client = authenticate(xreq.headers.get("authorization"), audit=False)
    except XapiError:
        return SUPPORTED[-1]
    return client.last_version or SUPPORTED[-1]


def build_request(request: HttpRequest) -> XRequest:
    headers = {k.lower(): v for k, v in request.headers.items()}
    params: dict[str, str] = {k: str(val) for k, val in request.GET.items()}
    method = request.method or "GET"
    body = request.body
    if "method" in params:
        # 1.0.3 Alternate Request Syntax: POST ?method=X with form fields as headers, parameters and content.
        alt = params.pop("method").upper()
        version = headers.get("x-experience-api-version", "")
        if method != "POST":
            raise XapiError(400, "替代请求语法只能用 POST 发出")
        if params:
            raise XapiError(400, "替代请求语法的查询串只能有 method 参数")
        if alt not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
            raise XapiError(400, f"替代请求语法的方法不支持：{alt}")
        if "application/x-www-form-urlencoded" not in headers.get("content-type", ""):
            raise XapiError(400, "替代请求语法的请求体必须是 application/x-www-form-urlencoded")
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        body = b""
        headers.pop("content-type", None)
        for k, v in form.items():
            if k.lower() in ALT_HEADERS:
                headers[k.lower()] = v
            elif k == "content":
                body = v.encode("utf-8")
            else:
                params[k] = v
        if negotiate_version(headers.get("x-experience-api-version", version)).startswith("2"):
            raise XapiError(400, "xAPI 2.0 不支持替代请求语法")
        if alt in ("PUT", "POST") and not body:
            raise XapiError(400, "替代请求语法缺少 content 表单字段")
        if body and "content-type" not in headers:
            headers["content-type"] = "application/json"
        method = alt
    ip = request.META.get("REMOTE_ADDR") or None
    return XRequest(method=method, path=request.path, ip=ip, headers=headers, params=params, body=body)


def json_response(data: Any, *, status: int = 200, raw: str | None = None) -> HttpResponse:
    text = raw if raw is not None else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(text.encode("utf-8"), status=status, content_type="application/json; charset=utf-8")


# The status of each refusal of a service (the first matching class; a plain ``DomainError`` is a bad request).
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (PermissionDenied, 403),
    (StatementConflict, 409),
    (PreconditionRequired, 409),
    (PreconditionFailed, 412),
    (BatchTooLarge, 413),
    (DomainError, 400),
)


def xapi_error(exc: DomainError) -> XapiError:
    """A service's refusal as the xAPI error of its status code, with the same message."""
    status = next(code for kind, code in DOMAIN_STATUS if isinstance(exc, kind))
    return XapiError(status, exc.message)


def error_response(exc: XapiError) -> HttpResponse:
    response = json_response({"error": True, "status": exc.status, "message": exc.message}, status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="xAPI"'
    return response


def xapi_view(
    *, methods: tuple[str, ...], auth: bool = True, versioned: bool = True, consistent: bool = False
) -> Callable[..., Any]:
    """Wrap a handler ``fn(xreq) -> HttpResponse`` with syntax unfolding, auth, version and common headers."""

    def decorate(fn: Callable[[XRequest], HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            version = SUPPORTED[-1]
            head = False
            try:
                xreq = build_request(request)
                xreq.meta.update(kwargs)
                xreq.meta["base"] = request.build_absolute_uri("/")[:-1]
                if xreq.method == "HEAD":
                    head = True
                    xreq.method = "GET"
                if xreq.method == "OPTIONS":
                    response = HttpResponse(status=200)
                    response["Allow"] = ", ".join(methods)
                    return response
                if versioned:
                    try:
                        version = negotiate_version(xreq.headers.get("x-experience-api-version"))
                    except XapiError:
                        version = _reply_version(xreq)
                        raise
                    xreq.version = version
                if auth:
                    xreq.client = authenticate(xreq.headers.get("authorization"), ip=xreq.ip)
                    if versioned and xreq.client.last_version != version:
                        lrs_client_note_version(client=xreq.client, version=version)
                if xreq.method not in methods:
                    raise XapiError(405, f"此资源不支持 {xreq.method} 方法")
                response = fn(xreq)
            except XapiError as exc:
                response = error_response(exc)
            except DomainError as exc:
                response = error_response(xapi_error(exc))
            except Exception:  # pragma: no cover - last resort: a JSON 500 with the version header
                log.exception("xAPI request failed")
                response = error_response(XapiError(500, "服务器内部错误"))
            response["X-Experience-API-Version"] = version
            if consistent:
                now = timezone.now().astimezone(dt.UTC)
                response["X-Experience-API-Consistent-Through"] = now.isoformat(timespec="milliseconds").replace(
                    "+00:00", "Z"
                )
            response.setdefault("Last-Modified", http_date())
            response["Access-Control-Allow-Origin"] = "*"
            if head:
                response.content = b""
            return response

        return view

    return decorate


def parse_json_param(xreq: XRequest, name: str, *, required: bool = True) -> Any:
    value = xreq.params.get(name)
    if value is None:
        if required:
            raise XapiError(400, f"缺少参数 {name}")
        return None
    try:
        return json.loads(value)
    except ValueError as exc:
        raise XapiError(400, f"参数 {name} 不是合法 JSON") from exc


def parse_json_body(xreq: XRequest) -> Any:
    try:
        return json.loads(xreq.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise XapiError(400, f"请求体不是合法 JSON：{exc}") from exc
