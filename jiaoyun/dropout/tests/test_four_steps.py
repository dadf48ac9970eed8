"""The 四步法 as the law requires it: each legal act only by the authority that may take it, documents in their
order, numbered per issuer, rendered as PDFs in the official layout; every placement writes the 学籍 event."""

import datetime as dt

import pytest

from jiaoyun.core.errors import DomainError, IllegalTransition, PermissionDenied
from jiaoyun.dropout import services
from jiaoyun.dropout.choices import ENROLMENT_PLACEMENTS, CaseStatus, DocumentKind, Placement
from jiaoyun.dropout.models import CaseDocument, DocumentSequence
from jiaoyun.dropout.permissions import AUTHORITY_RULES, Act
from jiaoyun.dropout.services.documents import Issuer, allocate_number
from jiaoyun.reports.pdf import pdf_text

D = dt.date
K = DocumentKind


@pytest.fixture
def returning(enrolled, county_admin, responsibles):
    """A factory of cases in step 1 (宣传教育) since 2021-10-10, the child's guardian named."""

    def make(name, guardian="张大山"):
        student = enrolled(name, guardian_name=guardian)
        case = services.case_open(actor=county_admin, student=student, on=D(2021, 10, 8))
        case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
        return services.case_start_return(actor=county_admin, case=case, on=D(2021, 10, 10))

    return make


def at_step3(case, actor):
    case = services.case_step_advance(actor=actor, case=case, to_stage=2, on=D(2021, 10, 18), deadline=D(2021, 10, 28))
    return services.case_step_advance(actor=actor, case=case, to_stage=3, on=D(2021, 10, 29))


# ---------------------------------------------------------------- who may issue what


@pytest.mark.parametrize("persona", ["principal", "township_officer", "class_teacher", "village_cadre"])
def test_school_centre_class_teacher_and_village_may_not_take_a_legal_act(persona, request, returning, township_gov):
    case = returning("错机关")
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied, match="依法由当地乡镇人民政府或者县级人民政府教育行政部门作出"):
        services.case_step_advance(actor=actor, case=case, to_stage=2, on=D(2021, 10, 18))
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=2, on=D(2021, 10, 18),
                                      deadline=D(2021, 10, 28))  # fmt: skip
    with pytest.raises(PermissionDenied, match="依法由"):
        services.case_document_issue(actor=actor, case=case, kind=K.CORRECTION_NOTICE, deadline=D(2021, 11, 5),
                                     on=D(2021, 10, 20))  # fmt: skip
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=3, on=D(2021, 10, 29))
    with pytest.raises(PermissionDenied, match="依法由"):
        services.penalty_notice_issue(actor=actor, case=case, penalty="警告", on=D(2021, 10, 29))
    assert not CaseDocument.objects.filter(case=case, kind=K.PENALTY_NOTICE).exists()


@pytest.mark.parametrize("persona", ["township_gov", "county_admin"])
def test_the_township_government_and_the_bureau_may_take_the_legal_acts(persona, request, returning):
    actor = request.getfixturevalue(persona)
    case = at_step3(returning("对机关"), actor)
    notice = services.penalty_notice_issue(actor=actor, case=case, penalty="警告", on=D(2021, 10, 29))
    assert notice.issuer_name == ("甸阳镇人民政府" if persona == "township_gov" else notice.issuer_name)
    assert notice.issuer_key == ("bureau" if persona == "county_admin" else f"township:{actor.area_id}")


def test_a_township_government_acts_only_for_its_own_township(returning, township_gov_b):
    case = returning("外乡镇")
    with pytest.raises(PermissionDenied, match="该案件不在您的数据范围内|不属于本乡镇"):
        services.case_step_advance(actor=township_gov_b, case=case, to_stage=2, on=D(2021, 10, 18))


@pytest.mark.parametrize("role", ["none", "township_officer"])
def test_a_superuser_takes_no_legal_act_its_role_does_not_allow(role, returning):
    from jiaoyun.core.tests.factories import UserFactory
    from jiaoyun.dropout.permissions import act_refusal

    case = returning("超级用户")
    root = UserFactory(username=f"root-{role}", role=role, is_staff=True, is_superuser=True)
    for act in Act.values:
        assert "依法由" in act_refusal(root, act, case)


def test_the_rules_are_data_with_their_legal_source():
    assert set(AUTHORITY_RULES) == set(Act.values)
    assert "第五十八条" in AUTHORITY_RULES[Act.CORRECTION].source
    assert "第五十四条" in AUTHORITY_RULES[Act.ENFORCEMENT].source
    for rule in AUTHORITY_RULES.values():
        assert "township_officer" not in rule.roles and "principal" not in rule.roles


