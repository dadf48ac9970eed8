"""Background runs of large imports (django.tasks): progress is stored on the batch and polled by the page."""

from __future__ import annotations

import contextlib

from django.contrib.auth import get_user_model
from django_tasks import task

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange.models import ImportBatch
from jiaoyun.exchange.services import ConfirmProgress, batch_set_progress, import_confirm, import_preview


@task()
def import_preview_task(batch_id: int, user_id: int) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    user = get_user_model().objects.get(pk=user_id)
    with contextlib.suppress(DomainError):  # the batch records the failure and its message
        import_preview(actor=user, batch=batch, on_progress=lambda s: batch_set_progress(batch_id=batch_id, share=s))


@task()
def import_confirm_task(batch_id: int, user_id: int) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    user = get_user_model().objects.get(pk=user_id)
    with contextlib.suppress(DomainError), ConfirmProgress(batch) as progress:  # the batch records a failure
        import_confirm(actor=user, batch=batch, on_progress=progress)
