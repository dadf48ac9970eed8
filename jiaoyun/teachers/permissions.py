"""Who may do what in the teachers module.

A check looks only at role, section, area and school (and the read-only flag): ``is_superuser`` grants no
business permission here, as nowhere else in the platform (三员分立: the system administrator is not a user of
the business data; see docs/security). A read-only account may see what its role sees and change nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import PermissionDenied
from jiaoyun.core.types import User


def is_personnel(user: User | None) -> bool:
    """The 人事股 (bureau staff of the personnel section) and the county administrator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "read_only", False):
        return False
    return bool(
        user.role == Role.COUNTY_ADMIN or (user.role == Role.BUREAU_STAFF and user.section == Section.PERSONNEL)
    )


def require_personnel(user: User | None) -> None:
    if not is_personnel(user):
        raise PermissionDenied("仅县教育局人事股可执行此操作")


def is_principal_of(user: User | None, school_id: int | None) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == Role.PRINCIPAL
        and school_id is not None
        and user.school_id == school_id
        and not getattr(user, "read_only", False)
    )


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def in_personnel_chain(user: User | None) -> bool:
    """Who reads every 县管校聘 and 交流轮岗 row, drafts included: the county administrator, the 人事股 (read-only
    staff too) and the county leader (read-only; the plans go to the bureau's leadership for approval)."""
    if user is None or not _signed_in(user):
        return False
    return bool(
        user.role in (Role.COUNTY_ADMIN, Role.COUNTY_LEADER)
        or (user.role == Role.BUREAU_STAFF and user.section == Section.PERSONNEL)
    )


def _township_officer(user: User | None) -> bool:
    return bool(_signed_in(user) and user is not None and user.role == Role.TOWNSHIP_OFFICER and user.area_id)


def _principal(user: User | None) -> bool:
    return bool(_signed_in(user) and user is not None and user.role == Role.PRINCIPAL and user.school_id)


def can_view_quotas(user: User | None) -> bool:
    """编制与缺口 (``teachers:dashboard``, ``teachers:gaps``): staffing figures per school, no names. County-level
    roles see the county, township staff (中心校 and 乡镇政府) their township, a principal their school. Not a class
    teacher, a village cadre or the three administrators."""
    if user is None or not _signed_in(user):
        return False
    return bool(
        user.role in (Role.COUNTY_ADMIN, Role.BUREAU_STAFF, Role.COUNTY_LEADER)
        or (user.role in (Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_GOV) and user.area_id)
        or _principal(user)
    )


def require_quotas(user: User | None) -> None:
    if not can_view_quotas(user):
        raise DjangoPermissionDenied("编制与缺口仅县教育局、乡镇和学校负责人可查看")


def may_see_rounds(user: User | None) -> bool:
    """县管校聘 (``teachers:rounds``): the personnel chain (every round), a township officer (中心校: the rounds of
    his township) and a principal (county-wide rounds and those of the school's township; the applicants of the
    school). Not the other sections, the township government, class teachers, village cadres or administrators."""
    return in_personnel_chain(user) or _township_officer(user) or _principal(user)


def require_rounds(user: User | None) -> None:
    if not may_see_rounds(user):
        raise DjangoPermissionDenied("县管校聘仅县教育局人事股、中心校和校长可查看")


def can_create_round(user: User | None) -> bool:
    """Who may open a round: the 人事股 (county-wide or for a township) and a township officer (for his own
    township only)."""
    return is_personnel(user) or (_township_officer(user) and not getattr(user, "read_only", False))


def can_manage_round(user: User | None, township_id: int | None) -> bool:
    """Who runs a round (posts, applications, scores, stages up to 审核): the 人事股 any round, a township officer
    the rounds of his own township. Publishing, execution, appeal decisions and 落聘待岗 stay with the 人事股."""
    if is_personnel(user):
        return True
    return bool(
        township_id is not None
        and _township_officer(user)
        and not getattr(user, "read_only", False)
        and user is not None
        and user.area_id == township_id
    )


def can_view_rotation(user: User | None) -> bool:
    """交流轮岗 (``teachers:rotation``): the personnel chain, and the township officers and principals whose
    schools send or receive teachers (their moves, once the plan is approved)."""
    return in_personnel_chain(user) or _township_officer(user) or _principal(user)


def require_rotation(user: User | None) -> None:
    if not can_view_rotation(user):
        raise DjangoPermissionDenied("交流轮岗仅县教育局人事股、中心校和校长可查看")


def sees_draft_rotation(user: User | None) -> bool:
    """A rotation plan still 拟定 (not approved) names teachers who have not been told: only the personnel
    chain sees its moves; townships and schools see them once the plan is approved."""
    return in_personnel_chain(user)


def can_view_ethics(user: User) -> bool:
    """师德档案: the 人事股 (read-only staff included) and the county administrator see every file, a
    principal the files of their own staff."""
    if is_personnel(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.COUNTY_ADMIN:
        return True
    if user.role == Role.BUREAU_STAFF and user.section == Section.PERSONNEL:
        return True  # read-only personnel staff still see the files
    return bool(user.role == Role.PRINCIPAL and user.school_id)
