"""Create an xAPI client (a learning platform's HTTP Basic credential) and print its key and secret once, or
deactivate one (refused from its next request on). Both are audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiaoyun.learning.models import LrsClient
from jiaoyun.learning.services import lrs_client_create, lrs_client_deactivate
from jiaoyun.schools.models import School


class Command(BaseCommand):
    help = "新建 xAPI 学习平台客户端（打印一次密钥），或停用客户端"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name")
        parser.add_argument("--school", action="append", default=[], help="学校标识码，可重复")
        parser.add_argument("--all-schools", action="store_true")
        parser.add_argument("--deactivate", metavar="KEY", help="停用此客户端标识的客户端")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["deactivate"]:
            client = LrsClient.objects.filter(key=opts["deactivate"]).first()
            if client is None:
                raise CommandError(f"没有客户端标识为 {opts['deactivate']} 的客户端")
            lrs_client_deactivate(client=client)
            self.stdout.write(f"已停用：{client.name}（{client.key}）\n")
            return
        if not opts["name"]:
            raise CommandError("新建客户端需要 --name")
        ids = list(School.objects.filter(code__in=opts["school"]).values_list("id", flat=True))
        client, secret = lrs_client_create(name=opts["name"], school_ids=ids, all_schools=opts["all_schools"])
        self.stdout.write(f"key={client.key}\nsecret={secret}\n")
