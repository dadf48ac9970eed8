from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from config.api import api

admin.site.site_header = "教云 · 县教育云平台 管理后台"
admin.site.site_title = "教云管理后台"
admin.site.index_title = "数据管理"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("areas/", include("jiaoyun.areas.urls")),
    path("schools/", include("jiaoyun.schools.urls")),
    path("people/", include("jiaoyun.people.urls")),
    path("exchange/", include("jiaoyun.exchange.urls")),
    path("indicators/", include("jiaoyun.indicators.urls")),
    path("dropout/", include("jiaoyun.dropout.urls")),
    path("safety/", include("jiaoyun.safety.urls")),
    path("teachers/", include("jiaoyun.teachers.urls")),
    path("learning/", include("jiaoyun.learning.urls")),
    path("xapi/", include("jiaoyun.learning.xapi_urls")),
    path("devices/", include("jiaoyun.safety.device_urls")),
    path("reports/", include("jiaoyun.reports.urls")),
    path("", include("jiaoyun.web.urls")),
]
# Nothing under MEDIA_ROOT is served by URL, in development or production: every stored file goes through a view
# that fetches its owner through the scoped selector (see jiaoyun/core/files.py and docs/security/files.md).
