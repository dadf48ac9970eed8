"""A tiny HTTP server on 127.0.0.1 standing in for the 钉钉 and 企业微信 robot endpoints and an SMS gateway: it
checks the 钉钉 signature as DingTalk does (HMAC-SHA256 of "timestamp\\nsecret", base64, within an hour),
answers like the real service, and records every request."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, *, secret: str = "", wecom_key: str = "", status: int = 200) -> None:
        self.secret = secret
        self.wecom_key = wecom_key
        self.status = status
        self.received: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                answer = outer.check(url.path, query, body)
                data = json.dumps(answer).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def check(self, path: str, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        if path == "/robot/send":  # 钉钉
            timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
            expected = base64.b64encode(
                hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
            ).decode()
            fresh = timestamp.isdigit() and abs(int(timestamp) - time.time() * 1000) < 3600 * 1000
            if not (fresh and hmac.compare_digest(sign, expected)):
                self.rejected.append(path)
                return {"errcode": 310000, "errmsg": "sign not match"}
        elif path == "/cgi-bin/webhook/send" and query.get("key") != self.wecom_key:  # 企业微信: the key, no signature
            self.rejected.append(path)
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        self.received.append({"path": path, "query": query, "body": body})
        return {"errcode": 0, "errmsg": "ok", "code": 0}

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
