import datetime as dt

from jiaoyun.dropout import services
from jiaoyun.dropout.models import CaseAlert, CaseStep
from jiaoyun.dropout.services.deadlines import escalation_levels

D = dt.date


def test_escalation_climbs_one_level_per_period():
    # step 1 answers at level 3 (村委会 / 班主任); one day late → also level 2; 8 days late (7-day period) → level 1
    assert [
        (e.line, e.base, e.target) for e in escalation_levels(stage=1, deadline=D(2021, 10, 17), on=D(2021, 10, 17))
    ] == []
    assert [(e.base, e.target) for e in escalation_levels(stage=1, deadline=D(2021, 10, 17), on=D(2021, 10, 18))] == [
        (3, 2), (3, 2),
    ]  # fmt: skip
    assert [e.target for e in escalation_levels(stage=1, deadline=D(2021, 10, 17), on=D(2021, 10, 25))] == [1, 1]
    assert [e.target for e in escalation_levels(stage=4, deadline=D(2021, 10, 17), on=D(2021, 12, 25))] == [1, 1]


def test_overdue_step_alerts_responsible_and_escalates_each_line(enrolled, responsibles, county_admin):
    case = services.case_open(actor=county_admin, student=enrolled("逾期生"), on=D(2021, 10, 8))
    case = services.case_verify(actor=county_admin, case=case, outcome="confirmed_dropout", on=D(2021, 10, 9))
    case = services.case_start_return(actor=county_admin, case=case, on=D(2021, 10, 10))  # deadline 10-17
    assert services.deadlines_check(on=D(2021, 10, 17)) == 0
    assert services.deadlines_check(on=D(2021, 10, 18)) == 4
    alerts = {(a.line, a.level): a for a in CaseAlert.objects.filter(case=case)}
    assert set(alerts) == {("admin", 3), ("admin", 2), ("education", 3), ("education", 2)}
    assert alerts[("admin", 3)].person_name == "村主任丙" and not alerts[("admin", 3)].escalated
    assert alerts[("admin", 2)].person_name == "镇长乙" and alerts[("admin", 2)].escalated
    assert "已逾期1天" in alerts[("education", 2)].message and "中心校/学校督办" in alerts[("education", 2)].message
    assert services.deadlines_check(on=D(2021, 10, 19)) == 0  # idempotent
    assert services.deadlines_check(on=D(2021, 10, 25)) == 2  # a week later: county and bureau
    assert CaseStep.objects.get(case=case, stage=1).escalation_level == 1
    # a completed step raises nothing further
    services.case_return(actor=county_admin, case=case, placement="same_school", on=D(2021, 10, 26))
    assert services.deadlines_check(on=D(2021, 11, 30)) == 0
