"""The scope matrix, generated from the URL configuration: every route × every persona × an object outside
the persona's scope. See ``routes.py`` for the registry; a route missing from it fails
``test_every_route_is_in_the_registry``.

For each persona and route the matrix checks:

* no 5xx;
* a route naming an out-of-scope object (``R.denies``) is refused: 401/403/404/405 or a redirect to login;
* any answer, refused or not, names no person outside the persona's scope (a masked ID keeps two characters
  and identifies nobody) — the three administrators (三员分立) and an account without a role see no one;
* a POST by a scoped persona writes nothing (no audit entry of a write);
* no answer holds a full ID number (checksum-valid 18 digits or "G"+18 digits), except the audited reveal
  answering a revealing role.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.core.scope import student_q, teacher_q
from jiaoyun.core.tests import routes
from jiaoyun.core.tests.routes import ROUTES, R

PERSONAS = [
    "county_admin",
    "county_leader",
    "township_officer",
    "township_gov",
    "principal",
    "class_teacher",
    "village_cadre",
    "outsider",
    "system_admin",
    "security_admin",
    "audit_admin",
    "student",
]
COUNTY = {"county_admin", "county_leader"}
WRITES = ("create", "update", "delete", "transition", "import")


@dataclass
class World:
    objects: dict[str, Any]
    users: dict[str, Any]
    students: list[Any]
    teachers: list[Any]
    ids: dict[str, str]  # student/teacher name → full ID number


def _build_world(tmp_media: str) -> World:
    from jiaoyun.areas.tests.factories import CountyFactory, TownshipFactory, VillageFactory
    from jiaoyun.core.audit import audit_record
    from jiaoyun.core.choices import AuditAction
    from jiaoyun.core.tests.factories import UserFactory
    from jiaoyun.dropout.models import ResponsiblePerson
    from jiaoyun.dropout.services import case_open, case_start_return, case_step_advance, case_verify
    from jiaoyun.exchange.models import ImportBatch
    from jiaoyun.learning.services import lrs_client_create
    from jiaoyun.people.models import EnrolmentEvent, TeacherAssignment
    from jiaoyun.people.services import enrolment_record, student_create, teacher_create
    from jiaoyun.safety.models import Canteen, ChecklistTemplate, Hazard, Inspection, SafetyAlert
    from jiaoyun.schools.tests.factories import SchoolClassFactory, SchoolFactory
    from jiaoyun.teachers.models import HiringRound

    county = CountyFactory()
    ta = TownshipFactory(parent=county, code="530521100", name="甸阳镇", is_seat=True, urban_rural="urban")
    tb = TownshipFactory(parent=county, code="530521201", name="老麦乡")
    va1 = VillageFactory(parent=ta, code="530521100001", name="甸阳社区")
    va2 = VillageFactory(parent=ta, code="530521100002", name="大竹林村")
    vb1 = VillageFactory(parent=tb, code="530521201001", name="太和社区")
    sa = SchoolFactory(code="2153000001", name="甸阳镇中心小学", township=ta, village=va1, is_central=True)
    sb = SchoolFactory(code="2153000003", name="老麦乡中心小学", township=tb, village=vb1, is_central=True)
    ca1 = SchoolClassFactory(school=sa, school_year=2021, grade=1, number=1)
    cb1 = SchoolClassFactory(school=sb, school_year=2021, grade=1, number=1)

    birth = dt.date(2015, 3, 1)
    ids = {
        "张小明": idcard.make("530521", birth, 13),
        "李小红": idcard.make("530521", birth, 14),
        "王小刚": idcard.make("530521", birth, 21),
        "赵老师": idcard.make("530521", dt.date(1985, 5, 1), 22),
        "钱老师": idcard.make("530521", dt.date(1985, 5, 1), 32),
    }
    students = []
    for name, village, school, klass in (("张小明", va1, sa, ca1), ("李小红", va2, sa, None), ("王小刚", vb1, sb, cb1)):
        s = student_create(
            actor=None, id_number=ids[name], student_no="G" + ids[name], name=name, hukou_village=village
        )
        enrolment_record(
            actor=None, student=s, kind="enrol", date=dt.date(2021, 9, 1), school=school, grade=1, school_class=klass
        )
        s.refresh_from_db()
        students.append(s)
    student_b = students[2]
    teachers = [
        teacher_create(actor=None, name=name, sex="F", birth_date=dt.date(1985, 5, 1), school=school,
                       hire_date=dt.date(2008, 9, 1), main_subject="chinese", id_number=ids[name])
        for name, school in (("赵老师", sa), ("钱老师", sb))
    ]  # fmt: skip
    teacher_b = teachers[1]

    users = {
        "county_admin": UserFactory(username="county_admin", role="county_admin"),
        "county_leader": UserFactory(username="county_leader", role="county_leader", read_only=True),
        "township_officer": UserFactory(username="township_officer", role="township_officer", area=ta),
        "township_gov": UserFactory(username="township_gov", role="township_gov", area=ta),
        "principal": UserFactory(username="principal", role="principal", school=sa),
        "class_teacher": UserFactory(username="class_teacher", role="class_teacher", school=sa),
        "village_cadre": UserFactory(username="village_cadre", role="village_cadre", area=va1),
        "outsider": UserFactory(username="outsider", role="none"),
        "system_admin": UserFactory(username="system_admin", role="system_admin"),
        "security_admin": UserFactory(username="security_admin", role="security_admin"),
        "audit_admin": UserFactory(username="audit_admin", role="audit_admin"),
    }
    users["class_teacher"].classes.add(ca1)
    # Every persona may open the admin with every view permission: a permission granted there must
    # never widen the data scope.
    views = list(Permission.objects.filter(codename__startswith="view_"))
    for u in users.values():
        u.is_staff = True
        u.save(update_fields=["is_staff"])
        u.user_permissions.add(*views)
    principal_b = UserFactory(username="principal_b", role="principal", school=sb)

    # A case for 王小刚 at step 2 (so it has a 劝返通知书).
    case = case_open(actor=None, student=student_b, on=dt.date(2021, 10, 8), source="school_report")
    case_verify(actor=None, case=case, outcome="confirmed_dropout", on=dt.date(2021, 10, 10))
    case_start_return(actor=None, case=case, on=dt.date(2021, 10, 11))
    case_step_advance(actor=None, case=case, to_stage=2, on=dt.date(2021, 10, 20))
    case.refresh_from_db()
    document = case.documents.first()
    responsible = ResponsiblePerson.objects.create(line="admin", level=3, name="村主任王", area=vb1)

    today = timezone.localdate()
    hazard = Hazard.objects.create(school=sb, title="老麦乡中心小学围墙破损", responsible=principal_b,
                                   deadline=today + dt.timedelta(days=7), opened_at=routes.now(), opened_by=principal_b)  # fmt: skip
    template = ChecklistTemplate.objects.filter(kind="campus").first()
    inspection = Inspection.objects.create(school=sb, template=template, kind="self", date=today, inspector=principal_b)
    canteen = Canteen.objects.create(school=sb, name="老麦乡中心小学食堂")
    alert = SafetyAlert.objects.create(school=sb, kind="hazard_escalated", hazard=hazard, message="王小刚家长来电",
                                       created_at=routes.now())  # fmt: skip
    # Stored files of township B: a case's evidence and a hazard's rectification photo.
    from django.core.files.base import ContentFile

    from jiaoyun.safety.models import HazardEvent, HazardEvidence

    case_event = case.events.order_by("pk").last()
    case_event.evidence.save("王小刚-家访.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    hazard_event = HazardEvent.objects.create(hazard=hazard, at=routes.now(), actor=principal_b, action="rectify",
                                              to_status=hazard.status, note="整改")  # fmt: skip
    hazard_evidence = HazardEvidence(event=hazard_event, name="围墙.jpg", uploaded_by=principal_b)
    hazard_evidence.file.save("围墙.jpg", ContentFile(b"\xff\xd8\xff\xe0 photo"), save=True)
    batch = ImportBatch.objects.create(
        kind="students", file_name="王小刚.xlsx", file_sha256="0" * 64, created_by=principal_b
    )
    rnd = HiringRound.objects.create(year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    lrs_client, _secret = lrs_client_create(name="老麦乡智慧课堂", school_ids=[sb.pk])
    audit_record(actor=principal_b, action=AuditAction.REVEAL, obj=student_b, note="王小刚 查看证件号")
    from jiaoyun.standards.models import DemoApplication, DemoCheck, DemoCriterion, Evidence

    demo_application = DemoApplication.objects.create(school=sb, year=2026)
    demo_check = DemoCheck.objects.create(application=demo_application, criterion=DemoCriterion.objects.first())
    # Documents of a school or township (evidence, decisions) are county documents, read by the county leader
    # whatever school he is linked to: their free text names no child here, the person records are the marks.
    standards_evidence = Evidence(demo_check=demo_check, name="乙校-示范校佐证.pdf", uploaded_by=principal_b)
    standards_evidence.file.save("示范校佐证.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)

    from jiaoyun.facilities.models import ProjectFile
    from jiaoyun.facilities.services import project_create

    project_b = project_create(actor=None, name="老麦乡中心小学薄弱环节改善", kind="weak_improve", level="primary",
                               plan_year=2021, school_id=sb.pk, budget="800000")  # fmt: skip
    project_file = ProjectFile(project=project_b, name="施工.png", uploaded_by=principal_b)
    project_file.file.save("施工.png", ContentFile(b"\x89PNG\r\n\x1a\n photo"), save=True)
    from jiaoyun.warning.models import Followup, ModelVersion, RiskScore

    risk_model = ModelVersion.objects.create(kind="baseline", data_from=2019, data_to=2020, sha256="0" * 64)
    risk_b = RiskScore.objects.create(student=student_b, on=today, model=risk_model, risk=0.3, rank=1, flagged=True,
                                      township=tb, school=sb, school_class=cb1, grade=1,
                                      factors=[{"key": "absent_recent", "text": "王小刚近30天缺勤9天"}])  # fmt: skip
    followup_b = Followup.objects.create(student=student_b, score=risk_b, opened_on=today, deadline=today,
                                         township=tb, school=sb, school_class=cb1, responsible_name="钱老师")  # fmt: skip

    # Supervision of township B: a plan item naming it with an evidence file, a link, an area with a visit, a 整改.
    from jiaoyun.supervision.models import (
        Link,
        Plan,
        PlanItem,
        ProgressEvidence,
        ProgressReport,
        Rectification,
        RectificationEvent,
        Zone,
        ZoneVisit,
    )  # fmt: skip

    plan = Plan.objects.create(year=2021, title="2021年工作计划")
    plan_item = PlanItem.objects.create(plan=plan, part="4.2", number=1, title="老麦乡控辍保学", section="basic")
    plan_item.townships.add(tb)
    report = ProgressReport.objects.create(item=plan_item, on=today, percent=50, note="已劝返", reported_by=principal_b)
    plan_evidence = ProgressEvidence(report=report, name="劝返.pdf")
    plan_evidence.file.save("劝返.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    link = Link.objects.create(school=sb, person="李副县长", since=today)
    zone = Zone.objects.create(name="老麦乡责任区")
    zone.schools.add(sb)
    zone_visit = ZoneVisit.objects.create(zone=zone, school=sb, date=today, summary="缺勤未核实")
    rectification = Rectification.objects.create(school=sb, visit=zone_visit, finding="缺勤学生未核实",
                                                 deadline=today + dt.timedelta(days=9), opened_on=today)  # fmt: skip
    rect_event = RectificationEvent(rectification=rectification, action="提交核验", to_status="submitted")
    rect_event.file.save("整改.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)

    # 督查通报: an issued bulletin and a draft; a decision to township B with its feedback's evidence; a notification
    # of township B's principal.
    from jiaoyun.bulletins.models import Decision, DecisionEvent, SupervisionBulletin
    from jiaoyun.notices.models import Notification

    empty = {"title": "督查通报", "sections": [], "commendations": [], "decisions": [], "errors": []}
    issued = SupervisionBulletin.objects.create(month=dt.date(2021, 10, 1), status="issued", content=empty,
                                     compiled_on=today, pdf=b"%PDF-1.4 bulletin", number="施教体督〔2021〕1号")  # fmt: skip
    draft = SupervisionBulletin.objects.create(month=dt.date(2021, 11, 1), content=empty, compiled_on=today)
    decision = Decision.objects.create(bulletin=issued, seq=1, addressee_kind="township", township=tb,
                                       addressee_name=tb.name, matter="dropout", matter_label="控辍保学", kind="interview",
                                       level=2, reason="乙镇劝返未完成", deadline=today)  # fmt: skip
    decision_event = DecisionEvent(decision=decision, at=routes.now(), actor=principal_b, action="report",
                                   to_state="reported", note="整改", evidence_name="乙镇整改.pdf")  # fmt: skip
    decision_event.evidence.save("整改.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    notification = Notification.objects.create(user=principal_b, key="k", title="老麦乡的消息")

    objects = {
        routes.PROJECT: project_b,
        "project_file": project_file,
        "plan_item": plan_item,
        "plan_evidence": plan_evidence,
        "link": link,
        "zone": zone,
        "zone_visit": zone_visit,
        "rectification": rectification,
        "rect_event": rect_event,
        routes.STUDENT: student_b,
        routes.CASE: case,
        routes.SCHOOL: sb,
        routes.CLASS: cb1,
        routes.TOWNSHIP: tb,
        routes.HAZARD: hazard,
        routes.TEACHER: teacher_b,
        routes.DOCUMENT: document,
        routes.BULLETIN: None,
        routes.INSPECTION: inspection,
        routes.ALERT: alert,
        routes.CANTEEN: canteen,
        routes.BATCH: batch,
        routes.ROUND: rnd,
        "audit": AuditEntry.objects.filter(object_id=str(student_b.pk)).first(),
        "responsible": responsible,
        "lrs_client": lrs_client,
        "case_event": case_event,
        "hazard_evidence": hazard_evidence,
        "demo_application": demo_application,
        "standards_evidence": standards_evidence,
        "supervision_bulletin": issued,
        "supervision_draft": draft,
        "decision": decision,
        "decision_event": decision_event,
        "notification": notification,
        "event": EnrolmentEvent.objects.filter(student=student_b).first(),
        "assignment": TeacherAssignment.objects.filter(teacher=teacher_b).first(),
        "risk": risk_b,
        "followup": followup_b,
    }
    from jiaoyun.quality.tests.world import quality_world

    quality, users["student"] = quality_world(students=students, school_b=sb, class_b=cb1, principal_b=principal_b)
    objects.update(quality)
    return World(objects=objects, users=users, students=students, teachers=teachers, ids=ids)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One county for the whole module, built once in a transaction that is rolled back at the end."""
    media = str(tmp_path_factory.mktemp("media"))
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield _build_world(media)
        transaction.set_rollback(True)


