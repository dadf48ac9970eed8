from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record, audit_record_many, diff, snapshot
from jiaoyun.core.choices import AuditAction, Sex
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.scope import student_q
from jiaoyun.core.types import User
from jiaoyun.people.choices import DisabilityCategory, Ethnicity, OrphanStatus, PovertyStatus
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.services.chain import events_link
from jiaoyun.people.signals import events_changing

# Allowed codes, built once (``Choices.values`` rebuilds its list on every access).
_VALUES: dict[str, frozenset[str]] = {
    "Sex": frozenset(Sex.values),
    "Ethnicity": frozenset(Ethnicity.values),
    "DisabilityCategory": frozenset(DisabilityCategory.values),
    "PovertyStatus": frozenset(PovertyStatus.values),
    "OrphanStatus": frozenset(OrphanStatus.values),
}

EDITABLE = (
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "hukou_village",
    "residence_village",
    "guardian_name",
    "guardian_phone",
    "left_behind",
    "disability",
    "poverty",
    "orphan",
    "migrant",
)
STUDENT_NO = "全国学籍号"
# A 全国学籍号 is "G" (or "L"/"J") + the 18-character ID number, or the bare ID number; every one is treated as an
# ID number (stored encrypted, matched by digest, shown masked), whether or not it embeds a valid one.
STUDENT_NO_PREFIXES = ("G", "L", "J")


def _check_village(value: Any, label: str) -> None:
    if value is not None and (not isinstance(value, Area) or value.level != AreaLevel.VILLAGE):
        raise DomainError("须为行政村/社区", field=label)


def _check_fields(data: dict[str, Any], *, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if "name" in data and not str(data["name"] or "").strip():
        raise DomainError("不能为空", field="姓名")
    if "sex" in data and data["sex"] not in _VALUES["Sex"]:
        raise DomainError(f"应为“男”或“女”，实际为“{data['sex']}”", field="性别")
    if "birth_date" in data:
        birth = data["birth_date"]
        if not isinstance(birth, dt.date) or birth > today or birth.year < 1990:
            raise DomainError(f"出生日期{birth}不合理", field="出生日期")
    if data.get("ethnicity") and data["ethnicity"] not in _VALUES["Ethnicity"]:
        raise DomainError(f"未知民族代码“{data['ethnicity']}”", field="民族")
    if data.get("disability") and data["disability"] not in _VALUES["DisabilityCategory"]:
        raise DomainError(f"未知残疾类别“{data['disability']}”", field="残疾类别")
    if data.get("poverty") and data["poverty"] not in _VALUES["PovertyStatus"]:
        raise DomainError(f"未知取值“{data['poverty']}”", field="脱贫家庭/监测户")
    if data.get("orphan") and data["orphan"] not in _VALUES["OrphanStatus"]:
        raise DomainError(f"未知取值“{data['orphan']}”", field="孤儿/事实无人抚养")
    if "hukou_village" in data:
        _check_village(data["hukou_village"], "户籍所在村（社区）")
    if "residence_village" in data:
        _check_village(data["residence_village"], "现居住村（社区）")


def apply_id_number(student: Student, raw: str, *, birth_date: dt.date | None, sex: str | None) -> None:
    """Validate an ID number, check it agrees with birth date and sex, and store it encrypted."""
    number = idcard.validate(raw)
    if birth_date and number.birth_date != birth_date:
        raise DomainError(
            f"身份证号中的出生日期{number.birth_date:%Y-%m-%d}与填写的{birth_date:%Y-%m-%d}不一致", field="身份证号"
        )
    if sex and number.sex != sex:
        raise DomainError("身份证号中的性别与填写的性别不一致", field="身份证号")
    student.id_hash = idcard.match_hash(number.value)
    student.id_cipher = idcard.encrypt(number.value)
    student.id_masked = idcard.mask(number.value)


def check_student_no(raw: str) -> str:
    """The normalized 全国学籍号, or DomainError. The message never repeats the number (it may be stored)."""
    value = idcard.normalize(raw)
    body = value[1:] if len(value) == 19 and value[:1] in STUDENT_NO_PREFIXES else value
    if len(body) != 18 or not body.isascii() or not body[:17].isdigit() or not (body[17].isdigit() or body[17] == "X"):
        raise DomainError(f"格式不正确（应为G/L/J开头的19位或18位身份证号，实际{len(value)}位）", field=STUDENT_NO)
    return value


def student_no_columns(value: str) -> tuple[str, str, str]:
    """(digest, cipher, mask) of a normalized 全国学籍号."""
    return idcard.match_hash(value), idcard.encrypt(value), idcard.mask(value)


def apply_student_no(student: Student, raw: str) -> None:
    """Validate a 全国学籍号 and store it encrypted, with its digest and mask."""
    student.student_no_hash, student.student_no_cipher, student.student_no_masked = student_no_columns(
        check_student_no(raw)
    )


def duplicate_message(actor: User | None, other_pk: int, label: str) -> str:
    """Why a number cannot be registered twice. The other child is named only to a requester who may see them:
    to anyone else the answer says nothing about that child (no name, school or township)."""
    if actor is not None and Student.objects.filter(student_q(actor), pk=other_pk).exists():
        name = Student.objects.filter(pk=other_pk).values_list("name", flat=True).first()
        return f"{label}已被学生“{name}”使用"
    return f"该{label}已登记在另一名学生名下，不能重复登记；如需核实请联系县教育局"


def _refuse_duplicates(actor: User | None, student: Student) -> None:
    others = Student.objects.exclude(pk=student.pk) if student.pk else Student.objects.all()
    for label, field in (("身份证号", "id_hash"), (STUDENT_NO, "student_no_hash")):
        digest = getattr(student, field)
        if digest:
            other = others.filter(**{field: digest}).values_list("pk", flat=True).first()
            if other is not None:
                raise DomainError(duplicate_message(actor, other, label), field=label)


@transaction.atomic
def student_create(
    *, actor: User | None, id_number: str | None = None, student_no: str | None = None, **fields: Any
) -> Student:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}")
    if id_number and not fields.get("birth_date"):
        fields["birth_date"] = idcard.validate(id_number).birth_date
    if id_number and not fields.get("sex"):
        fields["sex"] = idcard.validate(id_number).sex
    for required, label in (("name", "姓名"), ("sex", "性别"), ("birth_date", "出生日期")):
        if not fields.get(required):
            raise DomainError("不能为空", field=label)
    _check_fields(fields)
    student = Student(**fields)
    if id_number:
        apply_id_number(student, id_number, birth_date=fields["birth_date"], sex=fields["sex"])
    if student_no:
        apply_student_no(student, student_no)
    _refuse_duplicates(actor, student)
    try:
        with transaction.atomic():
            student.save()
    except IntegrityError:  # a concurrent registration of the same number; the database text is not shown
        raise DomainError("该学生的身份证号或全国学籍号刚刚已被登记，请刷新后核对")
    audit_record(actor=actor, action=AuditAction.CREATE, obj=student, changes=snapshot(student))
    return student


