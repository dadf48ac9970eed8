"""python manage.py import_data <kind> <file> [--dry-run] [--user USERNAME]"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoyun.core.errors import DomainError
from jiaoyun.exchange import services
from jiaoyun.exchange.registry import all_kinds


class Command(BaseCommand):
    help = "导入数据文件（先校验预览，再整体写入）。kind: " + "、".join(k.key for k in all_kinds())

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="数据类型：" + ", ".join(f"{k.key}（{k.label}）" for k in all_kinds()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只校验预览，不写入")
        parser.add_argument("--user", default="", help="以该用户名义导入（记入审计）；省略时记为系统")
        parser.add_argument("--show", type=int, default=20, help="显示前N条拒绝行")

    def _progress(self, label: str) -> Any:
        started = time.monotonic()

        def show(share: float) -> None:
            done = int(share * 30)
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"\r{label} [{'#' * done}{'.' * (30 - done)}] {share * 100:5.1f}% {elapsed:6.1f}s", ending=""
            )
            self.stdout.flush()

        return show

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        actor: services.Actor = services.SYSTEM
        if opts["user"]:
            try:
                actor = get_user_model().objects.get(username=opts["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户不存在：{opts['user']}")
        started = time.monotonic()
        try:
            with open(path, "rb") as fh:
                batch = services.import_upload(actor=actor, kind=opts["kind"], upload=fh, file_name=path.name)
            batch = services.import_preview(actor=actor, batch=batch, on_progress=self._progress("校验"))
        except DomainError as exc:
            self.stdout.write("")
            raise CommandError(str(exc))
        self.stdout.write(f"\r校验完成：{batch.total}行（{time.monotonic() - started:.1f}s）" + " " * 30)
        self._summary(batch, opts["show"])
        if opts["dry_run"]:
            self.stdout.write(f"预览批次 #{batch.pk}（--dry-run：未写入）")
            return
        started = time.monotonic()
        try:
            batch = services.import_confirm(actor=actor, batch=batch, on_progress=self._progress("写入"))
        except DomainError as exc:
            self.stdout.write("")
            raise CommandError(f"导入失败，数据库未改动：{exc}")
        rate = batch.total / max(time.monotonic() - started, 1e-6)
        self.stdout.write(f"\r已导入批次 #{batch.pk}（{time.monotonic() - started:.1f}s，{rate:,.0f}行/秒）" + " " * 30)

    def _summary(self, batch: Any, show: int) -> None:
        self.stdout.write(
            f"新增 {batch.new}  更新 {batch.updated}  无变化 {batch.unchanged}  拒绝 {batch.rejected}"
            + (f"（表头在第{batch.header_row}行）" if batch.header_row else "")
        )
        for r in batch.rejections.order_by("row", "id")[:show]:
            self.stdout.write(f"  第{r.row}行 {r.column}「{r.value}」：{r.reason}")
        if batch.rejected > show:
            self.stdout.write(f"  ……其余{batch.rejected - show}行见拒绝行文件", ending="\n")
        sys.stdout.flush()
