from django.urls import URLPattern, URLResolver, path

from jiaoyun.facilities import views_coverage

app_name = "facilities"

urlpatterns: list[URLPattern | URLResolver] = [
    path("coverage/", views_coverage.coverage, name="coverage"),
    path("map/", views_coverage.county_map, name="map"),
    path("map/boundary.json", views_coverage.boundary, name="boundary"),
    path("map/boundary/", views_coverage.boundary_upload, name="boundary_upload"),
]
