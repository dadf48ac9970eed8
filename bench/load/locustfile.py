"""The county's morning under load: personas doing their real work on the demo county (see docs/load.md).

Run by ``bench/load/run.py``, which prepares the accounts (``prepare.py``) and sets ``LOAD_FIXTURE`` (the
prepared logins, classes, cases, device tokens, LRS credentials), ``LOAD_RESULTS`` (where the per-step figures and
the writes that succeeded go), ``LOAD_STEPS`` (users per step, e.g. ``10,25,50,100,200``), ``LOAD_STEP_SECONDS``
and ``LOAD_IMPORT_STEP`` (the step during which the one import runs).

Personas (weights: share of the users):

* ``ClassTeacher`` (50): opens the 缺勤登记 of their class for a school day, marks 0–3 pupils absent and saves the
  whole class (the page's own form, CSRF token included); the teachers of classes with an open 控辍保学 case also
  open the case and log a 上门家访 (劝返记录, the case page's form, as HTMX posts it).
* ``TownshipOfficer`` (10): the home page (待办), the 控辍保学 dashboard, the children ledger, open cases.
* ``Director`` (5): the indicators dashboard and its drill-downs (areas, schools, the members behind a figure).
* ``SafetyDevice`` (25): signed heartbeats (``/devices/heartbeat``), each user speaking for its share of the
  devices.
* ``LrsClient`` (10): xAPI statement batches of 50 (``POST /xapi/statements``, Basic auth).
* ``Importer`` (exactly one): uploads a student roster when the import step (the second, 25 users, by default)
  starts, polls the preview, confirms, polls until it is written (the task worker does both; it runs on).

Every user logs in once (``login``, a request of its own in the figures) and keeps its session.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from locust import LoadTestShape, between, constant_pacing, events, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from jiaoyun.safety import device_protocol  # pure Python: the signing helpers, no Django

FIXTURE: dict[str, Any] = json.loads(Path(os.environ.get("LOAD_FIXTURE", "var/load/fixture.json")).read_text())
RESULTS = Path(os.environ.get("LOAD_RESULTS", "var/load/results.json"))
STEPS = [int(s) for s in os.environ.get("LOAD_STEPS", "10,25,50,100,200").split(",")]
STEP_SECONDS = float(os.environ.get("LOAD_STEP_SECONDS", "60"))
IMPORT_STEP = int(os.environ.get("LOAD_IMPORT_STEP") or STEPS[min(1, len(STEPS) - 1)])
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "10"))
RAMP_LIMIT = float(os.environ.get("LOAD_RAMP_LIMIT", "120"))
PASSWORD = FIXTURE["password"]

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARK_RE = re.compile(r'name="m(\d+)"')
DATE_RE = re.compile(r'<input type="hidden" name="date" value="([0-9-]+)"')

# ---- shared state: the phase, the logins, the writes that succeeded -----------------------------------------------

lock = threading.Lock()
state: dict[str, Any] = {"phase": "start", "logged_in": 0, "import_started": False}
# phase → request name → [latencies in ms], and failures
samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
failures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
failure_kinds: dict[str, int] = defaultdict(int)
written: dict[str, Any] = {
    "registers": {},  # "class_id|date" → sorted student ids marked absent by the last successful save
    "heartbeats": [],  # the nonces of the heartbeats accepted
    "uncertain": [],  # "class_id|date" of register saves that failed or timed out (they may have been written)
    "statement_ids": [],
    "visits": [],  # notes of the home visits recorded
    "import": {},
}
phases: list[dict[str, Any]] = []


def _phase_of_request() -> str:
    return state["phase"]


@events.request.add_listener
def _on_request(request_type: str, name: str, response_time: float, response_length: int, exception: Any,
                **kw: Any) -> None:  # fmt: skip
    phase = _phase_of_request()
    with lock:
        samples[phase][name].append(response_time)
        if exception is not None:
            failures[phase][name] += 1
            failure_kinds[f"{name}: {str(exception)[:120]}"] += 1


@events.quitting.add_listener
def _on_quit(environment: Any, **kw: Any) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = {
        "steps": STEPS,
        "phases": phases,
        "samples": {p: dict(v) for p, v in samples.items()},
        "failures": {p: dict(v) for p, v in failures.items()},
        "failure_kinds": dict(failure_kinds),
        "written": written,
    }
    RESULTS.write_text(json.dumps(out, ensure_ascii=False))


class StepShape(LoadTestShape):
    """10 → 25 → … users: each step ramps until every new user has logged in (the phase ``ramp-N``, not in the
    step's figures), then holds for ``STEP_SECONDS`` (the phase ``N``)."""

    def __init__(self) -> None:
        super().__init__()
        self.index = 0
        self.phase_start = 0.0
        self.measuring = False

    def tick(self) -> tuple[int, float] | None:
        now = time.time()
        if self.index >= len(STEPS):
            return None
        users = STEPS[self.index]
        if not self.measuring:
            if state["phase"] != f"ramp-{users}":
                self._enter(f"ramp-{users}", now)
            # every user of the step logged in (the importer included), or the ramp took too long
            if state["logged_in"] >= users or now - self.phase_start > RAMP_LIMIT:
                self.measuring = True
                self._enter(str(users), now)
        elif now - self.phase_start >= STEP_SECONDS:
            self.index += 1
            self.measuring = False
            return self.tick()
        return users, SPAWN_RATE

    def _enter(self, phase: str, now: float) -> None:
        if phases:
            phases[-1]["end"] = now
        state["phase"] = phase
        self.phase_start = now
        phases.append({"phase": phase, "start": now, "end": None, "load": os.getloadavg()})


@events.test_stop.add_listener
def _on_stop(environment: Any, **kw: Any) -> None:
    if phases and phases[-1]["end"] is None:
        phases[-1]["end"] = time.time()
        phases[-1]["load_end"] = os.getloadavg()


# ---- personas ---------------------------------------------------------------------------------------------------


class Person(FastHttpUser):
    """A logged-in person (session cookie, CSRF token from the pages' forms)."""

    abstract = True
    wait_time = between(1, 5)
    accounts: itertools.cycle[Any]

    def login(self, username: str) -> None:
        page = self.client.get("/login/", name="login page")
        token = CSRF_RE.search(page.text or "")
        with self.client.post(
            "/login/", data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
            name="login", allow_redirects=False, catch_response=True,
        ) as resp:  # fmt: skip
            if resp.status_code != 302:
                resp.failure(f"login of {username}: {resp.status_code}")
            else:
                resp.success()
        with lock:
            state["logged_in"] += 1

    def on_stop(self) -> None:
        with lock:
            state["logged_in"] -= 1

    def page(self, url: str, name: str, **kw: Any) -> Any:
        with self.client.get(url, name=name, catch_response=True, **kw) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}")
            elif "/login/" in (resp.url or "") and name != "login page":
                resp.failure("redirected to login")
            return resp


