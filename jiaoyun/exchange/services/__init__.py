"""The import engine and its services: preview (dry run, nothing written) and confirm (all or nothing).

* ``engine``: one run over a file (header mapping, row checks, duplicates, set-based compare and write);
* ``rows`` and ``workers``: the row checker and the forked worker processes that run it on large files;
* ``batches``: the services of a batch (upload, preview, confirm, rejected-rows download);
* ``storage``: the uploaded files (stored by content hash, purged after their keeping period);
* ``progress``: the progress a running preview or confirm shows on the batch page.
"""

from jiaoyun.exchange.permissions import SYSTEM, Actor
from jiaoyun.exchange.services.batches import (
    import_cancel,
    import_confirm,
    import_confirm_start,
    import_file,
    import_preview,
    import_upload,
    rejects_downloaded,
)
from jiaoyun.exchange.services.engine import Change, Progress, Rejection, RunResult, run_import
from jiaoyun.exchange.services.progress import ConfirmProgress, batch_live_progress, batch_set_progress
from jiaoyun.exchange.services.storage import PURGED_NOTE, import_files_purge

__all__ = [
    "PURGED_NOTE",
    "SYSTEM",
    "Actor",
    "Change",
    "ConfirmProgress",
    "Progress",
    "Rejection",
    "RunResult",
    "batch_live_progress",
    "batch_set_progress",
    "import_cancel",
    "import_confirm",
    "import_confirm_start",
    "import_file",
    "import_files_purge",
    "import_preview",
    "import_upload",
    "rejects_downloaded",
    "run_import",
]
