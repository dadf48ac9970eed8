from django.urls import path

from jiaoyun.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("area/<int:pk>/", views.area_detail, name="area"),
    path("school/<int:pk>/", views.school_detail, name="school"),
    path("drill/", views.drill, name="drill"),
    path("refresh/", views.refresh, name="refresh"),
    path("references/", views.references, name="references"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
]
