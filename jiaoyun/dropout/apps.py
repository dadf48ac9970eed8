from django.apps import AppConfig


class DropoutConfig(AppConfig):
    name = "jiaoyun.dropout"
    label = "dropout"
    verbose_name = "控辍保学"

    def ready(self) -> None:
        from jiaoyun.dropout import audit_text

        audit_text.register()  # the audit log in words; a child's cases found by the audit search
        # Register the 户籍 roster with the import framework, where it is installed.
        try:
            import jiaoyun.exchange.registry  # noqa: F401
        except ImportError:  # pragma: no cover
            return
        from jiaoyun.dropout import exchange_kinds  # noqa: F401
