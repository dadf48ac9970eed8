"""gunicorn's settings for a production server (README):

    DB_CONN_MAX_AGE=600 .venv/bin/gunicorn -c config/gunicorn_conf.py config.wsgi:application

Two sync workers per core (docs/learning.md; ``WEB_CONCURRENCY`` or ``-w`` overrides), keep-alive 30 s, and each
worker loads the PDF libraries and the CJK fonts before it takes its first request (``post_worker_init``), so the
first 督查通报 or 月报 a user issues is not seconds slower than the next (docs/bulletins.md).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
keepalive = 30


def post_worker_init(worker: Any) -> None:
    """Render one small PDF in the new worker (``jiaoyun.reports.pdf.warm_up``). A failure is logged, and the worker
    serves anyway: a document rendered later pays the loading itself, or shows the same error to its user."""
    from jiaoyun.reports.pdf import warm_up

    log = logging.getLogger("jiaoyun.reports")
    started = time.perf_counter()
    try:
        warm_up()
        log.info("PDF fonts loaded in %.1f s (worker %s)", time.perf_counter() - started, getattr(worker, "pid", "?"))
    except Exception:  # the worker must start even when the PDF stack is broken: logged, not raised
        log.exception("PDF warm-up failed in worker %s", getattr(worker, "pid", "?"))
