from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "jiaoyun.schools"
    label = "schools"
    verbose_name = "学校"
