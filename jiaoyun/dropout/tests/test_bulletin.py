import datetime as dt

import pytest

from jiaoyun.core.errors import DomainError
from jiaoyun.dropout import services
from jiaoyun.dropout.models import Bulletin
from jiaoyun.dropout.services.reporting import bulletin_figures, bulletin_verify, school_month_figures
from jiaoyun.people.services import enrolment_record
from jiaoyun.reports.pdf import pdf_text

D = dt.date


@pytest.fixture
def november(enrolled, make_student, county_admin, township_b, village_b1, school_b):
    """township_a: 3 cases (1 returned in Nov, 1 still out with an overdue step, 1 dismissed);
    township_b: 1 case still out (never enrolled, no school)."""
    returned = services.case_open(actor=county_admin, student=enrolled("已返校"), on=D(2021, 11, 2))
    services.case_verify(actor=county_admin, case=returned, outcome="confirmed_dropout", on=D(2021, 11, 3))
    services.case_return(actor=county_admin, case=returned, placement="same_school", on=D(2021, 11, 20))
    out = services.case_open(actor=county_admin, student=enrolled("未返校"), on=D(2021, 11, 2))
    services.case_verify(actor=county_admin, case=out, outcome="confirmed_dropout", on=D(2021, 11, 3))
    services.case_start_return(actor=county_admin, case=out, on=D(2021, 11, 4))  # deadline 11-11: overdue at 11-30
    dismissed = services.case_open(actor=county_admin, student=enrolled("误报"), on=D(2021, 11, 5))
    services.case_verify(actor=county_admin, case=dismissed, outcome="in_school", on=D(2021, 11, 6), note="在校")
    never = services.case_open(actor=county_admin, student=make_student("太和未入学", village=village_b1),
                               on=D(2021, 10, 20))  # fmt: skip
    services.case_verify(actor=county_admin, case=never, outcome="confirmed_out", on=D(2021, 10, 21))
    return {"returned": returned, "out": out}


def test_bulletin_numbers_reconcile_with_case_records(november, township_a, township_b, school_a):
    f = bulletin_figures(month=D(2021, 11, 1), generated_on=D(2021, 12, 1))
    rows = {r["name"]: r for r in f["townships"]}
    assert rows["甸阳镇"] | {} == rows["甸阳镇"]
    assert {k: rows["甸阳镇"][k] for k in ("new", "returned", "still_out", "total", "overdue")} == {
        "new": 2, "returned": 1, "still_out": 1, "total": 2, "overdue": 1,
    }  # fmt: skip
    assert rows["甸阳镇"]["return_rate"] == 50.0
    assert {k: rows["老麦乡"][k] for k in ("new", "returned", "still_out", "total", "overdue")} == {
        "new": 0, "returned": 0, "still_out": 1, "total": 1, "overdue": 0,
    }  # fmt: skip
    assert f["totals"]["still_out"] == 2 and f["totals"]["new"] == 2
    assert [r["name"] for r in f["townships"]] == ["老麦乡", "甸阳镇"]  # fewer overdue steps ranks first
    assert f["rectify"] == [{"name": school_a.name, "reason": "逾期未办结步骤1个"}]
    assert f["commended"] == []
    assert school_month_figures(school=school_a, month=D(2021, 11, 1)) == {
        "suspected_new": 3, "confirmed_new": 2, "returned": 1, "still_out": 1, "pending": 0, "attempts": 0,
    }  # fmt: skip


def test_bulletin_is_archived_immutably_and_reproducible(november, county_admin):
    bulletin = services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1), on=D(2021, 12, 1))
    text = pdf_text(bytes(bulletin.pdf))
    assert "2021年11月控辍保学工作通报" in text and "甸阳镇" in text and "限期整改" in text
    assert services.bulletin_generate(actor=county_admin, month=D(2021, 11, 1)).pk == bulletin.pk
    assert Bulletin.objects.count() == 1
    assert bulletin_verify(bulletin=bulletin) == {"figures": True, "xlsx": True, "pdf": True}
    bulletin.figures = {}
    with pytest.raises(ValueError, match="已归档"):
        bulletin.save()
    with pytest.raises(ValueError, match="已归档"):
        Bulletin.objects.get().delete()


def test_school_monthly_report_is_locked_once_submitted(november, principal, school_a, school_b):
    report = services.monthly_report_submit(actor=principal, school=school_a, month=D(2021, 11, 1))
    assert report.figures["returned"] == 1
    with pytest.raises(DomainError, match="已提交并锁定"):
        services.monthly_report_submit(actor=principal, school=school_a, month=D(2021, 11, 1))
    from jiaoyun.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.monthly_report_submit(actor=principal, school=school_b, month=D(2021, 11, 1))


def test_quarterly_review_counts_the_reports_of_the_quarter(november, principal, county_admin, school_a):
    services.monthly_report_submit(actor=principal, school=school_a, month=D(2021, 10, 1))
    services.monthly_report_submit(actor=principal, school=school_a, month=D(2021, 11, 1))
    review = services.quarterly_review_mark(actor=county_admin, school=school_a, year=2021, quarter=4,
                                            result="rectify", note="12月月报未报")  # fmt: skip
    assert review.reports_found == 2
    from jiaoyun.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.quarterly_review_mark(actor=principal, school=school_a, year=2021, quarter=4, result="passed")
    _ = enrolment_record
