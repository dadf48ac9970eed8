import csv
import io

import pytest
from django.urls import reverse

from jiaoyun.core import idcard
from jiaoyun.core.models import AuditEntry
from jiaoyun.people.models import EnrolmentEvent, Student
from jiaoyun.people.tests.fixtures import ID_A


def names_on(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return {s.name for s in response.context["page"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"张小明", "李小红", "王小刚"}),
        ("township_officer", {"张小明", "李小红"}),
        ("principal", {"张小明", "李小红"}),
        ("class_teacher", {"张小明"}),
        ("village_cadre", {"张小明"}),
        ("outsider", set()),
    ],
)
def test_student_list_shows_only_the_personas_scope(client, students, persona, expected, request):
    user = request.getfixturevalue(persona)
    assert names_on(client, user, reverse("people:students")) == expected


def test_student_list_filters_by_school_and_sex(client, county_admin, students, school_b):
    assert names_on(client, county_admin, reverse("people:students"), school=school_b.pk) == {"王小刚"}
    assert names_on(client, county_admin, reverse("people:students"), sex="F") == {"李小红"}
    assert names_on(client, county_admin, reverse("people:students"), q="小明") == {"张小明"}


def test_student_list_query_count_does_not_grow_with_rows(
    client, county_admin, students, django_assert_max_num_queries
):
    client.force_login(county_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:students"))
    assert response.status_code == 200


def test_htmx_filter_returns_only_the_table_partial(client, county_admin, students):
    client.force_login(county_admin)
    response = client.get(reverse("people:students"), {"sex": "F"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "李小红" in body and "张小明" not in body
    assert "<html" not in body and 'data-testid="student-table"' in body


def test_student_export_is_masked_and_audited(client, township_officer, students):
    client.force_login(township_officer)
    response = client.get(reverse("people:students"), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "姓名" and len(rows) == 3  # header + the two township-A students
    body = response.content.decode("utf-8-sig")
    assert ID_A not in body and idcard.mask(ID_A) in body
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == township_officer and entry.changes["rows"] == 2


def test_student_detail_of_another_township_is_404(client, township_officer, student_b):
    client.force_login(township_officer)
    assert client.get(reverse("people:student_detail", args=[student_b.pk])).status_code == 404


def test_student_detail_shows_state_on_a_chosen_date(client, county_admin, student_a):
    client.force_login(county_admin)
    url = reverse("people:student_detail", args=[student_a.pk])
    before = client.get(url, {"on": "2021-08-31"})
    assert before.context["state_status"] == "未入学"
    after = client.get(url, {"on": "2021-09-01"})
    assert after.context["state_status"] == "在校"
    assert "甸阳镇中心小学" in after.content.decode()


def test_reveal_id_shows_the_number_and_audits(client, principal, student_a):
    client.force_login(principal)
    url = reverse("people:student_reveal_id", args=[student_a.pk])
    response = client.post(url, {"reason_kind": "核对身份"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ID_A in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal", object_id=str(student_a.pk), actor=principal).count() == 1


def test_reveal_id_is_refused_for_a_class_teacher(client, class_teacher, student_a):
    client.force_login(class_teacher)
    response = client.post(reverse("people:student_reveal_id", args=[student_a.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # shown in place by HTMX
    assert client.post(reverse("people:student_reveal_id", args=[student_a.pk])).status_code == 403
    body = response.content.decode()
    assert "无权查看完整身份证号" in body and ID_A not in body
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_record_event_through_the_form(client, principal, student_a, school_a):
    client.force_login(principal)
    url = reverse("people:student_event_add", args=[student_a.pk])
    response = client.post(url, {"kind": "suspend", "date": "2022-03-01", "reason": "病休"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("people:student_detail", args=[student_a.pk])
    student_a.refresh_from_db()
    assert student_a.status == "suspended"


def test_event_form_shows_domain_error_next_to_the_field(client, principal, student_a, school_a):
    client.force_login(principal)
    url = reverse("people:student_event_add", args=[student_a.pk])
    response = client.post(url, {"kind": "enrol", "date": "2022-03-01", "school": school_a.pk, "grade": 1})
    assert response.status_code == 400
    assert "不能重复入学" in response.context["form"].errors["kind"][0]
    assert EnrolmentEvent.objects.filter(student=student_a).count() == 1


def test_village_cadre_cannot_record_events(client, village_cadre, student_a):
    client.force_login(village_cadre)
    response = client.post(
        reverse("people:student_event_add", args=[student_a.pk]), {"kind": "suspend", "date": "2022-03-01"}
    )
    assert response.status_code == 403
    assert EnrolmentEvent.objects.filter(student=student_a).count() == 1


def test_create_student_with_enrolment(client, principal, school_a, village_a1):
    client.force_login(principal)
    number = idcard.make("530521", __import__("datetime").date(2015, 6, 1), 35)
    data = {
        "name": "周小华", "sex": "M", "birth_date": "2015-06-01", "id_number": number, "ethnicity": "01",
        "hukou_village": village_a1.pk, "enrol_kind": "enrol", "enrol_date": "2021-09-01",
        "school": school_a.pk, "grade": 1,
    }  # fmt: skip
    response = client.post(reverse("people:student_create"), data)
    student = Student.objects.get(name="周小华")
    assert response.status_code == 302 and response["Location"] == reverse("people:student_detail", args=[student.pk])
    assert student.status == "in_school" and student.current_school == school_a
    assert student.id_masked == idcard.mask(number)


def test_create_student_with_bad_id_saves_nothing(client, principal, school_a):
    client.force_login(principal)
    data = {
        "name": "周小华", "sex": "M", "birth_date": "2015-06-01", "id_number": "530521201506010350",
        "ethnicity": "01", "enrol_kind": "enrol", "enrol_date": "2021-09-01", "school": school_a.pk, "grade": 1,
    }  # fmt: skip
    response = client.post(reverse("people:student_create"), data)
    assert response.status_code == 200
    assert "校验码错误" in response.context["form"].errors["id_number"][0]
    assert not Student.objects.filter(name="周小华").exists()
    assert not AuditEntry.objects.filter(object_type="people.Student").exists()


def test_principal_cannot_create_a_student_outside_their_scope(client, principal, village_b1):
    client.force_login(principal)
    data = {"name": "吴小兰", "sex": "F", "birth_date": "2015-06-01", "ethnicity": "01", "hukou_village": village_b1.pk}
    response = client.post(reverse("people:student_create"), data)
    assert "不在您的数据范围内" in response.content.decode()
    assert not Student.objects.filter(name="吴小兰").exists()


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("people:students", {"school": "abc", "grade": "x", "township": "1'", "page": "zz"}),
        ("people:teachers", {"school": "abc", "township": "?"}),
        ("schools:list", {"township": "abc"}),
        ("areas:list", {"parent": "abc"}),
    ],
)
def test_malformed_filters_match_nothing_instead_of_failing(client, county_admin, students, url_name, params):
    client.force_login(county_admin)
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_malformed_state_date_falls_back_to_today(client, county_admin, student_a):
    client.force_login(county_admin)
    response = client.get(reverse("people:student_detail", args=[student_a.pk]), {"on": "2022-13-40"})
    assert response.status_code == 200 and response.context["bad_on"] and response.context["state_status"] == "在校"


def test_an_out_of_county_event_records_the_level_of_study(client, principal, student_a, school_a):
    # 外县就读 through the form carries the level the child studies at (REFERENCE 高中阶段毛入学率, docs/indicators.md)
    client.force_login(principal)
    url = reverse("people:student_event_add", args=[student_a.pk])
    data = {"kind": "out_of_county", "date": "2022-03-01", "external_school": "保山一中", "study_level": "senior"}
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 204
    event = EnrolmentEvent.objects.get(student=student_a, kind="out_of_county")
    assert (event.study_level, event.external_school) == ("senior", "保山一中")
    assert "保山一中（普通高中）" in client.get(reverse("people:student_detail", args=[student_a.pk])).content.decode()


def test_a_level_of_study_belongs_only_to_an_out_of_county_event(client, principal, student_a, school_a):
    client.force_login(principal)
    url = reverse("people:student_event_add", args=[student_a.pk])
    response = client.post(url, {"kind": "suspend", "date": "2022-03-01", "study_level": "senior"})
    assert response.status_code == 400
    assert "仅在类型为外县就读时填写" in response.context["form"].errors["study_level"][0]
    assert EnrolmentEvent.objects.filter(student=student_a).count() == 1
