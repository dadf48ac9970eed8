"""``python manage.py disable_dormant_accounts``: deactivate accounts without a login for the policy's dormant days.

The daily job ``accounts_dormant`` (``jiaoyun.core.schedule``) runs the same; each deactivation is audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "停用超过安全策略规定天数未登录的账号（逐个记入审计日志）"

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.core.accounts import dormant_accounts_disable

        count = dormant_accounts_disable()
        self.stdout.write(f"已停用 {count} 个休眠账号")
