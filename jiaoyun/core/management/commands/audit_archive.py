"""``python manage.py audit_archive``: archive the audit entries past ``JIAOYUN["AUDIT_KEEP_DAYS"]`` and delete them.

Also run nightly by the periodic job ``audit_archive`` (``jiaoyun.core.schedule``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiaoyun.core.errors import DomainError


class Command(BaseCommand):
    help = "把超过保存期限的审计记录写入压缩归档文件（含哈希链与校验和），校验后从数据库删除"

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.core.audit_archive import audit_archive

        try:
            archive = audit_archive()
        except DomainError as exc:
            raise CommandError(str(exc))
        if archive is None:
            self.stdout.write("没有超过保存期限的审计记录")
        else:
            self.stdout.write(
                f"已归档{archive.count}条（#{archive.first_id}–#{archive.last_id}）到 {archive.file_name}"
            )
