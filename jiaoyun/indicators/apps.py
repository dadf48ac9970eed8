from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "jiaoyun.indicators"
    label = "indicators"
    verbose_name = "目标指标"
