"""Pupils appear in xAPI statements only under a pseudonymous learning account, never an identity number."""

from __future__ import annotations

import datetime as dt
import io
import json
import pathlib
import random
import re

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.learning import conf, demo
from jiaoyun.learning.models import LearnerPseudonym, Statement
from jiaoyun.learning.services import learner_pseudonyms
from jiaoyun.learning.tests.conftest import statement
from jiaoyun.people.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

# An 18-character 居民身份证号 (also inside a 全国学籍号, "G" + the ID number).
# A standalone 18-character ID number (not a run of digits inside a longer token such as a hex pseudonym) with a
# valid check character and birth date.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def has_id_number(text: str) -> bool:
    return any(idcard.is_valid(m.group()) for m in ID_NUMBER.finditer(text))


HOME = conf.get("XAPI_HOMEPAGE")


def account(name: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": name}}


def test_pseudonyms_are_random_stable_and_unique(school_a, class_a1):
    pupils = [StudentFactory(current_school=school_a, current_class=class_a1) for _ in range(3)]
    first = learner_pseudonyms(student_ids=[p.pk for p in pupils])
    assert learner_pseudonyms(student_ids=[p.pk for p in pupils]) == first  # stable
    assert len(set(first.values())) == 3
    for p in pupils:
        name = first[p.pk]
        assert re.fullmatch(r"p[0-9a-f]{32}", name)
        assert not has_id_number(name)


def test_statement_about_a_pseudonym_links_to_the_pupil(xapi, school_a, class_a1):
    pupil = StudentFactory(current_school=school_a, current_class=class_a1)
    name = learner_pseudonyms(student_ids=[pupil.pk])[pupil.pk]
    (sid,) = xapi.post("statements", [statement(actor=account(name))]).json()
    row = Statement.objects.get(statement_id=sid)
    assert (row.student_id, row.school_class_id) == (pupil.pk, class_a1.pk)
    assert json.loads(row.data)["actor"]["account"]["name"] == name


def test_a_national_student_number_is_no_longer_an_account(xapi, school_a, class_a1):
    StudentFactory(current_school=school_a, current_class=class_a1)
    response = xapi.post("statements", [statement(actor=account("G530521201401010011"))])
    assert response.status_code == 400
    assert Statement.objects.count() == 0


def test_demo_statements_name_pupils_by_pseudonym_only(school_a, class_a1):
    pupils = [
        StudentFactory(
            current_school=school_a,
            current_class=class_a1,
            current_grade=1,
            status="in_school",
            id_number=f"53052120140101{i:03d}X"[:18],
        )
        for i in range(10)
    ]
    demo.generate(rng=random.Random(3), scale=1, stdout=io.StringIO(), today=dt.date(2024, 10, 18), days=2)
    names = dict(LearnerPseudonym.objects.values_list("name", "student_id"))
    rows = list(Statement.objects.values_list("data", "actor_ifi", "student_id"))
    assert rows
    for data, ifi, student_id in rows:
        actor = json.loads(data)["actor"]
        assert names[actor["account"]["name"]] == student_id
        assert ifi == f"account:{HOME}|{actor['account']['name']}"
        assert not has_id_number(data)
    assert {s for _, _, s in rows} <= {p.pk for p in pupils}


def test_learning_code_never_reads_the_student_number():
    root = pathlib.Path(__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.suffix in (".py", ".html")
        and "tests" not in path.parts
        and "migrations" not in path.parts
        and "student_no" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_class_page_has_no_student_number_column(class_teacher, class_a1, school_a):
    StudentFactory(current_school=school_a, current_class=class_a1, status="in_school")
    web = Client()
    web.force_login(class_teacher)
    page = web.get(f"/learning/classes/{class_a1.pk}/")
    assert page.status_code == 200
    assert "学籍号" not in page.content.decode()


def test_migration_rewrites_stored_statements_to_pseudonyms(school_a, class_a1):
    """Statements stored before: the pupil named by the 全国学籍号 as account name (actor, or Agent object)."""
    pupil = StudentFactory(current_school=school_a, current_class=class_a1)
    old = account("G530521201401010011")
    now = timezone.now()
    rows = []
    for i, st in enumerate(
        [
            statement(actor=old),
            statement(object=old, verb={"id": "http://example.com/verbs/mentored"}),
        ]
    ):
        st["id"] = f"00000000-0000-4000-8000-00000000000{i}"
        ifi = f"account:{HOME}|G530521201401010011"
        rows.append(
            Statement.objects.create(
                statement_id=st["id"],
                version="1.0.0",
                actor_ifi=ifi if i == 0 else "mbox:mailto:ada@example.com",
                verb_id=st["verb"]["id"],
                object_type="Activity" if i == 0 else "Agent",
                object_id=st["object"]["id"] if i == 0 else ifi,
                timestamp=now,
                stored=now,
                data=json.dumps(st),
                student=pupil,
            )
        )
    migration = __import__("jiaoyun.learning.migrations.0007_statements_pseudonymous_actors", fromlist=["forwards"])
    migration.forwards(apps, None)
    name = LearnerPseudonym.objects.get(student=pupil).name
    first, second = (Statement.objects.get(pk=r.pk) for r in rows)
    assert json.loads(first.data)["actor"]["account"]["name"] == name
    assert first.actor_ifi == f"account:{HOME}|{name}"
    assert json.loads(second.data)["object"]["account"]["name"] == name
    assert second.object_id == f"account:{HOME}|{name}"
    assert "G530521201401010011" not in first.data + second.data


def test_accounts_command_lists_a_schools_accounts_and_is_audited(school_a, school_b, class_a1):
    from django.core.management import call_command

    from jiaoyun.core.choices import AuditAction
    from jiaoyun.core.models import AuditEntry

    pupil = StudentFactory(current_school=school_a, current_class=class_a1, name="=张三")
    StudentFactory(current_school=school_b, name="李四")
    out = io.StringIO()
    call_command("xapi_accounts", school=school_a.code, stdout=out)
    text = out.getvalue()
    name = LearnerPseudonym.objects.get(student=pupil).name
    assert name in text and "'=张三" in text and "李四" not in text
    assert not has_id_number(text)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_id=str(school_a.pk))
    assert "1人" in entry.object_repr
