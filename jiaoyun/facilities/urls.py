from django.urls import URLPattern, URLResolver, path

from jiaoyun.facilities import views, views_coverage

app_name = "facilities"

urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("files/<int:pk>/", views.project_file, name="project_file"),
    path("coverage/", views_coverage.coverage, name="coverage"),
    path("map/", views_coverage.county_map, name="map"),
    path("map/boundary.json", views_coverage.boundary, name="boundary"),
    path("map/boundary/", views_coverage.boundary_upload, name="boundary_upload"),
]
