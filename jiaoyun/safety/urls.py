from django.urls import path

from jiaoyun.safety import views

app_name = "safety"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("compliance/", views.compliance, name="compliance"),
    path("schools/<int:school_id>/", views.school, name="school"),
    path("hazards/", views.hazards, name="hazards"),
    path("hazards/<int:hazard_id>/", views.hazard, name="hazard"),
    path("hazards/files/<int:evidence_id>/", views.hazard_file, name="hazard_file"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", views.inspection, name="inspection"),
    path("devices/", views.devices, name="devices"),
    path("alerts/<int:alert_id>/ack/", views.alert_ack, name="alert_ack"),
    path("rules/", views.rules, name="rules"),
    path("risks/", views.risks, name="risks"),
    path("canteens/<int:canteen_id>/", views.canteen, name="canteen"),
    path("bulletin/", views.bulletin, name="bulletin"),
]
