"""Numbers that agree: "current dropouts" (仍未返校) is counted by one definition (``still_out_q``) on the
控辍保学 dashboard, the 辍学学生台账 it links to, the monthly bulletin and ``current_dropouts_count``; the 学籍 figure
(``dropped_status_count``, the home page's 辍学) is a different thing and each page says which it shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jiaoyun.dropout import selectors, services
from jiaoyun.dropout.selectors.figures import current_dropouts_count, dropped_status_count
from jiaoyun.dropout.services.reporting import bulletin_figures
from jiaoyun.people.services import enrolment_record
from jiaoyun.web.selectors import home_figures

D = dt.date


@pytest.fixture
def world(enrolled, make_student, county_admin, village_a1):
    """Six children of township_a, each an awkward case for the count:

    - 未返校: confirmed 2021-11-03, in 劝返 → still out;
    - 已返校: confirmed 2021-11-03, returned 2021-11-20 (this school year) → out on 11-10, not on 11-30;
    - 转出县外: confirmed as studying out of the county (不需劝返), the case closed, the 学籍 transferred out → never;
    - 失学: never enrolled, confirmed 2021-10-21 → still out (a case, but no 学籍 辍学);
    - 学籍辍学: 学籍 state 辍学 (a drop-out event), no case yet → not in the case count, in the 学籍 count;
    - 待核实: a suspected case (待核实) → not confirmed, not counted."""
    admin = county_admin
    out = services.case_open(actor=admin, student=enrolled("未返校"), on=D(2021, 11, 2))
    services.case_verify(actor=admin, case=out, outcome="confirmed_dropout", on=D(2021, 11, 3))
    services.case_start_return(actor=admin, case=out, on=D(2021, 11, 4))
    back = services.case_open(actor=admin, student=enrolled("已返校"), on=D(2021, 11, 2))
    services.case_verify(actor=admin, case=back, outcome="confirmed_dropout", on=D(2021, 11, 3))
    services.case_return(actor=admin, case=back, placement="same_school", on=D(2021, 11, 20))
    moved = enrolled("转出县外")
    away = services.case_open(actor=admin, student=moved, on=D(2021, 11, 2))
    services.case_verify(actor=admin, case=away, outcome="out_of_county", on=D(2021, 11, 3), note="在外县就读",
                         evidence=SimpleUploadedFile("证明.pdf", b"%PDF-1.4 proof"))  # fmt: skip
    services.case_close(actor=admin, case=away, on=D(2021, 11, 5), note="不需劝返，销号")
    enrolment_record(actor=None, student=moved, kind="transfer_out", date=D(2021, 11, 4))
    never = services.case_open(actor=admin, student=make_student("失学", village=village_a1), on=D(2021, 10, 20))
    services.case_verify(actor=admin, case=never, outcome="confirmed_out", on=D(2021, 10, 21))
    registry = enrolled("学籍辍学")
    enrolment_record(actor=None, student=registry, kind="drop_out", date=D(2021, 11, 8))
    services.case_open(actor=admin, student=enrolled("待核实"), on=D(2021, 11, 25))
    return {"out": out, "back": back, "never": never}


def _number(html: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}"[^>]*>\s*([\d,]+)', html)
    assert match, f"no figure {testid}"
    return int(match.group(1).replace(",", ""))


def _total(html: str) -> int:
    match = re.search(r"共 (\d+) 条", html)
    assert match
    return int(match.group(1))


def test_current_dropouts_one_definition_on_a_past_day(world, county_admin):
    # On 11-10 the returned child was still out; on 11-30 it is back. Closed 不需劝返 and 待核实 never count.
    assert current_dropouts_count(user=county_admin, on=D(2021, 11, 10)) == 3
    assert current_dropouts_count(user=county_admin, on=D(2021, 11, 30)) == 2
    november = bulletin_figures(month=D(2021, 11, 1), generated_on=D(2021, 12, 1))
    assert november["totals"]["still_out"] == current_dropouts_count(user=county_admin, on=D(2021, 11, 30))
    dash = selectors.dashboard(user=county_admin, as_of=D(2021, 11, 30))
    assert dash["cards"]["still_out"] == 2
    listed = selectors.case_list(user=county_admin, filters={"still_out": "1"}, as_of=D(2021, 11, 30))
    assert {c.student.name for c in listed} == {"未返校", "失学"}


def test_dashboard_card_ledger_and_bulletin_show_the_same_number_today(world, client, county_admin):
    client.force_login(county_admin)
    dashboard = client.get(reverse("dropout:dashboard")).content.decode()
    ledger = client.get(reverse("dropout:ledger", args=["dropouts"]) + "?still_out=1").content.decode()
    this_month = bulletin_figures(month=timezone.localdate())
    expected = current_dropouts_count(user=county_admin)
    assert expected == 2
    assert _number(dashboard, "card-still-out") == expected
    assert _total(ledger) == expected
    assert this_month["totals"]["still_out"] == expected
    # The card says what it counts and for which day, and links to exactly that list.
    assert "?still_out=1" in dashboard
    assert (
        f"截至{timezone.localdate():%Y年}{timezone.localdate().month}月{timezone.localdate().day}日已核实确认"
        in dashboard
    )


def test_registry_dropouts_are_a_different_labelled_figure(world, county_admin, township_officer):
    # 学籍 state 辍学: the drop-out event of 学籍辍学 and the one recorded by the verification of 未返校 (the
    # returned child is back in school, the child out of the county transferred out, 失学 was never enrolled).
    for user in (county_admin, township_officer):
        assert dropped_status_count(user=user) == home_figures(user=user)["students"]["dropped"] == 2
    assert current_dropouts_count(user=county_admin) == 2  # same size here, different children:
    assert {c.student.name for c in selectors.case_list(user=county_admin, filters={"still_out": "1"})} == {
        "未返校",
        "失学",
    }