def test_both_township_roles_read_the_township(township_gov, township_officer):
    from jiaoyun.core.scope import scope_for

    assert scope_for(township_gov).township_id == scope_for(township_officer).township_id == township_gov.area_id


# ---------------------------------------------------------------- order of the steps


def test_penalty_only_after_the_correction_period(returning, township_gov):
    case = returning("顺序")
    with pytest.raises(IllegalTransition, match="第3步“行政处罚”的文书"):
        services.penalty_notice_issue(actor=township_gov, case=case, penalty="警告", on=D(2021, 10, 12))
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=2, on=D(2021, 10, 18),
                                      deadline=D(2021, 10, 28))  # fmt: skip
    with pytest.raises(IllegalTransition, match="责令改正期限至2021-10-28"):
        services.case_step_advance(actor=township_gov, case=case, to_stage=3, on=D(2021, 10, 28))
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=3, on=D(2021, 10, 29))
    assert case.stage == 3


def test_decision_only_after_the_notice_and_the_answer_or_its_period(returning, township_gov):
    case = at_step3(returning("处罚"), township_gov)
    with pytest.raises(IllegalTransition, match="须先出具《行政处罚事先告知书》"):
        services.penalty_decision_issue(actor=township_gov, case=case, on=D(2021, 10, 29))
    notice = services.penalty_notice_issue(actor=township_gov, case=case, penalty="罚款200元", fine=200,
                                           on=D(2021, 10, 29))  # fmt: skip
    assert notice.deadline == D(2021, 11, 3) and not notice.hearing_right
    with pytest.raises(IllegalTransition, match="陈述、申辩期限至2021-11-03"):
        services.penalty_decision_issue(actor=township_gov, case=case, on=D(2021, 11, 3))
    with pytest.raises(DomainError, match="不属于应告知听证的情形"):
        services.guardian_answer_record(actor=township_gov, case=case, kind="hearing_requested", on=D(2021, 10, 30))
    services.guardian_answer_record(actor=township_gov, case=case, kind="statement", text="家中缺劳力",
                                    on=D(2021, 10, 31))  # fmt: skip
    decision = services.penalty_decision_issue(actor=township_gov, case=case, on=D(2021, 11, 1), review="理由不成立")
    assert decision.penalty == "罚款200元" and decision.fine == 200 and decision.deadline == D(2021, 11, 16)


def test_decision_after_the_period_without_an_answer(returning, county_admin):
    case = at_step3(returning("无意见"), county_admin)
    services.penalty_notice_issue(actor=county_admin, case=case, penalty="警告", on=D(2021, 10, 29))
    decision = services.penalty_decision_issue(actor=county_admin, case=case, on=D(2021, 11, 4))
    assert "在规定期限内未提出陈述、申辩意见" in pdf_text(bytes(decision.pdf)).replace("\n", "").replace(" ", "")


def test_a_requested_hearing_must_be_held_before_the_decision(returning, township_gov):
    case = at_step3(returning("听证"), township_gov)
    notice = services.penalty_notice_issue(actor=township_gov, case=case, penalty="罚款3000元", fine=3000,
                                           on=D(2021, 10, 29))  # fmt: skip
    assert notice.hearing_right
    with pytest.raises(IllegalTransition, match="未要求听证"):
        services.guardian_answer_record(actor=township_gov, case=case, kind="hearing_held", on=D(2021, 10, 30))
    services.guardian_answer_record(actor=township_gov, case=case, kind="hearing_requested", on=D(2021, 10, 30))
    with pytest.raises(IllegalTransition, match="须先组织听证"):
        services.penalty_decision_issue(actor=township_gov, case=case, on=D(2021, 11, 10))
    services.guardian_answer_record(actor=township_gov, case=case, kind="hearing_held", text="听证笔录附卷",
                                    on=D(2021, 11, 8))  # fmt: skip
    assert services.penalty_decision_issue(actor=township_gov, case=case, on=D(2021, 11, 10)).fine == 3000


