from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jiaoyun.supervision"
    label = "supervision"
    verbose_name = "督导与工作计划"
