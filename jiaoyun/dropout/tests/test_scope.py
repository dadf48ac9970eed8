import datetime as dt

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.dropout import selectors, services
from jiaoyun.dropout.choices import Line
from jiaoyun.dropout.models import ResponsiblePerson

D = dt.date


def _cases(make_student, county_admin, village_a1, village_a2, village_b1):
    a1 = services.case_open(actor=county_admin, student=make_student("甸阳娃", village=village_a1), on=D(2021, 10, 8))
    a2 = services.case_open(actor=county_admin, student=make_student("竹林娃", village=village_a2), on=D(2021, 10, 8))
    b1 = services.case_open(actor=county_admin, student=make_student("太和娃", village=village_b1), on=D(2021, 10, 8))
    return a1, a2, b1


def ids(qs):
    return {c.student.name for c in qs}


def test_village_cadre_sees_only_cases_of_children_from_the_village(
    make_student, county_admin, village_cadre, village_a1, village_a2, village_b1, django_assert_max_num_queries
):
    _cases(make_student, county_admin, village_a1, village_a2, village_b1)
    with django_assert_max_num_queries(4):
        assert ids(selectors.case_list(user=village_cadre, filters={})) == {"甸阳娃"}


def test_township_officer_does_not_see_another_township(
    make_student, county_admin, township_officer, outsider, village_a1, village_a2, village_b1
):
    _cases(make_student, county_admin, village_a1, village_a2, village_b1)
    assert ids(selectors.case_list(user=township_officer, filters={})) == {"甸阳娃", "竹林娃"}
    assert ids(selectors.case_list(user=county_admin, filters={})) == {"甸阳娃", "竹林娃", "太和娃"}
    assert ids(selectors.case_list(user=outsider, filters={})) == set()


def test_a_named_responsible_person_sees_the_case_outside_their_scope(
    make_student, county_admin, village_a1, village_a2, village_b1, township_b, school_b
):
    # a teacher of school_b is the 包保 teacher for a child of township_a (line 2 of the education line)
    helper = UserFactory(username="helper", role="principal", school=school_b)
    ResponsiblePerson.objects.create(line=Line.ADMIN, level=3, name="挂包干部", area=village_a2, user=helper)
    _cases(make_student, county_admin, village_a1, village_a2, village_b1)
    assert ids(selectors.case_list(user=helper, filters={})) == {"竹林娃"}
