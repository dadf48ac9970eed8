from django.apps import AppConfig


class WarningConfig(AppConfig):
    name = "jiaoyun.warning"
    label = "warning"
    verbose_name = "辍学预警"

    def ready(self) -> None:
        from jiaoyun.warning import exchange_kinds  # noqa: F401  (registers the 学期成绩 import kind)
