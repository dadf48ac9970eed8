from django.urls import path
from django.views.generic import RedirectView

from jiaoyun.teachers.views import ethics, quotas, rotation, rounds

app_name = "teachers"

urlpatterns = [
    # The dashboard lives under its own prefix so that navigation highlights one entry per page.
    path("", RedirectView.as_view(pattern_name="teachers:dashboard", query_string=True)),
    path("quotas/", quotas.dashboard, name="dashboard"),
    path("gaps/", quotas.gaps, name="gaps"),
    path("quotas/compute/", quotas.quota_compute, name="quota_compute"),
    path("quotas/standard/", quotas.standard_edit, name="standard_edit"),
    path("quotas/county/", quotas.county_quota, name="county_quota"),
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/action/", rounds.round_action, name="round_action"),
    path("rotation/", rotation.rotation, name="rotation"),
    path("rotation/action/", rotation.rotation_action, name="rotation_action"),
    path("ethics/", ethics.ethics, name="ethics"),
    path("ethics/teacher/<int:pk>/", ethics.ethics_teacher, name="ethics_teacher"),
    path("ethics/teacher/<int:pk>/action/", ethics.ethics_action, name="ethics_action"),
]
