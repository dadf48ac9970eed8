"""Scope: a class teacher sees their class's risks, a township its own; sensitive factors are masked for roles
that may not see them; the one-click follow-up goes to the class teacher responsible, with a deadline."""

import datetime as dt

import pytest
from django.urls import reverse

from jiaoyun.dropout.models import ResponsiblePerson
from jiaoyun.notices.models import Notification
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.warning import services
from jiaoyun.warning.models import Followup, ModelVersion, RiskScore

ON = dt.date(2024, 10, 1)
FACTORS = [
    {"key": "absent_recent", "text": "近30天缺勤9天", "weight": 1.2, "sensitive": False},
    {"key": "poverty", "text": "脱贫家庭/监测户", "weight": 0.8, "sensitive": True},
    {"key": "grade7_new", "text": "七年级刚升入", "weight": 0.5, "sensitive": False},
]


@pytest.fixture
def scored(school_a, school_b, class_a1, township_a, township_b):
    model = ModelVersion.objects.create(
        kind="baseline", data_from=2019, data_to=2023, params={}, sha256="x", in_use=True
    )
    mine = StudentFactory(
        name="王小明", status="in_school", current_school=school_a, current_class=class_a1, current_grade=1
    )
    other = StudentFactory(name="李外乡", status="in_school", current_school=school_b, current_grade=1)
    s1 = RiskScore.objects.create(
        student=mine,
        on=ON,
        model=model,
        risk=0.31,
        rank=1,
        flagged=True,
        factors=FACTORS,
        township=township_a,
        school=school_a,
        school_class=class_a1,
        grade=1,
        previous=0.1,
    )
    s2 = RiskScore.objects.create(
        student=other,
        on=ON,
        model=model,
        risk=0.25,
        rank=2,
        flagged=True,
        factors=FACTORS,
        township=township_b,
        school=school_b,
        grade=1,
    )
    return {"mine": s1, "other": s2}


def test_class_teacher_sees_their_class_with_sensitive_factors_masked(client, class_teacher, class_a1, scored):
    client.force_login(class_teacher)
    page = client.get(reverse("warning:class", args=[class_a1.pk])).content.decode()
    assert "王小明" in page and "近30天缺勤9天" in page and "七年级刚升入" in page
    assert "脱贫" not in page and "家庭情况需关注" in page
    assert "李外乡" not in page
    dash = client.get(reverse("warning:dashboard")).content.decode()
    assert "王小明" in dash and "李外乡" not in dash and "脱贫" not in dash


def test_principal_and_township_see_sensitive_factors_of_their_own_only(client, principal, township_officer, scored):
    for user in (principal, township_officer):
        client.force_login(user)
        page = client.get(reverse("warning:pupil", args=[scored["mine"].student_id])).content.decode()
        assert "脱贫家庭/监测户" in page
        assert client.get(reverse("warning:pupil", args=[scored["other"].student_id])).status_code == 404
        assert "李外乡" not in client.get(reverse("warning:dashboard")).content.decode()


def test_village_cadre_and_outsider_are_refused(client, village_cadre, outsider, scored):
    for user in (village_cadre, outsider):
        client.force_login(user)
        assert client.get(reverse("warning:dashboard")).status_code == 403
        assert client.get(reverse("warning:pupil", args=[scored["mine"].student_id])).status_code == 403


def test_county_leader_reads_masked_factors_and_cannot_open_a_follow_up(client, county_leader, county_admin, scored):
    from jiaoyun.supervision.services import link_create

    # A county leader reads pupils only of the schools linked to him (挂钩联系).
    link_create(actor=county_admin, school=scored["mine"].student.current_school, person="县领导", leader=county_leader)
    client.force_login(county_leader)
    page = client.get(reverse("warning:pupil", args=[scored["mine"].student_id])).content.decode()
    assert "家庭情况需关注" in page and "脱贫" not in page
    assert client.post(reverse("warning:followup_open", args=[scored["mine"].pk])).status_code == 403
    assert not Followup.objects.exists()


