"""Synthetic learning records: realistic xAPI statements for a term of school days, sent over HTTP.

Used by the demo county (``demo.generate``) and by ``manage.py xapi_generate`` against any running server.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from jiaoyun.learning import conf

SUBJECTS = [("chinese", "语文"), ("math", "数学"), ("english", "英语"), ("science", "科学"), ("ethics", "道德与法治")]
PLATFORMS = ["国家中小学智慧教育平台", "智慧课堂", "县教育云学习空间"]
VERBS = {
    "attended": ("http://adlnet.gov/expapi/verbs/attended", "出席"),
    "experienced": ("http://adlnet.gov/expapi/verbs/experienced", "学习"),
    "answered": ("http://adlnet.gov/expapi/verbs/answered", "作答"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "完成"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "通过"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "未通过"),
}
HOLIDAYS = {(10, d) for d in range(1, 8)} | {(1, 1)}


@dataclass(frozen=True)
class Learner:
    account: str  # the pupil's pseudonymous learning account (``LearnerPseudonym.name``), never an identity number
    grade: int
    engagement: float  # 0..1: how often the learner studies online
    ability: float  # mean scaled score


def school_days(today: dt.date, n: int) -> list[dt.date]:
    """The last ``n`` school days up to today (weekdays, no national holidays), oldest first."""
    days: list[dt.date] = []
    d = today
    while len(days) < n:
        if d.weekday() < 5 and (d.month, d.day) not in HOLIDAYS and d.month not in (7, 8, 2):
            days.append(d)
        d -= dt.timedelta(days=1)
    return days[::-1]


def _iso(day: dt.date, hour: int, minute: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+08:00"


def _activity(subject: tuple[str, str], grade: int, lesson: int, kind: str) -> dict[str, Any]:
    home = conf.get("XAPI_HOMEPAGE")
    name = (
        f"{subject[1]}{grade}年级第{lesson}课{'（课堂）' if kind == 'lesson' else '练习' if kind == 'quiz' else '微课'}"
    )
    types = {
        "lesson": "http://adlnet.gov/expapi/activities/lesson",
        "quiz": "http://adlnet.gov/expapi/activities/assessment",
        "video": "http://adlnet.gov/expapi/activities/media",
    }
    return {
        "objectType": "Activity",
        "id": f"{home}/xapi/activities/{subject[0]}/g{grade}/{lesson}/{kind}",
        "definition": {"name": {"zh-CN": name}, "type": types[kind]},
    }


def _statement(
    learner: Learner, verb: str, obj: dict[str, Any], ts: str, platform: str, result: dict[str, Any] | None
) -> dict[str, Any]:
    st: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": conf.get("XAPI_HOMEPAGE"), "name": learner.account},
        },
        "verb": {"id": VERBS[verb][0], "display": {"zh-CN": VERBS[verb][1]}},
        "object": obj,
        "timestamp": ts,
        "context": {"platform": platform, "language": "zh-CN"},
    }
    if result:
        st["result"] = result
    return st


def statements_for(learners: list[Learner], days: list[dt.date], rng: random.Random) -> Iterator[dict[str, Any]]:
    """One day of a class at a time: in-class lessons (课堂) and online study after school."""
    for i, day in enumerate(days):
        lesson = i // 2 + 1
        for learner in learners:
            if rng.random() < 0.04:  # absent / no records today
                continue
            subject = SUBJECTS[(i + learner.grade) % len(SUBJECTS)]
            # In-class lesson recorded by the smart-classroom system.
            if rng.random() < 0.7:
                yield _statement(
                    learner,
                    "attended",
                    _activity(subject, learner.grade, lesson, "lesson"),
                    _iso(day, rng.choice((8, 9, 10, 14, 15)), rng.randrange(0, 50, 5)),
                    "课堂",
                    {"duration": "PT40M", "completion": True},
                )
            # Online study in the evening.
            if rng.random() < learner.engagement:
                minutes = max(3, int(rng.gauss(18, 8)))
                yield _statement(
                    learner,
                    "experienced",
                    _activity(subject, learner.grade, lesson, "video"),
                    _iso(day, rng.randint(18, 20), rng.randrange(0, 60)),
                    rng.choice(PLATFORMS),
                    {"duration": f"PT{minutes}M", "completion": rng.random() < 0.85},
                )
                if rng.random() < 0.6:
                    scaled = round(min(1.0, max(0.0, rng.gauss(learner.ability, 0.15))), 2)
                    raw = round(scaled * 100)
                    yield _statement(
                        learner,
                        "passed" if scaled >= 0.6 else "failed",
                        _activity(subject, learner.grade, lesson, "quiz"),
                        _iso(day, 20, rng.randrange(0, 60)),
                        rng.choice(PLATFORMS),
                        {
                            "score": {"scaled": scaled, "raw": raw, "min": 0, "max": 100},
                            "success": scaled >= 0.6,
                            "completion": True,
                            "duration": f"PT{rng.randint(5, 15)}M",
                        },
                    )


class Sender:
    """POST batches to an LRS over one keep-alive HTTP connection."""

    def __init__(self, url: str, key: str, secret: str, *, version: str = "2.0.0", timeout: float = 120) -> None:
        parts = urlsplit(url.rstrip("/"))
        self.path = f"{parts.path}/statements"
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
        self.headers = {
            "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
            "X-Experience-API-Version": version,
            "Content-Type": "application/json",
        }
        self.sent = 0

    def post(self, batch: list[dict[str, Any]]) -> None:
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        try:
            self.conn.request("POST", self.path, body=body, headers=self.headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):
            self.conn.close()  # the server closed the keep-alive connection: retry once on a new one
            self.conn.request("POST", self.path, body=body, headers=self.headers)
            response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"LRS 拒绝了语句批次：HTTP {response.status} {data[:300]!r}")
        self.sent += len(batch)

    def send_all(self, statements: Iterator[dict[str, Any]], batch_size: int = 100) -> int:
        batch: list[dict[str, Any]] = []
        for st in statements:
            batch.append(st)
            if len(batch) >= batch_size:
                self.post(batch)
                batch = []
        if batch:
            self.post(batch)
        return self.sent

    def close(self) -> None:
        self.conn.close()


def learners_of(students: list[tuple[str, int | None]], rng: random.Random) -> list[Learner]:
    """Learners from (pseudonymous learning account, grade) pairs."""
    return [
        Learner(
            account=name,
            grade=grade or 1,
            engagement=min(0.95, max(0.05, rng.betavariate(3, 2))),
            ability=min(0.95, max(0.3, rng.gauss(0.72, 0.12))),
        )
        for name, grade in students
    ]


def pupils_of(students: list[tuple[int, int | None]]) -> list[tuple[str, int | None]]:
    """(pseudonymous learning account, grade) of pupils given as (pk, grade), issuing missing accounts."""
    from jiaoyun.learning.services import learner_pseudonyms

    names = learner_pseudonyms(student_ids=[pk for pk, _ in students])
    return [(names[pk], grade) for pk, grade in students]
