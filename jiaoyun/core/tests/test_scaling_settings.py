"""The settings of docs/scaling.md: the read replica (config/db_router.py; off by default, reporting reads only
when on), the task queue on Redis, the shared cache and sessions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from config import db_router
from config.db_router import ReplicaReadsMiddleware, ReplicaRouter, replica_active, replica_reads
from jiaoyun.core.models import User
from jiaoyun.indicators.models import IndicatorValue
from jiaoyun.people.models import Student

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json; from config import settings as s; print(json.dumps({'aliases': sorted(s.DATABASES),"
    " 'routers': getattr(s, 'DATABASE_ROUTERS', []), 'middleware': s.MIDDLEWARE[-1],"
    " 'test': s.DATABASES.get('replica', {}).get('TEST'), 'tasks': s.TASKS['default'],"
    " 'rq': getattr(s, 'RQ_QUEUES', None), 'apps': s.INSTALLED_APPS[-2:], 'session': s.SESSION_ENGINE,"
    " 'cache': getattr(s, 'CACHES', {}).get('default', {}).get('BACKEND')}))"
)


def settings_with(**env: str) -> dict:
    switches = ("DATABASE_URL", "DATABASE_REPLICA_URL", "TASKS_BACKEND", "TASKS_REDIS_URL", "CACHE_REDIS_URL")
    clean = {k: v for k, v in os.environ.items() if k not in (*switches, "SESSION_ENGINE")}
    out = subprocess.run(  # noqa: S603 (this interpreter, a fixed program)
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 or not out.stdout, out.stderr
    return json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr.strip().splitlines()[-1]}


def test_off_by_default_one_database_no_router():
    got = settings_with(DATABASE_URL="postgres://u:p@127.0.0.1:5432/jy")
    assert got["aliases"] == ["default"] and got["routers"] == []
    assert got["middleware"] != "config.db_router.ReplicaReadsMiddleware"
    assert got["tasks"] == {"BACKEND": "django_tasks_db.DatabaseBackend"} and got["rq"] is None
    assert got["session"] == "django.contrib.sessions.backends.db" and got["cache"] is None


def test_the_queue_on_redis_and_the_shared_cache_are_switched_on_by_settings():
    got = settings_with(
        TASKS_BACKEND="django_tasks_rq.RQBackend",
        TASKS_REDIS_URL="redis://10.0.0.3:6379/1",
        CACHE_REDIS_URL="redis://10.0.0.3:6379/2",
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    )
    assert got["tasks"] == {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    assert got["rq"]["default"]["URL"] == "redis://10.0.0.3:6379/1"
    assert got["apps"] == ["django_rq", "django_tasks_rq"]
    assert got["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert got["session"] == "django.contrib.sessions.backends.cached_db"


def test_a_replica_url_adds_the_alias_the_router_and_the_middleware():
    got = settings_with(
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/jy", DATABASE_REPLICA_URL="postgres://u:p@10.0.0.2:5432/jy"
    )
    assert got["aliases"] == ["default", "replica"]
    assert got["routers"] == ["config.db_router.ReplicaRouter"]
    assert got["middleware"] == "config.db_router.ReplicaReadsMiddleware"
    assert got["test"] == {"MIRROR": "default"}


def test_a_replica_needs_postgresql():
    got = settings_with(DATABASE_URL="sqlite:///tmp/x.sqlite3", DATABASE_REPLICA_URL="postgres://u:p@h:5432/jy")
    assert "a replica needs PostgreSQL" in got["error"]


def test_reads_go_to_the_replica_only_inside_a_replica_block_and_never_for_sessions_or_accounts():
    router = ReplicaRouter()
    assert router.db_for_read(Student) is None and router.db_for_write(Student) is None
    with replica_reads():
        assert router.db_for_read(Student) == "replica"
        assert router.db_for_read(IndicatorValue) == "replica"
        assert router.db_for_read(Session) is None
        assert router.db_for_read(User) is None
        assert router.db_for_write(Student) is None
    assert router.db_for_read(Student) is None
    assert router.allow_migrate("replica", "people") is False and router.allow_migrate("default", "people") is None


@pytest.mark.django_db(transaction=True)
def test_a_transaction_on_the_primary_reads_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Student) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Student) is None


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/indicators/", True),  # indicators:dashboard
        ("get", "/bulletins/screen/", True),
        ("post", "/indicators/refresh/", False),
        ("get", "/indicators/refresh/", False),  # not a listed view
        ("get", "/people/students/", False),
    ],
)
def test_the_middleware_marks_listed_read_only_views(method, path, expected):
    seen = []

    def view_and_handler(request):  # what Django's handler does between the middleware and the view
        mw.process_view(request, lambda r: None, (), {})
        seen.append(replica_active())
        return HttpResponse()

    mw = ReplicaReadsMiddleware(view_and_handler)
    request = getattr(RequestFactory(), method)(path)
    request.resolver_match = resolve(path)
    mw(request)
    assert seen == [expected]
    assert replica_active() is False  # reset after the response


def test_listed_tasks_read_from_the_replica_while_they_run(settings):
    settings.DATABASE_REPLICA_TASKS = ["jiaoyun.bulletins.tasks.bulletin_render"]
    listed = SimpleNamespace(id="1", task=SimpleNamespace(module_path="jiaoyun.bulletins.tasks.bulletin_render"))
    other = SimpleNamespace(id="2", task=SimpleNamespace(module_path="jiaoyun.indicators.tasks.indicators_refresh"))
    db_router._task_started(None, task_result=other)
    assert replica_active() is False
    db_router._task_started(None, task_result=listed)
    assert replica_active() is True
    db_router._task_finished(None, task_result=listed)
    assert replica_active() is False