def test_court_application_only_ten_days_after_the_reminder(returning, township_gov):
    case = at_step3(returning("强执"), township_gov)
    services.penalty_notice_issue(actor=township_gov, case=case, penalty="罚款200元", fine=200, on=D(2021, 10, 29))
    services.guardian_answer_record(actor=township_gov, case=case, kind="waived", on=D(2021, 10, 30))
    services.penalty_decision_issue(actor=township_gov, case=case, on=D(2021, 11, 1))  # perform by 11-16
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=4, on=D(2021, 11, 17))
    with pytest.raises(IllegalTransition, match="应当先催告"):
        services.court_application_issue(actor=township_gov, case=case, on=D(2021, 11, 17))
    with pytest.raises(IllegalTransition, match="履行期限至2021-11-16"):
        services.reminder_issue(actor=township_gov, case=case, on=D(2021, 11, 16))
    reminder = services.reminder_issue(actor=township_gov, case=case, on=D(2021, 11, 17))
    assert reminder.deadline == D(2021, 11, 27)
    with pytest.raises(IllegalTransition, match="最早2021-11-27"):
        services.court_application_issue(actor=township_gov, case=case, on=D(2021, 11, 26))
    application = services.court_application_issue(actor=township_gov, case=case, on=D(2021, 11, 27))
    assert application.kind == K.COURT_APPLICATION


def test_reminder_needs_a_decision_and_the_suit_route_needs_none(returning, county_admin):
    case = services.case_step_advance(actor=county_admin, case=returning("诉讼"), to_stage=4, on=D(2021, 10, 18),
                                      skip_reason="监护人书面拒绝，检察院支持起诉")  # fmt: skip
    with pytest.raises(IllegalTransition, match="本轮尚未作出处罚决定"):
        services.reminder_issue(actor=county_admin, case=case, on=D(2021, 10, 20))
    complaint = services.complaint_issue(actor=county_admin, case=case, on=D(2021, 10, 20),
                                         procuratorate="施甸县人民检察院")  # fmt: skip
    text = pdf_text(bytes(complaint.pdf)).replace(" ", "")
    assert "起诉状" in text and "施甸县人民检察院支持起诉" in text and "张大山" in text


# ---------------------------------------------------------------- numbering per issuer


def test_each_issuer_has_its_own_yearly_sequence(returning, township_gov, county_admin):
    a = services.case_step_advance(actor=township_gov, case=returning("甲"), to_stage=2, on=D(2021, 10, 18),
                                   deadline=D(2021, 10, 28))  # fmt: skip
    b = services.case_step_advance(actor=county_admin, case=returning("乙"), to_stage=2, on=D(2021, 10, 18),
                                   deadline=D(2021, 10, 28))  # fmt: skip
    c = services.case_step_advance(actor=township_gov, case=returning("丙"), to_stage=2, on=D(2021, 10, 19),
                                   deadline=D(2021, 10, 28))  # fmt: skip
    numbers = [a.documents.get().number, b.documents.get().number, c.documents.get().number]
    bureau_code = b.documents.get().number.split("责改")[0]
    assert numbers == ["甸阳政责改〔2021〕第1号", f"{bureau_code}责改〔2021〕第1号", "甸阳政责改〔2021〕第2号"]
    assert bureau_code.endswith("教体")
    issuer = Issuer(key=f"township:{township_gov.area_id}", name="甸阳镇人民政府", code="甸阳政")
    assert allocate_number(issuer=issuer, kind=K.REMINDER, year=2022) == "甸阳政催告〔2022〕第1号"
    assert allocate_number(issuer=issuer, kind=K.REMINDER, year=2021) == "甸阳政催告〔2021〕第3号"


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_gives_distinct_numbers():
    """Two transactions allocating at once from a fresh sequence (PostgreSQL): distinct numbers."""
    import threading
    import time

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions: PostgreSQL")
    issuer = Issuer(key="township:999", name="测试镇人民政府", code="测试政")
    barrier, results, errors = threading.Barrier(2), [], []

    def allocate():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results.append(allocate_number(issuer=issuer, kind=K.CORRECTION_NOTICE, year=2026))
                time.sleep(0.3)  # hold the lock while the other transaction tries
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not errors
    assert sorted(results) == ["测试政责改〔2026〕第1号", "测试政责改〔2026〕第2号"]
    assert DocumentSequence.objects.get(issuer_key="township:999", year=2026).last == 2


# ---------------------------------------------------------------- the PDFs


def flat(document):
    return pdf_text(bytes(document.pdf)).replace(" ", "").replace("\n", "")


