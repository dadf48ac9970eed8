"""Who sees and who may act on a case: the data scope plus the case's named 包保责任人."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jiaoyun.core.choices import Role
from jiaoyun.core.scope import NOTHING, area_q, school_q, scope_for, student_q

# Roles that act for a government or the bureau: 责令改正, 行政处罚, 诉讼, 销号, bulletins, reviews.
AUTHORITY_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF, Role.TOWNSHIP_OFFICER)
COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF)


def case_q(user: Any, prefix: str = "") -> Q:
    """Cases visible to ``user``: children within the data scope, or cases naming the user as 包保责任人."""
    from jiaoyun.dropout.models import CaseResponsible

    scope = scope_for(user)
    if scope.is_county:
        return Q()  # (an empty Q OR-ed with anything would narrow it, so return early)
    q = student_q(scope, prefix=f"{prefix}student__")
    if scope.class_ids:
        # A class teacher keeps the cases of children who left their class (a dropout has no current class).
        q |= Q(**{f"{prefix}school_class_id__in": list(scope.class_ids)})
    user_id = getattr(user, "pk", None)
    if user_id is not None and getattr(user, "is_authenticated", False):
        q |= Q(**{f"{prefix}pk__in": CaseResponsible.objects.filter(person__user_id=user_id).values("case_id")})
    return q


def responsible_q(user: Any, prefix: str = "") -> Q:
    """Responsible persons visible to ``user``: those of the areas and schools within the data scope (the
    county-level persons only to the county)."""
    scope = scope_for(user)
    if scope.is_county:
        return Q()
    if not scope.township_id:
        return NOTHING
    in_area = Q(**{f"{prefix}area__isnull": False}) & area_q(scope, prefix=f"{prefix}area__")
    in_school = Q(**{f"{prefix}school__isnull": False}) & school_q(scope, prefix=f"{prefix}school__")
    return in_area | in_school


def is_authority(user: Any) -> bool:
    return getattr(user, "role", None) in AUTHORITY_ROLES


def is_county(user: Any) -> bool:
    return getattr(user, "role", None) in COUNTY_ROLES
