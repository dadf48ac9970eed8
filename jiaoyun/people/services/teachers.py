from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Role, Section, Sex
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.scope import teacher_q
from jiaoyun.core.services import model_create, model_update
from jiaoyun.core.types import User
from jiaoyun.people.choices import AssignmentKind, Subject
from jiaoyun.people.models import Teacher, TeacherAssignment
from jiaoyun.schools.models import School

EDITABLE = (
    "staff_no",
    "name",
    "sex",
    "birth_date",
    "school",
    "post_type",
    "main_subject",
    "subjects",
    "title",
    "degree",
    "staffing",
    "backbone",
    "hire_date",
    "school_since",
    "has_certificate",
    "is_active",
    "user",
)


def _check(fields: dict[str, Any]) -> None:
    if "name" in fields and not str(fields["name"] or "").strip():
        raise DomainError("不能为空", field="姓名")
    if "sex" in fields and fields["sex"] not in Sex.values:
        raise DomainError("应为“男”或“女”", field="性别")
    for s in fields.get("subjects") or []:
        if s not in Subject.values:
            raise DomainError(f"未知学科“{s}”", field="任教学科")
    birth = fields.get("birth_date")
    hire = fields.get("hire_date")
    if birth and hire and (hire - birth).days < 16 * 365:
        raise DomainError("参加工作时未满16周岁，日期不合理", field="参加工作日期")


def _apply_id(teacher: Teacher, raw: str, *, actor: User | None) -> None:
    number = idcard.validate(raw)
    if teacher.birth_date and number.birth_date != teacher.birth_date:
        raise DomainError("身份证号中的出生日期与填写的不一致", field="身份证号")
    teacher.id_hash = idcard.match_hash(number.value)
    teacher.id_cipher = idcard.encrypt(number.value)
    teacher.id_masked = idcard.mask(number.value)
    others = Teacher.objects.exclude(pk=teacher.pk) if teacher.pk else Teacher.objects.all()
    clash = others.filter(id_hash=teacher.id_hash).values_list("pk", flat=True).first()
    if clash is not None:
        raise DomainError(_duplicate_message(actor, clash, "身份证号"), field="身份证号")


def _duplicate_message(actor: User | None, other_pk: int, label: str) -> str:
    """The other teacher is named only to a requester who may see them."""
    if actor is not None and Teacher.objects.filter(teacher_q(actor), pk=other_pk).exists():
        name = Teacher.objects.filter(pk=other_pk).values_list("name", flat=True).first()
        return f"{label}已被教职工“{name}”使用"
    return f"该{label}已登记在另一名教职工名下，不能重复登记；如需核实请联系县教育局"


def _refuse_staff_no(actor: User | None, teacher: Teacher) -> None:
    if not teacher.staff_no:
        return
    others = Teacher.objects.exclude(pk=teacher.pk) if teacher.pk else Teacher.objects.all()
    clash = others.filter(staff_no=teacher.staff_no).values_list("pk", flat=True).first()
    if clash is not None:
        raise DomainError(_duplicate_message(actor, clash, "教职工号"), field="教职工号")


@transaction.atomic
def teacher_create(*, actor: User | None, id_number: str | None = None, **fields: Any) -> Teacher:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}")
    if id_number and not fields.get("birth_date"):
        fields["birth_date"] = idcard.validate(id_number).birth_date
    for required, label in (("name", "姓名"), ("sex", "性别"), ("birth_date", "出生日期")):
        if not fields.get(required):
            raise DomainError("不能为空", field=label)
    _check(fields)

    def check(teacher: Teacher) -> None:
        if id_number:
            _apply_id(teacher, id_number, actor=actor)
        _refuse_staff_no(actor, teacher)
        if teacher.subjects == [] and teacher.main_subject:
            teacher.subjects = [teacher.main_subject]

    teacher = model_create(actor=actor, obj=Teacher(**fields), check=check)
    if teacher.school_id:
        start = teacher.school_since or teacher.hire_date or timezone.localdate()
        TeacherAssignment.objects.create(
            teacher=teacher, school_id=teacher.school_id, start=start, kind=AssignmentKind.INITIAL
        )
    return teacher


@transaction.atomic
def teacher_update(*, actor: User | None, teacher: Teacher, id_number: str | None = None, **fields: Any) -> Teacher:
    unknown = set(fields) - set(EDITABLE) | ({"school"} & set(fields))
    if unknown:
        raise DomainError(f"不能直接修改：{', '.join(sorted(unknown))}（调动学校请使用任职变动）")
    _check(fields)

    def check(teacher: Teacher) -> None:
        if id_number:
            _apply_id(teacher, id_number, actor=actor)
        _refuse_staff_no(actor, teacher)

    return model_update(actor=actor, obj=teacher, fields=fields, check=check)


@transaction.atomic
def teacher_assign(
    *,
    actor: User | None,
    teacher: Teacher,
    school: School,
    start: dt.date,
    kind: str = AssignmentKind.TRANSFER,
    note: str = "",
) -> TeacherAssignment:
    """Move a teacher to a school from ``start``: closes the open assignment and opens a new one."""
    if kind not in AssignmentKind.values:
        raise DomainError(f"未知任职方式“{kind}”", field="方式")
    teacher = Teacher.objects.select_for_update().get(pk=teacher.pk)
    if teacher.school_id == school.pk:
        raise DomainError(f"{teacher.name}已在{school.name}任职", field="学校")
    open_ = teacher.assignments.filter(end__isnull=True).order_by("-start").first()
    if open_ is not None:
        if start <= open_.start:
            raise DomainError(f"调入日期{start}不能早于现任职起始日期{open_.start}", field="起始日期")
        open_.end = start - dt.timedelta(days=1)
        open_.save(update_fields=["end"])
    assignment = TeacherAssignment.objects.create(teacher=teacher, school=school, start=start, kind=kind, note=note)
    before = teacher.school_id
    teacher.school = school
    teacher.school_since = start
    teacher.save(update_fields=["school", "school_since"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=teacher,
        changes={"school_id": [before, school.pk], "kind": [None, kind]},
        note=note,
    )
    return assignment


@transaction.atomic
def teacher_reveal_id(*, actor: User, teacher: Teacher, reason: str, ip: str | None = None) -> str:
    """Return a teacher's full ID number to a user allowed to see it, for the reason given (required, audited)."""
    from jiaoyun.people.services.students import reveal_reason

    allowed = (
        actor.role == Role.COUNTY_ADMIN
        or (actor.role == Role.BUREAU_STAFF and actor.section == Section.PERSONNEL)
        or actor.role == Role.PRINCIPAL
    )
    if not allowed:
        raise PermissionDenied("您的角色无权查看完整身份证号")
    if not Teacher.objects.filter(teacher_q(actor), pk=teacher.pk).exists():
        raise PermissionDenied("该教职工不在您的数据范围内")
    reason = reveal_reason(reason, "身份证号")
    if not teacher.id_cipher:
        raise DomainError("未登记身份证号")
    audit_record(actor=actor, action=AuditAction.REVEAL, obj=teacher, changes={"field": "id_number", "reason": reason},
                 note=reason, ip=ip)  # fmt: skip
    return idcard.decrypt(teacher.id_cipher)
