"""``manage.py partition_events [--by student|school_year] [--partitions 8] [--dry-run]``: the 学籍 events table
as a partitioned table (PostgreSQL only; docs/scaling.md, ADR 0044). Off by default: nothing runs it by itself."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from jiaoyun.core.errors import DomainError
from jiaoyun.people.partitioning import partition_events


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "把学籍事件表（people_enrolmentevent）转换为分区表（仅 PostgreSQL）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", choices=("student", "school_year"), default="student")
        parser.add_argument("--partitions", type=int, default=8, help="ranges of student id (--by student)")
        parser.add_argument("--dry-run", action="store_true", help="print the statements, then roll back")

    def handle(self, *args: Any, **options: Any) -> None:
        statements: list[str] = []
        try:
            with transaction.atomic():
                statements = partition_events(by=options["by"], partitions=options["partitions"])
                if options["dry_run"]:
                    raise _DryRun
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        except _DryRun:
            self.stdout.write("-- dry run: rolled back")
        for sql in statements:
            self.stdout.write(sql if sql.startswith("--") else sql + ";")
