"""``python manage.py restore --from DIR [--passphrase-env NAME] [--key-to PATH]``: restore a backup into an
empty installation (run ``manage.py migrate`` first), then check row counts and checksums.

The data key is written to ``--key-to`` (default ``var/data_key``, 0600); restart the application with it
(or point ``DATA_KEY_FILE`` at it) before use. See docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiaoyun.core.errors import DomainError


class Command(BaseCommand):
    help = "把备份恢复到空的安装（先校验文件，拒绝非空数据库），恢复后核对各表行数与文件校验和"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="source", required=True, help="备份目录")
        parser.add_argument("--passphrase-env", help="存放数据密钥口令的环境变量名（备份时加密了数据密钥）")
        parser.add_argument("--key-to", help="数据密钥写到哪里（默认 var/data_key）")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.core.backup import restore

        try:
            manifest = restore(
                source=Path(options["source"]),
                passphrase_env=options["passphrase_env"],
                key_to=Path(options["key_to"]) if options["key_to"] else None,
            )
        except DomainError as exc:
            raise CommandError(str(exc))
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"已恢复：{rows}行，{len(manifest['files'])}个文件，行数与校验和均一致。数据密钥已写入；请重启应用后使用。"
        )