_teachers = itertools.cycle(FIXTURE["teachers"])
_visiting = itertools.cycle([t for t in FIXTURE["teachers"] if t["cases"]] or FIXTURE["teachers"])


def _today() -> dt.date:
    """Today in the platform's time zone (Asia/Shanghai, UTC+8, no daylight saving)."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def _school_days(count: int) -> list[dt.date]:
    day, out = _today(), []
    while len(out) < count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            out.append(day)
    return out


class ClassTeacher(Person):
    weight = 50

    def on_start(self) -> None:
        with lock:
            self.me = next(_teachers)
        self.days = _school_days(120)
        random.shuffle(self.days)
        self.day_iter = itertools.cycle(self.days)
        self.login(self.me["username"])

    @task(4)
    def register(self) -> None:
        klass, day = self.me["class_id"], next(self.day_iter)
        url = f"/dropout/absences/?klass={klass}&date={day:%Y-%m-%d}"
        resp = self.page(url, "缺勤登记 GET")
        html = resp.text or ""
        token, pupils = CSRF_RE.search(html), sorted(set(MARK_RE.findall(html)))
        if not token or not pupils:
            return
        absent = random.sample(pupils, k=min(len(pupils), random.randint(0, 3)))
        data = {"csrfmiddlewaretoken": token.group(1), "date": f"{day:%Y-%m-%d}"}
        for sid in pupils:
            data[f"m{sid}"] = random.choice(["sick", "personal", "unexcused"]) if sid in absent else "present"
            data[f"n{sid}"] = ""
        with self.client.post(url, data=data, name="缺勤登记 POST", allow_redirects=False, catch_response=True) as r:
            if r.status_code == 302:
                r.success()
                with lock:
                    written["registers"][f"{klass}|{day:%Y-%m-%d}"] = sorted(int(s) for s in absent)
            else:
                r.failure(f"{r.status_code}")
                with lock:
                    written["uncertain"].append(f"{klass}|{day:%Y-%m-%d}")

    @task(1)
    def home(self) -> None:
        self.page("/", "首页（待办）")

    @task(1)
    def visit(self) -> None:
        if not self.me["cases"]:
            return
        case = random.choice(self.me["cases"])
        resp = self.page(f"/dropout/cases/{case}/", "案件")
        token = CSRF_RE.search(resp.text or "")
        if not token:
            return
        note = f"load-{uuid.uuid4().hex}"
        data = {"csrfmiddlewaretoken": token.group(1), "date": f"{_today():%Y-%m-%d}", "people": "班主任、村干部",
                "method": "home_visit", "result": "promised", "note": note}  # fmt: skip
        with self.client.post(f"/dropout/cases/{case}/attempt/", data=data, name="家访 POST",
                              headers={"HX-Request": "true"}, catch_response=True) as r:  # fmt: skip
            if r.status_code == 204:
                r.success()
                with lock:
                    written["visits"].append(note)
            else:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")


_townships = itertools.cycle(FIXTURE["townships"])
CASE_RE = re.compile(r'href="(/dropout/cases/\d+/)"')


class TownshipOfficer(Person):
    weight = 10

    def on_start(self) -> None:
        with lock:
            self.username = next(_townships)
        self.login(self.username)
        self.cases: list[str] = []

    @task(3)
    def todo(self) -> None:
        self.page("/", "首页（待办）")

    @task(2)
    def dashboard(self) -> None:
        resp = self.page("/dropout/", "控辍保学")
        self.cases = sorted(set(CASE_RE.findall(resp.text or ""))) or self.cases

    @task(2)
    def children(self) -> None:
        resp = self.page("/dropout/children/", "控辍保学 学生台账")
        self.cases = sorted(set(self.cases) | set(CASE_RE.findall(resp.text or "")))

    @task(2)
    def case(self) -> None:
        if self.cases:
            self.page(random.choice(self.cases), "案件")


_directors = itertools.cycle(FIXTURE["directors"])
DRILL_RE = re.compile(r'href="(/indicators/(?:area/\d+/|school/\d+/|drill/\?[^"]+))"')


class Director(Person):
    weight = 5

    def on_start(self) -> None:
        with lock:
            self.username = next(_directors)
        self.login(self.username)
        self.links: list[str] = []

    @task(2)
    def dashboard(self) -> None:
        resp = self.page("/indicators/", "指标看板")
        found = {u.replace("&amp;", "&") for u in DRILL_RE.findall(resp.text or "")}
        self.links = sorted(set(self.links) | found)[:300]

    @task(3)
    def drill(self) -> None:
        if not self.links:
            return
        url = random.choice(self.links)
        kind = "指标 下钻" if "/drill/" in url else ("指标 学校" if "/school/" in url else "指标 乡镇")
        resp = self.page(url, kind)
        found = {u.replace("&amp;", "&") for u in DRILL_RE.findall(resp.text or "")}
        if len(self.links) < 300:
            self.links = sorted(set(self.links) | found)[:300]

    @task(1)
    def home(self) -> None:
        self.page("/", "首页（待办）")


_devices = FIXTURE["devices"]
_device_counter = itertools.count()


class SafetyDevice(FastHttpUser):
    """A gateway speaking for a share of the devices: one signed heartbeat per second or so."""

    weight = 25
    wait_time = constant_pacing(1)

    def on_start(self) -> None:
        with lock:
            n = next(_device_counter)
            state["logged_in"] += 1
        self.mine = itertools.cycle(_devices[n % 10 :: 10] or _devices)

    def on_stop(self) -> None:
        with lock:
            state["logged_in"] -= 1

    @task
    def heartbeat(self) -> None:
        device = next(self.mine)
        at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        body = json.dumps({"serial": device["serial"], "at": at.isoformat()}).encode()
        ts, nonce = str(int(time.time())), uuid.uuid4().hex
        key = device_protocol.signing_key(hashlib.sha256(device["token"].encode()).hexdigest())
        headers = {
            device_protocol.SERIAL: device["serial"],
            device_protocol.TIMESTAMP: ts,
            device_protocol.NONCE: nonce,
            device_protocol.SIGNATURE: device_protocol.signature(key, "POST", "/devices/heartbeat", ts, nonce, body),
        }
        headers["Content-Type"] = "application/json"
        with self.client.post("/devices/heartbeat", data=body, headers=headers, name="设备心跳 POST",
                              catch_response=True) as r:  # fmt: skip
            if r.status_code == 200:
                r.success()
                with lock:
                    written["heartbeats"].append(nonce)
            else:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")


VERBS = [f"http://adlnet.gov/expapi/verbs/{v}" for v in ("experienced", "attended", "answered", "completed", "passed")]


def _statement(rng: random.Random) -> dict[str, Any]:
    actor, act = rng.randrange(5000), rng.randrange(500)
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": f"学生{actor}", "mbox": f"mailto:s{actor}@load.example.com"},
        "verb": {"id": rng.choice(VERBS), "display": {"zh-CN": "学习"}},
        "object": {"objectType": "Activity", "id": f"https://load.example.com/activities/{act}",
                   "definition": {"name": {"zh-CN": f"第{act}课"}}},
        "result": {"duration": f"PT{rng.randint(1, 40)}M", "score": {"scaled": round(rng.random(), 2)}},
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
    }  # fmt: skip


class LrsClient(FastHttpUser):
    """A learning platform posting its statements in batches of 50."""

    weight = 10
    wait_time = between(1, 3)

    def on_start(self) -> None:
        lrs = FIXTURE["lrs"]
        self.auth = "Basic " + base64.b64encode(f"{lrs['key']}:{lrs['secret']}".encode()).decode()
        self.rng = random.Random()
        with lock:
            state["logged_in"] += 1

    def on_stop(self) -> None:
        with lock:
            state["logged_in"] -= 1

    @task
    def batch(self) -> None:
        batch = [_statement(self.rng) for _ in range(50)]
        headers = {"Authorization": self.auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
        with self.client.post("/xapi/statements", data=json.dumps(batch).encode(), headers=headers,
                              name="xAPI 语句批 POST", catch_response=True) as r:  # fmt: skip
            if r.status_code == 200:
                r.success()
                with lock:
                    written["statement_ids"] += [s["id"] for s in batch]
            else:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")


class Importer(Person):
    """The 基础教育股 importing a roster: upload, preview (in the task worker), confirm, written (worker)."""

    fixed_count = 1
    wait_time = constant_pacing(3)

    def on_start(self) -> None:
        self.login(FIXTURE["importer"])
        self.batch = ""
        self.stage = "waiting"

    @task
    def step(self) -> None:
        if self.stage == "waiting":
            if state["phase"] == str(IMPORT_STEP):
                self.upload()
        elif self.stage in ("preview", "confirming"):
            resp = self.page(self.batch, "导入批次（轮询）")
            html = resp.text or ""
            if self.stage == "preview" and 'id="confirm-form"' in html:
                token = CSRF_RE.search(html)
                with self.client.post(f"{self.batch}confirm/", data={"csrfmiddlewaretoken": token.group(1) if token else ""},
                                      name="导入 确认 POST", allow_redirects=False, catch_response=True) as r:  # fmt: skip
                    if r.status_code == 302:
                        r.success()
                        written["import"]["confirmed"] = time.time()
                        self.stage = "confirming"
                    else:
                        r.failure(f"{r.status_code}")
                        self.stage = "done"
            elif 'data-testid="imported-note"' in html:
                written["import"]["imported"] = time.time()
                self.stage = "done"
            elif "batch-running" not in html and 'id="confirm-form"' not in html:
                written["import"]["failed"] = time.time()
                self.stage = "done"

    def upload(self) -> None:
        form = self.page("/exchange/students/upload/", "导入 上传页")
        token = CSRF_RE.search(form.text or "")
        roster = Path(FIXTURE["roster"]).read_bytes()
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f"{token.group(1) if token else ''}\r\n"
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + roster
            + f"\r\n--{boundary}--\r\n".encode()
        )
        written["import"]["uploaded"] = time.time()
        with self.client.post("/exchange/students/upload/", data=body, name="导入 上传 POST", allow_redirects=False,
                              headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                              catch_response=True) as r:  # fmt: skip
            location = r.headers.get("Location", "") if r.headers else ""
            match = re.search(r"/exchange/batches/\d+/", location)
            if r.status_code == 302 and match:
                r.success()
                self.batch = match.group(0)
                written["import"]["batch"] = self.batch
                self.stage = "preview"
            else:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")
                self.stage = "done"
