from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "jiaoyun.quality"
    label = "quality"
    verbose_name = "教育质量"
