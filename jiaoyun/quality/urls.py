from django.urls import path

from jiaoyun.quality import views

app_name = "quality"

urlpatterns = [
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/terms/", views.term_new, name="term_new"),
    path("evaluation/records/", views.record_new, name="record_new"),
    path("evaluation/records/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("evaluation/evidence/<int:pk>/", views.evidence, name="evidence"),
    path("evaluation/<int:pk>/", views.portfolio, name="portfolio"),
    path("evaluation/<int:pk>/archive/", views.archive, name="archive"),
    path("evaluation/publicity/", views.publicity_open, name="publicity_open"),
    path("evaluation/publicity/<int:pk>/", views.publicity, name="publicity"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/new/", views.certificate_new, name="certificate_new"),
    path("certificates/target/", views.target_set, name="target_set"),
    path("competitions/", views.competitions, name="competitions"),
    path("competitions/<int:pk>/", views.competition, name="competition"),
    path("pathways/", views.pathways, name="pathways"),
    path("pathways/transfer/", views.transfer_new, name="transfer_new"),
    path("pathways/credit/", views.credit_new, name="credit_new"),
    path("pathways/progression/", views.progression_new, name="progression_new"),
    path("pathways/pilot/", views.pilot_new, name="pilot_new"),
]
