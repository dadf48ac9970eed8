"""Progress of a running preview or confirm, as the batch page polls it."""

from __future__ import annotations

from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections

from jiaoyun.exchange.choices import BatchStatus
from jiaoyun.exchange.db import is_postgres
from jiaoyun.exchange.models import ImportBatch


def batch_set_progress(*, batch_id: int, share: float) -> None:
    """Progress of a running preview (0…1), polled by the upload page."""
    ImportBatch.objects.filter(pk=batch_id).update(progress=min(99, int(share * 100)))


class ConfirmProgress:
    """Progress of a confirm (0…1 per batch of rows), visible to the batch page while its transaction is open.

    The confirm writes everything in one transaction, so an ordinary update of the batch row would only
    show at the end. On PostgreSQL the row is updated through a second connection of its own (autocommit).
    SQLite has a single writer, which the confirm holds: there the share goes to a small file next to the
    stored upload, read by ``batch_live_progress``. Use as a context manager around ``import_confirm``.
    """

    def __init__(self, batch: ImportBatch) -> None:
        self.batch_id = batch.pk
        self.side_file = Path(f"{batch.stored_path}.progress")
        self.last = -1
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS) if is_postgres() else None

    def __call__(self, share: float) -> None:
        percent = max(0, min(99, int(share * 100)))
        if percent == self.last:
            return
        self.last = percent
        if self.connection is not None:
            with self.connection.cursor() as cur:
                table = ImportBatch._meta.db_table
                sql = f"UPDATE {table} SET progress = %s WHERE id = %s"  # noqa: S608 - the batch table name
                cur.execute(sql, [percent, self.batch_id])
        else:
            self.side_file.write_text(str(percent), encoding="ascii")

    def __enter__(self) -> ConfirmProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            self.connection.close()
        self.side_file.unlink(missing_ok=True)


def batch_live_progress(batch: ImportBatch) -> int:
    """The progress to show (%): that of a confirm still running on SQLite comes from its side file."""
    if batch.status == BatchStatus.CONFIRMING and batch.stored_path:
        try:
            return int(Path(f"{batch.stored_path}.progress").read_text(encoding="ascii"))
        except (OSError, ValueError):
            pass
    return int(batch.progress)
