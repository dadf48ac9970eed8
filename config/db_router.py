"""Read replica routing (docs/scaling.md, ADR 0044): off unless ``DATABASE_REPLICA_URL`` is set.

When it is set, settings add a ``replica`` database alias, this router and ``ReplicaReadsMiddleware``. Reads go to
the replica only

* inside a request to a view named in ``DATABASE_REPLICA_VIEWS`` (the reporting pages: figures, bulletins, the
  大屏 — read-only, and tolerant of a replica a second behind), or inside a task named in
  ``DATABASE_REPLICA_TASKS``, or inside ``with replica_reads():``;
* for models outside ``DATABASE_REPLICA_NEVER_APPS`` (sessions, accounts and lockouts, the task queue: what a
  request must read back at once after writing it stays on the primary);
* and never inside a transaction on the primary (a service reading what it is about to write).

Every write goes to the primary (Django's default for a router that names no database for writes), and raw SQL
through ``django.db.connection`` stays on the primary: the indicator pass writes its results where it reads.
"""

from __future__ import annotations

import contextlib
import fnmatch
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("jiaoyun_replica_reads", default=False)


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Route this block's ORM reads to the replica (when one is configured)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_active() -> bool:
    return _reading_from_replica.get()


def view_reads_replica(view_name: str | None) -> bool:
    """Whether a view (``namespace:name``) is among ``DATABASE_REPLICA_VIEWS`` (shell patterns: ``reports:*``)."""
    if not view_name:
        return False
    return any(fnmatch.fnmatchcase(view_name, p) for p in getattr(settings, "DATABASE_REPLICA_VIEWS", []))


class ReplicaRouter:
    """Reads to ``replica`` inside a replica block, for models the replica may serve; everything else: no opinion
    (the primary)."""

    def __init__(self) -> None:
        connect_task_signals()  # routers are built at the first query, after the apps are ready

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _reading_from_replica.get():  # the router is installed only when a replica is configured
            return None
        if model._meta.app_label in getattr(settings, "DATABASE_REPLICA_NEVER_APPS", ()):  # type: ignore[attr-defined]
            return None
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: objects read from either may be related.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica follows the primary's WAL


class ReplicaReadsMiddleware:
    """Marks requests to the views of ``DATABASE_REPLICA_VIEWS`` (safe methods only) as replica reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _reading_from_replica.reset(token)
        return response

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any) -> None:
        match = getattr(request, "resolver_match", None)
        if request.method in ("GET", "HEAD") and match is not None and view_reads_replica(match.view_name):
            request._replica_token = _reading_from_replica.set(True)  # type: ignore[attr-defined]


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if task_result.task.module_path in getattr(settings, "DATABASE_REPLICA_TASKS", []):
        _task_tokens[task_result.id] = _reading_from_replica.set(True)


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_result.id, None)
    if token is not None:
        _reading_from_replica.reset(token)


_task_tokens: dict[str, Any] = {}


def connect_task_signals() -> None:
    """The worker's tasks named in ``DATABASE_REPLICA_TASKS`` read from the replica (connected by the router, which
    exists only when a replica is configured)."""
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="jiaoyun_replica_task_started")
    task_finished.connect(_task_finished, dispatch_uid="jiaoyun_replica_task_finished")