def test_every_document_renders_with_issuer_number_guardian_and_rights(returning, township_gov):
    case = returning("文书生", guardian="李监护")
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=2, on=D(2021, 10, 18),
                                      deadline=D(2021, 10, 28))  # fmt: skip
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=3, on=D(2021, 10, 29))
    services.penalty_notice_issue(actor=township_gov, case=case, penalty="罚款3000元", fine=3000, on=D(2021, 10, 29))
    services.guardian_answer_record(actor=township_gov, case=case, kind="statement", text="家中困难",
                                    on=D(2021, 10, 30))  # fmt: skip
    services.penalty_decision_issue(actor=township_gov, case=case, on=D(2021, 11, 1))
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=4, on=D(2021, 11, 17))
    services.reminder_issue(actor=township_gov, case=case, on=D(2021, 11, 17))
    services.court_application_issue(actor=township_gov, case=case, on=D(2021, 11, 27))
    services.complaint_issue(actor=township_gov, case=case, on=D(2021, 11, 28))
    documents = {d.kind: d for d in CaseDocument.objects.filter(case=case)}
    assert set(documents) == set(K.values) - {K.RETURN_NOTICE}
    for kind, document in documents.items():
        text = flat(document)
        assert bytes(document.pdf)[:4] == b"%PDF"
        assert text.startswith("甸阳镇人民政府"), kind  # 红头 first
        assert document.number in text and K(kind).label in text and "李监护" in text and "（印章）" in text
        assert document.guardian == "李监护"
    notice = flat(documents[K.PENALTY_NOTICE])
    assert "你有权进行陈述和申辩" in notice and "第四十四条、第四十五条" in notice
    assert "你有权要求举行听证" in notice and "第六十三条、第六十四条" in notice
    assert "拟对你作出如下行政处罚：罚款3000元" in notice
    decision = flat(documents[K.PENALTY_DECISION])
    assert documents[K.PENALTY_NOTICE].number in decision and "家中困难" in decision and "行政复议" in decision
    reminder = flat(documents[K.REMINDER])
    assert "第五十四条" in reminder and documents[K.PENALTY_DECISION].number in reminder
    application = flat(documents[K.COURT_APPLICATION])
    assert documents[K.REMINDER].number in application and "人民法院" in application
    assert "第五十八条" in flat(documents[K.CORRECTION_NOTICE])


def test_the_notice_without_a_hearing_right_does_not_offer_one(returning, county_admin):
    case = at_step3(returning("无听证"), county_admin)
    notice = services.penalty_notice_issue(actor=county_admin, case=case, penalty="警告", on=D(2021, 10, 29))
    text = flat(notice)
    assert "你有权进行陈述和申辩" in text and "要求举行听证" not in text
    assert text.startswith(notice.issuer_name) and notice.issuer_name.endswith("教育体育局")


