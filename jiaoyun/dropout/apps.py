from django.apps import AppConfig


class DropoutConfig(AppConfig):
    name = "jiaoyun.dropout"
    label = "dropout"
    verbose_name = "控辍保学"
