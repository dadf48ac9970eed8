"""The three steps every workflow transition repeats: lock the row, check its state, and refuse clearly.

A transition service re-reads its object ``FOR UPDATE`` (so the state it checks is the state as it is
now, not as a page loaded it minutes ago), checks the current state against the states the transition
starts from, and raises ``IllegalTransition`` with a message a person can act on. The event row and the
audit entry of a transition stay with each workflow (their fields differ), written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from django.db.models import Model

from jiaoyun.core.errors import IllegalTransition

M = TypeVar("M", bound=Model)


def locked(instance: M, *related: str) -> M:
    """``instance`` read again and locked for the rest of the transaction (only its own row on PostgreSQL).

    SQLite ignores the lock; its writes are serialised by the database itself."""
    manager = type(instance)._default_manager
    return manager.select_for_update(of=("self",)).select_related(*related).get(pk=instance.pk)


def require_state(current: str, allowed: Collection[str], *, message: Callable[[str, Collection[str]], str]) -> None:
    """Raise ``IllegalTransition(message(current, allowed))`` unless ``current`` is one of ``allowed``.

    ``message`` words the refusal in the workflow's own terms (its state labels and the act refused)."""
    if current not in allowed:
        raise IllegalTransition(message(current, allowed))
