"""The case ledger shows each case's current deadline: the earliest deadline of its open 四步法 steps (a finished or
skipped step no longer counts), so the card on a phone leads with the status and the date by which to act."""

import datetime as dt

from django.urls import reverse

from jiaoyun.dropout import selectors, services
from jiaoyun.dropout.models import CaseStep

D = dt.date


def test_ledger_shows_the_deadline_of_the_open_steps(client, enrolled, make_student, county_admin, village_b1):
    a = services.case_open(actor=county_admin, student=enrolled("甸阳学生"), on=D(2021, 10, 8))
    b = services.case_open(actor=county_admin, student=make_student("太和娃", village=village_b1), on=D(2021, 10, 8))
    CaseStep.objects.bulk_create(
        [
            CaseStep(
                case=a, stage=1, started_on=D(2021, 10, 8), deadline=D(2021, 10, 15), completed_on=D(2021, 10, 14)
            ),
            CaseStep(case=a, stage=2, started_on=D(2021, 10, 14), deadline=D(2021, 10, 18), skipped=True),
            CaseStep(case=a, stage=3, started_on=D(2021, 10, 14), deadline=D(2021, 10, 29)),
            CaseStep(case=a, stage=4, started_on=D(2021, 10, 14), deadline=D(2021, 11, 30)),
        ]
    )
    deadlines = {c.pk: c.next_deadline for c in selectors.case_list(user=county_admin)}
    assert deadlines == {a.pk: D(2021, 10, 29), b.pk: None}

    client.force_login(county_admin)
    body = client.get(reverse("dropout:ledger", args=["all"])).content.decode()
    assert 'class="data card-list"' in body and "<th>期限</th>" in body
    assert '<td class="deadline">2021-10-29</td>' in body and '<td class="deadline">—</td>' in body
