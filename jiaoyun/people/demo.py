"""Demo activity of the people registry, so the audit log and the administrators' home pages have something real to
review: the demo principal reveals two pupils' full ID numbers for a stated reason, the township office exports its
pupil list, and one mistyped password is counted against the class teacher's account. Every entry is written by the
same services a user's request goes through (the reveal service, the audit service, the failed-login counter)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Count

from jiaoyun.core.audit import audit_record
from jiaoyun.core.auth import register_failure
from jiaoyun.core.choices import AuditAction, Role
from jiaoyun.core.models import User
from jiaoyun.core.scope import student_q
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.people.services.students import student_reveal_id

REVEAL_REASONS = ("核对身份：家长持户口簿来校办理转学", "劝返工作：核对户籍地址后入户劝返")
DEMO_IP = "10.53.21.17"


def _user(role: str) -> User | None:
    return User.objects.filter(role=role, is_active=True).order_by("id").first()


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    principal, township, teacher = _user(Role.PRINCIPAL), _user(Role.TOWNSHIP_OFFICER), _user(Role.CLASS_TEACHER)
    if principal is None or township is None or teacher is None:
        stdout.write("  people：缺少演示账号，跳过\n")
        return
    pupils = list(Student.objects.filter(student_q(principal), status=StudentStatus.IN_SCHOOL).order_by("id")[:50])
    for student, reason in zip(rng.sample(pupils, k=min(2, len(pupils))), REVEAL_REASONS, strict=False):
        student_reveal_id(actor=principal, student=student, reason=reason, ip=DEMO_IP)
    rows = Student.objects.filter(student_q(township), status=StudentStatus.IN_SCHOOL).aggregate(n=Count("id"))["n"]
    filters = {"township": str(township.area_id or ""), "status": StudentStatus.IN_SCHOOL}
    audit_record(actor=township, action=AuditAction.EXPORT, object_type="people.Student", object_repr=f"学生（{rows}行）",
                 changes={"filters": filters, "rows": rows, "format": "xlsx", "encoding": "", "revealed": False},
                 ip=DEMO_IP)  # fmt: skip
    register_failure(teacher, ip=DEMO_IP, reason="密码错误")
    stdout.write("  people：演示审计记录 2条身份证号查看、1次导出、1次登录失败\n")
