from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "jiaoyun.indicators"
    label = "indicators"
    verbose_name = "目标指标"

    def ready(self) -> None:
        from jiaoyun.people.signals import events_written

        events_written.connect(_refresh_after_edit, dispatch_uid="indicators_refresh_after_edit")


def _refresh_after_edit(**kwargs: object) -> None:
    """学籍 events were written: recompute the current school year once the transaction commits."""
    from django.db import transaction

    from jiaoyun.indicators.tasks import indicators_refresh_soon

    transaction.on_commit(lambda: indicators_refresh_soon(triggered_by="edit"))
