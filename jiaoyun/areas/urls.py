from django.urls import path

from jiaoyun.areas import views

app_name = "areas"

urlpatterns = [
    path("", views.area_list, name="list"),
    path("<int:pk>/", views.area_detail, name="detail"),
]
