from django.urls import URLPattern, URLResolver

app_name = "warning"

urlpatterns: list[URLPattern | URLResolver] = []
