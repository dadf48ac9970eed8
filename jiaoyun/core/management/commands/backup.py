"""``python manage.py backup --to DIR [--passphrase-env NAME] [--portable]``: back up database, files and data key.

See ``jiaoyun.core.backup`` and docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiaoyun.core.errors import DomainError


class Command(BaseCommand):
    help = "备份数据库、上传文件、审计归档和数据密钥到一个目录（含各表行数与每个文件SHA-256的清单）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--to", required=True, help="备份目录（不存在或为空）")
        parser.add_argument(
            "--passphrase-env", help="存放数据密钥加密口令的环境变量名；不给则数据密钥以0600明文文件保存"
        )
        parser.add_argument(
            "--portable", action="store_true", help="数据库以Django序列化格式导出（可跨SQLite/PostgreSQL恢复）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.core.audit import audit_record
        from jiaoyun.core.backup import backup
        from jiaoyun.core.choices import AuditAction

        target = Path(options["to"])
        try:
            manifest = backup(to=target, passphrase_env=options["passphrase_env"], portable=options["portable"])
        except DomainError as exc:
            raise CommandError(str(exc))
        audit_record(actor=None, action=AuditAction.EXPORT, object_type="core.Backup", object_repr=str(target)[:200],
                     note=f"整库备份：{manifest['database']}，{len(manifest['files'])}个文件")  # fmt: skip
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"已备份到{target}：{manifest['database']}，{rows}行，{len(manifest['files'])}个文件")
