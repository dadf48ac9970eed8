from django.apps import AppConfig


class TeachersConfig(AppConfig):
    name = "jiaoyun.teachers"
    label = "teachers"
    verbose_name = "教师队伍"
