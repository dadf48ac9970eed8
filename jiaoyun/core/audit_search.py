"""Searching the audit log by a person (ADR 0030): set-based conditions on indexed columns, no scan of JSON.

* A staff member (``actor``): the account name as recorded (``actor_name``, indexed) or the full name of a
  user (``User.display_name`` → the ``actor_id`` foreign key, indexed).
* A child or teacher (``person``): the full name or the ID number. The apps that own people register a finder
  (``jiaoyun.core.audit_text.register_subject_finder``) giving, for the term, the primary keys of the objects
  that belong to that person — an ID number is looked up by its keyed digest (``id_hash``, ADR 0003), never by
  decrypting; a name by the indexed name column. Each pair becomes ``object_type = … AND object_id IN
  (SELECT …)``, served by the ``(object_type, object_id, at)`` index. Entries whose object no longer exists are
  still found by name through ``object_repr`` (indexed), as recorded.
"""

from __future__ import annotations

from django.db.models import CharField, Q, Subquery
from django.db.models.functions import Cast

from jiaoyun.core import idcard
from jiaoyun.core.audit_text import subject_finders
from jiaoyun.core.models import User

NOTHING = Q(pk__in=[])


def looks_like_id_number(term: str) -> bool:
    """An 18-digit ID number, a 15-digit old one, or a 全国学籍号 (G/L/J + 18)."""
    v = idcard.normalize(term)
    body = v[1:] if len(v) == 19 and v[0] in "GLJ" else v
    return (len(body) == 18 and body[:17].isdigit() and (body[17].isdigit() or body[17] == "X")) or (
        len(body) == 15 and body.isdigit()
    )


def actor_q(term: str) -> Q:
    """Entries by the staff member with this account name or full name."""
    term = term.strip()
    users = User.objects.filter(Q(username=term) | Q(display_name=term)).values("pk")
    return Q(actor_name=term) | Q(actor_id__in=Subquery(users))


def person_q(term: str) -> Q:
    """Entries about the child or teacher with this full name or ID number."""
    term = term.strip()
    if not term:
        return NOTHING
    q = NOTHING if looks_like_id_number(term) else Q(object_repr=term)
    for finder in subject_finders():
        for object_type, pks in finder(term):
            ids = pks.order_by().annotate(_audit_id=Cast("pk", CharField())).values("_audit_id")
            q |= Q(object_type=object_type, object_id__in=Subquery(ids))
    return q
