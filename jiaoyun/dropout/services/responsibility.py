"""双线四级: configuring responsible persons and naming the 包保责任人 of each case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.audit import audit_record, diff, snapshot
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.scope import area_q, class_q, school_q, scope_for
from jiaoyun.core.types import User

if TYPE_CHECKING:
    from jiaoyun.core.scope import Viewer  # the admin passes its request's user
from jiaoyun.dropout.choices import LEVEL_LABELS, Line
from jiaoyun.dropout.models import CaseResponsible, DropoutCase, ResponsiblePerson
from jiaoyun.dropout.permissions import is_county
from jiaoyun.schools.models import School, SchoolClass

# Which place each level is configured for.
AREA_LEVELS = {1: AreaLevel.COUNTY, 2: AreaLevel.TOWNSHIP, 3: AreaLevel.VILLAGE, 4: AreaLevel.VILLAGE}

# The line a login's role stands on: a 乡镇人民政府 officer or a village cadre on the government line, 中心校 staff,
# principals and teachers on the education line (county roles may stand on either).
ROLE_LINE: dict[str, str] = {
    Role.TOWNSHIP_GOV: Line.ADMIN,
    Role.VILLAGE_CADRE: Line.ADMIN,
    Role.TOWNSHIP_OFFICER: Line.EDUCATION,
    Role.PRINCIPAL: Line.EDUCATION,
    Role.CLASS_TEACHER: Line.EDUCATION,
}


def _check_login_line(user: User | None, line: str) -> None:
    wanted = ROLE_LINE.get(str(getattr(user, "role", ""))) if user is not None else None
    if wanted is not None and wanted != line:
        raise DomainError(
            f"登录账号“{user}”的角色为{Role(getattr(user, 'role', Role.NONE)).label}（{Line(wanted).label}），"
            f"不能作为{Line(line).label}的责任人",
            field="登录账号",
        )


@transaction.atomic
def responsible_create(
    *,
    actor: Viewer,
    line: str,
    level: int,
    name: str,
    post: str = "",
    phone: str = "",
    user: User | None = None,
    area: Area | None = None,
    group_name: str = "",
    school: School | None = None,
    school_class: SchoolClass | None = None,
) -> ResponsiblePerson:
    """Name a responsible person for one level of one line; the place must fit the level."""
    if line not in Line.values:
        raise DomainError(f"未知责任线“{line}”", field="责任线")
    if level not in (1, 2, 3, 4):
        raise DomainError("层级应为1～4", field="层级")
    if not name.strip():
        raise DomainError("不能为空", field="姓名")
    label = LEVEL_LABELS[(line, level)]
    _check_login_line(user, line)
    if line == Line.ADMIN:
        if area is None or area.level != AREA_LEVELS[level]:
            raise DomainError(
                f"{label}责任人须指定{'县' if level == 1 else '乡镇' if level == 2 else '村（社区）'}", field="区域"
            )
        if level == 4 and not group_name.strip():
            raise DomainError("村民小组责任人须填写村民小组", field="村民小组")
        school, school_class = None, None
    else:
        area = None
        if level == 2 and school is None:
            raise DomainError(f"{label}责任人须指定学校", field="学校")
        if level in (3, 4):
            if school_class is None:
                raise DomainError(f"{label}须指定班级", field="班级")
            school = school_class.school
        if level == 1:
            school, school_class = None, None
    if actor is not None and not is_county(actor):
        scope = scope_for(actor)
        if not getattr(actor, "can_write", False):
            raise PermissionDenied("只读账号不能配置责任人")
        if level == 1:
            raise PermissionDenied("县级责任人由县教育体育局配置")
        if area is not None and not Area.objects.filter(area_q(scope), pk=area.pk).exists():
            raise PermissionDenied("该区域不在您的数据范围内")
        if school_class is not None and not SchoolClass.objects.filter(class_q(scope), pk=school_class.pk).exists():
            raise PermissionDenied("该班级不在您的数据范围内")
        if school is not None and not School.objects.filter(school_q(scope), pk=school.pk).exists():
            raise PermissionDenied("该学校不在您的数据范围内")
    person = ResponsiblePerson(
        line=line,
        level=level,
        name=name.strip(),
        post=post or label,
        phone=phone,
        user=user,
        area=area,
        group_name=group_name.strip(),
        school=school,
        school_class=school_class,
    )
    person.full_clean()
    person.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person, changes=snapshot(person))
    return person


UPDATABLE = ("name", "post", "phone", "user", "is_active")


def _check_place(actor: Viewer, person: ResponsiblePerson) -> None:
    """The actor may configure the person's place (the county everything; others within their scope)."""
    if actor is None or is_county(actor):
        return
    from jiaoyun.dropout.permissions import responsible_q

    if not getattr(actor, "can_write", False):
        raise PermissionDenied("只读账号不能配置责任人")
    if person.level == 1:
        raise PermissionDenied("县级责任人由县教育体育局配置")
    if not ResponsiblePerson.objects.filter(responsible_q(actor), pk=person.pk).exists():
        raise PermissionDenied("该责任人不在您的数据范围内")


