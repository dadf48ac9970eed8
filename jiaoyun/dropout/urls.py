from django.urls import path

from jiaoyun.dropout import views

app_name = "dropout"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("children/", views.children, name="children"),
    path("children/<int:student_id>/open/", views.case_new, name="case_new"),
    path("ledger/<str:ledger>/", views.ledger, name="ledger"),
    path("followups/", views.followups, name="followups"),
    path("followups/<int:pk>/case/", views.followup_case, name="followup_case"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/<str:action>/", views.case_action, name="case_action"),
    path("documents/<int:pk>.pdf", views.document_pdf, name="document"),
    path("evidence/<str:owner>/<int:pk>/", views.evidence, name="evidence"),
    path("jobs/<str:job>/", views.run_job, name="job"),
    path("absences/", views.absences, name="absences"),
    path("responsibles/", views.responsibles, name="responsibles"),
    path("hukou/", views.hukou, name="hukou"),
    path("reports/", views.reports, name="reports"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>.<str:fmt>", views.bulletin_file, name="bulletin_file"),
]
