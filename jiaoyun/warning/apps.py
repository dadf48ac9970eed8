from django.apps import AppConfig


class WarningConfig(AppConfig):
    name = "jiaoyun.warning"
    label = "warning"
    verbose_name = "辍学预警"
