from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiaoyun.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from jiaoyun.core import accounts  # noqa: F401  (login/logout signal receivers)
