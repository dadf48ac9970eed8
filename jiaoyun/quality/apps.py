from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "jiaoyun.quality"
    label = "quality"
    verbose_name = "教育质量"

    def ready(self) -> None:
        from jiaoyun.quality import exchange_kinds  # noqa: F401  (registers the import kinds)
