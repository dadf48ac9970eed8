from django.urls import URLPattern, URLResolver, path

from jiaoyun.forecast import views

app_name = "forecast"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("townships/<int:pk>/", views.township, name="township"),
    path("export/", views.export, name="export"),
    path("pdf/", views.pdf, name="pdf"),
    path("recompute/", views.recompute, name="recompute"),
]
