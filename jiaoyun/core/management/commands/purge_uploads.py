"""``python manage.py purge_uploads [--days N]``: delete uploaded import files and temporary files past their keeping period.

The same work as the daily periodic job ``uploads_purge`` (剩余信息保护, GB/T 22239-2019 8.1.4.10); ``--days``
overrides ``JIAOYUN["UPLOAD_KEEP_DAYS"]`` for this run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "删除超过保存期限的导入上传文件和临时文件（批次记录保留）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None, help="保存天数（默认取 UPLOAD_KEEP_DAYS，30天）")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.core.files import conf, uploads_purge

        days = options["days"]
        if days is not None and days < 0:
            raise CommandError("--days 不能为负数")
        removed = uploads_purge(days=days)
        keep = days if days is not None else conf("UPLOAD_KEEP_DAYS")
        self.stdout.write(f"已删除{removed}个超过{keep}天的上传文件或临时文件")
