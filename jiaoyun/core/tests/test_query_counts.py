"""Query-count baselines of the list pages and API lists.

For each list the test builds N rows, then 3N rows (each with its own school, class and village, so a missing
``select_related`` shows), and asserts that the number of queries of one request does not grow with the rows
and stays within the recorded baseline below. A change that needs more queries updates ``BASELINE``
deliberately, in the same commit, with the reason. The row builders are in ``query_rows.py``; every list
route of the route registry has a case here or a reason in ``NOT_ROW_LISTS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiaoyun.core.tests import query_rows as rows

N = 3

# route name → the most queries one request may take (whatever the number of rows). Measured on SQLite and
# PostgreSQL alike (the counts do not depend on the backend).
BASELINE: dict[str, int] = {
    # core, areas, schools
    # +1: the late building projects (项目建设) in the county strip; +2: the overdue plan milestones and 整改
    "web:home": 25,
    "web:audit": 8,
    "areas:list": 8,
    "api:area_list": 7,
    "schools:list": 8,
    "api:school_list": 7,
    # people, exchange
    "people:students": 9,
    "api:student_list": 10,
    "people:teachers": 9,
    "api:teacher_list": 10,
    "exchange:imports": 7,
    # warning
    "warning:dashboard": 13,
    "warning:followups": 7,
    "api:warning_risks": 10,
    "api:warning_followups": 6,
    "bulletins:list": 8,
    "api:supervision_bulletins": 6,
    "bulletins:decisions": 7,
    "api:bulletin_decisions": 6,
    "notices:inbox": 8,
    "notices:deliveries": 7,
    "api:batch_list": 7,
    # dropout
    "dropout:children": 10,
    "dropout:ledger": 10,
    "dropout:ledger#dropouts": 10,
    "dropout:ledger#all": 10,
    "api:list_cases": 9,
    "dropout:absences": 8,
    "dropout:responsibles": 11,
    "dropout:hukou": 10,
    "dropout:reports": 12,
    "dropout:bulletins": 8,  # +1: the months already generated, for the month picker (ADR 0029)
    "dropout:followups": 9,
    "api:bulletins": 6,
    # safety
    "safety:hazards": 8,
    "api:hazards": 7,
    "safety:inspections": 7,
    "safety:devices": 11,
    "api:devices": 7,
    "safety:compliance": 9,
    "facilities:coverage": 13,  # + the projects in progress (seats_in_progress)
    "facilities:map": 14,  # + the projects on the map (project_points)
    "finance:dashboard": 9,
    "api:finance_years": 9,
    "api:compliance": 8,
    "api:compliance_townships": 8,
    "safety:risks": 12,
    "safety:bulletin": 11,  # +1: the 发文登记 of the ended months, for the month picker (ADR 0029)
    "api:bulletin": 10,
    # supervision
    "supervision:rectifications": 10,
    "api:supervision_rectifications": 6,
    "supervision:links": 10,
    "supervision:plan": 12,
    "api:supervision_plan": 10,
    "supervision:zones": 11,
    # teachers
    "teachers:dashboard": 15,
    "api:quotas": 7,
    "teachers:gaps": 10,
    "api:gaps": 7,
    "teachers:rounds": 8,  # + the townships a new round may be opened for (the 人事股 picks one)
    "api:rounds": 6,
    "teachers:round": 22,
    "api:round_applications": 12,
    "teachers:rotation": 12,
    "api:rotation_moves": 11,
    "teachers:ethics": 11,
    "api:ethics_records": 11,
    # standards
    "standards:balance": 13,  # one recorded year; the trend adds two grouped queries per further year (6 at most)
    "standards:compliance": 11,
    "standards:demonstration": 10,
    "api:standards_balance_schools": 6,
    "api:standards_demonstration": 6,
    # learning, indicators
    "learning:dashboard": 9,
    "indicators:drill": 14,
    "indicators:dashboard": 18,
    "api:indicators_list": 11,
    # facilities
    "facilities:projects": 19,  # the list, its summary strip, the plan targets, the township roll-up and chart
    "api:facilities_projects": 9,
    "api:facilities_rollup": 9,
    # quality
    "quality:evaluation": 10,
    "api:quality_portfolios": 7,
    "quality:certificates": 16,
    "api:quality_certificates": 7,
    "quality:competitions": 9,
    "quality:pathways": 11,
}

# route name (a "#variant" for another view of the same route) → (persona role, row builder returning a text the
# list shows for that row, query string or a function of the county giving it)
CASES: dict[str, tuple[str, Callable[[Any, Any], str], str | Callable[[Any], str]]] = {
    # core, areas, schools
    "web:home": ("county_admin", rows.overdue_hazard, ""),
    "web:audit": ("audit_admin", rows.audit, ""),
    "areas:list": ("county_admin", rows.township, ""),
    "api:area_list": ("county_admin", rows.township, ""),
    "schools:list": ("county_admin", rows.school, ""),
    "api:school_list": ("county_admin", rows.school, ""),
    # people, exchange
    "people:students": ("county_admin", rows.student, ""),
    "api:student_list": ("county_admin", rows.student, ""),
    "people:teachers": ("county_admin", rows.teacher, ""),
    "api:teacher_list": ("county_admin", rows.teacher, ""),
    # warning
    "warning:dashboard": ("county_admin", rows.warning_risk, ""),
    "warning:followups": ("county_admin", rows.warning_followup, ""),
    "api:warning_risks": ("county_admin", rows.warning_risk, ""),
    "api:warning_followups": ("county_admin", rows.warning_followup, ""),
    "exchange:imports": ("county_admin", rows.batch, ""),
    "api:batch_list": ("county_admin", rows.batch, ""),
    # dropout
    "dropout:children": ("county_admin", rows.student, ""),
    "dropout:ledger": ("county_admin", rows.case, ""),
    "dropout:ledger#dropouts": ("county_admin", rows.confirmed_case, ""),
    "dropout:ledger#all": ("county_admin", rows.confirmed_case, ""),
    "api:list_cases": ("county_admin", rows.case, ""),
    "dropout:absences": ("county_admin", rows.absence, ""),
    "dropout:responsibles": ("county_admin", rows.responsible, ""),
    "dropout:hukou": ("county_admin", rows.hukou, ""),
    "dropout:reports": ("county_admin", rows.monthly_report, ""),
    "dropout:bulletins": ("county_admin", rows.bulletin, ""),
    "dropout:followups": ("county_admin", rows.warning_followup, ""),
    "api:bulletins": ("county_admin", rows.bulletin_api, ""),
    # safety
    "safety:hazards": ("county_admin", rows.hazard, ""),
    "api:hazards": ("county_admin", rows.hazard, ""),
    "safety:inspections": ("county_admin", rows.inspection, ""),
    "safety:devices": ("county_admin", rows.device, ""),
    "api:devices": ("county_admin", rows.device, ""),
    "safety:compliance": ("county_admin", rows.compliance, ""),
    "api:compliance": ("county_admin", rows.compliance, ""),
    "api:compliance_townships": ("county_admin", rows.compliance_township, ""),
    "safety:risks": ("county_admin", rows.risk, ""),
    "safety:bulletin": ("county_admin", rows.hazard_township, ""),
    "api:bulletin": ("county_admin", rows.hazard_township, rows.this_month),
    # teachers
    "teachers:dashboard": ("county_admin", rows.quota, f"year={rows.YEAR}"),
    "api:quotas": ("county_admin", rows.quota, f"year={rows.YEAR}"),
    "teachers:gaps": ("county_admin", rows.subject_gap, f"year={rows.YEAR}"),
    "api:gaps": ("county_admin", rows.subject_gap, f"year={rows.YEAR}"),
    "teachers:rounds": ("county_admin", rows.hiring_round, ""),
    "api:rounds": ("county_admin", rows.hiring_round, ""),
    "teachers:round": ("county_admin", rows.application, ""),
    "api:round_applications": ("county_admin", rows.application, ""),
    "teachers:rotation": ("county_admin", rows.rotation_move, f"year={rows.YEAR}"),
    "api:rotation_moves": ("county_admin", rows.rotation_move, ""),
    "teachers:ethics": ("county_admin", rows.ethics_record, ""),
    "api:ethics_records": ("county_admin", rows.ethics_record, ""),
    # standards
    "standards:balance": ("county_admin", rows.school_resources, "year=2025"),
    "standards:compliance": ("county_admin", rows.school_resources, "year=2025"),
    "standards:demonstration": ("county_admin", rows.demo_application, "year=2025"),
    "api:standards_balance_schools": ("county_admin", rows.school_resources, "year=2025"),
    "api:standards_demonstration": ("county_admin", rows.demo_application, "year=2025"),
    # bulletins, notices
    "bulletins:list": ("county_admin", rows.supervision_bulletin, ""),
    "api:supervision_bulletins": ("county_admin", rows.supervision_bulletin, ""),
    "bulletins:decisions": ("county_admin", rows.decision, ""),
    "api:bulletin_decisions": ("county_admin", rows.decision, ""),
    "notices:inbox": ("county_admin", rows.notification, ""),
    "notices:deliveries": ("county_admin", rows.delivery, ""),
    # learning, indicators
    "learning:dashboard": ("county_admin", rows.township_stat, ""),
    "facilities:coverage": ("county_admin", rows.preschool_village, ""),
    "facilities:map": ("county_admin", rows.map_village, ""),
    "finance:dashboard": ("county_admin", rows.finance_year, ""),
    "api:finance_years": ("county_admin", rows.finance_year_api, ""),
    "indicators:drill": ("county_admin", rows.drill_student, rows.drill_query),
    "indicators:dashboard": ("county_admin", rows.ranked_township, "year=2021&code=primary_gross"),
    "api:indicators_list": ("county_admin", rows.counted_pupil, "year=2021&code=primary_gross"),
    # facilities
    "facilities:projects": ("county_admin", rows.project, ""),
    "api:facilities_projects": ("county_admin", rows.project, ""),
    "api:facilities_rollup": ("county_admin", rows.project_township, ""),
    # quality
    "quality:evaluation": ("county_admin", rows.quality_senior_school, ""),
    "api:quality_portfolios": ("county_admin", rows.quality_portfolio, ""),
    "quality:certificates": ("county_admin", rows.quality_certificate, ""),
    "api:quality_certificates": ("county_admin", rows.quality_certificate, ""),
    "quality:competitions": ("county_admin", rows.quality_entry, ""),
    "quality:pathways": ("county_admin", rows.quality_progression, ""),
    # supervision
    "supervision:rectifications": ("county_admin", rows.rectification, ""),
    "api:supervision_rectifications": ("county_admin", rows.rectification, ""),
    "supervision:links": ("county_admin", rows.link, ""),
    "supervision:plan": ("county_admin", rows.plan_item, ""),
    "api:supervision_plan": ("county_admin", rows.plan_item, ""),
    "supervision:zones": ("county_admin", rows.zone, ""),
}

# URL arguments of a route: a value, or a function of the county giving it once the first rows exist
KWARGS: dict[str, dict[str, Any]] = {
    "dropout:ledger": {"ledger": "suspected"},
    "dropout:ledger#dropouts": {"ledger": "dropouts"},
    "dropout:ledger#all": {"ledger": "all"},
    "teachers:round": {"pk": lambda county: rows.the_round().pk},
    "api:round_applications": {"round_id": lambda county: rows.the_round().pk},
    "api:rotation_moves": {"year": rows.YEAR},
}

# GET routes of the route registry (``routes.ROUTES``) that name no object yet list no rows of their own, each
# with the reason; every other such route needs a case above (``test_every_list_route_has_a_case``).
NOT_ROW_LISTS: dict[str, str] = {
    "facilities:project_new": "the new-project form: its selects are the townships, villages, schools and owners",
    "quality:certificate_new": "a form; its choice of students is one query",
    "quality:transfer_new": "a form; its choices of students and schools are one query each",
    "quality:credit_new": "a form; its choice of students is one query",
    "quality:progression_new": "a form; its choice of graduates is one query",
    "quality:pilot_new": "a form; its choice of classes is one query",
    "quality:competition": "one competition and its entries (select_related; the competitions list case covers them)",
    "api:quality_holding": "aggregates by major (one grouped query)",
    "api:quality_holding_years": "aggregates by year (one grouped query)",
    "api:quality_competition_figures": "aggregates by school and township (two grouped queries)",
    "api:quality_progression": "aggregates by graduating year (one grouped query)",
    "web:jobs": "the fixed job schedule and one .values() query of the latest 30 tasks (no related rows)",
    "exchange:upload": "an upload form",
    "exchange:template": "an empty XLSX template",
    "exchange:export": "a file download of the roster (the lists above cover its selector)",
    "indicators:area": "one area's figures (aggregates); its rows are the indicators, a fixed number",
    "indicators:school": "one school's figures (aggregates); its rows are the indicators, a fixed number",
    "indicators:references": "the reference tables of the indicator definitions (configuration)",
    "indicators:export": "a file download of the aggregates the dashboard shows",
    "indicators:summary_pdf": "a PDF of the aggregates the dashboard shows",
    "forecast:dashboard": "reads the latest stored forecast run (one row, its JSON): no query per township",
    "forecast:export": "a file download of the stored forecast run's rows (one query for the run)",
    "forecast:pdf": "a PDF of the stored forecast run (one query for the run)",
    "api:forecast_get": "the stored forecast run's rows (one query for the run)",
    "dropout:dashboard": "aggregate counters and charts; the lists it links to have cases",
    "dropout:bulletin_file": "one archived bulletin file",
    "safety:dashboard": "aggregate counters and charts; the lists it links to have cases",
    "safety:inspection_new": "a form",
    "safety:rules": "the configured compliance rules (a fixed, small table)",
    "teachers:root": "a redirect to teachers:dashboard",
    "teachers:standard_edit": "a form of the staffing standard (configuration)",
    "teachers:county_quota": "a form of the county's quota (configuration)",
    "teachers:round_create": "a form",
    "xapi:about": "the xAPI version document",
    "api:openapi-view": "the API documentation page",
    "api:api-root": "the API index",
    "api:stats": "county aggregates of the dropout cases",
    "api:bulletin_figures": "one archived bulletin's figures",
    "facilities:boundary": "the county's one stored outline document, filtered to the user's townships",
    "finance:entry": "a form of one budget year",
    "standards:whatif": "a computation over the county's aggregates; its school picker is one .values() query",
    "standards:checklist": "the fixed checklist of 教督〔2017〕6号 (configuration) with its results and evidence",
    "standards:report_pdf": "a PDF of the aggregates the balance page shows",
    "api:standards_balance_summary": "county aggregates (two grouped queries)",
    "warning:evaluation": "the model versions' figures (at most 20 rows, no related rows, no personal data)",
    "api:warning_evaluation": "the model versions' figures (at most 20 rows, no related rows, no personal data)",
    "supervision:assessment": "the year's scores: one row per township computed set-based (test_assessment.py)",
    "supervision:assessment_unit": "one township's points (the assessment's adapters, set-based; test_assessment.py)",
    "api:supervision_overdue_tasks": "the county's overdue milestones (one query with the item)",
    "bulletins:detail": "one bulletin: its sections (JSON) and its decisions (no related rows)",
    "bulletins:pdf": "one archived bulletin file",
    "bulletins:screen": "county aggregates and charts (数据大屏), a fixed number of figures",
    "notices:bell": "one count of the user's unread notifications",
    "notices:preferences": "the user's own two channels (a form)",
    "api:supervision_bulletin_content": "one archived bulletin's content",
    "reports:letterheads": "the letterheads of the official documents (configuration: one row per kind of document)",
}


def _count(client: Any, url: str, shown: str) -> int:
    """The queries of one request of ``url``, which must list the row showing ``shown``, with nothing cached (a
    drill-down's composition is counted on its first view only)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    is_json = response["Content-Type"].startswith("application/json")
    text = json.dumps(response.json(), ensure_ascii=False) if is_json else response.content.decode()
    assert shown in text, f"{url} does not list {shown}"
    return len(queries)


@pytest.mark.parametrize("route", sorted(CASES))
def test_queries_do_not_grow_with_rows(route, client, county):
    from jiaoyun.core.tests.factories import UserFactory

    role, build, query_of = CASES[route]
    user = UserFactory(role=role)
    client.force_login(user)
    shown = [build(county, user) for _ in range(N)]
    kwargs = {k: v(county) if callable(v) else v for k, v in KWARGS.get(route, {}).items()}
    query = query_of(county) if callable(query_of) else query_of
    url = reverse(route.partition("#")[0], kwargs=kwargs or None) + (f"?{query}" if query else "")
    client.get(url)  # warm the per-process caches (security policy, content types)
    small = _count(client, url, shown[0])
    shown = [build(county, user) for _ in range(2 * N)]
    large = _count(client, url, shown[-1])
    assert large == small, f"{route}: {small} queries for {N} rows, {large} for {3 * N}"
    assert small <= BASELINE[route], f"{route}: {small} queries, baseline {BASELINE[route]}"


def test_every_list_case_has_a_baseline():
    assert set(CASES) == set(BASELINE)


def test_every_list_route_has_a_case():
    """A new list route (a GET route naming no object) needs a case here, or a line in NOT_ROW_LISTS."""
    from jiaoyun.core.tests import routes

    methods = routes.api_methods()
    lists = {
        name
        for name, entry in routes.ROUTES.items()
        if methods.get(name, entry.method) == "GET" and not entry.denies and entry.object_route is not True
    }
    covered = {key.partition("#")[0] for key in CASES}
    assert lists - covered - set(NOT_ROW_LISTS) == set()
    assert set(NOT_ROW_LISTS) & covered == set()
