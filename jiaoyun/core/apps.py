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
        # Any write during a request empties the request's cached scopes (a class, a linked school, an account
        # may have changed): the next ``scope_for`` reads afresh.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from jiaoyun.core.scope import forget_scopes

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(forget_scopes, dispatch_uid=f"jiaoyun.core.scope.forget_scopes.{id(signal)}")
