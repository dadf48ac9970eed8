"""Create an xAPI client (a learning platform's HTTP Basic credential) and print its key and secret once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiaoyun.learning.services import lrs_client_create
from jiaoyun.schools.models import School


class Command(BaseCommand):
    help = "新建 xAPI 学习平台客户端（打印一次密钥）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--school", action="append", default=[], help="学校标识码，可重复")
        parser.add_argument("--all-schools", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        ids = list(School.objects.filter(code__in=opts["school"]).values_list("id", flat=True))
        client, secret = lrs_client_create(name=opts["name"], school_ids=ids, all_schools=opts["all_schools"])
        self.stdout.write(f"key={client.key}\nsecret={secret}\n")
