import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.dropout import services
from jiaoyun.dropout.choices import CaseStatus, DocumentKind
from jiaoyun.dropout.models import CaseDocument, CaseEvent, CaseStep
from jiaoyun.people.models import EnrolmentEvent
from jiaoyun.reports.pdf import pdf_text

D = dt.date


def evidence(name="证明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def test_full_lifecycle_through_all_four_steps_to_closure(
    enrolled, responsibles, county_admin, township_officer, township_gov
):
    # given a registered student confirmed out of school
    student = enrolled("张小明")
    case = services.case_open(actor=county_admin, student=student, on=D(2021, 10, 8), source="door_to_door")
    assert {(r.line, r.level) for r in case.responsibles.all()} == {
        ("admin", 1), ("admin", 2), ("admin", 3), ("admin", 4),
        ("education", 1), ("education", 2), ("education", 3), ("education", 4),
    }  # fmt: skip
    case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9),
                                reason="learning")  # fmt: skip
    assert case.status == CaseStatus.VERIFIED
    student.refresh_from_db()
    assert student.status == "dropped_out"  # the register records the confirmed dropout
    # when it goes through the four steps
    case = services.case_start_return(actor=county_admin, case=case, on=D(2021, 10, 10))
    step1 = CaseStep.objects.get(case=case, stage=1)
    assert step1.deadline == D(2021, 10, 17) and step1.responsible_name == "村主任丙"
    services.case_attempt_log(actor=county_admin, case=case, date=D(2021, 10, 11), people="村主任丙、班主任庚",
                              method="home_visit", result="refused")  # fmt: skip
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=2, on=D(2021, 10, 18),
                                      deadline=D(2021, 10, 28))  # fmt: skip
    doc = CaseDocument.objects.get(case=case)
    assert doc.kind == DocumentKind.CORRECTION_NOTICE and doc.number == "甸阳政责改〔2021〕第1号"
    assert doc.issuer_name == "甸阳镇人民政府" and doc.issuer_key == f"township:{township_gov.area_id}"
    assert CaseStep.objects.get(case=case, stage=2).doc_number == "甸阳政责改〔2021〕第1号"
    text = pdf_text(bytes(doc.pdf))
    assert "责令限期改正通知书" in text and "张小明" in text and "2021年10月28日" in text
    assert "甸阳政责改〔2021〕第1号" in text and "甸阳镇人民政府" in text
    case = services.case_step_advance(actor=township_gov, case=case, to_stage=3, on=D(2021, 10, 29),
                                      doc_number="施罚〔2021〕3号")  # fmt: skip
    case = services.case_step_advance(actor=county_admin, case=case, to_stage=4, on=D(2021, 11, 30),
                                      doc_number="（2021）云0521民初88号")  # fmt: skip
    assert list(CaseStep.objects.filter(case=case).values_list("stage", "completed_on")) == [
        (1, D(2021, 10, 18)), (2, D(2021, 10, 29)), (3, D(2021, 11, 30)), (4, None),
    ]  # fmt: skip
    # then the child returns to the same school, is observed and the case is closed
    case = services.case_return(actor=county_admin, case=case, placement="same_school", on=D(2021, 12, 6))
    assert case.status == CaseStatus.RETURNED
    resume = EnrolmentEvent.objects.filter(student=student).order_by("-date").first()
    assert resume.kind == "resume" and resume.date == D(2021, 12, 6) and resume.school_id == case.school_id
    case = services.case_observe_start(actor=county_admin, case=case, on=D(2021, 12, 6))
    assert case.observe_until == D(2022, 3, 6)
    with pytest.raises(IllegalTransition, match="巩固观察期至2022-03-06"):
        services.case_close(actor=county_admin, case=case, on=D(2022, 1, 6))
    case = services.case_close(actor=township_officer, case=case, on=D(2022, 3, 7))
    assert case.status == CaseStatus.CLOSED and case.closed_on == D(2022, 3, 7)
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions[0] == "发现" and actions[-1] == "销号" and len(actions) == 11