def _value(world: World, key: str) -> str:
    if key.startswith("="):
        return key[1:]
    found = world.objects.get(key)
    return str(found.pk) if found is not None else "999999"


def _url(world: World, name: str, entry: R) -> str:
    kwargs = {k: _value(world, v) for k, v in entry.kwargs.items()}
    url = f"/{name.split(':')[0]}/" if name.endswith(":root") else reverse(name, kwargs=kwargs)
    return f"{url}?{entry.query}" if entry.query else url


def _admin_requests(world: World) -> list[tuple[str, str, R]]:
    out = [(name, reverse(name, kwargs={k: _value(world, v) for k, v in e.kwargs.items()}), e)
           for name, e in routes.ADMIN_SITE_ROUTES.items()]  # fmt: skip
    for label in routes.registered_admin_models():
        key = routes.ADMIN_MODELS.get(label)
        app, model = label.split(".")
        out.append((f"admin:{label}:changelist", reverse(f"admin:{app}_{model}_changelist"), routes.LIST))
        if not key:
            continue
        pk = _value(world, key)
        for view in ("change", "history", "delete"):
            entry = R(object_route=label not in routes.ADMIN_READABLE)
            out.append((f"admin:{label}:{view}", reverse(f"admin:{app}_{model}_{view}", args=[pk]), entry))
    return out


