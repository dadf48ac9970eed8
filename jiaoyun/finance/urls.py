from django.urls import URLPattern, URLResolver, path

from jiaoyun.finance import views

app_name = "finance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("entry/", views.entry, name="entry"),
]
