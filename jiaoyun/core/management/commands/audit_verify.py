"""``python manage.py audit_verify [--archives]``: walk the audit log's hash chain; exit 1 at the first broken link.

The chain is read in id order in chunks; ``--archives`` also checks every archive file (checksum and chain) and
that the archives and the table link up.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "校验审计日志哈希链：发现被修改、删除或插入的记录时报告第一处并以非零状态退出"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--archives", action="store_true", help="同时校验归档文件")
        parser.add_argument("--chunk", type=int, default=5000, help="每次读取的条数")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.core.audit import chain_verify
        from jiaoyun.core.audit_archive import archives_verify

        report = chain_verify(chunk=options["chunk"])
        faults = archives_verify() if options["archives"] else []
        if report.broken is not None:
            where = f"#{report.broken.entry_id}" if report.broken.entry_id is not None else "链尾"
            faults.insert(0, f"审计链断裂于{where}：{report.broken.reason}（已校验{report.checked}条）")
        if faults:
            raise CommandError("\n".join(faults))
        self.stdout.write(f"审计链完整：{report.checked}条，链尾#{report.last_id or '—'} 哈希 {report.last_hash}")
