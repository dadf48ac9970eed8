"""The pages a person sees when a request fails: Chinese, in the platform's layout, never Django's defaults.

A refusal (403) says why when the code gave a reason in Chinese (``PermissionDenied("户籍名册仅县教育体育局可查看")``);
a missing page (404) never shows the URL list or the model's name, whatever ``DEBUG`` is. The server error page
(500) is a page of its own that needs neither the database nor the session, as those may be what failed.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

CJK = re.compile(r"[\u4e00-\u9fff]")


def reason(exception: BaseException | None, default: str) -> str:
    """The exception's message when it is written for people (in Chinese), else ``default``."""
    text = str(exception.args[0]) if exception is not None and exception.args else ""
    return text if CJK.search(text) else default


def _page(request: HttpRequest, status: int, title: str, text: str, hint: str = "") -> HttpResponse:
    return render(request, "errors/error.html", {"title": title, "reason": text, "hint": hint}, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _page(request, 400, "请求无效", reason(exception, "请求的内容不完整或格式不对，请返回后重试。"))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _page(
        request, 403, "无权访问", reason(exception, "您的角色或数据范围不包括这个页面或操作。"),
        "如确需办理，请联系县教育体育局的系统管理员调整您的角色或数据范围。",
    )  # fmt: skip


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _page(
        request, 404, "页面不存在", reason(exception, "没有这个页面，或它不在您的数据范围内。"),
        "请检查地址，或从左侧菜单进入。",
    )  # fmt: skip


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
