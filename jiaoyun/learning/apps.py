from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "jiaoyun.learning"
    label = "learning"
    verbose_name = "学习记录"
