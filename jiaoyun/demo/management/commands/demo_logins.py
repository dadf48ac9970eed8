"""python manage.py demo_logins: one demo login per role, with its password and data scope."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jiaoyun.core.choices import Role
from jiaoyun.core.models import User
from jiaoyun.demo.generator.staff import DEMO_USERS, PASSWORD

# Logins the modules' demo parts add (jiaoyun/<app>/demo.py), listed after the platform's own.
MODULE_USERS = ("finance", "inspector", "student", "gzteacher", "gzprincipal", "zjprincipal")


def scope_label(user: User) -> str:
    if user.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        return "系统管理（不含个人数据）"
    if user.role in (Role.TOWNSHIP_OFFICER, Role.TOWNSHIP_GOV) and user.area:
        return user.area.name
    if user.role == Role.VILLAGE_CADRE and user.area:
        return f"{user.area.parent.name if user.area.parent else ''}{user.area.name}"
    if user.role == Role.STUDENT:
        return "本人的记录"
    if user.role == Role.PRINCIPAL and user.school:
        return user.school.name
    if user.role == Role.CLASS_TEACHER and user.school:
        names = "、".join(str(c) for c in user.classes.all())
        return f"{user.school.name} {names}".strip()
    suffix = "（只读）" if user.read_only else ""
    return f"全县{suffix}"


class Command(BaseCommand):
    help = "列出演示账号（角色、用户名、密码、数据范围）"

    def handle(self, *args: Any, **options: Any) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[d[0] for d in DEMO_USERS] + list(MODULE_USERS)).select_related(
                "area", "area__parent", "school"
            )
        }
        if not users:
            self.stdout.write("尚无演示账号：请先运行 python manage.py demo_data")
            return
        rows = [("角色", "用户名", "密码", "数据范围")]
        for username in [d[0] for d in DEMO_USERS] + list(MODULE_USERS):
            user = users.get(username)
            if user is None:
                continue
            role = user.get_role_display()
            if user.section:
                role = f"{role}（{user.get_section_display()}）"
            rows.append((role, username, PASSWORD, scope_label(user)))
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        self.stdout.write("演示账号（http://127.0.0.1:8000/）：")
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        from jiaoyun.core.security_policy import policy_get

        second = [u.get_role_display() for u in users.values() if u.role in set(policy_get().second_factor_roles)]
        if second:
            roles = "、".join(dict.fromkeys(second))
            self.stdout.write(
                f"{roles}须使用动态口令：首次登录时页面显示密钥，请添加到手机验证器（TOTP）后输入6位口令。"
            )


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
