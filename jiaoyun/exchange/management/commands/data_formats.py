"""python manage.py data_formats [--check]: regenerate the column tables of docs/data-formats.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoyun.exchange.formats_doc import doc_path, replace_section


class Command(BaseCommand):
    help = "按已注册的数据格式重新生成 docs/data-formats.md 中的列说明"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只检查是否最新，不写入")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = doc_path()
        text = path.read_text(encoding="utf-8")
        new = replace_section(text)
        if opts["check"]:
            if new != text:
                raise CommandError("docs/data-formats.md 的列说明已过期：请运行 python manage.py data_formats")
            self.stdout.write("docs/data-formats.md 是最新的")
            return
        path.write_text(new, encoding="utf-8")
        self.stdout.write(f"已更新 {path}")
