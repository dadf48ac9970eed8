from django.urls import URLPattern, URLResolver

app_name = "facilities"

urlpatterns: list[URLPattern | URLResolver] = []
