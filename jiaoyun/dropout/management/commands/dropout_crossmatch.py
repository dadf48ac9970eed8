"""``python manage.py dropout_crossmatch [--as-of YYYY-MM-DD]``: run the 四查三比对 now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "控辍保学四查三比对（户籍比学籍、学籍比在校、辍学比脱贫户）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as-of", help="比对基准日 YYYY-MM-DD（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        from jiaoyun.dropout.services import crossmatch_run, deadlines_check

        as_of = dt.date.fromisoformat(options["as_of"]) if options.get("as_of") else None
        run = crossmatch_run(actor=None, as_of=as_of)
        deadlines_check(on=run.as_of)
        for key, value in sorted(run.figures.items()):
            self.stdout.write(f"{key}\t{value}")
