"""No code in the interface: every page of every module, opened as the county administrator (and the audit log
as the audit administrator, the 定时任务 page as the system administrator) on the route matrix's county, shows
no model labels with ids ("core.User #9"), no "linked_by_id=…", no dict or JSON dumps, no tracebacks, no
dotted paths. Only HTML pages are read (not API answers, exports or files); the text as shown: tags,
attribute values and script blocks (chart data) are left out."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from jiaoyun.core.tests.routes import ROUTES
from jiaoyun.core.tests.test_route_matrix import _url, world  # noqa: F401  (the module-scoped county)

CODE = {
    "model label with an id": re.compile(r"\b[a-z]+\.[A-Z]\w+ ?#\d+"),
    "model label": re.compile(
        r"\b(core|people|dropout|safety|teachers|schools|areas|exchange|learning|indicators)\.[A-Z][a-z]\w+"
    ),
    "key=value of a code": re.compile(r"\b[a-z]+(_[a-z]+)+=\S"),
    "a field name with _id": re.compile(r"\b[a-z]+_id\b"),
    "a dict or JSON dump": re.compile(r"\{['\"]\w+['\"]\s*:"),
    "a traceback": re.compile(r"Traceback|File \"/"),
    "a dotted path": re.compile(r"\bjiaoyun\.[a-z_]+\.[a-z_]+"),
    "an English exception": re.compile(r"\b\w+(Error|Exception|DoesNotExist)\b"),
    "a Python repr": re.compile(r"<[A-Z]\w+: [^>]*>|\bNone\b|\bTrue\b|\bFalse\b"),
}
SKIP = ("api:", "admin:", "xapi", "devices:", "web:healthz", "web:logout", "web:login")


def visible(body: str) -> str:
    main = re.sub(r"<(script|style|template)\b.*?</\1>", " ", body, flags=re.S)
    main = re.sub(r"<!--.*?-->", " ", main, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def pages(world, persona):  # noqa: F811
    """(route name, url) of the HTML pages a persona opens: GET, no export, no file."""
    for name, entry in ROUTES.items():
        if entry.method != "GET" or name.startswith(SKIP) or "format=" in entry.query:
            continue
        if persona != "county_admin" and name not in ("web:audit", "web:jobs"):
            continue
        yield name, _url(world, name, entry)


@pytest.mark.parametrize("persona", ["county_admin", "audit_admin", "system_admin"])
def test_no_page_shows_code(world, db, persona):  # noqa: F811
    client = Client(raise_request_exception=False)
    client.force_login(world.users[persona])
    found, seen = [], 0
    for name, url in pages(world, persona):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        text = visible(response.content.decode())
        for what, pattern in CODE.items():
            hit = pattern.search(text)
            if hit:
                found.append(f"{url} [{name}]: {what}: …{text[max(0, hit.start() - 30) : hit.end() + 30].strip()}…")
    assert seen >= (20 if persona == "county_admin" else 1)
    assert not found, "\n".join(found)


def test_the_scan_finds_code(world, db):  # noqa: F811
    """The patterns catch what they are meant to (the old audit log and jobs page showed these)."""
    samples = ["people.Student #42", "core.User #9", "linked_by_id=3", "{'rows': 3}", 'filters: {"q": "x"}',
               "Traceback (most recent call last)", "jiaoyun.core.tasks.periodic_run", "OperationalError",
               "school_id", "None"]  # fmt: skip
    for sample in samples:
        assert any(p.search(visible(f"<p>{sample}</p>")) for p in CODE.values()), sample
    assert not any(p.search(visible('<p title="core.User #9">学生 张*明</p>')) for p in CODE.values())
