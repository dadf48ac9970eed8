from django.urls import URLPattern, URLResolver

app_name = "forecast"

urlpatterns: list[URLPattern | URLResolver] = []
