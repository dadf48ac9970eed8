"""Set-up of the load test on a database that holds the demo county (``manage.py demo_data``).

    DATABASE_URL=… .venv/bin/python bench/load/prepare.py --out var/load/fixture.json [--teachers 200]

Adds what the personas need and the demo does not have, as a county would have it, through the services where
there is one:

* one class-teacher account per class for ``--teachers`` classes in school now (the demo has one ``teacher``),
  first the classes with an open 控辍保学 case (their teachers also log home visits), then at random; and one
  township-officer account per township (the demo has ``township`` for 老麦乡);
* the safety devices of the demo with new tokens (``device_token_rotate``), so the simulated devices can sign;
* an LRS client (``lrs_client_create``) for the statement batches;
* a student roster CSV (``--roster-rows``) for the one import.

Writes the logins, classes, cases, device tokens and client credentials to ``--out`` (JSON) for the locustfile.
Every account's password is the demo password.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PREFIX = "load_"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--teachers", type=int, default=200)
    ap.add_argument("--devices", type=int, default=300)
    ap.add_argument("--roster-rows", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Count, Q
    from django.utils import timezone

    from jiaoyun.areas.choices import AreaLevel
    from jiaoyun.areas.models import Area
    from jiaoyun.core.choices import Role
    from jiaoyun.core.models import User
    from jiaoyun.demo.generator.staff import PASSWORD
    from jiaoyun.dropout.choices import CaseStatus
    from jiaoyun.dropout.models import DropoutCase
    from jiaoyun.dropout.services.roster import register_refusal
    from jiaoyun.learning.services import lrs_client_create
    from jiaoyun.people.choices import StudentStatus
    from jiaoyun.safety.models import Device
    from jiaoyun.safety.services.devices import device_register, device_token_rotate
    from jiaoyun.schools.models import SchoolClass

    rng = random.Random(args.seed)
    User.objects.filter(username__startswith=PREFIX).delete()
    password = make_password(PASSWORD)
    now = timezone.now()
    admin = User.objects.get(username="admin")

    # Classes in school now, with their pupils; the classes of open cases first (home visits).
    classes = list(
        SchoolClass.objects.annotate(
            pupils=Count("students", filter=Q(students__status=StudentStatus.IN_SCHOOL))
        ).filter(pupils__gte=5).values_list("pk", "school_id", "pupils")
    )  # fmt: skip
    by_pk = {pk: (school, n) for pk, school, n in classes}
    closed = (CaseStatus.DISMISSED, CaseStatus.CLOSED, CaseStatus.NO_RETURN)
    open_cases: dict[int, list[int]] = {}
    for case_id, class_id in (
        DropoutCase.objects.exclude(status__in=closed)
        .filter(school_class_id__in=list(by_pk))
        .values_list("pk", "school_class_id")
    ):
        open_cases.setdefault(class_id, []).append(case_id)
    with_cases = sorted(open_cases)
    rng.shuffle(with_cases)
    rest = sorted(set(by_pk) - set(with_cases))
    rng.shuffle(rest)
    chosen = (with_cases[: args.teachers // 2] + rest)[: args.teachers]

    teachers = []
    with transaction.atomic():
        users = [
            User(username=f"{PREFIX}t{i:03d}", password=password, role=Role.CLASS_TEACHER, school_id=by_pk[pk][0],
                 display_name=f"班主任{i:03d}", password_changed_at=now)
            for i, pk in enumerate(chosen)
        ]  # fmt: skip
        User.objects.bulk_create(users)
        saved = {u.username: u for u in User.objects.filter(username__startswith=f"{PREFIX}t")}
        through = User.classes.through
        through.objects.bulk_create(
            [through(user_id=saved[u.username].pk, schoolclass_id=pk) for u, pk in zip(users, chosen, strict=True)]
        )
        townships = list(Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("code"))
        User.objects.bulk_create(
            [
                User(username=f"{PREFIX}z{a.code[-3:]}", password=password, role=Role.TOWNSHIP_OFFICER, area=a,
                     display_name=f"{a.name}中心校", password_changed_at=now)
                for a in townships
            ]
        )  # fmt: skip
    for u, pk in zip(users, chosen, strict=True):
        teachers.append({"username": u.username, "class_id": pk, "cases": open_cases.get(pk, [])})
    sample = saved[users[0].username]
    assert register_refusal(sample, SchoolClass.objects.get(pk=chosen[0])) == "", "a load teacher may not register"

    # Devices: the demo's, with new tokens (and new ones registered if the demo has fewer).
    devices = []
    existing = list(Device.objects.filter(is_active=True).select_related("school").order_by("pk")[: args.devices])
    for d in existing:
        devices.append({"serial": d.serial, "token": device_token_rotate(actor=admin, device=d)})
    for i in range(len(existing), args.devices):
        school = SchoolClass.objects.get(pk=chosen[i % len(chosen)]).school
        device, token = device_register(actor=admin, school=school, kind="alarm", name=f"一键报警{i}",
                                        serial=f"LOAD-{i:04d}")  # fmt: skip
        devices.append({"serial": device.serial, "token": token})

    client, secret = lrs_client_create(name="负载测试", all_schools=True)

    villages = list(Area.objects.filter(level=AreaLevel.VILLAGE).values_list("code", flat=True).order_by("code"))
    roster = args.out.parent / "roster.csv"
    _roster(roster, args.roster_rows, villages, rng)

    fixture = {
        "password": PASSWORD,
        "teachers": teachers,
        "townships": [f"{PREFIX}z{a.code[-3:]}" for a in townships] + ["township"],
        "directors": ["leader", "basic"],
        "importer": "basic",
        "devices": devices,
        "lrs": {"key": client.key, "secret": secret, "client_id": client.pk},
        "roster": str(roster),
        "roster_rows": args.roster_rows,
        "prepared_at": now.isoformat(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fixture, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"prepared: {len(teachers)} class teachers ({sum(1 for t in teachers if t['cases'])} with open cases), "
        f"{len(townships)} township officers, {len(devices)} devices, LRS client {client.key}, roster {roster}"
    )


HEADER = ["姓名", "身份证号", "全国学籍号", "性别", "出生日期", "民族", "户籍所在村代码", "现居住村代码", "监护人",
          "监护人电话", "留守儿童", "随迁子女"]  # fmt: skip
SURNAMES = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜"
GIVEN = "明华强伟芳娜敏静丽军杰磊洋勇艳涛超霞平刚桂英秀兰玉珍凤梅云莲红娟春雪琳晶慧佳欣怡梓涵子轩浩宇宸睿一诺俊熙"


def _roster(path: Path, rows: int, villages: list[str], rng: random.Random) -> None:
    """A roster of new children born 2014–2019 (sequence numbers 900–999, which the demo does not use)."""
    from jiaoyun.core.idcard import check_char

    start, days = dt.date(2014, 1, 1), 2000
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            birth = start + dt.timedelta(days=i % days)
            first17 = f"530521{birth:%Y%m%d}{900 + i // days:03d}"
            number = first17 + check_char(first17)
            village = villages[i % len(villages)]
            surname = rng.choice(SURNAMES)
            w.writerow([
                surname + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))), number, "L" + number,
                "男" if int(number[16]) % 2 else "女", birth.isoformat(), "汉族" if i % 7 else "彝族", village, village,
                surname + rng.choice(GIVEN) + "华", f"13{rng.randint(0, 999999999):09d}", "否", "否",
            ])  # fmt: skip


if __name__ == "__main__":
    main()
