"""``python manage.py admin_account USERNAME --role system_admin|security_admin|audit_admin``.

Creates one of the three administrators (三员分立), or reactivates it and sets a new password (a dormant or
locked-out administrator). The password comes from the prompt (twice) or ``JIAOYUN_ADMIN_PASSWORD`` and must
pass the password validators; it must be changed at the first login, and the second factor is enrolled then.
Audited."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth import password_validation
from django.core import exceptions
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jiaoyun.core.audit import audit_record
from jiaoyun.core.choices import AuditAction
from jiaoyun.core.models import ADMIN_ROLES, User


class Command(BaseCommand):
    help = "创建或恢复系统管理员、安全管理员、审计管理员账号（密码须符合密码规则）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in ADMIN_ROLES])
        parser.add_argument("--name", default="", help="姓名（显示名）")

    def handle(self, *args: Any, **options: Any) -> None:
        username, role = options["username"], options["role"]
        password = os.environ.get("JIAOYUN_ADMIN_PASSWORD")
        if password is None:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        existing = User.objects.filter(username=username).first()
        if existing is not None and existing.role != role:
            raise CommandError(f"账号 {username} 已存在且角色为“{existing.get_role_display()}”，不能改为管理员角色")
        candidate = existing or User(username=username, role=role)
        try:
            password_validation.validate_password(password, candidate)
        except exceptions.ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        with transaction.atomic():
            user = existing or User(username=username, role=role, display_name=options["name"])
            user.is_staff, user.is_active, user.is_superuser = True, True, False
            user.failed_logins, user.locked_until = 0, None
            user.set_password(password)
            user.password_changed_at = None  # set at the console: changed by its owner at the first login
            user.save()
            audit_record(actor=None, action=AuditAction.UPDATE if existing else AuditAction.CREATE, obj=user,
                         changes={"role": role, "is_active": True}, note="命令行设置管理员账号")  # fmt: skip
        self.stdout.write(f"{'已恢复' if existing else '已创建'} {user.get_role_display()} {username}")