def _requests(world: World) -> list[tuple[str, str, R]]:
    methods = routes.api_methods()
    out = []
    for name, entry in ROUTES.items():
        method = methods.get(name, entry.method)
        e = dataclasses.replace(entry, method=method)
        out.append((name, _url(world, name, e), e))
    return out + _admin_requests(world)


def _forbidden(world: World, persona: str) -> dict[str, str]:
    """What must not appear for the persona: the names of people outside its scope."""
    from jiaoyun.people.models import Student, Teacher

    user = world.users[persona]
    seen_students = set(Student.objects.filter(student_q(user)).values_list("pk", flat=True))
    seen_teachers = set(Teacher.objects.filter(teacher_q(user)).values_list("pk", flat=True))
    # A mask keeps only the first and last character (docs/security/identity-numbers.md: it cannot be rebuilt
    # and many children share it), so a mask identifies nobody: names and full numbers are the marks.
    marks = {}
    for s in world.students:
        if s.pk not in seen_students:
            marks[s.name] = f"name of {s.name}"
    for t in world.teachers:
        if t.pk not in seen_teachers:
            marks[t.name] = f"name of {t.name}"
    return marks


def _posted(world: World, entry: R) -> dict[str, Any]:
    """The data a request sends, with the placeholders filled."""
    special = {
        "@student_b_id": lambda: world.ids["王小刚"],
        "@notification_b": lambda: str(world.objects["notification"].pk),
        "@photo": lambda: SimpleUploadedFile("gate.jpg", b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg"),
    }
    return {k: (special[v]() if isinstance(v, str) and v in special else v) for k, v in entry.data.items()}


def _send(client: Client, method: str, url: str, entry: R, world: World) -> Any:
    data = _posted(world, entry)
    headers = {"X-Experience-API-Version": "1.0.3"} if url.startswith("/xapi/") else {}
    if method == "GET":
        return client.get(url, headers=headers)
    if url.startswith("/api/") and not entry.form:
        return client.generic(method, url, data=json.dumps(data), content_type="application/json")
    return client.post(url, data, headers=headers)


def _check(world: World, persona: str, name: str, url: str, entry: R, client: Client) -> list[str]:
    user = world.users[persona]
    scoped = persona not in COUNTY
    if entry.method != "GET" and not scoped:
        return []  # a county role's write is in scope: covered by each app's own tests
    before = AuditEntry.objects.filter(action__in=WRITES).count()
    key, attr = entry.unchanged
    watched = world.objects[key] if key else None
    was = getattr(type(watched).objects.get(pk=watched.pk), attr) if watched is not None else None
    response = _send(client, entry.method, url, entry, world)
    problems = []
    if response.status_code >= 500:
        return [f"{response.status_code}"]
    if scoped and entry.denies and not routes.is_denied(response, url):
        problems.append(f"not refused ({response.status_code})")
    if watched is not None and getattr(type(watched).objects.get(pk=watched.pk), attr) != was:
        problems.append(f"changed {key}.{attr}")
    if entry.method != "GET" and AuditEntry.objects.filter(action__in=WRITES).count() != before:
        problems.append("a refused write was written")
    text = routes.body_text(response)
    for mark, what in _forbidden(world, persona).items():
        if mark and mark in text:
            problems.append(f"shows {what}")
    if not (entry.reveals and user.can_reveal_id):
        # A form sent back with its errors may echo what the user typed: that is not a leak.
        typed = {v for v in _posted(world, entry).values() if isinstance(v, str)}
        for number in routes.full_id_numbers(text) - typed:
            problems.append(f"shows a full ID number …{number[-6:]}")
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_route_shows_anything_outside_the_scope(world, db, persona):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[persona])
    failures: list[str] = []
    started = time.monotonic()
    for name, url, entry in _requests(world):
        sid = transaction.savepoint()
        try:
            problems = _check(world, persona, name, url, entry, client)
        finally:
            transaction.savepoint_rollback(sid)
        failures += [f"{entry.method} {url} [{name}] as {persona}: {p}" for p in problems]
    assert not failures, "\n".join(failures)
    assert time.monotonic() - started < 120


