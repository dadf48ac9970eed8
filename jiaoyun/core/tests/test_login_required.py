"""Every view needs a login (Django's LoginRequiredMiddleware) except the few marked ``login_not_required``:
the login pages, the health check, the language switch and the endpoints that authenticate their callers
themselves (JSON API, xAPI, devices), which answer an anonymous caller with 401, not a redirect."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# URL name prefixes (namespaces) and names whose views are open to anonymous requests.
OPEN_NAMESPACES = {"api", "xapi", "devices"}
OPEN_NAMES = {"web:login", "web:login_totp", "web:healthz", "set_language", "admin:login"}


def _views(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _views(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{prefix}{p.name}", p.callback


def test_only_the_listed_views_are_open():
    opened = {name for name, view in _views(get_resolver().url_patterns) if not getattr(view, "login_required", True)}
    expected = {n for n in opened if n.split(":")[0] in OPEN_NAMESPACES} | OPEN_NAMES
    assert opened == expected
    assert {n.split(":")[0] for n in opened} >= OPEN_NAMESPACES  # the self-authenticating endpoints are open


@pytest.mark.django_db
def test_anonymous_page_request_goes_to_the_login_page_with_next(client):
    response = client.get("/people/students/?status=in_school")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login") + "?next=/people/students/%3Fstatus%3Din_school"


@pytest.mark.django_db
def test_anonymous_api_request_gets_401_json(client):
    response = client.get("/api/people/students")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_open_endpoints_answer_anonymous_requests_themselves(client):
    assert client.get(reverse("web:healthz")).json() == {"ok": True}
    assert "id_username" in client.get(reverse("web:login")).content.decode()
    xapi = client.get(reverse("xapi:statements"), HTTP_X_EXPERIENCE_API_VERSION="2.0.0")
    assert xapi.status_code == 401  # xAPI basic auth, not a redirect
    assert client.post(reverse("devices:heartbeat"), {}).status_code in (400, 401, 403)
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302


@pytest.mark.django_db
def test_admin_login_goes_to_the_login_page_with_its_second_factor(client):
    response = client.get("/admin/login/?next=/admin/core/user/")
    assert response["Location"] == reverse("web:login") + "?next=%2Fadmin%2Fcore%2Fuser%2F"
    # An admin page sends to the admin's login page, which sends on to the login page.
    assert client.get("/admin/", follow=True).redirect_chain == [
        ("/admin/login/?next=/admin/", 302),
        (reverse("web:login") + "?next=%2Fadmin%2F", 302),
    ]
