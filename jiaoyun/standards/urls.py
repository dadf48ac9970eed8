from django.urls import URLPattern, URLResolver, path

from jiaoyun.standards import views

app_name = "standards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.balance, name="balance"),
    path("schools/<int:school_id>/", views.school, name="school"),
    path("whatif/", views.whatif, name="whatif"),
    path("sync/", views.sync, name="sync"),
    path("checklist/", views.checklist, name="checklist"),
    path("evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("compliance/", views.compliance, name="compliance"),
    path("demonstration/", views.demonstration, name="demonstration"),
    path("demonstration/<int:pk>/", views.demonstration_detail, name="demonstration_detail"),
]
