"""Benchmark: linking the 户籍 roster to the register in the 四查三比对, against a row-by-row baseline.

    python bench/dropout_crossmatch.py [--rows 20000]

A fresh SQLite database (temp file) gets one township, ``--rows`` students with ID numbers and the same
children on the police roster (plus 1 % only on the roster). Measured, each on a fresh copy of the data:

* ``set-based``: what ``crossmatch_run`` does — one ``UPDATE … SET student_id = (SELECT …)`` by ID hash;
* ``baseline``: the same link done the usual ORM way — load both sides, match in Python, ``bulk_update``;
* ``crossmatch``: the whole ``crossmatch_run`` (linking, creating roster students and cases, hits, stats).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def build(rows: int) -> None:
    from django.core.management import call_command

    from jiaoyun.areas.models import Area
    from jiaoyun.core import idcard
    from jiaoyun.dropout.models import HukouRecord
    from jiaoyun.people.models import Student

    call_command("migrate", verbosity=0)
    county = Area.objects.create(code="530521", name="施甸县", level="county")
    town = Area.objects.create(code="530521100", name="甸阳镇", level="township", parent=county)
    village = Area.objects.create(code="530521100001", name="甸阳社区", level="village", parent=town)
    students, roster = [], []
    for i in range(rows):
        birth = dt.date(2012 + i % 4, 1 + i // 4 % 12, 1 + i // 48 % 28)  # 1,344 dates × 1,000 orders
        number = idcard.make("530521", birth, i // 1344)
        digest, cipher, masked = idcard.match_hash(number), "x", idcard.mask(number)
        status = "in_school" if i % 50 else "not_enrolled"
        students.append(Student(id_hash=digest, id_cipher=cipher, id_masked=masked, name=f"学生{i}", sex="M",
                                birth_date=birth, hukou_village=village, status=status))  # fmt: skip
        roster.append(HukouRecord(id_hash=digest, id_cipher=cipher, id_masked=masked, name=f"学生{i}", sex="M",
                                  birth_date=birth, hukou_village=village))  # fmt: skip
    Student.objects.bulk_create(students, batch_size=2000)
    HukouRecord.objects.bulk_create(roster, batch_size=2000)


def link_set_based(as_of: dt.date) -> int:
    from jiaoyun.dropout.services.matching import _link_roster

    figures: dict[str, int] = {}
    _link_roster(actor=None, as_of=as_of, figures=figures)
    return figures["linked_by_id"]


def link_baseline(as_of: dt.date) -> int:
    from jiaoyun.dropout.models import HukouRecord
    from jiaoyun.dropout.services.matching import compulsory_q
    from jiaoyun.people.models import Student

    records = list(HukouRecord.objects.filter(compulsory_q(as_of), student__isnull=True, id_hash__isnull=False))
    ids = dict(Student.objects.filter(id_hash__in=[r.id_hash for r in records]).values_list("id_hash", "id"))
    linked = []
    for rec in records:
        if rec.id_hash in ids:
            rec.student_id, rec.match_note = ids[rec.id_hash], "身份证号一致"
            linked.append(rec)
    HukouRecord.objects.bulk_update(linked, ["student", "match_note"], batch_size=1000)
    return len(linked)


def measure(label: str, db: Path, work: str, rows: int) -> tuple[str, float, int]:
    """Run one measurement in a child process on a copy of the database."""
    import subprocess

    copy = db.with_name(f"{label}.sqlite3")
    shutil.copy(db, copy)
    out = subprocess.run([sys.executable, __file__, "--run", work, "--db", str(copy), "--rows", str(rows)],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    return label, float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--run", choices=("set-based", "baseline", "crossmatch"))
    parser.add_argument("--db")
    args = parser.parse_args()
    as_of = dt.date(2021, 11, 15)
    if args.run:
        setup(Path(args.db))
        from django.db import transaction

        start = time.perf_counter()
        with transaction.atomic():
            if args.run == "set-based":
                n = link_set_based(as_of)
            elif args.run == "baseline":
                n = link_baseline(as_of)
            else:
                from jiaoyun.dropout.services import crossmatch_run

                n = crossmatch_run(actor=None, as_of=as_of).figures.get("cases_created", 0)
        print(f"{time.perf_counter() - start:.3f} {n}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "base.sqlite3"
        setup(db)
        build(args.rows)
        from django.db import connection

        with connection.cursor() as cursor:  # fold the WAL into the file before copying it
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        results = [measure(w, db, w, args.rows) for w in ("baseline", "set-based", "crossmatch")]
    base = results[0][1]
    print(f"{'measurement':<12} {'rows':>8} {'seconds':>9} {'rows/s':>10} {'vs baseline':>12}  result")
    for label, seconds, n in results:
        print(f"{label:<12} {args.rows:>8} {seconds:>9.3f} {args.rows / seconds:>10.0f} {base / seconds:>11.1f}x  {n}")


if __name__ == "__main__":
    main()