def test_every_route_is_in_the_registry():
    missing = []
    for route in routes.all_routes():
        if route.name.startswith("admin:") and route.name.count(":") == 2:
            label = route.name.split(":")[1]
            if label not in routes.ADMIN_MODELS:
                missing.append(f"admin model {label}: add it to ADMIN_MODELS in jiaoyun/core/tests/routes.py")
            continue
        if route.name not in ROUTES and route.name not in routes.EXEMPT and route.name not in routes.ADMIN_SITE_ROUTES:
            missing.append(
                f"{route.name} ({route.pattern}): add a line to ROUTES (or EXEMPT with a reason) in "
                "jiaoyun/core/tests/routes.py saying how to request it for an out-of-scope object"
            )
    stale = set(ROUTES) - {r.name for r in routes.all_routes()}
    missing = list(dict.fromkeys(missing))
    assert not missing, "routes the scope matrix does not cover:\n" + "\n".join(missing)
    assert not stale, f"ROUTES names routes that no longer exist: {sorted(stale)}"


def test_the_id_scan_finds_what_it_must():
    number = idcard.make("530521", dt.date(2015, 3, 1), 21)
    assert routes.full_id_numbers(f"<td>{number}</td>") == {number}
    assert routes.full_id_numbers(f"学籍号 G{number}") >= {"G" + number}
    assert routes.full_id_numbers(f"<td>{number[:-1]}{'0' if number[-1] != '0' else '1'}</td>") == set()
    assert routes.full_id_numbers(idcard.mask(number)) == set()