def test_one_click_follow_up_goes_to_the_class_teacher_with_a_deadline(
    client, class_teacher, class_a1, school_a, scored
):
    ResponsiblePerson.objects.create(
        line="education", level=3, name="张老师", school=school_a, school_class=class_a1, user=class_teacher
    )
    client.force_login(class_teacher)
    response = client.post(reverse("warning:followup_open", args=[scored["mine"].pk]))
    assert response.status_code == 302
    f = Followup.objects.get()
    assert f.responsible_name == "张老师" and f.responsible_user == class_teacher and f.status == "open"
    assert (f.deadline - f.opened_on).days == 14
    assert "脱贫" not in f.reason and "近30天缺勤9天" in f.reason
    assert Notification.objects.filter(user=class_teacher, key=f"warning.followup.{f.pk}").exists()
    # A second click does not open a second follow-up.
    client.post(reverse("warning:followup_open", args=[scored["mine"].pk]))
    assert Followup.objects.count() == 1
    # Feedback: a false alarm needs a note; then it is recorded and closes the follow-up.
    client.post(reverse("warning:followup_feedback", args=[f.pk]), {"status": "false_alarm", "note": ""})
    f.refresh_from_db()
    assert f.status == "open"
    client.post(
        reverse("warning:followup_feedback", args=[f.pk]), {"status": "false_alarm", "note": "因病请假，已返校"}
    )
    f.refresh_from_db()
    assert f.status == "false_alarm" and f.feedback_on is not None


def test_class_teacher_cannot_open_a_follow_up_outside_their_class(client, class_teacher, scored):
    client.force_login(class_teacher)
    assert client.post(reverse("warning:followup_open", args=[scored["other"].pk])).status_code == 404
    with pytest.raises(Exception, match="数据范围"):
        services.followup_open(actor=class_teacher, score=scored["other"], on=ON)
    assert not Followup.objects.exists()


def test_todo_lists_follow_ups_due_for_township_and_class_teacher(class_teacher, township_officer, scored):
    from jiaoyun.warning import todo

    services.followup_open(actor=township_officer, score=scored["mine"], on=ON)
    for user in (class_teacher, township_officer):
        items = todo.followup_items(user=user, today=ON)
        assert [i.key for i in items] == ["warning.followup"] and "王小明" in items[0].subject
        assert items[0].deadline == ON + dt.timedelta(days=14)


def test_risk_summary_counts_flagged_pupils_by_township(scored, township_a, township_b):
    from jiaoyun.warning.selectors import risk_summary

    assert risk_summary(on=ON) == {township_a.pk: 1, township_b.pk: 1}
    assert risk_summary(on=ON - dt.timedelta(days=1)) == {}


def test_resolved_follow_ups_are_left_out_of_the_next_evaluation(registry, township_officer, school_a):
    """Feedback is used: a pupil whose follow-up was resolved is censored in the outcome of that year."""
    from jiaoyun.warning.features import compute

    p1 = registry["p1"]
    Followup.objects.create(
        student=p1,
        status="resolved",
        opened_on=ON + dt.timedelta(days=5),
        deadline=ON + dt.timedelta(days=19),
        school=school_a,
    )
    frame = compute(ON, labels=True)
    assert frame.censored[frame.ids == p1.pk].tolist() == [True]
    assert frame.censored.sum() == 1


def test_api_lists_risks_in_scope_with_masking(client, class_teacher, scored):
    client.force_login(class_teacher)
    data = client.get("/api/warning/risks").json()
    assert [r["student_name"] for r in data["items"]] == ["王小明"]
    assert "家庭情况需关注" in data["items"][0]["factors"]


def test_the_follow_up_button_returns_only_to_a_local_page(client, class_teacher, class_a1, scored):
    client.force_login(class_teacher)
    response = client.post(reverse("warning:followup_open", args=[scored["mine"].pk]), {"next": "//evil.example/"})
    assert response["Location"] == reverse("warning:pupil", args=[scored["mine"].student_id])


def test_bulletin_section_counts_by_township_and_names_no_child(scored, township_a, township_b):
    from jiaoyun.warning.bulletin import section

    s = section(month=dt.date(2024, 10, 1), on=dt.date(2024, 11, 2))
    assert s is not None and s.key == "warning" and s.order == 80
    assert sorted(s.tables[0].rows) == sorted([[township_a.name, 1], [township_b.name, 1]])
    text = str(s.as_dict())
    assert "王小明" not in text and "李外乡" not in text
    assert section(month=dt.date(2024, 9, 1), on=dt.date(2024, 10, 2)) is None  # no scoring day by 30 September
