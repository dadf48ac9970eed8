from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "jiaoyun.standards"
    label = "standards"
    verbose_name = "办学标准与均衡"
