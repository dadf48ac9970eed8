from django.urls import URLPattern, URLResolver, path

from jiaoyun.bulletins import views

app_name = "bulletins"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.bulletin_list, name="list"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/issue/", views.bulletin_issue, name="issue"),
    path("<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("<int:pk>/decisions/drop/", views.decision_drop, name="decision_drop"),
    path("<int:pk>/pdf/", views.bulletin_pdf, name="pdf"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("screen/", views.screen, name="screen"),
]
