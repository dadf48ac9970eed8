"""Writes of the standards module: keyword-only, atomic, audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.errors import DomainError
from jiaoyun.core.files import check_upload
from jiaoyun.core.services import model_create, model_update
from jiaoyun.core.types import User
from jiaoyun.core.workflow import locked, require_state
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.standards import conf
from jiaoyun.standards.choices import CheckStatus, DemoLevel, DemoStatus, Part
from jiaoyun.standards.models import (
    CheckItem,
    CheckResult,
    ConditionStandard,
    DemoApplication,
    DemoCheck,
    DemoCriterion,
    DemoEvent,
    DemoTarget,
    Evidence,
    SchoolResources,
)
from jiaoyun.standards.permissions import can_apply, require_section

# Which 学部 each kind of school has in the resource indicators (a 完全中学's 高中部 is outside them).
KIND_PARTS: dict[str, tuple[str, ...]] = {  # values are Part codes
    SchoolKind.PRIMARY: (Part.PRIMARY,),
    SchoolKind.TEACHING_POINT: (Part.PRIMARY,),
    SchoolKind.JUNIOR: (Part.JUNIOR,),
    SchoolKind.NINE_YEAR: (Part.PRIMARY, Part.JUNIOR),
    SchoolKind.COMPLETE_SECONDARY: (Part.JUNIOR,),
}
TEACHER_FIELDS = ("teachers", "qualified_teachers", "backbone_teachers", "pe_art_teachers")
TWO = Decimal("0.01")


def _share(count: int, part_pupils: int, all_pupils: int) -> Decimal:
    if not all_pupils:
        return Decimal(count)
    return (Decimal(count) * part_pupils / all_pupils).quantize(TWO, rounding=ROUND_HALF_UP)


@transaction.atomic
def sync_from_registry(*, actor: User | None, year: int, on: dt.date | None = None) -> int:
    """Take the year's pupils (学籍: in school, by 学部), classes, largest class and the teacher counts
    (教职工库: active full-time teachers) into the year's rows, creating the missing ones. Set-based: three
    grouped queries and one bulk write. Returns the number of rows written.

    A 九年一贯制 school's teachers are not split by 学部 in the registry: each count is apportioned to its
    小学部 and 初中部 by their pupils (ADR 0035). A 完全中学's teachers likewise between its 初中 and 高中 pupils.
    """
    from jiaoyun.people.choices import PostType, StudentStatus
    from jiaoyun.people.models import Student, Teacher
    from jiaoyun.schools.models import School

    on = on or timezone.localdate()
    schools = dict(School.objects.filter(is_active=True, kind__in=list(KIND_PARTS)).values_list("id", "kind"))
    # Pupils per school and 学部 (grades 1–6 / 7–9), and all pupils (for the 完全中学's 高中 share).
    pupils: dict[tuple[int, str], int] = defaultdict(int)
    everyone: dict[int, int] = defaultdict(int)
    sizes: dict[tuple[int, str], list[int]] = defaultdict(list)
    in_school = Student.objects.filter(status=StudentStatus.IN_SCHOOL, current_school_id__in=list(schools))
    for school_id, grade, class_id, n in (
        in_school.values_list("current_school_id", "current_grade", "current_class_id")
        .annotate(n=Count("id"))
        .values_list("current_school_id", "current_grade", "current_class_id", "n")
    ):
        everyone[school_id] += n
        if grade is None or grade < 1 or grade > 9:
            continue
        part: str = Part.PRIMARY if grade <= 6 else Part.JUNIOR
        pupils[(school_id, part)] += n
        if class_id is not None:
            sizes[(school_id, part)].append(n)
    degrees = conf.get("STANDARDS_QUALIFIED_DEGREES")
    teachers = (
        Teacher.objects.filter(is_active=True, post_type=PostType.FULL_TIME, school_id__in=list(schools))
        .values("school_id")
        .annotate(
            n=Count("id"),
            q_primary=Count("id", filter=Q(degree__in=degrees[0])),
            q_junior=Count("id", filter=Q(degree__in=degrees[1])),
            backbone=Count("id", filter=Q(backbone__in=conf.get("STANDARDS_BACKBONE_LEVELS"))),
            pe_art=Count("id", filter=Q(main_subject__in=conf.get("STANDARDS_PE_ART_SUBJECTS"))),
        )
    )
    counts = {t["school_id"]: t for t in teachers}
    existing = {
        (r.school_id, r.part): r for r in SchoolResources.objects.filter(year=year, school_id__in=list(schools))
    }
    new: list[SchoolResources] = []
    changed: list[SchoolResources] = []
    for school_id, kind in schools.items():
        parts = KIND_PARTS[kind]
        c = counts.get(school_id, {})
        total_pupils = (
            everyone.get(school_id, 0)
            if kind == SchoolKind.COMPLETE_SECONDARY
            else sum(pupils.get((school_id, p), 0) for p in parts)
        )
        for part in parts:
            p = pupils.get((school_id, part), 0)
            row = existing.get((school_id, part))
            if row is None:
                if not p and not c:
                    continue
                row = SchoolResources(school_id=school_id, year=year, part=part)
            if p:
                row.pupils = p
                row.classes = len(sizes.get((school_id, part), []))
                row.max_class_size = max(sizes.get((school_id, part), [0]))
            share_of = total_pupils if len(parts) > 1 or kind == SchoolKind.COMPLETE_SECONDARY else 0
            qualified = c.get("q_primary" if part == Part.PRIMARY else "q_junior", 0)
            row.teachers = _share(c.get("n", 0), p, share_of)
            row.qualified_teachers = _share(qualified, p, share_of)
            row.backbone_teachers = _share(c.get("backbone", 0), p, share_of)
            row.pe_art_teachers = _share(c.get("pe_art", 0), p, share_of)
            row.teachers_synced_on = on
            (changed if row.pk else new).append(row)
    SchoolResources.objects.bulk_create(new, batch_size=1000)
    SchoolResources.objects.bulk_update(
        changed, ["pupils", "classes", "max_class_size", *TEACHER_FIELDS, "teachers_synced_on", "updated_at"],
        batch_size=1000,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="standards.SchoolResources",
        object_id=str(year),
        object_repr=f"{year}学年学校办学条件",
        note=f"从学籍与教职工库同步在校生数与教师数：新增{len(new)}条，更新{len(changed)}条（{on:%Y-%m-%d}）",
    )
    return len(new) + len(changed)


RESOURCE_FIELDS = ("pupils", "classes", "max_class_size", "teaching_area", "ground_area", "indoor_sports_area",
                   "equipment_value", "multimedia_rooms", "books", "building_area")  # fmt: skip


def validate_resources(*, kind: str, part: str, values: dict[str, Any]) -> None:
    """The domain checks of one row of resources (import and form alike); Chinese messages naming the field."""
    parts = KIND_PARTS.get(kind)
    if parts is None:
        raise DomainError(
            "该校不属于义务教育资源配置评估范围（特殊教育、职业学校、幼儿园、高中除外）", field="学校标识码"
        )
    if part not in parts:
        labels = "、".join(f"{Part(p).label}部" for p in parts)
        raise DomainError(f"该校只有{labels}", field="学部")
    pupils, classes, max_size = values.get("pupils") or 0, values.get("classes") or 0, values.get("max_class_size") or 0
    if classes and pupils and max_size and max_size * classes < pupils:
        raise DomainError(f"最大班额{max_size}人×{classes}个班不足以容纳在校生{pupils}人", field="最大班额")
    if classes and not pupils:
        raise DomainError("有班级数而在校生数为0", field="在校生数")
    for name in RESOURCE_FIELDS:
        v = values.get(name)
        if v is not None and v < 0:
            raise DomainError("不能为负数", field=str(SchoolResources._meta.get_field(name).verbose_name))  # type: ignore[union-attr]


def resources_bulk_write(*, new: Sequence[dict[str, Any]], updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """The set-based write of the ``resources`` import (rows checked by ``validate_resources``)."""
    for pk, values in updates:
        SchoolResources.objects.filter(pk=pk).update(**values, updated_at=timezone.now())
    SchoolResources.objects.bulk_create([SchoolResources(**d) for d in new], batch_size=1000)


# -- checklist ----------------------------------------------------------------------------------------------


@transaction.atomic
def check_save(
    *, actor: User, item: CheckItem, year: int, status: str, value: str = "", note: str = "", files: Sequence[Any] = ()
) -> CheckResult:
    """Record the self-assessment of one item for a year, adding any evidence files."""
    require_section(actor)
    if status not in CheckStatus.values:
        raise DomainError("请选择结论", field="结论")
    if status == CheckStatus.NOT_MET and not note.strip():
        raise DomainError("结论为“未达到”时请说明原因与整改措施", field="说明")
    names = [check_upload(f, use="evidence", field="佐证材料") for f in files]
    result = CheckResult.objects.filter(item=item, year=year).first()
    fields = {"status": status, "value": value.strip()[:100], "note": note.strip(), "updated_by": actor}
    if result is None:
        result = model_create(actor=actor, obj=CheckResult(item=item, year=year, **fields))
    else:
        result = model_update(actor=actor, obj=result, fields=fields)
    for f, name in zip(files, names, strict=True):
        ev = Evidence.objects.create(result=result, file=f, name=name[:200], uploaded_by=actor)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=ev, note=f"{item}佐证材料")
    return result


# -- 办学条件 standards ---------------------------------------------------------------------------------------


@transaction.atomic
def standard_update(*, actor: User, standard: ConditionStandard, value: Decimal, is_active: bool) -> ConditionStandard:
    require_section(actor)
    if value is None or value <= 0:
        raise DomainError("标准值须大于0", field="标准值")
    return model_update(actor=actor, obj=standard, fields={"value": value, "is_active": is_active})


# -- demonstration schools ----------------------------------------------------------------------------------


@transaction.atomic
def target_set(*, actor: User, township_id: int, year: int, count: int) -> DemoTarget:
    require_section(actor)
    low, high = conf.get("STANDARDS_DEMO_PER_TOWNSHIP")
    if count < 0 or count > 20:
        raise DomainError("目标数须在0–20之间", field="目标数")
    target = DemoTarget.objects.filter(township_id=township_id, year=year).first()
    if target is None:
        return model_create(actor=actor, obj=DemoTarget(township_id=township_id, year=year, count=count))
    return model_update(actor=actor, obj=target, fields={"count": count})


@transaction.atomic
def application_create(
    *, actor: User, school_id: int, year: int, level: str = DemoLevel.CITY, note: str = ""
) -> DemoApplication:
    """Name a school a candidate (培育对象) for the year, with an empty checklist."""
    from jiaoyun.schools.models import School

    require_section(actor)
    school = School.objects.filter(pk=school_id, is_active=True).first()
    if school is None:
        raise DomainError("学校不存在或已停办", field="学校")
    if school.kind not in KIND_PARTS:
        raise DomainError("示范校在义务教育学校中创建", field="学校")
    if DemoApplication.objects.filter(school=school, year=year).exists():
        raise DomainError(f"{school.name}已是{year}年度的创建对象", field="学校")
    if level not in DemoLevel.values:
        raise DomainError("请选择申报级别", field="申报级别")
    app = model_create(actor=actor, obj=DemoApplication(school=school, year=year, level=level, note=note))
    DemoCheck.objects.bulk_create(
        [DemoCheck(application=app, criterion=c) for c in DemoCriterion.objects.filter(is_active=True)]
    )
    DemoEvent.objects.create(application=app, from_status="", to_status=app.status, actor=actor, note="确定为培育对象")
    return app


# action → (states it starts from, state it leads to, who: "school" or "county", needs a note)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str, bool]] = {
    "apply": ((DemoStatus.CANDIDATE, DemoStatus.RETURNED), DemoStatus.APPLIED, "school", False),
    "county_pass": ((DemoStatus.APPLIED,), DemoStatus.COUNTY_PASSED, "county", False),
    "county_return": ((DemoStatus.APPLIED,), DemoStatus.RETURNED, "county", True),
    "recognise": ((DemoStatus.COUNTY_PASSED,), DemoStatus.RECOGNISED, "county", False),
    "not_recognise": ((DemoStatus.COUNTY_PASSED,), DemoStatus.NOT_RECOGNISED, "county", True),
}
ACTION_LABELS = {
    "apply": "提交申报",
    "county_pass": "县评审通过",
    "county_return": "县评审退回",
    "recognise": "登记市/省认定",
    "not_recognise": "登记未获认定",
}


def actions_for(user: User, app: DemoApplication) -> list[tuple[str, str]]:
    from jiaoyun.standards.permissions import is_section

    out = []
    for action, (sources, _to, who, _note) in TRANSITIONS.items():
        if app.status not in sources:
            continue
        ok = is_section(user) if who == "county" else can_apply(user, app.school_id, app.school.township_id)
        if ok:
            out.append((action, ACTION_LABELS[action]))
    return out


@transaction.atomic
def application_transition(
    *, actor: User, application: DemoApplication, action: str, note: str = "", on: dt.date | None = None
) -> DemoApplication:
    """Move an application one step (a real state machine: the row is locked and its state checked)."""
    if action not in TRANSITIONS:
        raise DomainError("未知的操作", field="操作")
    sources, target, who, needs_note = TRANSITIONS[action]
    app = locked(application, "school")
    if who == "county":
        require_section(actor)
    elif not can_apply(actor, app.school_id, app.school.township_id):
        from jiaoyun.core.errors import PermissionDenied

        raise PermissionDenied(f"无权为“{app.school}”{ACTION_LABELS[action]}")
    require_state(
        app.status,
        sources,
        message=lambda cur, allowed: f"申报当前为“{DemoStatus(cur).label}”，不能{ACTION_LABELS[action]}",
    )
    if needs_note and not note.strip():
        raise DomainError("请填写意见", field="意见")
    if action == "apply":
        pending = app.checks.exclude(status=CheckStatus.MET).count()
        if pending:
            raise DomainError(f"还有{pending}项标准未自评为“达到”，不能申报", field="自评")
    before = app.status
    fields: dict[str, Any] = {"status": target}
    if target == DemoStatus.RECOGNISED:
        fields["recognised_on"] = on or timezone.localdate()
    for k, v in fields.items():
        setattr(app, k, v)
    app.save(update_fields=list(fields))
    DemoEvent.objects.create(application=app, from_status=before, to_status=target, actor=actor, note=note.strip())
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=app, changes={"status": [before, target]},
                 note=note.strip())  # fmt: skip
    return app


@transaction.atomic
def demo_check_save(
    *, actor: User, check: DemoCheck, status: str, note: str = "", files: Sequence[Any] = ()
) -> DemoCheck:
    app = check.application
    if not can_apply(actor, app.school_id, app.school.township_id):
        from jiaoyun.core.errors import PermissionDenied

        raise PermissionDenied(f"无权填写“{app.school}”的自评")
    if app.status not in (DemoStatus.CANDIDATE, DemoStatus.RETURNED):
        raise DomainError(f"申报当前为“{app.get_status_display()}”，自评已锁定", field="自评")
    if status not in CheckStatus.values:
        raise DomainError("请选择结论", field="结论")
    names = [check_upload(f, use="evidence", field="佐证材料") for f in files]
    if status == CheckStatus.MET and not files and not check.evidence.exists():
        raise DomainError("自评为“达到”须上传佐证材料", field="佐证材料")
    model_update(actor=actor, obj=check, fields={"status": status, "note": note.strip()[:300]})
    for f, name in zip(files, names, strict=True):
        ev = Evidence.objects.create(demo_check=check, file=f, name=name[:200], uploaded_by=actor)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=ev, note=f"{app}佐证材料")
    return check
