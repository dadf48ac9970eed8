"""The 户籍 roster import (查户籍) and attendance (absences recorded by class teachers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiaoyun.areas.models import Area
from jiaoyun.core import idcard
from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction, Sex
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.files import check_upload, temporary_dir
from jiaoyun.core.files import conf as files_conf
from jiaoyun.core.scope import student_q
from jiaoyun.core.types import User
from jiaoyun.dropout.choices import AbsenceKind
from jiaoyun.dropout.models import Absence, HukouRecord
from jiaoyun.dropout.permissions import is_county
from jiaoyun.people.choices import PovertyStatus, StudentStatus
from jiaoyun.people.models import Student

# Roster columns (Chinese headers as the police roster has them).
HUKOU_COLUMNS = ("姓名", "性别", "出生日期", "身份证号", "户籍村（社区）代码", "村民小组", "户主", "脱贫户/监测户")
POVERTY_LABELS = {
    "": "",
    "脱贫户": PovertyStatus.LIFTED,
    "脱贫家庭": PovertyStatus.LIFTED,
    "监测户": PovertyStatus.MONITORED,
}
SEX_LABELS = {"男": Sex.MALE, "女": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE, "": ""}


def _date(value: Any, row: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"“{value}”不是有效日期（应为YYYY-MM-DD）", field="出生日期", row=row)


# Each row read from a file carries its row number (as Excel shows it) under this key.
ROW = "__row__"
HUKOU_REQUIRED = ("姓名", "户籍村（社区）代码")


def roster_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a roster file (CSV in UTF-8 or GBK, XLSX, XLS) keyed by column, read one at a time.

    Reuses the import readers: the format comes from the bytes, the header row is found below title rows, an
    XLSX that would expand beyond the limits is refused. Each row carries its row number under ``ROW``.
    Unreadable files and missing columns raise DomainError naming the row or column.
    """
    from jiaoyun.exchange.readers import normalize_header, open_table
    from jiaoyun.exchange.values import text

    names = {normalize_header(c): c for c in HUKOU_COLUMNS}
    table = open_table(path, known=lambda h: h in names)
    try:
        columns = {i: names[normalize_header(h)] for i, h in enumerate(table.headers) if normalize_header(h) in names}
        missing = [c for c in HUKOU_REQUIRED if c not in columns.values()]
        if missing:
            found = "、".join(h for h in table.headers if h) or "（无）"
            raise DomainError(f"缺少必填列：{'、'.join(missing)}。文件中的列为：{found}", field="表头",
                              row=table.header_row)  # fmt: skip
        for number, cells in table.rows():
            row: dict[str, Any] = {ROW: number}
            for i, column in columns.items():
                value = cells[i] if i < len(cells) else None
                row[column] = value if isinstance(value, dt.date) else text(value)
            yield row
    finally:
        table.close()


def hukou_upload(*, actor: Any, upload: Any, batch: str = "") -> dict[str, int]:
    """Check an uploaded roster (type, size, content), keep it in a temporary file while it is read, import it.

    The temporary file is deleted at once (and by ``uploads_purge`` should the process die meanwhile).
    """
    if actor is not None and not is_county(actor):
        raise PermissionDenied("户籍名册由县教育体育局导入")
    check_upload(upload, use="spreadsheet", field="户籍名册", max_bytes=int(files_conf("UPLOAD_ROSTER_MAX_BYTES")))
    path = temporary_dir() / f"hukou-{upload.name}"
    try:
        with open(path, "wb") as out:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b""):
                out.write(chunk)
        return hukou_import(actor=actor, rows=roster_rows(path), batch=batch)
    finally:
        path.unlink(missing_ok=True)


