from django.urls import path

from jiaoyun.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("townships/<int:township_id>/", views.township_detail, name="township"),
    path("schools/<int:school_id>/", views.school_detail, name="school"),
    path("classes/<int:class_id>/", views.class_detail, name="class"),
    path("students/<int:student_id>/", views.student_timeline, name="student"),
]
