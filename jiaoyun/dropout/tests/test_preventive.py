"""预防性跟进台账 (ADR 0047): the follow-ups of 辍学预警 are a 控辍保学 ledger — listed and exported within the
scope of the dropout pages, opened to the 双线四级 education line's class teacher, turned (one click) into a case
on the 疑似 ledger when the child has left, and counted in the bulletin by township."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from jiaoyun.core.models import AuditEntry
from jiaoyun.dropout.choices import CaseStatus, Line, Source
from jiaoyun.dropout.models import DropoutCase
from jiaoyun.people.tests.factories import StudentFactory
from jiaoyun.warning import selectors as warning_selectors
from jiaoyun.warning import services as warning_services
from jiaoyun.warning.models import Followup, ModelVersion, RiskScore

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 10, 8)
FACTORS = [
    {"key": "absent_recent", "text": "近30天缺勤9天", "weight": 1.2, "sensitive": False},
    {"key": "poverty", "text": "脱贫家庭/监测户", "weight": 0.8, "sensitive": True},
]


def _score(model, student, township, school, school_class=None, rank=1):
    return RiskScore.objects.create(student=student, on=ON, model=model, risk=0.3 / rank, rank=rank, flagged=True,
                                    factors=FACTORS, township=township, school=school, school_class=school_class,
                                    grade=1)  # fmt: skip


@pytest.fixture
def followups(responsibles, county_admin, school_a, school_b, class_a1, township_a, township_b, village_a1,
              village_a2, village_b1):  # fmt: skip
    """王小明: class_a1 (village_a1); 赵同乡: township_a, another class and village; 李外乡: township_b."""
    model = ModelVersion.objects.create(kind="baseline", data_from=2019, data_to=2023, params={}, sha256="x",
                                        in_use=True)  # fmt: skip
    mine = StudentFactory(name="王小明", status="in_school", current_school=school_a, current_class=class_a1,
                          current_grade=1, hukou_village=village_a1)  # fmt: skip
    near = StudentFactory(name="赵同乡", status="in_school", current_school=school_a, current_grade=3,
                          hukou_village=village_a2)  # fmt: skip
    other = StudentFactory(name="李外乡", status="in_school", current_school=school_b, current_grade=1,
                           hukou_village=village_b1)  # fmt: skip
    scores = [_score(model, mine, township_a, school_a, class_a1), _score(model, near, township_a, school_a, rank=2),
              _score(model, other, township_b, school_b, rank=3)]  # fmt: skip
    return [warning_services.followup_open(actor=county_admin, score=s, on=ON) for s in scores]


def names(user, **filters):
    return sorted(f.student.name for f in warning_selectors.followup_ledger(user=user, filters=filters, today=ON))


def test_the_responsible_person_is_the_education_line_class_teacher(followups, class_teacher):
    mine = followups[0]
    assert mine.responsible.line == Line.EDUCATION and mine.responsible.level == 3
    assert mine.responsible_name == "班主任庚" and mine.responsible_user == class_teacher
    assert mine.reason == "近30天缺勤9天"  # written without the sensitive factor


def test_the_ledger_keeps_the_scope_of_the_dropout_pages(followups, county_admin, township_officer, class_teacher,
                                                         village_cadre, outsider):  # fmt: skip
    assert names(county_admin) == ["李外乡", "王小明", "赵同乡"]
    assert names(township_officer) == ["王小明", "赵同乡"]
    assert names(class_teacher) == ["王小明"]
    assert names(village_cadre) == ["王小明"]  # the children of the village, as the cases
    assert names(outsider) == []
    assert names(county_admin, township=str(followups[2].township_id)) == ["李外乡"]
    assert names(county_admin, q="同乡") == ["赵同乡"]
    assert names(county_admin, status="visited") == []
    assert names(county_admin, due="overdue") == []
    assert names(county_admin, township="x", opened_from="bad") == ["李外乡", "王小明", "赵同乡"]  # ignored


def test_the_ledger_page_lists_only_what_is_in_scope(client, followups, class_teacher, village_cadre, outsider):
    for user, seen in ((class_teacher, True), (village_cadre, True), (outsider, False)):
        client.force_login(user)
        response = client.get(reverse("dropout:followups"))
        body = response.content.decode()
        assert response.status_code == 200
        assert ("王小明" in body) is seen
        assert "李外乡" not in body and "赵同乡" not in body
        assert "脱贫" not in body
    client.force_login(class_teacher)
    assert 'data-testid="followup-to-case"' in client.get(reverse("dropout:followups")).content.decode()
    client.force_login(village_cadre)  # sees the ledger, does not act on it
    assert 'data-testid="followup-to-case"' not in client.get(reverse("dropout:followups")).content.decode()


def test_the_ledger_export_holds_the_rows_in_scope_and_is_audited(client, followups, township_officer):
    client.force_login(township_officer)
    response = client.get(reverse("dropout:followups"), {"format": "xlsx"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("姓名", "性别", "乡镇") and "责任人（班主任）" in header and "转入案件" in header
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {"王小明", "赵同乡"}
    assert body["王小明"][header.index("责任人（班主任）")] == "班主任庚"
    assert body["王小明"][header.index("状态")] == "待跟进"
    entry = AuditEntry.objects.get(action="export", object_type="warning.Followup")
    assert entry.actor == township_officer and "（2行）" in entry.object_repr


def test_a_follow_up_that_finds_the_child_gone_opens_a_case_linked_to_it(client, followups, class_teacher):
    mine = followups[0]
    client.force_login(class_teacher)
    url = reverse("dropout:followup_case", args=[mine.pk])
    response = client.post(url, {"note": ""})  # the finding is required: nothing is written without it
    assert response.status_code == 302 and not DropoutCase.objects.exists()
    response = client.post(url, {"note": "家访得知已随父母外出务工"})
    case = DropoutCase.objects.get()
    assert response["Location"] == reverse("dropout:case", args=[case.pk])
    mine.refresh_from_db()
    assert (mine.status, mine.case_id, mine.note) == ("left", case.pk, "家访得知已随父母外出务工")
    assert case.student_id == mine.student_id and case.status == CaseStatus.PENDING
    assert case.source == Source.PREVENTIVE and case.school_class_id == mine.school_class_id
    named = {(r.line, r.level): r.person.name for r in case.responsibles.select_related("person")}
    assert named[(Line.EDUCATION, 3)] == "班主任庚"  # the 劝返 flow's 包保责任人, from the 双线四级
    assert "预防性跟进" in case.events.get().note
    assert AuditEntry.objects.filter(object_type="warning.Followup", object_id=str(mine.pk), action="transition",
                                     object_repr__contains=f"案件#{case.pk}").exists()  # fmt: skip
    page = client.get(reverse("dropout:case", args=[case.pk])).content.decode()
    assert 'data-testid="case-followup"' in page and "家访得知已随父母外出务工" in page
    ledger = client.get(reverse("dropout:followups")).content.decode()
    assert f"案件#{case.pk}" in ledger
    client.post(url, {"note": "再点一次"})  # closed: no second case
    assert DropoutCase.objects.count() == 1


def test_only_the_roles_that_follow_up_may_open_a_case_and_only_in_scope(client, followups, village_cadre,
                                                                          class_teacher):  # fmt: skip
    client.force_login(village_cadre)
    assert client.post(reverse("dropout:followup_case", args=[followups[0].pk]), {"note": "x"}).status_code == 403
    client.force_login(class_teacher)
    assert client.post(reverse("dropout:followup_case", args=[followups[2].pk]), {"note": "x"}).status_code == 404
    assert not DropoutCase.objects.exists()
    assert [f.status for f in Followup.objects.order_by("id")] == ["open", "open", "open"]


@pytest.fixture
def november(school_a, school_b, township_a, township_b):
    """Follow-ups around November 2024, by hand (opened, deadline, status, feedback):

    甸阳镇 A1 10-20 11-03 open —        → overdue at 11-30
           A2 11-05 11-19 visited 11-10 → opened, visited
           A3 11-06 11-20 resolved 11-25 → opened, resolved
           A4 11-07 11-21 false alarm 12-02 → opened; not answered by 11-30 and past its deadline: overdue
           A5 11-28 12-12 open —        → opened, not yet due
    老麦乡 B1 11-02 11-16 left 11-15    → opened, left (a case)
           B2 10-01 10-15 false alarm 11-03 → false alarm (answered in November: not overdue)"""
    D = dt.date
    spec = [
        ("A1", township_a, school_a, D(2024, 10, 20), D(2024, 11, 3), "open", None),
        ("A2", township_a, school_a, D(2024, 11, 5), D(2024, 11, 19), "visited", D(2024, 11, 10)),
        ("A3", township_a, school_a, D(2024, 11, 6), D(2024, 11, 20), "resolved", D(2024, 11, 25)),
        ("A4", township_a, school_a, D(2024, 11, 7), D(2024, 11, 21), "false_alarm", D(2024, 12, 2)),
        ("A5", township_a, school_a, D(2024, 11, 28), D(2024, 12, 12), "open", None),
        ("B1", township_b, school_b, D(2024, 11, 2), D(2024, 11, 16), "left", D(2024, 11, 15)),
        ("B2", township_b, school_b, D(2024, 10, 1), D(2024, 10, 15), "false_alarm", D(2024, 11, 3)),
    ]
    for name, township, school, opened, deadline, status, feedback in spec:
        Followup.objects.create(student=StudentFactory(name=f"学生{name}"), township=township, school=school,
                                opened_on=opened, deadline=deadline, status=status, feedback_on=feedback)  # fmt: skip


def test_the_bulletin_counts_the_follow_ups_by_township(november, township_a, township_b):
    from jiaoyun.dropout.bulletin import section
    from jiaoyun.dropout.services.reporting import bulletin_figures, bulletin_render_xlsx

    f = bulletin_figures(month=dt.date(2024, 11, 1), generated_on=dt.date(2024, 12, 3))["preventive"]
    by_name = {r["name"]: r for r in f["townships"]}
    keys = ("opened", "visited", "resolved", "false_alarm", "left", "overdue")
    assert {k: by_name["甸阳镇"][k] for k in keys} == dict(zip(keys, (4, 1, 1, 0, 0, 2), strict=True))
    assert {k: by_name["老麦乡"][k] for k in keys} == dict(zip(keys, (1, 0, 0, 1, 1, 0), strict=True))
    assert f["totals"] == dict(zip(keys, (5, 1, 1, 1, 1, 2), strict=True))
    s = section(month=dt.date(2024, 11, 1), on=dt.date(2024, 12, 3))
    assert s is not None
    text = str(s.as_dict())
    assert (
        "本月发起5人次；反馈已家访1人次、已解决1人次、误报1人次、发现已离校转入案件1人次；月末逾期未反馈2人次" in text
    )
    table = next(t for t in s.tables if t.caption.startswith("各乡镇预防性跟进"))
    assert sorted(table.rows) == sorted([["甸阳镇", 4, 1, 1, 0, 0, 2], ["老麦乡", 1, 0, 0, 1, 1, 0]])
    assert "学生A" not in text and "学生B" not in text
    october = bulletin_figures(month=dt.date(2024, 10, 1))["preventive"]["totals"]
    assert october == dict(zip(keys, (2, 0, 0, 0, 0, 1), strict=True))  # A1, B2 opened; B2 past due on 10-31
    book = openpyxl.load_workbook(io.BytesIO(bulletin_render_xlsx(
        bulletin_figures(month=dt.date(2024, 11, 1), generated_on=dt.date(2024, 12, 3)))))  # fmt: skip
    assert "预防性跟进" in book.sheetnames
