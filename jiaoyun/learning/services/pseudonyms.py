"""Pupils' pseudonymous learning accounts: the names the learning platforms know pupils by."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.types import User
from jiaoyun.learning import conf
from jiaoyun.learning.models import LearnerPseudonym


def learner_pseudonyms(*, student_ids: Iterable[int]) -> dict[int, str]:
    """The pseudonymous learning account names of pupils (student pk → name), issuing the missing ones.
    Set-based: one read, and one insert for the pupils that had none. A name is a random token with no
    personal data in it, so issuing one is not audited (the audit is on whoever hands names out with pupils'
    names, see the ``xapi_pseudonyms`` command)."""
    wanted = set(student_ids)
    if not wanted:
        return {}
    names = dict(LearnerPseudonym.objects.filter(student_id__in=wanted).values_list("student_id", "name"))
    missing = wanted - set(names)
    if missing:
        LearnerPseudonym.objects.bulk_create(
            [LearnerPseudonym(student_id=pk, name=LearnerPseudonym.new_name()) for pk in sorted(missing)],
            ignore_conflicts=True,  # a concurrent call issued some: read them back below
        )
        names.update(LearnerPseudonym.objects.filter(student_id__in=missing).values_list("student_id", "name"))
    return names


@transaction.atomic
def learner_accounts_for_school(*, school_id: int, actor: User | None = None) -> list[tuple[str, str, str]]:
    """(class, pupil name, learning account) of the pupils in the classes of a school, issuing missing accounts:
    what the county hands to the school's learning platforms so that they name pupils by their accounts. Names of
    minors leave the platform here, so it is audited as an export (no identity number is part of it)."""
    from jiaoyun.people.models import Student
    from jiaoyun.schools.models import School

    pupils = list(
        Student.objects.filter(current_school_id=school_id, current_class__isnull=False)
        .select_related("current_class")
        .order_by("current_class__grade", "current_class__number", "name", "pk")
    )
    names = learner_pseudonyms(student_ids=[p.pk for p in pupils])
    rows = [(str(p.current_class), p.name, names[p.pk]) for p in pupils]
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=School._meta.label,
        object_id=str(school_id),
        object_repr=f"学生学习账号（{len(rows)}人）",
        note="向学习平台提供学生学习账号（假名）",
    )
    return rows


def learner_account(name: str) -> dict[str, Any]:
    """The xAPI Agent of a pupil's pseudonymous learning account."""
    return {"objectType": "Agent", "account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": name}}
