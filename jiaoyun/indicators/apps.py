from collections.abc import Sequence

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "jiaoyun.indicators"
    label = "indicators"
    verbose_name = "目标指标"

    def ready(self) -> None:
        from jiaoyun.people.signals import events_changing, events_written

        events_changing.connect(_before_edit, dispatch_uid="indicators_before_edit")
        events_written.connect(_refresh_after_edit, dispatch_uid="indicators_refresh_after_edit")


def _before_edit(*, student_ids: Sequence[int] | None = None, **kwargs: object) -> None:
    """学籍 events are about to change: the incremental path takes the students' figures before (ADR 0043)."""
    from jiaoyun.indicators.services.incremental import indicators_before_events

    indicators_before_events(student_ids=student_ids)


def _refresh_after_edit(*, student_ids: Sequence[int] | None = None, **kwargs: object) -> None:
    """学籍 events were written: the incremental path updates the figures in the same transaction; where it
    cannot, recompute the current school year once the transaction commits."""
    from django.db import transaction

    from jiaoyun.indicators.services.incremental import indicators_after_events
    from jiaoyun.indicators.tasks import indicators_refresh_soon

    if indicators_after_events(student_ids=student_ids):
        return
    transaction.on_commit(lambda: indicators_refresh_soon(triggered_by="edit"))
