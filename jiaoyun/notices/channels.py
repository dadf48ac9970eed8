"""Sending one message: 企业微信 and 钉钉 group robots, email, and an SMS gateway.

* 钉钉 custom robot (自定义机器人) with 加签: ``timestamp`` (ms) and ``sign`` = urlencode(base64(HMAC-SHA256(
  key=secret, msg=f"{timestamp}\\n{secret}"))) appended to the webhook address; the answer is JSON with
  ``errcode`` 0 on success. The timestamp must be within an hour of DingTalk's clock.
* 企业微信 group robot: the webhook address carries the robot's ``key``; requests are not signed (the key is the
  secret, so the address is kept like a password). Answer: JSON ``errcode`` 0.
* Email through Django's email backend; SMS through a pluggable gateway (``SmsGateway``) named by settings.

Robot messages carry the title and a link only: details (which may name a child) stay behind the login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, ClassVar

from django.core.mail import send_mail
from django.utils.module_loading import import_string

from jiaoyun.notices import conf


class DeliveryError(Exception):
    """A send that did not go through (the reason is kept in the delivery log)."""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The 钉钉 加签 signature (base64, before URL encoding)."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    """The webhook address with ``timestamp`` and the URL-encoded ``sign`` (unchanged without a secret)."""
    if not secret:
        return webhook
    sep = "&" if "?" in webhook else "?"
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms))
    return f"{webhook}{sep}timestamp={timestamp_ms}&sign={sign}"


def post_json(url: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST ``payload`` as JSON; the answer's JSON (``{}`` when it has none). Raises ``DeliveryError``."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (http/https webhook addresses set by the administrator)
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("地址须以http://或https://开头")
    try:
        with urllib.request.urlopen(request, timeout=float(conf.get("NOTICES_TIMEOUT_SECONDS"))) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"连接失败：{getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def robot_text(*, title: str, url: str) -> str:
    link = absolute(url)
    return f"### {title}\n\n[打开处理]({link})" if link else f"### {title}"


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return str(conf.get("NOTICES_SITE_URL") or "").rstrip("/") + url


def send_dingtalk(*, webhook: str, secret: str, title: str, url: str, timestamp_ms: int) -> None:
    payload = {"msgtype": "markdown", "markdown": {"title": title, "text": robot_text(title=title, url=url)}}
    answer = post_json(dingtalk_url(webhook, secret, timestamp_ms), payload)
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"钉钉返回错误{answer.get('errcode')}：{answer.get('errmsg', '')}")


def send_wecom(*, webhook: str, title: str, url: str) -> None:
    payload = {"msgtype": "markdown", "markdown": {"content": robot_text(title=title, url=url)}}
    answer = post_json(webhook, payload)
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"企业微信返回错误{answer.get('errcode')}：{answer.get('errmsg', '')}")


def send_email(*, address: str, title: str, body: str, url: str) -> None:
    if not address:
        raise DeliveryError("未填写电子邮箱")
    text = "\n\n".join(x for x in (body, absolute(url)) if x)
    try:
        send_mail(f"【教云】{title}", text or title, None, [address])
    except Exception as exc:  # the backend's own errors (SMTP, connection) are kept in the log
        raise DeliveryError(f"邮件发送失败：{exc}") from exc


class SmsGateway:
    """An SMS gateway: ``send`` delivers ``text`` to ``phone`` or raises ``DeliveryError``."""

    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class HttpSmsGateway(SmsGateway):
    """A gateway reached by HTTP: POST ``{"phone", "text"}`` as JSON to ``NOTICES_SMS_URL`` with
    ``Authorization: Bearer <NOTICES_SMS_TOKEN>``; success is a 2xx answer whose JSON ``code`` is 0 or absent.
    A vendor with another protocol subclasses ``SmsGateway`` and is named in ``NOTICES_SMS_GATEWAY``."""

    def send(self, *, phone: str, text: str) -> None:
        url = str(conf.get("NOTICES_SMS_URL") or "")
        if not url:
            raise DeliveryError("未配置短信网关地址")
        headers = {"Authorization": f"Bearer {conf.get('NOTICES_SMS_TOKEN')}"}
        answer = post_json(url, {"phone": phone, "text": text}, headers=headers)
        if answer.get("code", 0) not in (0, "0"):
            raise DeliveryError(f"短信网关返回错误{answer.get('code')}：{answer.get('message', '')}")


class FakeSmsGateway(SmsGateway):
    """The test double: keeps what it was asked to send (``outbox``); a phone in ``failing`` fails."""

    outbox: ClassVar[list[tuple[str, str]]] = []
    failing: ClassVar[set[str]] = set()

    def send(self, *, phone: str, text: str) -> None:
        if phone in self.failing:
            raise DeliveryError("短信网关不可用")
        self.outbox.append((phone, text))


def sms_gateway() -> SmsGateway | None:
    path = str(conf.get("NOTICES_SMS_GATEWAY") or "")
    return import_string(path)() if path else None


def send_sms(*, phone: str, title: str, url: str) -> None:
    gateway = sms_gateway()
    if gateway is None:
        raise DeliveryError("未配置短信网关")
    if not phone:
        raise DeliveryError("未填写手机号")
    gateway.send(phone=phone, text=f"【教云】{title} {absolute(url)}".strip())
