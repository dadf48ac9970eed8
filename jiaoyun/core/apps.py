from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiaoyun.core"
    label = "core"
    verbose_name = "基础"
