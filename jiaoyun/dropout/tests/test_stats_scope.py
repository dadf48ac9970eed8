"""The dropout statistics (dashboard cards, the stats API) are counted with the same scope builders as the lists
their cards link to: for every persona, each figure equals the length of its list."""

import datetime as dt

import pytest

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.dropout import selectors, services
from jiaoyun.dropout.choices import CaseStatus
from jiaoyun.people.services import enrolment_record
from jiaoyun.schools.tests.factories import SchoolClassFactory

D = dt.date
AS_OF = D(2021, 11, 15)
PERSONAS = ["county_admin", "township_officer", "officer_b", "principal", "class_teacher", "village_cadre",
            "outsider"]  # fmt: skip


@pytest.fixture
def officer_b(township_b):
    return UserFactory(username="officer_b", role="township_officer", area=township_b)


@pytest.fixture
def county_cases(enrolled, make_student, county_admin, school_a, school_b, village_b1):
    # in class_a1 (the class teacher's), pending
    services.case_open(actor=county_admin, student=enrolled("甲班娃"), on=D(2021, 10, 8))
    # another class of school_a: confirmed, returning, its step overdue
    other_class = SchoolClassFactory(school=school_a, school_year=2021, grade=1, number=2)
    b = make_student("乙班娃", birth=D(2015, 3, 1))
    enrolment_record(actor=None, student=b, kind="enrol", date=D(2021, 9, 1), school=school_a, grade=1,
                     school_class=other_class)  # fmt: skip
    case = services.case_open(actor=county_admin, student=b, on=D(2021, 10, 8))
    case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
    services.case_start_return(actor=county_admin, case=case, on=D(2021, 10, 10), deadline=D(2021, 10, 20))
    # hukou in township_a, at school in township_b: the case is filed under township_a
    c = make_student("跨镇娃", birth=D(2014, 3, 1))
    enrolment_record(actor=None, student=c, kind="enrol", date=D(2021, 9, 1), school=school_b, grade=2)
    services.case_open(actor=county_admin, student=c, on=D(2021, 10, 8))
    # never enrolled, hukou in township_b
    services.case_open(actor=county_admin, student=make_student("失学娃", village=village_b1), on=D(2021, 10, 8))
    services.stats_refresh(as_of=AS_OF)


def _list_counts(user):
    cases = selectors.case_list(user=user, as_of=AS_OF)

    def status(*statuses):
        return cases.filter(status__in=statuses).count()

    children = selectors.ledger_children(user=user, as_of=AS_OF)
    return {
        "children": children.count(),
        "not_enrolled": children.filter(status="not_enrolled").count(),
        "suspected": selectors.case_list(user=user, filters={"ledger": "suspected"}).count(),
        "still_out": status(CaseStatus.VERIFIED, CaseStatus.RETURNING),
        "returned": status(CaseStatus.RETURNED, CaseStatus.PLACED, CaseStatus.OBSERVING),
        "closed": status(CaseStatus.CLOSED),
        "no_return": status(CaseStatus.NO_RETURN),
        "overdue": selectors.case_list(user=user, filters={"overdue": "1"}, as_of=AS_OF).count(),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_dashboard_figures_are_the_lengths_of_the_lists(request, county_cases, persona):
    user = request.getfixturevalue(persona)
    assert selectors.dashboard(user=user, as_of=AS_OF)["cards"] == _list_counts(user)


def test_the_figures_differ_by_persona_as_the_lists_do(request, county_cases):
    def cards(persona):
        return selectors.dashboard(user=request.getfixturevalue(persona), as_of=AS_OF)["cards"]

    assert cards("county_admin")["suspected"] == 3 and cards("county_admin")["overdue"] == 1
    assert cards("officer_b")["suspected"] == 2  # the child at school in township_b counts there too
    assert cards("class_teacher")["suspected"] == 1 and cards("class_teacher")["still_out"] == 0  # own class only
    assert cards("outsider") == dict.fromkeys(cards("outsider"), 0)


def test_the_stats_api_and_the_page_show_the_same_scoped_figures(client, county_cases, class_teacher):
    client.force_login(class_teacher)
    api = client.get("/api/dropout/stats").json()
    expected = selectors.dashboard(user=class_teacher)["cards"]
    assert api["cards"] == expected
    body = client.get("/dropout/").content.decode()
    assert f'data-testid="card-suspected">{expected["suspected"]}<' in body
