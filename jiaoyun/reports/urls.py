from django.urls import path

from jiaoyun.reports import views

app_name = "reports"

urlpatterns = [
    path("letterheads/", views.letterheads, name="letterheads"),
]
