"""Who sees and who may act on a case: the data scope plus the case's named 包保责任人."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from jiaoyun.core.choices import Role
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.scope import NOTHING, Scope, area_q, school_q, scope_for, student_q

if TYPE_CHECKING:
    from jiaoyun.core.scope import Viewer
    from jiaoyun.core.types import User
    from jiaoyun.dropout.models import DropoutCase

# Roles that manage cases for a township or the county (销号, 不需劝返, bulletins, reviews): both township
# roles — the 乡镇人民政府 (government line) and the 中心校 (education line) — and the county.
AUTHORITY_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF, Role.TOWNSHIP_GOV, Role.TOWNSHIP_OFFICER)
COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.BUREAU_STAFF)
# Who takes a class's register (缺勤登记): its class teacher, and the school, 中心校 and bureau staff for a class
# in their scope; the county leaders may look at it (read-only). Village cadres and the township government see
# the absences of their children in the list, but take no register.
REGISTER_ROLES = (Role.CLASS_TEACHER, Role.PRINCIPAL, Role.TOWNSHIP_OFFICER, Role.COUNTY_ADMIN, Role.BUREAU_STAFF)
REGISTER_VIEW_ROLES = (*REGISTER_ROLES, Role.COUNTY_LEADER)


class Act(models.TextChoices):
    """Legal acts of the 四步法 against a guardian: each may only be taken by the authority the law names."""

    CORRECTION = "correction", "批评教育、责令限期改正"
    PENALTY = "penalty", "行政处罚（事先告知、听取陈述申辩、决定）"
    ENFORCEMENT = "enforcement", "催告并申请人民法院强制执行"
    SUIT = "suit", "提起诉讼"


@dataclass(frozen=True)
class AuthorityRule:
    act: str
    roles: tuple[str, ...]  # the roles that speak for the authority
    authority: str  # who the law names
    own_township: bool  # a 乡镇人民政府 acts only for the children of its own township (当地)
    source: str  # the legal source


GOV_AND_BUREAU = (Role.TOWNSHIP_GOV, Role.COUNTY_ADMIN, Role.BUREAU_STAFF)

# Who may take each act, with its legal source. A school, a 中心校, a class teacher or a village committee
# never takes these acts: they educate and persuade (step 1) and prepare the file.
AUTHORITY_RULES: dict[str, AuthorityRule] = {
    Act.CORRECTION: AuthorityRule(
        Act.CORRECTION, GOV_AND_BUREAU, "当地乡镇人民政府或者县级人民政府教育行政部门", True,
        "《中华人民共和国义务教育法》第五十八条",
    ),
    Act.PENALTY: AuthorityRule(
        Act.PENALTY, GOV_AND_BUREAU, "当地乡镇人民政府或者县级人民政府教育行政部门", True,
        "《中华人民共和国义务教育法》第五十八条及本省实施性法规；《中华人民共和国行政处罚法》第二十四条、"
        "第四十四条、第四十五条、第六十三条、第六十四条",
    ),
    Act.ENFORCEMENT: AuthorityRule(
        Act.ENFORCEMENT, GOV_AND_BUREAU, "作出行政决定的行政机关", True,
        "《中华人民共和国行政强制法》第五十三条、第五十四条",
    ),
    Act.SUIT: AuthorityRule(
        Act.SUIT, GOV_AND_BUREAU, "当地乡镇人民政府或者县级人民政府教育行政部门（检察机关可支持起诉）", True,
        "《中华人民共和国义务教育法》第五条、第五十八条；《中华人民共和国民事诉讼法》第十五条",
    ),
}  # fmt: skip

# The act a step of the 四步法 opens.
STAGE_ACT: dict[int, str] = {2: Act.CORRECTION, 3: Act.PENALTY, 4: Act.ENFORCEMENT}


def act_refusal(user: User | None, act: str, case: DropoutCase) -> str:
    """Why ``user`` may not take ``act`` on ``case`` ("" when they may). System jobs (``None``) act for the
    case's township government. Only the role counts: ``is_superuser`` grants no act (三员分立)."""
    if user is None:
        return ""
    rule = AUTHORITY_RULES[act]
    label = Act(act).label
    role = getattr(user, "role", None)
    if role not in rule.roles:
        return f"“{label}”依法由{rule.authority}作出（{rule.source}），{Role(role).label if role in Role.values else '您的角色'}不能办理"
    if role == Role.TOWNSHIP_GOV and rule.own_township and (not user.area_id or user.area_id != case.township_id):
        return f"“{label}”由儿童户籍所在乡镇的人民政府作出，该案件不属于本乡镇"
    return ""


def may_take(user: User | None, act: str, case: DropoutCase) -> bool:
    return not act_refusal(user, act, case)


def check_may_take(user: User | None, act: str, case: DropoutCase) -> None:
    reason = act_refusal(user, act, case)
    if reason:
        raise PermissionDenied(reason)


def case_q(user: User | Scope, prefix: str = "") -> Q:
    """Cases visible to ``user``: children within the data scope, or cases naming the user as 包保责任人. A ``Scope``
    (``figures_scope``) counts figures: no user, so no 包保 cases of its own."""
    from jiaoyun.dropout.models import CaseResponsible

    scope = user if isinstance(user, Scope) else scope_for(user)
    if scope.sees_all_people:
        return Q()  # (an empty Q OR-ed with anything would narrow it, so return early)
    q = student_q(scope, prefix=f"{prefix}student__")
    if scope.linked_school_ids:
        # A county leader: also the cases of the linked schools whose child has left the school.
        q |= Q(**{f"{prefix}school_id__in": list(scope.linked_school_ids)})
    if scope.class_ids:
        # A class teacher keeps the cases of children who left their class (a dropout has no current class).
        q |= Q(**{f"{prefix}school_class_id__in": list(scope.class_ids)})
    user_id = getattr(user, "pk", None)
    if user_id is not None and getattr(user, "is_authenticated", False):
        q |= Q(**{f"{prefix}pk__in": CaseResponsible.objects.filter(person__user_id=user_id).values("case_id")})
    return q


def responsible_q(user: Viewer, prefix: str = "") -> Q:
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


def is_authority(user: Viewer) -> bool:
    return getattr(user, "role", None) in AUTHORITY_ROLES


def is_county(user: Viewer) -> bool:
    return getattr(user, "role", None) in COUNTY_ROLES