def test_illegal_transitions_are_refused_with_a_clear_message(enrolled, county_admin):
    case = services.case_open(actor=county_admin, student=enrolled("李四"), on=D(2021, 10, 8))
    with pytest.raises(IllegalTransition, match="案件当前状态为“待核实”，不能启动劝返"):
        services.case_start_return(actor=county_admin, case=case, on=D(2021, 10, 9))
    with pytest.raises(IllegalTransition, match="不能销号"):
        services.case_close(actor=county_admin, case=case, on=D(2021, 10, 9))
    case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
    case = services.case_start_return(actor=county_admin, case=case, on=D(2021, 10, 10))
    with pytest.raises(IllegalTransition, match="须填写跳过“责令改正、行政处罚”的理由"):
        services.case_step_advance(actor=county_admin, case=case, to_stage=4, on=D(2021, 10, 11))
    with pytest.raises(IllegalTransition, match="不能回到或重复第1步"):
        services.case_step_advance(actor=county_admin, case=case, to_stage=1, on=D(2021, 10, 11))
    with pytest.raises(IllegalTransition, match="行政处罚须以责令限期改正为前提"):
        services.case_step_advance(actor=county_admin, case=case, to_stage=3, on=D(2021, 10, 11),
                                   skip_reason="家长书面拒绝履行，经司法所同意直接处罚")  # fmt: skip
    case = services.case_step_advance(actor=county_admin, case=case, to_stage=4, on=D(2021, 10, 11),
                                      skip_reason="家长书面拒绝履行，检察院支持起诉")  # fmt: skip
    skipped = CaseStep.objects.get(case=case, stage=2)
    assert skipped.skipped and skipped.skip_reason.startswith("家长书面拒绝")
    with pytest.raises(IllegalTransition, match="不能转入巩固观察"):
        services.case_observe_start(actor=county_admin, case=case, on=D(2021, 10, 12))


def test_no_return_requires_reason_and_evidence(enrolled, county_admin):
    case = services.case_open(actor=county_admin, student=enrolled("王五"), on=D(2021, 10, 8))
    with pytest.raises(DomainError, match="须填写理由并上传佐证材料"):
        services.case_verify(actor=county_admin, case=case, outcome="abroad", on=D(2021, 10, 9), note="随父母出国")
    case = services.case_verify(actor=county_admin, case=case, outcome="abroad", on=D(2021, 10, 9),
                                note="随父母赴缅甸", evidence=evidence())  # fmt: skip
    assert case.status == CaseStatus.NO_RETURN and case.no_return_reason == "随父母赴缅甸"
    case = services.case_close(actor=county_admin, case=case, on=D(2021, 10, 10))
    assert case.status == CaseStatus.CLOSED


def test_class_teacher_cannot_issue_a_correction_order(enrolled, county_admin, class_teacher, responsibles):
    case = services.case_open(actor=county_admin, student=enrolled("赵六"), on=D(2021, 10, 8))
    case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
    case = services.case_start_return(actor=class_teacher, case=case, on=D(2021, 10, 10))
    services.case_attempt_log(actor=class_teacher, case=case, date=D(2021, 10, 10), people="班主任",
                              method="home_visit", result="promised")  # fmt: skip
    from jiaoyun.core.errors import PermissionDenied

    with pytest.raises(
        PermissionDenied, match="依法由当地乡镇人民政府或者县级人民政府教育行政部门作出.*班主任不能办理"
    ):
        services.case_step_advance(actor=class_teacher, case=case, to_stage=2, on=D(2021, 10, 18))


def test_redropout_reopens_an_observed_case(enrolled, county_admin):
    student = enrolled("孙七")
    case = services.case_open(actor=county_admin, student=student, on=D(2021, 10, 8))
    case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
    case = services.case_return(actor=county_admin, case=case, placement="same_school", on=D(2021, 10, 20))
    case = services.case_observe_start(actor=county_admin, case=case, on=D(2021, 10, 20))
    case = services.case_reopen(actor=county_admin, case=case, on=D(2021, 11, 3), note="又随父母外出务工")
    assert case.status == CaseStatus.VERIFIED and case.reopen_count == 1 and case.returned_on is None
    student.refresh_from_db()
    assert student.status == "dropped_out"
    case = services.case_start_return(actor=county_admin, case=case, on=D(2021, 11, 4))
    assert CaseStep.objects.filter(case=case, round=1, stage=1).exists()
