"""The route registry of the scope matrix (``test_route_matrix.py``) and the small county it runs against.

Every URL the project serves — pages, HTMX partials, exports, file downloads, API operations, admin pages,
xAPI resources and device routes — has one entry here saying how to request it for an object OUTSIDE the
persona's scope, and what must happen. Adding a route is one line in ``ROUTES`` (or ``EXEMPT`` with a
reason); the matrix fails for a route that has neither.

The world: township A (in scope of the township officer, the principal, the class teacher and the village
cadre) and township B (outside all of them). Every URL argument is filled with a township-B object, so for
every persona but the two county roles the object is out of scope.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from jiaoyun.core import idcard

# What a URL argument is filled with: a key of ``World.objects`` (a township-B object) or a literal.
STUDENT, CASE, SCHOOL, CLASS, TOWNSHIP, HAZARD, TEACHER = "student", "case", "school", "class", "township", "hazard", "teacher"  # fmt: skip
DOCUMENT, BULLETIN, INSPECTION, ALERT, CANTEEN, BATCH, ROUND = "document", "bulletin", "inspection", "alert", "canteen", "batch", "round"  # fmt: skip
AREA = TOWNSHIP
PROJECT = "project"


@dataclass(frozen=True)
class R:
    """How to request one route and what must happen for a persona to whom the object is out of scope.

    * ``kwargs``: URL argument → world key (see above) or ``lit("value")`` for a fixed value;
    * ``object_route``: the URL names an out-of-scope object, so a scoped persona must be DENIED
      (401/403/404/405 or a redirect to the login page); otherwise (a list, a dashboard, an export) it may
      answer, but no out-of-scope person's name or full ID may appear;
    * ``method``/``data``: a write is sent as POST; a scoped persona's POST must be refused and write nothing;
    * ``query``: extra query string (``format=csv`` for an export, ``page=…``);
    * ``reveals``: the audited reveal endpoint — a full ID number in its answer is allowed for revealing roles.
    """

    kwargs: dict[str, str] = field(default_factory=dict)
    object_route: bool | None = None  # None: True when kwargs name an object
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    reveals: bool = False
    note: str = ""
    form: bool = False  # an API operation taking multipart form data
    unchanged: tuple[str, str] = ("", "")  # (world key, field) that a refused request must leave as it was

    @property
    def denies(self) -> bool:
        if self.object_route is not None:
            return self.object_route
        return any(not v.startswith("=") for v in self.kwargs.values())


def lit(value: str) -> str:
    return "=" + value


def obj(**kwargs: str) -> R:
    return R(kwargs=kwargs)


def post(**kwargs: str) -> R:
    return R(kwargs=kwargs, method="POST")


LIST = R()
CSV = R(query="format=csv")
XLSX = R(query="format=xlsx")

# ---------------------------------------------------------------------------------------------------------
# The registry: URL name → how to request it. Names of API operations are "api:<operation>"; their method
# comes from the operation itself.
ROUTES: dict[str, R] = {
    # web
    "web:home": LIST,
    "web:jobs": LIST,
    "web:audit": LIST,
    # areas / schools
    "areas:list": LIST,
    "areas:detail": obj(pk=TOWNSHIP),
    "schools:list": LIST,
    "schools:detail": obj(pk=SCHOOL),
    # people
    "people:students": CSV,
    "people:student_create": R(method="POST", data={"name": "新同学", "id_number": "@student_b_id"}),
    "people:student_detail": obj(pk=STUDENT),
    "people:student_reveal_id": R(kwargs={"pk": STUDENT}, method="POST", data={"reason": "核对"}, reveals=True),
    "people:student_event_add": obj(pk=STUDENT),
    "people:teachers": CSV,
    "people:teacher_detail": obj(pk=TEACHER),
    # exchange
    "exchange:imports": LIST,
    "exchange:batch": obj(pk=BATCH),
    "exchange:confirm": post(pk=BATCH),
    "exchange:cancel": post(pk=BATCH),
    "exchange:rejects": obj(pk=BATCH),
    "dropout:evidence": R(kwargs={"owner": lit("event"), "pk": "case_event"}, object_route=True),
    "safety:hazard_file": R(kwargs={"evidence_id": "hazard_evidence"}, object_route=True),
    "exchange:upload": R(kwargs={"kind": lit("students")}),
    "exchange:template": R(kwargs={"kind": lit("students")}),
    "exchange:export": R(kwargs={"kind": lit("students")}),
    # indicators: aggregates by design (county-wide figures are published); no person may appear
    "indicators:dashboard": LIST,
    "indicators:area": R(kwargs={"pk": TOWNSHIP}, object_route=False, note="aggregate figures"),
    "indicators:school": R(kwargs={"pk": SCHOOL}, object_route=False, note="aggregate figures"),
    "indicators:drill": LIST,
    "indicators:refresh": R(method="POST"),
    "indicators:references": LIST,
    "indicators:export": LIST,
    "indicators:summary_pdf": LIST,
    # forecast: aggregates by township; another township's detail is refused to a township's officers
    "forecast:dashboard": LIST,
    "forecast:township": obj(pk=TOWNSHIP),
    "forecast:export": LIST,
    "forecast:pdf": LIST,
    "forecast:recompute": R(method="POST"),
    # dropout
    "dropout:dashboard": LIST,
    "dropout:children": CSV,
    "dropout:case_new": post(student_id=STUDENT),
    "dropout:ledger": R(kwargs={"ledger": lit("suspected")}, query="format=csv"),
    "dropout:case": obj(pk=CASE),
    "dropout:case_action": R(
        kwargs={"pk": CASE, "action": lit("verify")},
        method="POST",
        data={"outcome": "confirmed_dropout", "note": "核实"},
    ),  # fmt: skip
    "dropout:document": obj(pk=DOCUMENT),
    "dropout:job": R(kwargs={"job": lit("crossmatch")}, method="POST"),
    "dropout:absences": LIST,
    "dropout:responsibles": LIST,
    "dropout:hukou": LIST,
    "dropout:reports": LIST,
    "dropout:bulletins": LIST,
    "dropout:bulletin_file": R(
        kwargs={"pk": BULLETIN, "fmt": lit("csv")},
        object_route=False,
        note="bulletins are published county-wide; rankings name no child",
    ),  # fmt: skip
    "dropout:followups": XLSX,
    "dropout:followup_case": R(
        kwargs={"pk": "followup"}, method="POST", data={"note": "已外出务工"}, unchanged=("followup", "status")
    ),  # fmt: skip
    # standards: county figures are aggregates; a school's own figures and files follow the school scope
    "standards:balance": LIST,
    "standards:school": obj(school_id=SCHOOL),
    "standards:whatif": LIST,
    "standards:sync": R(method="POST", data={"year": "2025"}),
    "standards:checklist": LIST,
    "standards:evidence": R(kwargs={"evidence_id": "standards_evidence"}, object_route=True),
    "standards:report_pdf": LIST,
    "standards:compliance": LIST,
    "standards:demonstration": LIST,
    "standards:demonstration_detail": obj(pk="demo_application"),
    # bulletins (督查通报): drafts are the 督导室's; decisions and their evidence follow the addressee's scope
    "bulletins:list": LIST,
    "bulletins:detail": R(
        kwargs={"pk": "supervision_bulletin"}, object_route=False, note="an issued bulletin is published county-wide"
    ),
    "bulletins:issue": R(
        kwargs={"pk": "supervision_draft"}, method="POST", object_route=True, unchanged=("supervision_draft", "status")
    ),
    "bulletins:decision_add": R(
        kwargs={"pk": "supervision_draft"},
        method="POST",
        object_route=True,
        data={"addressee_kind": "township", "matter_label": "x", "decision": "notice", "reason": "x"},
    ),
    "bulletins:decision_drop": R(
        kwargs={"pk": "supervision_draft"}, method="POST", object_route=True, data={"index": "0"}
    ),
    "bulletins:pdf": R(kwargs={"pk": "supervision_bulletin"}, object_route=False, note="published bulletin"),
    "bulletins:decisions": LIST,
    "bulletins:decision": obj(pk="decision"),
    "bulletins:evidence": obj(pk="decision_event"),
    "bulletins:screen": LIST,
    # notices: a user's own inbox and settings
    "notices:inbox": LIST,
    "notices:bell": LIST,
    "notices:mark_read": R(method="POST", data={"id": "@notification_b"}, unchanged=("notification", "read_at")),
    "notices:preferences": LIST,
    "notices:deliveries": LIST,
    # safety
    "safety:dashboard": LIST,
    "safety:compliance": LIST,
    "safety:school": obj(school_id=SCHOOL),
    "safety:hazards": LIST,
    "safety:hazard": obj(hazard_id=HAZARD),
    "safety:inspections": LIST,
    "safety:inspection_new": LIST,
    "safety:inspection": obj(inspection_id=INSPECTION),
    "safety:devices": LIST,
    "safety:alert_ack": R(
        kwargs={"alert_id": ALERT},
        method="POST",
        object_route=False,
        unchanged=(ALERT, "acknowledged_at"),
        note="an alert outside the scope is ignored",
    ),
    "safety:rules": LIST,
    "safety:risks": LIST,
    "safety:canteen": obj(canteen_id=CANTEEN),
    "safety:bulletin": LIST,
    # finance: county budget figures (no person); the page refuses all but the 计财股, the county admin and leaders
    "finance:dashboard": XLSX,
    "finance:entry": R(method="POST", data={"year": "2023", "education_expenditure": "1", "recurrent_revenue": "1"}),
    # facilities: preschool layout (villages, kindergartens, seats; no person), the map and the township outlines
    "facilities:coverage": LIST,
    "facilities:map": LIST,
    "facilities:boundary": LIST,
    "facilities:boundary_upload": R(method="POST"),
    # supervision: the plan names 股室 and places (no person); 整改, visits and links are scoped by school
    "supervision:plan": XLSX,
    "supervision:item": obj(pk="plan_item"),
    "supervision:item_new": R(kwargs={"year": lit("2021")}, object_route=True, note="the 督导室 only"),
    "supervision:item_edit": R(kwargs={"year": lit("2021"), "pk": "plan_item"}, object_route=True),
    "supervision:evidence": R(kwargs={"pk": "plan_evidence"}, object_route=True),
    "supervision:links": XLSX,
    "supervision:link": obj(pk="link"),
    "supervision:zones": LIST,
    "supervision:zone": obj(pk="zone"),
    "supervision:visit_new": obj(pk="zone"),
    "supervision:visit": obj(pk="zone_visit"),
    "supervision:rectifications": XLSX,
    "supervision:rectification": obj(pk="rectification"),
    "supervision:rect_file": R(kwargs={"pk": "rect_event"}, object_route=True),
    "supervision:assessment": XLSX,
    "supervision:assessment_unit": R(
        kwargs={"level": lit("township"), "pk": TOWNSHIP},
        object_route=False,
        note="aggregate scores of a township, no person",
    ),
    "api:supervision_plan": LIST,
    "api:supervision_overdue_tasks": LIST,
    "api:supervision_rectifications": LIST,
    "api:supervision_rectification": R(kwargs={"rect_id": "rectification"}, object_route=True),
    # reports: the letterheads of official documents (configuration, no person)
    "reports:letterheads": LIST,
    # teachers
    "teachers:root": LIST,
    "teachers:dashboard": LIST,
    "teachers:gaps": LIST,
    "teachers:quota_compute": R(method="POST"),
    "teachers:standard_edit": LIST,
    "teachers:county_quota": LIST,
    "teachers:rounds": LIST,
    "teachers:round_create": LIST,
    "teachers:round": R(kwargs={"pk": ROUND}, object_route=False, note="a county-wide round; names are scoped"),
    "teachers:round_action": R(
        kwargs={"pk": ROUND},
        method="POST",
        data={"action": "advance"},
        object_route=False,
        unchanged=(ROUND, "status"),
        note="refused with a message; the round stays",
    ),
    "teachers:rotation": LIST,
    "teachers:rotation_action": R(method="POST", data={"action": "plan"}),
    "teachers:ethics": LIST,
    "teachers:ethics_teacher": obj(pk=TEACHER),
    "teachers:ethics_action": post(pk=TEACHER),
    # learning
    "learning:dashboard": LIST,
    "learning:township": obj(township_id=TOWNSHIP),
    "learning:school": obj(school_id=SCHOOL),
    "learning:class": obj(class_id=CLASS),
    "learning:student": obj(student_id=STUDENT),
    # xAPI: only LRS clients (Basic auth) may talk to it; a logged-in person is refused
    "xapi:about": R(note="public version document (xAPI 1.0.3 §7.7)"),
    "xapi:statements": R(object_route=True),
    "xapi:statements-more": R(kwargs={"token": lit("abc")}, object_route=True),
    "xapi:state": R(query="activityId=http://example.com/a&agent={}&stateId=s", object_route=True),
    "xapi:activity-profile": R(query="activityId=http://example.com/a", object_route=True),
    "xapi:activities": R(query="activityId=http://example.com/a", object_route=True),
    "xapi:agent-profile": R(query='agent={"mbox":"mailto:a@example.com"}', object_route=True),
    "xapi:agents": R(query='agent={"mbox":"mailto:a@example.com"}', object_route=True),
    # devices: only devices (HMAC) may post
    "devices:heartbeat": R(method="POST", object_route=True),
    "devices:events": R(method="POST", object_route=True),
    # API (django-ninja): path params by operation
    "api:openapi-view": LIST,
    "api:api-root": LIST,
    "api:area_list": LIST,
    "api:area_detail": obj(area_id=TOWNSHIP),
    "api:area_population": R(kwargs={"area_id": TOWNSHIP}, query="year=2021"),
    "api:school_list": LIST,
    "api:finance_years": LIST,
    "api:school_detail": obj(school_id=SCHOOL),
    "api:school_classes": obj(school_id=SCHOOL),
    "api:student_list": LIST,
    "api:student_create": R(
        data={"name": "王小刚", "id_number": "@student_b_id", "sex": "M", "birth_date": "2015-03-01"}
    ),  # fmt: skip
    "api:student_detail": obj(student_id=STUDENT),
    "api:student_events": obj(student_id=STUDENT),
    "api:student_event_create": R(
        kwargs={"student_id": STUDENT}, data={"kind": "suspend", "date": "2022-01-05", "reason": "x"}
    ),  # fmt: skip
    "api:student_state": R(kwargs={"student_id": STUDENT}, query="on=2022-01-01"),
    "api:teacher_list": LIST,
    "api:teacher_detail": obj(teacher_id=TEACHER),
    "api:batch_list": LIST,
    "api:batch_detail": obj(batch_id=BATCH),
    "api:batch_confirm": obj(batch_id=BATCH),
    "api:preview": R(kwargs={"kind": lit("students")}),
    "api:indicators_list": LIST,
    "api:forecast_get": LIST,
    "api:list_cases": LIST,
    "api:get_case": obj(case_id=CASE),
    "api:verify": R(kwargs={"case_id": CASE}, data={"outcome": "confirmed_dropout", "note": "核实"}),
    "api:start": obj(case_id=CASE),
    "api:advance": R(kwargs={"case_id": CASE}, data={"to_stage": 2}),
    "api:attempt": R(
        kwargs={"case_id": CASE},
        data={"date": "2021-11-01", "people": "甲", "method": "home_visit", "result": "refused"},
    ),  # fmt: skip
    "api:return_": R(kwargs={"case_id": CASE}, data={"placement": "same_school"}),
    "api:observe": obj(case_id=CASE),
    "api:reopen": R(kwargs={"case_id": CASE}, data={"note": "复辍"}),
    "api:close": obj(case_id=CASE),
    "api:stats": LIST,
    "api:bulletins": LIST,
    "api:bulletin_figures": R(kwargs={"bulletin_id": BULLETIN}, object_route=False, note="published bulletin"),
    "api:crossmatch": LIST,
    "api:compliance": LIST,
    "api:compliance_townships": LIST,
    "api:hazards": LIST,
    "api:hazard_rectify": R(
        kwargs={"hazard_id": HAZARD},
        data={"note": "已整改", "files": "@photo"},
        form=True,
        unchanged=(HAZARD, "status"),
    ),
    "api:hazard_verify": R(kwargs={"hazard_id": HAZARD}, data={"passed": True, "note": "通过"}),
    "api:hazard_close": obj(hazard_id=HAZARD),
    "api:devices": LIST,
    "api:bulletin": LIST,
    "api:standards_balance_summary": LIST,
    "api:standards_balance_schools": LIST,
    "api:standards_demonstration": LIST,
    "api:quotas": LIST,
    "api:gaps": LIST,
    "api:rounds": LIST,
    "api:round_applications": R(kwargs={"round_id": ROUND}, object_route=False, note="names are scoped"),
    "api:rotation_moves": R(kwargs={"year": lit("2026")}),
    "api:ethics_records": LIST,
    # facilities (项目建设): a township-B project and its photo
    "facilities:projects": XLSX,
    "facilities:project_new": LIST,
    "facilities:project": obj(pk=PROJECT),
    "facilities:project_edit": obj(pk=PROJECT),
    "facilities:project_file": R(kwargs={"pk": "project_file"}, object_route=True),
    "api:facilities_projects": LIST,
    "api:facilities_project": obj(project_id=PROJECT),
    "api:facilities_rollup": LIST,
    # warning
    "warning:dashboard": LIST,
    "warning:evaluation": R(note="model figures only"),
    "warning:followups": LIST,
    "warning:class": obj(class_id=CLASS),
    "warning:pupil": obj(student_id=STUDENT),
    "warning:followup_open": R(kwargs={"score_id": "risk"}, method="POST"),
    "warning:followup_feedback": R(
        kwargs={"pk": "followup"},
        method="POST",
        data={"status": "resolved", "note": "x"},
        unchanged=("followup", "status"),
    ),  # fmt: skip
    "api:warning_risks": LIST,
    "api:warning_pupil": obj(student_id=STUDENT),
    "api:warning_followups": LIST,
    "api:warning_followup_open": R(kwargs={"score_id": "risk"}),
    "api:warning_followup_feedback": R(
        kwargs={"followup_id": "followup"}, data={"status": "resolved", "note": "x"}, unchanged=("followup", "status")
    ),  # fmt: skip
    "api:warning_evaluation": R(note="model figures only"),
    # quality (docs/quality.md): a student sees only their own evaluation
    "quality:evaluation": XLSX,
    "quality:term_new": R(
        method="POST",
        data={
            "school_year": "2030",
            "term": "1",
            "starts": "2030-09-01",
            "ends": "2031-01-20",
            "record_deadline": "2030-12-31",
            "select_deadline": "2031-01-05",
            "confirm_deadline": "2031-01-15",
        },
    ),
    "quality:record_new": R(method="POST", data={"dimension": "moral", "title": "王小刚的活动", "date": "2021-09-10"}),
    "quality:record_delete": post(pk="quality_record"),
    "quality:evidence": R(kwargs={"pk": "quality_evidence"}, object_route=True),
    "quality:portfolio": obj(pk="quality_portfolio"),
    "quality:archive": obj(pk="quality_portfolio"),
    "quality:publicity_open": R(
        method="POST", data={"school_class": "999999", "term": "999999", "starts": "2030-01-01"}
    ),
    "quality:publicity": obj(pk="quality_publicity"),
    "quality:certificates": XLSX,
    "quality:certificate_new": LIST,
    "quality:target_set": R(method="POST", data={"year": "2030", "rate": "50"}),
    "quality:competitions": LIST,
    "quality:competition": R(
        kwargs={"pk": "quality_competition"},
        object_route=False,
        note="competitions are public events; the entries shown are scoped",
    ),
    "quality:pathways": LIST,
    "quality:transfer_new": LIST,
    "quality:credit_new": LIST,
    "quality:progression_new": LIST,
    "quality:pilot_new": LIST,
    "api:quality_portfolios": LIST,
    "api:quality_holding": R(query="year=2024"),
    "api:quality_holding_years": LIST,
    "api:quality_certificates": LIST,
    "api:quality_competition_figures": R(query="year=2026", note="counts only"),
    "api:quality_progression": LIST,
    "api:supervision_bulletins": LIST,
    "api:supervision_bulletin_content": R(
        kwargs={"bulletin_id": "supervision_bulletin"}, object_route=False, note="published bulletin"
    ),
    "api:bulletin_decisions": LIST,
}

# Routes that need no scope check, each with the reason.
EXEMPT: dict[str, str] = {
    "web:login": "the login form: no data before login",
    "web:logout": "ends the session; no data",
    "web:healthz": "liveness probe: answers 'ok', no data",
    "web:login_totp": "the second login step: only after a correct password, no data (core/tests/test_identity.py)",
    "supervision:alerts": "POST by the 督导室 only (can_manage); sends the county's alerts, shows no data",
    "web:password_change": "the requesting user's own password; no one else's data (core/tests/test_identity.py)",
    "set_language": "django.conf.urls.i18n: sets the language cookie",
    "api:openapi-json": "the API schema (no data); fuzzed by test_api_fuzz",
    "admin:login": "the admin login form",
    "admin:logout": "ends the session",
    "admin:password_change": "changes the requesting user's own password",
    "admin:password_change_done": "static confirmation page",
    "admin:jsi18n": "static JavaScript catalogue",
    "admin:view_on_site": "redirects to the object's own page, which is in ROUTES",
    "admin:": "the admin's catch-all: 404 or a redirect to the admin login",
    "admin:root": "the admin's catch-all (a redirect)",
    "admin:autocomplete": "needs an admin with search_fields on a scoped admin; none declare autocomplete_fields",
}

# Admin: every registered model is requested as change list, change page, history and delete confirmation,
# for a township-B instance. Each registered model needs a line: the world key of its out-of-scope instance,
# or "" when the model holds no people-level or scoped data (configuration, reference tables).
ADMIN_MODELS: dict[str, str] = {
    "areas.area": TOWNSHIP,
    "areas.populationcell": "",
    "core.user": "",
    "core.auditentry": "audit",
    "core.securitypolicy": "",
    "auth.group": "",
    "django_tasks_database.dbtaskresult": "",
    "dropout.dropoutcase": CASE,
    "dropout.responsibleperson": "responsible",
    "dropout.bulletin": "",
    "exchange.importbatch": BATCH,
    "learning.lrsclient": "lrs_client",
    "learning.learningstat": "",
    "people.student": STUDENT,
    "people.enrolmentevent": "event",
    "people.teacher": TEACHER,
    "people.teacherassignment": "assignment",
    "safety.rule": "",
    "safety.safetyprofile": "",
    "safety.compliancesnapshot": "",
    "safety.hazard": HAZARD,
    "safety.device": "",
    "safety.safetyalert": ALERT,
    "schools.school": SCHOOL,
    "schools.schoolclass": CLASS,
    "teachers.staffingstandard": "",
    "teachers.countyquota": "",
    "teachers.quotasnapshot": "",
    "teachers.hiringround": "",  # county-wide or one township's round (公示); applicants are scoped on the pages
    "teachers.rotationplan": "",
    "quality.holiday": "",
    "quality.evaluationterm": "",
    "quality.holdingtarget": "",
    "notices.robot": "",  # the county administrator's only (webhook credentials); no people-level data
}
ADMIN_VIEWS = ("changelist", "change", "history", "delete")
# Admin models whose rows a role reads by design (the audit administrator reads the audit log): their change
# pages are checked for leaks, not for refusal.
ADMIN_READABLE = {"core.auditentry"}
ADMIN_SITE_ROUTES = {"admin:index": LIST, "admin:app_list": R(kwargs={"app_label": lit("people")})}

# ---------------------------------------------------------------------------------------------------------
# Enumeration of the URL configuration.


@dataclass(frozen=True)
class Route:
    name: str  # the registry key
    pattern: str
    method: str = "GET"


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace or "") if x)
            found += _walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = p.name or ""
            if not name and getattr(p.callback, "view_class", None) is not None:
                name = "root"  # a RedirectView mounted at an app's root
            found.append((f"{namespace}:{name}" if namespace else name, prefix + str(p.pattern)))
    return found


def api_methods() -> dict[str, str]:
    """The HTTP method of every django-ninja operation, by URL name ("api:<name>")."""
    from config.api import api

    methods = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                name = getattr(op, "url_name", "") or api.get_operation_url_name(op, router=router)
                methods[f"api:{name}"] = op.methods[0]
    return methods


def all_routes() -> list[Route]:
    """Every route the URL configuration serves (admin pages by registered model)."""
    methods = api_methods()
    routes = []
    for name, pattern in _walk(get_resolver()):
        if name.startswith("admin:"):
            continue
        routes.append(Route(name, pattern, methods.get(name, "GET")))
    admin_names = {n for n, _p in _walk(get_resolver()) if n.startswith("admin:")}
    for name in sorted(admin_names):
        m = re.match(r"admin:(\w+?)_(\w+)_(changelist|add|change|delete|history|password_change)$", name)
        if m is None:
            routes.append(Route(name, "admin"))
    for model in admin.site._registry:
        label = model._meta.label_lower
        routes += [Route(f"admin:{label}:{view}", "admin") for view in ADMIN_VIEWS]
    return routes


def registered_admin_models() -> list[str]:
    return [m._meta.label_lower for m in admin.site._registry]


# ---------------------------------------------------------------------------------------------------------
# Reading a response and finding what must not be there.

ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{16}[0-9Xx])(?![0-9A-Za-z])")
STUDENT_NO = re.compile(r"G[0-9]{17}[0-9Xx]")


def body_text(response: HttpResponse) -> str:
    """The response as text: HTML/JSON/CSV decoded, XLSX unzipped, PDF through pdftotext."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    kind = response.get("Content-Type", "")
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                return "\n".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
        except zipfile.BadZipFile:
            pass
    if raw[:4] == b"%PDF" or "pdf" in kind:
        try:
            out = subprocess.run(["pdftotext", "-", "-"], input=raw, capture_output=True, timeout=20, check=False)
            return out.stdout.decode("utf-8", "ignore")
        except FileNotFoundError:  # poppler-utils is in the Makefile's Debian packages
            return raw.decode("latin-1")
    return raw.decode("utf-8-sig", "ignore")


def full_id_numbers(text: str) -> set[str]:
    """Checksum-valid 18-digit ID numbers with a real birth date, and G+18-digit 学籍号, found in ``text``."""
    found = set()
    for m in ID18.finditer(text):
        if idcard.is_valid(m.group(1)):
            found.add(m.group(1))
    for m in STUDENT_NO.finditer(text):
        if idcard.is_valid(m.group(0)[1:]):
            found.add(m.group(0))
    return found


def is_denied(response: HttpResponse, url: str) -> bool:
    """Refused: 401/403/404/405, a redirect to a login page, or (admin) the redirect of a missing object."""
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code in (301, 302, 303):
        location = response.get("Location", "")
        return "login" in location or (url.startswith("/admin/") and location.rstrip("/") == "/admin")
    return False


def now() -> dt.datetime:
    return timezone.now()
