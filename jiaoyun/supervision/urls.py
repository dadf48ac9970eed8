from django.urls import URLPattern, URLResolver, path

from jiaoyun.supervision import views

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plan, name="plan"),
    path("items/<int:pk>/", views.item, name="item"),
    path("plans/<int:year>/items/new/", views.item_edit, name="item_new"),
    path("plans/<int:year>/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("alerts/", views.alerts_now, name="alerts"),
    path("links/", views.links, name="links"),
    path("links/<int:pk>/", views.link, name="link"),
    path("zones/", views.zones, name="zones"),
    path("zones/<int:pk>/", views.zone, name="zone"),
    path("zones/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("rectifications/files/<int:pk>/", views.rect_file, name="rect_file"),
    path("assessment/", views.assessment_page, name="assessment"),
    path("assessment/<str:level>/<int:pk>/", views.assessment_unit, name="assessment_unit"),
]
