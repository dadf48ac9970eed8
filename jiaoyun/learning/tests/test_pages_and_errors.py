"""The statistics figures (one implementation for cards, trend and unit table), the pages' ``?weeks=`` form and
HTMX partial, and the mapping of the services' refusals to xAPI status codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.learning import selectors
from jiaoyun.learning.errors import BatchTooLarge, PreconditionFailed, PreconditionRequired, StatementConflict
from jiaoyun.learning.models import Document, LearningStat
from jiaoyun.learning.services import DocKey, document_write, statement_store
from jiaoyun.learning.tests.conftest import statement
from jiaoyun.learning.xapi.http import xapi_error

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2024, 9, 2)


@pytest.fixture
def two_weeks(class_a1):
    common = {"level": LearningStat.Level.CLASS, "unit_id": class_a1.pk, "school": class_a1.school}
    common |= {"school_class": class_a1, "township": class_a1.school.township, "period": LearningStat.Period.WEEK}
    LearningStat.objects.create(
        **common, start=MONDAY, statements=3, learners=2, seconds=5400, completed=2, scored=1, score_sum=0.5,
        in_class=2, online=1,
    )  # fmt: skip
    LearningStat.objects.create(
        **common, start=MONDAY + dt.timedelta(weeks=1), statements=1, learners=1, seconds=1800, completed=0,
        scored=1, score_sum=1.0, in_class=0, online=1,
    )  # fmt: skip


def test_units_trend_and_totals_from_one_set_of_sums(two_weeks, county_admin, class_a1):
    rows = selectors.stat_list(user=county_admin, level=LearningStat.Level.CLASS, start=MONDAY)
    (unit,) = selectors.stat_units(rows, level=LearningStat.Level.CLASS, n_weeks=2)
    assert unit == {
        "id": class_a1.pk,
        "name": str(class_a1),
        "statements": 4,
        "learners": 1.5,  # weekly average
        "hours": 2.0,
        "completed": 2,
        "avg_score": 75.0,
        "in_class_share": 50.0,
    }
    first, second = selectors.trend(rows)
    assert (first["start"], first["statements"], first["learners"], first["hours"]) == (MONDAY, 3, 2, 1.5)
    assert (first["avg_score"], first["in_class_share"]) == (50.0, 66.7)
    assert (second["avg_score"], second["in_class_share"]) == (100.0, 0.0)
    totals = selectors.stat_totals(rows)
    assert (totals.statements, totals.learners, totals.hours, totals.scored) == (4, 0, 2.0, 2)
    assert (totals.avg_score_pct, totals.in_class_pct) == (75.0, 50.0)
    # A filter narrows the same rows: the second week only.
    later = selectors.stat_list(user=county_admin, level=LearningStat.Level.CLASS, start=MONDAY + dt.timedelta(1))
    assert selectors.stat_totals(later).statements == 1


@pytest.mark.parametrize(("weeks", "shown"), [("8", 8), ("abc", 12), ("", 12), ("100", 52), ("0", 1), ("-3", 1)])
def test_weeks_parameter_is_read_by_a_form_with_the_old_bounds(two_weeks, principal, weeks, shown):
    web = Client()
    web.force_login(principal)
    text = web.get("/learning/", {"weeks": weeks}).content.decode()
    assert f"按班级（近{shown}周）" in text


def test_pages_answer_htmx_with_their_results_only(two_weeks, principal, class_a1):
    web = Client()
    web.force_login(principal)
    full = web.get("/learning/").content.decode()
    partial = web.get("/learning/", {"weeks": "4"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" in full and 'data-testid="unit-table"' in full and 'hx-get="/learning/"' in full
    assert "<h1>" not in partial and 'data-testid="unit-table"' in partial and "（近4周）" in partial
    assert f"/learning/classes/{class_a1.pk}/" in partial
    class_partial = web.get(f"/learning/classes/{class_a1.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in class_partial and 'data-testid="class-students"' in class_partial


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DomainError("请求有误"), 400),
        (PermissionDenied("无权写入"), 403),
        (StatementConflict("语句 ID 已被使用"), 409),
        (PreconditionRequired("必须带 If-Match"), 409),
        (PreconditionFailed("If-Match 不符"), 412),
        (BatchTooLarge("一批最多"), 413),
    ],
)
def test_a_services_refusal_maps_to_its_xapi_status(error, status):
    mapped = xapi_error(error)
    assert (mapped.status, mapped.message) == (status, error.message)


def test_services_refuse_with_domain_errors_not_http(lrs_client):
    st = statement(id="5f2b8c4e-1d2a-4b6f-9c3e-7a8b9c0d1e2f")
    statement_store(client=lrs_client, statements=[st], version="1.0.3")
    changed = dict(st, verb={"id": "http://adlnet.gov/expapi/verbs/passed"})
    with pytest.raises(StatementConflict, match="已存在且内容不同"):
        statement_store(client=lrs_client, statements=[changed], version="1.0.3")
    key = DocKey(
        kind=Document.STATE, activity_id="http://example.com/a", agent_ifi="mbox:mailto:a@example.com", key="s"
    )
    write = {"client": lrs_client, "key": key, "content_type": "application/json", "merge": False}
    document_write(**write, content=b"{}", if_match=None, if_none_match=None, require_precondition=False)
    with pytest.raises(PreconditionFailed):
        document_write(**write, content=b"{}", if_match='"other"', if_none_match=None, require_precondition=False)
    with pytest.raises(PreconditionRequired):
        document_write(**write, content=b"{}", if_match=None, if_none_match=None, require_precondition=True)
