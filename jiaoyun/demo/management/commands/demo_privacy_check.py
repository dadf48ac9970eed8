"""python manage.py demo_privacy_check: crawl the site as each demo login and look for full ID numbers.

For every demo role: the home page, every page reachable by links from it (navigation, lists and their page 2,
a sample of detail pages, HTMX partials, CSV/XLSX/PDF downloads), and every JSON API read operation (lists, their
second page, a sample of detail reads). Every body (HTML, JSON, CSV, XLSX unzipped, PDF as text) is scanned for a
full 身份证号 (18 characters, checksum-valid, real birth date: ``jiaoyun.core.idcard.is_valid``) and a full
全国学籍号 ("G" + such a number). Nobody has revealed anything, so every role must see none; the command prints a
table per role and exits non-zero when any full number or any server error (5xx) is found.

``--reveal USERNAME`` then reveals one student's ID number through the audited reveal endpoint as that user and
checks that the full number is returned and that the reveal was audited. Read-only apart from that reveal (only
GET requests are made); meant for the demo database, never for production.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import Resolver404, resolve

from jiaoyun.core import idcard
from jiaoyun.core.models import User
from jiaoyun.demo.generator.staff import DEMO_USERS
from jiaoyun.demo.management.commands.demo_logins import _pad, _width

# 18 characters (17 digits and a digit or X), optionally after the "G" of a 学籍号, not inside a longer number.
CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(G?)([0-9]{17}[0-9Xx])(?![0-9A-Za-z])")
LINK = re.compile(r"""(?:href|hx-get|data-href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# Never followed: they end the session, switch the language, or serve static files.
SKIP_PREFIXES = ("/logout/", "/admin/logout/", "/i18n/", "/static/", "/login/", "/account/password/")


def full_numbers(text: str) -> list[str]:
    """Every full ID number or 学籍号 in the text."""
    return [g + n.upper() for g, n in CANDIDATE.findall(text) if idcard.is_valid(n)]


def body_text(content: bytes, content_type: str) -> str:
    """The searchable text of a response body: XLSX/ZIP members unzipped, PDF through pdftotext."""
    if content[:4] == b"PK\x03\x04":
        parts = []
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                for info in zf.infolist():
                    if info.file_size < 50_000_000:
                        parts.append(zf.read(info).decode("utf-8", "replace"))
        except zipfile.BadZipFile:
            pass
        return "\n".join(parts)
    if content[:5] == b"%PDF-" and shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-q", "-", "-"], input=content, capture_output=True, timeout=60)  # noqa: S607 (found by shutil.which above)
        return done.stdout.decode("utf-8", "replace") + content.decode("latin-1")
    for encoding in ("utf-8", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


@dataclass
class RoleResult:
    username: str
    role: str
    fetched: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    found: dict[str, set[str]] = field(default_factory=dict)  # number -> urls
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Crawler:
    def __init__(self, user: User, *, max_pages: int, per_pattern: int, api_details: int):
        self.user = user
        self.client = Client(raise_request_exception=False, SERVER_NAME="127.0.0.1")
        self.client.force_login(user)
        self.max_pages = max_pages
        self.per_pattern = per_pattern
        self.api_details = api_details
        self.result = RoleResult(user.username, user.get_role_display())
        self.seen: set[str] = set()
        self.per_key: Counter[str] = Counter()

    # -- fetching and scanning ------------------------------------------------------------------------------------
    def fetch(self, url: str) -> tuple[int, str, str]:
        response = self.client.get(url, secure=True)
        content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        content_type = response.get("Content-Type", "")
        self.result.fetched += 1
        self.result.statuses[response.status_code] += 1
        kind = _kind(content, content_type, url)
        self.result.kinds[kind] += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            reason = f"{exc[0].__name__}: {exc[1]}" if exc else content[:200].decode("utf-8", "replace")
            self.result.errors.append(f"{response.status_code} {url} {reason}")
        text = body_text(content, content_type)
        for number in full_numbers(text):
            self.result.found.setdefault(number, set()).add(url)
        location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
        return response.status_code, text if kind == "html" else (text if kind == "json" else ""), location

    # -- pages ------------------------------------------------------------------------------------------------------
    def _key(self, url: str) -> str | None:
        parts = urlsplit(url)
        try:
            match = resolve(parts.path)
        except Resolver404:
            return None
        query = dict(parse_qsl(parts.query))
        page = "p2" if query.pop("page", "1") not in ("", "1") else ""
        fmt = query.pop("format", "")  # each export format is sampled apart from the filtered views
        filtered = "q" if query else ""
        return f"{match.route}|{page}|{fmt}|{filtered}"

    def crawl_pages(self) -> None:
        queue: deque[str] = deque(["/"])
        pages = 0
        while queue and pages < self.max_pages:
            url = queue.popleft()
            if url in self.seen:
                continue
            self.seen.add(url)
            key = self._key(url)
            if key is None:
                continue
            self.per_key[key] += 1
            if self.per_key[key] > self.per_pattern:
                continue
            status, text, location = self.fetch(url)
            pages += 1
            if location:
                target = urlsplit(location)
                if not target.netloc or target.netloc in ("127.0.0.1", "testserver"):
                    queue.appendleft(target.path + (f"?{target.query}" if target.query else ""))
                continue
            if status != 200 or not text:
                continue
            for link in self._links(url, text):
                if link not in self.seen:
                    queue.append(link)

    def _links(self, base: str, html: str) -> list[str]:
        links = []
        for raw in LINK.findall(html):
            href = unescape(raw).split("#", 1)[0].strip()
            if not href:
                continue
            if href.startswith("?"):
                href = urlsplit(base).path + href
            if not href.startswith("/") or href.startswith("//") or href.startswith(SKIP_PREFIXES):
                continue
            links.append(href)
        # The second page of every paginated list, whether or not it links to it.
        if 'name="page"' in html or "page=" in html:
            parts = urlsplit(base)
            query = dict(parse_qsl(parts.query))
            if query.get("page", "1") == "1":
                query["page"] = "2"
                links.append(f"{parts.path}?{urlencode(query)}")
        return links

    # -- the JSON API ---------------------------------------------------------------------------------------------
    def crawl_api(self) -> None:
        status, text, _ = self.fetch("/api/openapi.json")
        if status != 200:
            return
        schema = json.loads(text)
        lists: dict[str, list[Any]] = {}
        details: list[tuple[str, str]] = []
        for path, operations in sorted(schema.get("paths", {}).items()):
            get = operations.get("get")
            if not get:
                continue
            required = [p for p in get.get("parameters", []) if p.get("required") and p.get("in") in ("path", "query")]
            if any(p["in"] == "query" for p in required):
                continue
            path_params = [p["name"] for p in required if p["in"] == "path"]
            if len(path_params) == 1:
                details.append((path, path_params[0]))
                continue
            if path_params:
                continue
            status, text, _ = self.fetch(path)
            if status == 200 and text:
                try:
                    data = json.loads(text)
                except ValueError:
                    continue
                items = data.get("items") if isinstance(data, dict) else data
                lists[path] = items if isinstance(items, list) else []
                names = {p.get("name") for p in get.get("parameters", [])}
                if "page" in names:
                    self.fetch(f"{path}?page=2")
                elif "offset" in names:
                    self.fetch(f"{path}?offset=20")
        for path, param in details:
            prefix = path.split("{", 1)[0]
            source = next((items for lp, items in lists.items() if lp.rstrip("/") + "/" == prefix), None)
            if not source:
                continue
            ids = [item.get("id") for item in source if isinstance(item, dict) and item.get("id") is not None]
            for value in ids[: self.api_details]:
                self.fetch(path.replace("{" + param + "}", str(value)))


def _kind(content: bytes, content_type: str, url: str) -> str:
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if content[:5] == b"%PDF-":
        return "pdf"
    for kind in ("json", "csv", "html"):
        if kind in content_type:
            return kind
    return "other"


class Command(BaseCommand):
    help = "以每个演示账号遍历页面、导出与接口，检查是否出现完整身份证号或全国学籍号（未查看完整号码时应为0）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--roles", nargs="*", help="只检查这些用户名（默认：全部演示账号）")
        parser.add_argument("--max-pages", type=int, default=250, help="每个账号最多抓取的页面数")
        parser.add_argument("--per-pattern", type=int, default=3, help="每个路由最多抓取的页面数（详情页抽样）")
        parser.add_argument("--api-details", type=int, default=3, help="每个接口列表抽样的详情数")
        parser.add_argument("--reveal", metavar="USERNAME", help="之后以该账号查看一名学生的完整身份证号并核对审计")
        parser.add_argument("--show", action="store_true", help="列出发现完整号码的地址")
        parser.add_argument(
            "--logins", action="store_true", help="先通过登录页（及动态口令页）以演示密码登录每个账号，核对可用"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        usernames = options["roles"] or [u[0] for u in DEMO_USERS]
        users = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
        missing = [u for u in usernames if u not in users]
        if missing:
            raise CommandError(f"演示账号不存在：{'、'.join(missing)}（请先运行 demo_data）")
        failed = False
        if options["logins"]:
            logins = [self._login(users[username]) for username in usernames]
            failed = not all(logins)
        results: list[RoleResult] = []
        for username in usernames:
            started = time.monotonic()
            crawler = Crawler(
                users[username],
                max_pages=options["max_pages"],
                per_pattern=options["per_pattern"],
                api_details=options["api_details"],
            )
            crawler.crawl_pages()
            crawler.crawl_api()
            crawler.result.seconds = time.monotonic() - started
            results.append(crawler.result)
            self.stderr.write(f"  {username}: {crawler.result.fetched} 个响应，{crawler.result.seconds:.0f} 秒")
        self._table(results, show=options["show"])
        failed = failed or any(r.found or r.errors for r in results)
        if options["reveal"]:
            failed = not self._reveal(options["reveal"]) or failed
        if failed:
            sys.exit(1)

    def _table(self, results: list[RoleResult], *, show: bool) -> None:
        header = ("用户名", "角色", "响应", "HTML", "JSON", "CSV", "XLSX", "PDF", "4xx", "5xx", "秒", "完整号码")
        rows: list[tuple[str, ...]] = [header]
        for r in results:
            c4 = sum(n for s, n in r.statuses.items() if 400 <= s < 500)
            c5 = sum(n for s, n in r.statuses.items() if s >= 500)
            counts = (r.fetched, r.kinds["html"], r.kinds["json"], r.kinds["csv"], r.kinds["xlsx"], r.kinds["pdf"], c4, c5,
                      round(r.seconds), len(r.found))  # fmt: skip
            rows.append((r.username, r.role, *map(str, counts)))
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            cells = [
                _pad(cell, widths[i]) if i < 2 else " " * (widths[i] - _width(cell)) + cell
                for i, cell in enumerate(row)
            ]
            self.stdout.write("  ".join(cells))
        for r in results:
            for error in r.errors:
                self.stdout.write(f"服务器错误 [{r.username}] {error}")
            if r.found:
                urls = Counter(url for urls in r.found.values() for url in urls)
                self.stdout.write(f"完整号码 [{r.username}] {len(r.found)} 个，出现在 {len(urls)} 个地址")
                for url, n in urls.most_common(None if show else 10):
                    self.stdout.write(f"    {n:>5}  {url}")

    def _login(self, user: User) -> bool:
        """Log in as a person would: the login form with the demo password, then (administrative roles) the TOTP
        page, reading the secret from the enrolment page on the first login as one would type it into an app."""
        import pyotp

        from jiaoyun.core.accounts import totp_device, totp_secret
        from jiaoyun.demo.generator.staff import PASSWORD

        client = Client(raise_request_exception=False, SERVER_NAME="127.0.0.1")
        response = client.post("/login/", {"username": user.username, "password": PASSWORD}, secure=True)
        steps = "密码"
        if response.status_code == 302 and response["Location"].startswith("/login/totp/"):
            page = client.get("/login/totp/", secure=True).content.decode()
            shown = re.search(r"\b([A-Z2-7]{32})\b", page)
            device = totp_device(user)
            secret = shown.group(1) if shown else (totp_secret(device) if device else "")
            totp = pyotp.TOTP(secret)
            step = max(int(time.time()) // totp.interval, (device.last_step + 1) if device else 0)
            response = client.post("/login/totp/", {"code": totp.generate_otp(step)}, secure=True)
            steps = "密码+动态口令（首次绑定）" if shown else "密码+动态口令"
        home = client.get("/", secure=True) if response.status_code == 302 else None
        ok = home is not None and home.status_code == 200 and client.session.get("_auth_user_id") == str(user.pk)
        self.stdout.write(f"登录 {user.username:<12}{steps}：{'可用' if ok else '失败'}")
        return ok

    def _reveal(self, username: str) -> bool:
        from django.urls import reverse

        from jiaoyun.core.models import AuditEntry
        from jiaoyun.people.models import Student
        from jiaoyun.people.selectors import student_list

        user = User.objects.get(username=username)
        student = student_list(user=user).exclude(id_cipher="").order_by("pk").first()
        if student is None:
            self.stdout.write(f"查看完整号码 [{username}]：范围内没有登记身份证号的学生")
            return False
        client = Client(raise_request_exception=False, SERVER_NAME="127.0.0.1")
        client.force_login(user)
        before = AuditEntry.objects.filter(action="reveal", object_id=str(student.pk)).count()
        url = reverse("people:student_reveal_id", args=[student.pk])
        response = client.post(
            url, {"what": "id_number", "reason_kind": "核对身份", "reason": "演示数据隐私检查"}, secure=True
        )
        numbers = full_numbers(response.content.decode("utf-8", "replace"))
        entries = AuditEntry.objects.filter(action="reveal", object_id=str(student.pk), actor=user)
        audited = entries.count() > before
        entry = entries.order_by("-pk").first()
        ok = response.status_code == 200 and len(numbers) == 1 and audited
        expected = idcard.decrypt(Student.objects.get(pk=student.pk).id_cipher)
        ok = ok and numbers[0] == expected
        self.stdout.write(
            f"查看完整号码 [{username}] 学生#{student.pk}：HTTP {response.status_code}，"
            f"返回完整号码 {idcard.mask(numbers[0]) if numbers else '无'}，"
            f"审计记录 {'#' + str(entry.pk) + ' ' + entry.get_action_display() + ' ' + entry.note if audited and entry else '无'}"
            f" → {'通过' if ok else '失败'}"
        )
        return ok