@transaction.atomic
def responsible_update(*, actor: Viewer, person: ResponsiblePerson, **fields: Any) -> ResponsiblePerson:
    """Change a responsible person's name, post, phone, login or 在岗 (their line, level and place stay: name a new
    person for another place). Audited with the changes."""
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise DomainError(f"不能修改{'、'.join(sorted(unknown))}；责任线、层级和责任区域请新建责任人", field="责任人")
    person = ResponsiblePerson.objects.select_for_update().get(pk=person.pk)
    _check_place(actor, person)
    if "name" in fields and not str(fields["name"] or "").strip():
        raise DomainError("不能为空", field="姓名")
    if fields.get("user") is not None:
        _check_login_line(fields["user"], person.line)
    before = snapshot(person)
    for key, value in fields.items():
        setattr(person, key, value.strip() if isinstance(value, str) else value)
    person.full_clean()
    person.save()
    changes = diff(before, snapshot(person))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=person, changes=changes)
    return person


def _pick(line: str, level: int, **where: Any) -> ResponsiblePerson | None:
    return ResponsiblePerson.objects.filter(line=line, level=level, is_active=True, **where).order_by("id").first()


def candidates_for(case: DropoutCase, *, group_name: str = "") -> dict[tuple[str, int], ResponsiblePerson]:
    """The configured person for each (line, level) of a case, where one exists."""
    student = case.student
    found: dict[tuple[str, int], ResponsiblePerson | None] = {}
    county = case.township.parent if case.township is not None else None
    found[(Line.ADMIN, 1)] = _pick(Line.ADMIN, 1, area=county) if county else _pick(Line.ADMIN, 1)
    if case.township_id:
        found[(Line.ADMIN, 2)] = _pick(Line.ADMIN, 2, area_id=case.township_id)
    if case.village_id:
        found[(Line.ADMIN, 3)] = _pick(Line.ADMIN, 3, area_id=case.village_id)
        group = None
        if group_name:
            group = _pick(Line.ADMIN, 4, area_id=case.village_id, group_name=group_name)
        found[(Line.ADMIN, 4)] = group or _pick(Line.ADMIN, 4, area_id=case.village_id)
    found[(Line.EDUCATION, 1)] = _pick(Line.EDUCATION, 1)
    school_id = case.school_id
    if school_id is None and case.township_id:
        school_id = (
            School.objects.filter(township_id=case.township_id, is_central=True, is_active=True)
            .values_list("id", flat=True)
            .first()
        )
    if school_id:
        found[(Line.EDUCATION, 2)] = _pick(Line.EDUCATION, 2, school_id=school_id)
    class_id = case.school_class_id or student.current_class_id
    if class_id:
        found[(Line.EDUCATION, 3)] = _pick(Line.EDUCATION, 3, school_class_id=class_id)
        found[(Line.EDUCATION, 4)] = _pick(Line.EDUCATION, 4, school_class_id=class_id)
    return {k: v for k, v in found.items() if v is not None}


def responsible_assign(*, case: DropoutCase, group_name: str = "") -> list[CaseResponsible]:
    """Name the 包保责任人 of a case on both lines (kept if already named). Called inside case services."""
    existing = {(r.line, r.level) for r in case.responsibles.all()}
    rows = [
        CaseResponsible(case=case, line=line, level=level, person=person, name=person.name)
        for (line, level), person in candidates_for(case, group_name=group_name).items()
        if (line, level) not in existing
    ]
    CaseResponsible.objects.bulk_create(rows)
    return rows
