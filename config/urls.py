from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from config.api import api
from jiaoyun.core.http import login_not_required_include as open_to_all

admin.site.site_header = "教云 · 县教育云平台 管理后台"
admin.site.site_title = "教云管理后台"
admin.site.index_title = "数据管理"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    # These authenticate their callers themselves (session or API token, xAPI basic auth, device tokens) and answer
    # an anonymous one with 401 JSON, or need no login (the language switch); every other view needs a login
    # (django.contrib.auth.middleware.LoginRequiredMiddleware).
    path("api/", open_to_all(api.urls)),
    path("i18n/", open_to_all(include("django.conf.urls.i18n"))),
    path("areas/", include("jiaoyun.areas.urls")),
    path("schools/", include("jiaoyun.schools.urls")),
    path("people/", include("jiaoyun.people.urls")),
    path("exchange/", include("jiaoyun.exchange.urls")),
    path("indicators/", include("jiaoyun.indicators.urls")),
    path("dropout/", include("jiaoyun.dropout.urls")),
    path("safety/", include("jiaoyun.safety.urls")),
    path("teachers/", include("jiaoyun.teachers.urls")),
    path("learning/", include("jiaoyun.learning.urls")),
    path("reports/", include("jiaoyun.reports.urls")),
    path("facilities/", include("jiaoyun.facilities.urls")),
    path("finance/", include("jiaoyun.finance.urls")),
    path("standards/", include("jiaoyun.standards.urls")),
    path("forecast/", include("jiaoyun.forecast.urls")),
    path("supervision/", include("jiaoyun.supervision.urls")),
    path("bulletins/", include("jiaoyun.bulletins.urls")),
    path("notices/", include("jiaoyun.notices.urls")),
    path("warning/", include("jiaoyun.warning.urls")),
    path("quality/", include("jiaoyun.quality.urls")),
    path("xapi/", open_to_all(include("jiaoyun.learning.xapi_urls"))),
    path("devices/", open_to_all(include("jiaoyun.safety.device_urls"))),
    path("", include("jiaoyun.web.urls")),
]
# Nothing under MEDIA_ROOT is served by URL, in development or production: every stored file goes through a view
# that fetches its owner through the scoped selector (see jiaoyun/core/files.py and docs/security/files.md).

# The error pages: Chinese, in the platform's layout (jiaoyun/web/errors.py).
handler400 = "jiaoyun.web.errors.bad_request"
handler403 = "jiaoyun.web.errors.permission_denied"
handler404 = "jiaoyun.web.errors.page_not_found"
handler500 = "jiaoyun.web.errors.server_error"
