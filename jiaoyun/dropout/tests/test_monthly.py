import datetime as dt
from io import StringIO

from django.core.management import call_command

from jiaoyun.dropout import services
from jiaoyun.dropout.models import Bulletin, CaseAlert, DropoutStat
from jiaoyun.dropout.services.monthly import monthly_run, next_run_at, previous_month
from jiaoyun.reports.pdf import pdf_text

D = dt.date


def test_monthly_run_is_idempotent(enrolled, county_admin, responsibles):
    case = services.case_open(actor=county_admin, student=enrolled("月度生"), on=D(2021, 10, 8))
    case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
    services.case_start_return(actor=county_admin, case=case, on=D(2021, 10, 10))
    first = monthly_run(today=D(2021, 11, 1))
    assert "2021年10月控辍保学通报" in first
    alerts = CaseAlert.objects.count()
    assert alerts > 0 and DropoutStat.objects.filter(measure="overdue").exists()
    monthly_run(today=D(2021, 11, 1))
    assert Bulletin.objects.count() == 1 and CaseAlert.objects.count() == alerts
    text = pdf_text(bytes(Bulletin.objects.get().pdf))
    assert "仍未返校" in text and "甸阳镇" in text


def test_monthly_command_takes_a_month(enrolled, county_admin):
    out = StringIO()
    call_command("dropout_monthly", "--month", "2021-09", stdout=out)
    assert Bulletin.objects.get().month == D(2021, 9, 1) and "2021年09月" in out.getvalue()


def test_schedule_helpers():
    assert previous_month(D(2022, 1, 1)) == D(2021, 12, 1)
    run = next_run_at(dt.datetime(2021, 12, 15, 10, 0, tzinfo=dt.UTC))
    assert (run.year, run.month, run.day, run.hour) == (2022, 1, 1, 1)


def test_dashboard_counts_within_scope(enrolled, make_student, county_admin, village_cadre, village_b1):
    from jiaoyun.dropout import selectors

    services.case_open(actor=county_admin, student=enrolled("村里娃"), on=D(2021, 10, 8))
    services.case_open(actor=county_admin, student=make_student("外村娃", village=village_b1), on=D(2021, 10, 8))
    services.stats_refresh(as_of=D(2021, 11, 15))
    assert selectors.dashboard(user=county_admin)["cards"]["suspected"] == 2
    assert selectors.dashboard(user=village_cadre)["cards"]["suspected"] == 1
    assert selectors.dashboard(user=county_admin)["cards"]["children"] == 2
