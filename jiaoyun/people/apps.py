from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "jiaoyun.people"
    label = "people"
    verbose_name = "学生与教师"
