from django.urls import path

from jiaoyun.people import views

app_name = "people"

urlpatterns = [
    path("students/", views.student_list, name="students"),
    path("students/new/", views.student_create, name="student_create"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("students/<int:pk>/reveal-id/", views.student_reveal_id, name="student_reveal_id"),
    path("students/<int:pk>/events/new/", views.student_event_add, name="student_event_add"),
    path("teachers/", views.teacher_list, name="teachers"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher_detail"),
]
