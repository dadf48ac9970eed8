from django.apps import AppConfig


class ForecastConfig(AppConfig):
    name = "jiaoyun.forecast"
    label = "forecast"
    verbose_name = "学位预测"
