"""The error pages speak Chinese in the platform's layout; a refusal says why; no page lists the URLs."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from jiaoyun.web import errors

pytestmark = pytest.mark.django_db


def test_a_refusal_is_a_chinese_page_in_the_layout_with_the_reason(client: Client, township_officer) -> None:
    # given a township officer, who may not open the county's 户籍名册
    client.force_login(township_officer)
    # when they open it
    response = client.get(reverse("dropout:hukou"))
    # then a 403 page in the platform's layout says why, in Chinese, with the way home
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and "户籍名册仅县教育体育局可查看和导入" in html
    assert 'data-testid="error-page"' in html and 'class="topbar"' in html and reverse("web:home") in html
    assert "Forbidden" not in html


@override_settings(DEBUG=False)
def test_an_unknown_address_is_a_chinese_404_without_the_url_list(client: Client, county_admin) -> None:
    client.force_login(county_admin)
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'data-testid="error-page"' in html
    assert "Not Found" not in html and "Using the URLconf" not in html and "tried these URL patterns" not in html


def test_a_missing_object_does_not_name_the_model(client: Client, county_admin) -> None:
    client.force_login(county_admin)
    response = client.get(reverse("people:student_detail", args=[999_999]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "Student" not in html and "matches the given query" not in html


def test_only_a_message_written_for_people_is_shown() -> None:
    assert errors.reason(PermissionError("只有系统管理员可以停用账号"), "默认") == "只有系统管理员可以停用账号"
    assert errors.reason(PermissionError("No Student matches the given query."), "默认") == "默认"
    assert errors.reason(LookupError({"tried": [], "path": "x/"}), "默认") == "默认"
    assert errors.reason(None, "默认") == "默认"


def test_the_server_error_page_needs_neither_database_nor_session() -> None:
    # given a request with no user and no session (the failure may be theirs)
    request = RequestFactory().get("/")
    # when the 500 handler answers it
    response = errors.server_error(request)
    # then a Chinese page, without the layout's database-backed navigation
    html = response.content.decode()
    assert response.status_code == 500 and "系统出错" in html and "没有保存" in html
