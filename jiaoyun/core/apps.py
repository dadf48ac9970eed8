from django.apps import AppConfig


def check_configuration() -> None:
    """Refuse to start with settings that break a security rule (ImproperlyConfigured names it)."""
    from jiaoyun.core.audit_archive import keep_days
    from jiaoyun.core.idcard import sm4_check

    keep_days()
    sm4_check()


class CoreConfig(AppConfig):
    name = "jiaoyun.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from jiaoyun.core import accounts  # noqa: F401  (login/logout signal receivers)

        check_configuration()
