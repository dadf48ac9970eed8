from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "jiaoyun.areas"
    label = "areas"
    verbose_name = "区域与人口"