def test_the_document_is_served_only_within_scope(client, returning, township_gov, principal, outsider):
    from django.urls import reverse

    case = services.case_step_advance(actor=township_gov, case=returning("下载"), to_stage=2, on=D(2021, 10, 18),
                                      deadline=D(2021, 10, 28))  # fmt: skip
    url = reverse("dropout:document", args=[case.documents.get().pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(principal)
    response = client.get(url)
    assert response.status_code == 200 and response.content[:4] == b"%PDF"


# ---------------------------------------------------------------- placements write the 学籍 event


@pytest.mark.parametrize("placement", Placement.values)
def test_every_placement_keeps_register_and_case_in_agreement(placement, returning, county_admin, school_a, township_a):
    from jiaoyun.schools.tests.factories import SchoolFactory

    case = returning(f"安置{placement}")
    student = case.student
    student.refresh_from_db()
    assert student.status == "dropped_out"
    before = student.events.count()
    school = school_a
    if placement == Placement.SPECIAL_SCHOOL:
        school = SchoolFactory(name="施甸县特殊教育学校", kind="special", township=township_a)
    if placement == Placement.VOCATIONAL:
        school = SchoolFactory(name="施甸县职业高级中学", kind="vocational", township=township_a)
    grade = 1 if 1 in (school.grades or [1]) else school.grades[0]
    case = services.case_return(actor=county_admin, case=case, placement=placement, school=school, grade=grade,
                                on=D(2021, 10, 20))  # fmt: skip
    student.refresh_from_db()
    events = list(student.events.order_by("date", "seq").values_list("kind", "school_id"))
    if placement in ENROLMENT_PLACEMENTS:
        assert events[-1] == ("resume", school.pk)
        assert student.status == "in_school" and student.current_school_id == school.pk
        assert case.placement_school_id == school.pk
    elif placement == Placement.SUSPENDED:
        assert [k for k, _ in events[-2:]] == ["resume", "suspend"] and student.status == "suspended"
    else:
        assert placement == Placement.DEFERRED and len(events) == before and student.status == "dropped_out"
    assert case.status in (CaseStatus.RETURNED, CaseStatus.PLACED)


def test_a_special_school_placement_needs_a_special_school(returning, county_admin, school_a):
    with pytest.raises(DomainError, match="不是特殊教育学校"):
        services.case_return(actor=county_admin, case=returning("特教"), placement="special_school", school=school_a,
                             on=D(2021, 10, 20))  # fmt: skip


def test_the_case_page_offers_the_legal_acts_only_to_the_authority(client, returning, township_gov, township_officer):
    from django.urls import reverse

    case = at_step3(returning("页面"), township_gov)
    url = reverse("dropout:case", args=[case.pk])
    client.force_login(township_gov)
    assert "出具行政处罚事先告知书" in client.get(url).content.decode()
    client.force_login(township_officer)
    assert "出具行政处罚事先告知书" not in client.get(url).content.decode()
    response = client.post(reverse("dropout:case_action", args=[case.pk, "penalty_notice"]),
                           {"on": "2021-10-29", "penalty": "警告"}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert "中心校工作人员不能办理" in response.content.decode()
    assert not CaseDocument.objects.filter(case=case, kind=K.PENALTY_NOTICE).exists()
    client.force_login(township_gov)
    response = client.post(reverse("dropout:case_action", args=[case.pk, "penalty_notice"]),
                           {"on": "2021-10-29", "penalty": "罚款300元", "fine": "300"}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 204
    assert CaseDocument.objects.get(case=case, kind=K.PENALTY_NOTICE).fine == 300


def test_a_login_is_named_responsible_only_on_its_own_line(county_admin, township_a, school_a, township_gov,
                                                           township_officer):  # fmt: skip
    person = services.responsible_create(actor=county_admin, line="admin", level=2, name="镇长", area=township_a,
                                         user=township_gov)  # fmt: skip
    assert (person.line, person.level, person.level_label) == ("admin", 2, "乡（镇）人民政府")
    with pytest.raises(DomainError, match="中心校工作人员（教育线），不能作为政府线的责任人"):
        services.responsible_create(actor=county_admin, line="admin", level=2, name="中心校长", area=township_a,
                                    user=township_officer)  # fmt: skip
    with pytest.raises(DomainError, match="乡镇人民政府工作人员（政府线），不能作为教育线的责任人"):
        services.responsible_create(actor=county_admin, line="education", level=2, name="镇长", school=school_a,
                                    user=township_gov)  # fmt: skip
    with pytest.raises(DomainError, match="不能作为政府线的责任人"):
        services.responsible_update(actor=county_admin, person=person, user=township_officer)


def test_the_migration_splits_existing_township_officers(township_a, township_b):
    """Existing township officers become 中心校 staff unless registered as the township government (政府线 level 2)."""
    import importlib

    from django.apps import apps

    from jiaoyun.core.tests.factories import UserFactory
    from jiaoyun.dropout.models import ResponsiblePerson

    migration = importlib.import_module("jiaoyun.dropout.migrations.0004_split_township_roles")
    head = UserFactory(username="old_head", role="township_officer", area=township_a)
    centre = UserFactory(username="old_centre", role="township_officer", area=township_b)
    ResponsiblePerson.objects.create(line="admin", level=2, name="镇长", area=township_a, user=head)
    migration.forward(apps, None)
    head.refresh_from_db()
    centre.refresh_from_db()
    assert (head.role, centre.role) == ("township_gov", "township_officer")


def test_a_notice_to_the_guardian_is_in_the_official_layout(returning, township_gov):
    """The 责令限期改正通知书 uses the shared GB/T 9704 layout: the issuer's red head, number, title, the guardian
    addressed, the body, the issuer and the date under the seal, then the 送达回证; nothing left unfilled."""
    import re

    from jiaoyun.reports.official import PLACEHOLDERS

    case = services.case_step_advance(actor=township_gov, case=returning("版式", guardian="李大海"), to_stage=2,
                                      on=D(2021, 10, 18), deadline=D(2021, 10, 28))  # fmt: skip
    document = case.documents.get()
    text = re.sub(r"\s+", "", pdf_text(bytes(document.pdf)))
    order = ["甸阳镇人民政府", document.number, "责令限期改正通知书", "李大海：", "义务教育法", "甸阳镇人民政府",
             "2021年10月18日", "送达回证"]  # fmt: skip
    at = 0
    for part in order:
        at = text.index(part, at) + len(part)
    assert [p for p in PLACEHOLDERS if p in text] == []
