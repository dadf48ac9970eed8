from django.urls import URLPattern, URLResolver, path

from jiaoyun.warning import views

app_name = "warning"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("followups/", views.followups, name="followups"),
    path("class/<int:class_id>/", views.class_page, name="class"),
    path("pupil/<int:student_id>/", views.pupil, name="pupil"),
    path("risk/<int:score_id>/followup/", views.followup_open, name="followup_open"),
    path("followup/<int:pk>/feedback/", views.followup_feedback, name="followup_feedback"),
]
