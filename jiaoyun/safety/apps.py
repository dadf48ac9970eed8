from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "jiaoyun.safety"
    label = "safety"
    verbose_name = "平安校园"