@transaction.atomic
def hukou_import(*, actor: Any, rows: Iterable[Mapping[str, Any]], batch: str = "") -> dict[str, int]:
    """Load roster rows; an ID number already on the roster updates that record. All or nothing."""
    if actor is not None and not is_county(actor):
        raise PermissionDenied("户籍名册由县教育体育局导入")
    villages = {a.code: a for a in Area.objects.filter(level="village")}
    created = updated = 0
    seen: set[str] = set()
    for n, raw in enumerate(rows, start=2):
        i = int(raw.get(ROW, n))
        row = {k: ("" if v is None else str(v).strip() if not isinstance(v, dt.date) else v) for k, v in raw.items()}
        name = str(row.get("姓名", ""))
        if not name:
            raise DomainError("不能为空", field="姓名", row=i)
        code = str(row.get("户籍村（社区）代码", ""))
        village = villages.get(code)
        if village is None:
            raise DomainError(f"未知的村（社区）代码{code!r}", field="户籍村（社区）代码", row=i)
        raw_id = str(row.get("身份证号", ""))
        number = None
        if raw_id:
            try:
                number = idcard.validate(raw_id)
            except DomainError as exc:
                raise DomainError(exc.message, field="身份证号", row=i)
        birth = _date(row.get("出生日期"), i) if row.get("出生日期") else (number.birth_date if number else None)
        if birth is None:
            raise DomainError("无身份证号时须填写出生日期", field="出生日期", row=i)
        if number and number.birth_date != birth:
            raise DomainError("身份证号与出生日期不一致", field="身份证号", row=i)
        sex = SEX_LABELS.get(str(row.get("性别", "")))
        if sex is None:
            raise DomainError(f"应为“男”或“女”，实际为{row.get('性别')!r}", field="性别", row=i)
        sex = sex or (number.sex if number else "")
        poverty_label = str(row.get("脱贫户/监测户", ""))
        if poverty_label not in POVERTY_LABELS:
            raise DomainError(f"应为空、“脱贫户”或“监测户”，实际为{poverty_label!r}", field="脱贫户/监测户", row=i)
        fields = {
            "name": name,
            "sex": sex,
            "birth_date": birth,
            "hukou_village": village,
            "group_name": str(row.get("村民小组", ""))[:30],
            "household_head": str(row.get("户主", ""))[:50],
            "poverty": POVERTY_LABELS[poverty_label],
            "batch": batch[:40],
        }
        if number is not None:
            digest = idcard.match_hash(number.value)
            if digest in seen:
                raise DomainError("名册中身份证号重复", field="身份证号", row=i)
            seen.add(digest)
            record = HukouRecord.objects.filter(id_hash=digest).first()
            if record is not None:
                for key, value in fields.items():
                    setattr(record, key, value)
                record.save()
                updated += 1
                continue
            fields.update(id_hash=digest, id_cipher=idcard.encrypt(number.value), id_masked=idcard.mask(number.value))
        HukouRecord.objects.create(**fields)
        created += 1
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="dropout.HukouRecord",
        object_repr=f"户籍名册{batch}（新增{created}，更新{updated}）",
        changes={"created": created, "updated": updated, "batch": batch},
    )
    return {"created": created, "updated": updated}


@transaction.atomic
def absence_record(
    *, actor: User | None, student: Student, date: dt.date, kind: str = AbsenceKind.UNEXCUSED, note: str = ""
) -> Absence:
    """A class teacher marks a student absent for a school day (re-marking the same day updates it)."""
    if kind not in AbsenceKind.values:
        raise DomainError(f"未知缺勤类型{kind!r}", field="类型")
    if actor is not None:
        if not getattr(actor, "can_write", False):
            raise PermissionDenied("只读账号不能登记缺勤")
        if not Student.objects.filter(student_q(actor), pk=student.pk).exists():
            raise PermissionDenied("该学生不在您的数据范围内")
    if student.status != StudentStatus.IN_SCHOOL:
        raise DomainError(
            f"{student.name}当前学籍状态为“{student.get_status_display()}”，不在校，不能登记缺勤", field="学生"
        )
    if date.weekday() >= 5:
        raise DomainError(f"{date}是周末，不是上课日", field="日期")
    if date > timezone.localdate():
        raise DomainError("不能登记将来的缺勤", field="日期")
    absence, created = Absence.objects.update_or_create(
        student=student,
        date=date,
        defaults={
            "kind": kind,
            "note": note[:200],
            "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=absence,
        object_repr=f"{student.name} {date} {absence.get_kind_display()}",
        changes={"date": date.isoformat(), "kind": kind},
    )
    return absence