def students_create_many(*, actor: User | None, students: list[Student]) -> list[Student]:
    """Insert students already built and checked by the caller (the 四查三比对's roster-only children, decided
    against the register in the roster's order), in batches, with one audit entry each; status 未入学."""
    Student.objects.bulk_create(students, batch_size=2000)
    audit_record_many(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=Student._meta.label,
        entries=((st.pk, str(st), snapshot(st)) for st in students),
    )
    return students


STALE = "该记录已被他人修改，请刷新后重试"


@transaction.atomic
def student_update(
    *,
    actor: User | None,
    student: Student,
    id_number: str | None = None,
    student_no: str | None = None,
    expected_updated_at: dt.datetime | None = None,
    **fields: Any,
) -> Student:
    """Change a student's fields. The row is locked; ``expected_updated_at`` (the ``updated_at`` the editing
    form was loaded with) refuses a save over someone else's change made in between."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}")
    _check_fields(fields)
    student = Student.objects.select_for_update().get(pk=student.pk)
    if expected_updated_at is not None and student.updated_at != expected_updated_at:
        raise DomainError(STALE, code="stale")
    before = snapshot(student)
    carried = (student.birth_date, student.hukou_village_id)  # copied onto the events
    for key, value in fields.items():
        setattr(student, key, value)
    if id_number:
        apply_id_number(student, id_number, birth_date=student.birth_date, sex=student.sex)
    if student_no:
        apply_student_no(student, student_no)
    if id_number or student_no:
        _refuse_duplicates(actor, student)
    first = student.events.order_by("date").values_list("date", flat=True).first()
    if first and student.birth_date >= first:
        raise DomainError(f"出生日期晚于首次入学日期{first}", field="出生日期")
    if (student.birth_date, student.hukou_village_id) != carried:
        events_changing.send(sender=EnrolmentEvent, student_ids=[student.pk])
    student.save()
    changes = diff(before, snapshot(student))
    if (student.birth_date, student.hukou_village_id) != carried:
        events_link(student_ids=[student.pk])  # the events carry copies of both (the indicators group by them)
    if id_number:
        changes["id_number"] = ["***", "***"]
    if student_no:
        changes["student_no"] = ["***", "***"]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=student, changes=changes)
    return student


REVEALABLE = {
    # what: (cipher attribute, label)
    "id_number": ("id_cipher", "身份证号"),
    "student_no": ("student_no_cipher", STUDENT_NO),
}


REVEAL_REASON_MISSING = "查看完整{label}须说明原因（如核对身份、劝返工作、数据更正），原因记入审计日志"


def reveal_reason(reason: str, label: str) -> str:
    """The reason given for a reveal, or DomainError: a full number is shown only for a stated purpose
    (个人信息保护法 第六条), and the reason is kept in the audit entry."""
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise DomainError(REVEAL_REASON_MISSING.format(label=label), field="reason")
    return reason


@transaction.atomic
def student_reveal_id(
    *, actor: User | None, student: Student, reason: str, ip: str | None = None, what: str = "id_number"
) -> str:
    """Return the full ID number (``what="student_no"``: the full 全国学籍号) to a user allowed to see it, for the
    reason given (required); every reveal is audited with its reason."""
    if what not in REVEALABLE:
        raise DomainError("只能查看完整身份证号或全国学籍号", field="what")
    cipher_field, label = REVEALABLE[what]
    if not getattr(actor, "can_reveal_id", False):
        raise PermissionDenied(f"您的角色无权查看完整{label}")
    if not Student.objects.filter(student_q(actor), pk=student.pk).exists():
        raise PermissionDenied("该学生不在您的数据范围内")
    reason = reveal_reason(reason, label)
    cipher = getattr(student, cipher_field)
    if not cipher:
        raise DomainError(f"该学生未登记{label}")
    audit_record(
        actor=actor,
        action=AuditAction.REVEAL,
        obj=student,
        changes={"field": what, "reason": reason},
        note=reason,
        ip=ip,
    )
    return idcard.decrypt(cipher)


@transaction.atomic
def student_delete(*, actor: User | None, student: Student) -> None:
    """Delete a student registered in error. A student with 学籍 events is refused: their history is kept and
    changed only through events (转出, 死亡 …)."""
    if student.events.exists():
        raise DomainError(f"学生“{student.name}”已有学籍变动记录，不能删除；请办理转出、死亡等学籍变动")
    audit_record(actor=actor, action=AuditAction.DELETE, obj=student, changes=snapshot(student))
    student.delete()
