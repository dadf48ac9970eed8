from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jiaoyun.web"
    label = "web"
    verbose_name = "门户"
