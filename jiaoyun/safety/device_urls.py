from django.urls import path

from jiaoyun.safety import device_views

app_name = "devices"

urlpatterns = [
    path("heartbeat", device_views.heartbeat, name="heartbeat"),
    path("events", device_views.events, name="events"),
]
