from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jiaoyun.demo"
    label = "demo"
    verbose_name = "演示数据"
