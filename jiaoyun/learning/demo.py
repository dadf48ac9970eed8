"""Demo learning records: statements sent through the real /xapi/ endpoint over loopback HTTP.

A WSGI server (wsgiref) runs Jiaoyun in a daemon thread on a free loopback port; the generator creates one
LRS client per chosen school (its smart-classroom platform) and POSTs batches of 100 statements with HTTP
Basic auth, exactly as an outside platform would. The demo command runs each module inside a transaction;
so that the server thread sees the schools and clients created here (and SQLite does not deadlock on its
write lock), the server thread uses this thread's database connection while this thread waits for each
response — requests are strictly sequential. Finally the statistics task fills the stat tables.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core import signals
from django.db import close_old_connections, connections
from django.db.models import Count, Q

from jiaoyun.learning import synth
from jiaoyun.learning.services import lrs_client_create
from jiaoyun.learning.services.analytics import learning_stats_refresh
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.schools.models import SchoolClass

SCHOOLS_PER_SCALE = 3
CLASSES_PER_SCHOOL = 3
SCHOOL_DAYS = 60


@contextmanager
def loopback_server() -> Iterator[str]:
    """Serve this Django project on 127.0.0.1:<free port> in a thread; yields the /xapi base URL."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    main = connections["default"]
    main.ensure_connection()
    main.inc_thread_sharing()
    httpd = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)

    def serve() -> None:
        connections["default"] = main
        httpd.serve_forever(poll_interval=0.05)

    # Request signals would close or reset the shared connection between requests; pause them meanwhile.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    thread = threading.Thread(target=serve, name="xapi-loopback", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/xapi"
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
        httpd.server_close()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        main.dec_thread_sharing()


def pick_classes(rng: random.Random, scale: int) -> dict[int, list[SchoolClass]]:
    """A few schools (each with classes of at least 10 pupils in school)."""
    classes = (
        SchoolClass.objects.annotate(n=Count("students", filter=Q(students__status=StudentStatus.IN_SCHOOL)))
        .filter(n__gte=10)
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )
    by_school: dict[int, list[SchoolClass]] = {}
    for c in classes:
        by_school.setdefault(c.school_id, []).append(c)
    chosen = rng.sample(sorted(by_school), min(len(by_school), SCHOOLS_PER_SCALE * scale))
    return {sid: rng.sample(by_school[sid], min(CLASSES_PER_SCHOOL, len(by_school[sid]))) for sid in chosen}


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date, days: int = SCHOOL_DAYS) -> dict[str, int]:
    plan = pick_classes(rng, scale)
    if not plan:
        stdout.write("学习记录：没有在校学生达 10 人的班级，跳过\n")
        return {"statements": 0}
    school_days = synth.school_days(today, days)
    started = time.perf_counter()
    sent = 0
    with loopback_server() as url:
        for classes in plan.values():
            school = classes[0].school
            client, secret = lrs_client_create(name=f"{school.name}智慧课堂", school_ids=[school.pk])
            sender = synth.Sender(url, client.key, secret)
            for school_class in classes:
                students = list(
                    Student.objects.filter(current_class=school_class, status=StudentStatus.IN_SCHOOL)
                    .order_by("pk")
                    .values_list("pk", "current_grade")
                )
                # Pupils are named by their pseudonymous learning accounts, as the county issues them to platforms.
                learners = synth.learners_of(synth.pupils_of(students), rng)
                sender.send_all(synth.statements_for(learners, school_days, rng))
            sent += sender.sent
            sender.close()
    seconds = time.perf_counter() - started
    rows = learning_stats_refresh()
    stdout.write(
        f"学习记录：经 /xapi/ 上报 {sent} 条语句（{len(plan)} 所学校，{sum(len(c) for c in plan.values())} 个班，"
        f"{len(school_days)} 个教学日，{sent / max(seconds, 0.001):.0f} 条/秒），统计 {rows} 行\n"
    )
    return {"statements": sent, "stat_rows": rows}
