"""Numbers that agree: an overdue hazard (逾期未整改) is counted by one definition (``hazards_overdue``) on the
dashboard card and chart, in the list's ``overdue=1``, by ``hazards_overdue_count`` and, for a past month's end,
in the monthly bulletin."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jiaoyun.safety import selectors, services
from jiaoyun.safety.models import Hazard, HazardEvent
from jiaoyun.safety.selectors import bulletin_section, hazards_overdue_count


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("fix.jpg", b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg")


def _back_date(hazard: Hazard, *, opened: dt.date, deadline: dt.date) -> None:
    """The hazard was found on ``opened`` (its 登记 record too) with ``deadline`` (a test of history)."""
    at = timezone.make_aware(dt.datetime.combine(opened, dt.time(9)))
    Hazard.objects.filter(pk=hazard.pk).update(opened_at=at, deadline=deadline)
    HazardEvent.objects.filter(hazard=hazard, action="登记").update(at=at)


@pytest.fixture
def world(principal, vice_principal, school_a, school_b, safety_staff):
    """Hazards of school_a (township_a) around today T and the last day P of the previous month:

    - 逾期一天: 待整改, deadline T-1 → overdue;
    - 今日到期: 待整改, deadline T → not overdue (the day is not over);
    - 已整改待复查: rectified, deadline T-3 → overdue (not yet re-inspected);
    - 复查通过: verified, deadline T-5 → not overdue;
    - 逾期后销号: found before P with deadline P-5, fixed and closed today → not overdue today, overdue at P;
    and one 待整改 of school_b (another township), deadline T-2 → overdue, outside township_a."""
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    soon = today + dt.timedelta(days=7)

    def hazard(title, school=school_a, responsible=principal, actor=principal):
        return services.hazard_open(
            actor=actor, school=school, title=title, severity="low", responsible=responsible, deadline=soon
        )

    h = hazard("逾期一天")
    _back_date(h, opened=today - dt.timedelta(days=10), deadline=today - dt.timedelta(days=1))
    h = hazard("今日到期")
    _back_date(h, opened=today - dt.timedelta(days=10), deadline=today)
    h = hazard("已整改待复查")
    services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[_photo()])
    _back_date(h, opened=today - dt.timedelta(days=10), deadline=today - dt.timedelta(days=3))
    h = hazard("复查通过")
    h = services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[_photo()])
    services.hazard_verify(hazard=h, actor=vice_principal, passed=True, note="合格")
    _back_date(h, opened=today - dt.timedelta(days=10), deadline=today - dt.timedelta(days=5))
    h = hazard("逾期后销号")
    h = services.hazard_rectify(hazard=h, actor=principal, note="已修", files=[_photo()])
    h = services.hazard_verify(hazard=h, actor=vice_principal, passed=True, note="合格")
    services.hazard_close(hazard=h, actor=vice_principal, note="销号")
    _back_date(h, opened=last_month_end - dt.timedelta(days=20), deadline=last_month_end - dt.timedelta(days=5))
    h = hazard("外乡镇逾期", school=school_b, responsible=safety_staff, actor=safety_staff)
    _back_date(h, opened=today - dt.timedelta(days=10), deadline=today - dt.timedelta(days=2))
    return {"today": today, "last_month_end": last_month_end}


def _total(html: str) -> int:
    match = re.search(r"共 (\d+) 条", html)
    assert match
    return int(match.group(1))


def _card(html: str) -> int:
    match = re.search(r'data-testid="overdue-count"[^>]*>\s*(\d+)', html)
    assert match
    return int(match.group(1))


@pytest.mark.parametrize(("persona", "expected"), [("safety_staff", 3), ("township_officer", 2), ("principal", 2)])
def test_dashboard_list_and_count_agree_today(world, client, request, persona, expected):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    dashboard = client.get(reverse("safety:dashboard")).content.decode()
    listed = client.get(reverse("safety:hazards") + "?overdue=1").content.decode()
    assert hazards_overdue_count(user) == expected
    assert _card(dashboard) == expected
    assert _total(listed) == expected
    chart = selectors.dashboard(user=user)
    assert sum(r["overdue"] for r in chart["hazards"]) == expected


def test_the_names_of_the_overdue_ones(world, safety_staff):
    rows = selectors.hazard_list(user=safety_staff, filters={"overdue": "1", "status": "active"})
    assert {h.title for h in rows} == {"逾期一天", "已整改待复查", "外乡镇逾期"}


def test_bulletin_counts_the_month_end_by_the_same_definition(world, safety_staff):
    end = world["last_month_end"]
    # At the end of last month only the hazard closed late was overdue (the others were found this month or were
    # not yet past their deadline); it was then still 待整改, so it counts although it is closed now.
    at_end = selectors.hazards_overdue(Hazard.objects.all(), on=end)
    assert "逾期后销号" in {h.title for h in at_end}
    assert "今日到期" not in {h.title for h in at_end}
    section = bulletin_section(month=end)
    assert sum(r["overdue"] for r in section["rows"]) == hazards_overdue_count(safety_staff, on=end)
    assert f"月末逾期未整改{hazards_overdue_count(safety_staff, on=end)}条" in section["summary"]
    # The current month's bulletin counts as of today: the same number as the dashboard.
    current = bulletin_section(month=world["today"])
    assert sum(r["overdue"] for r in current["rows"]) == hazards_overdue_count(safety_staff) == 3


def test_a_verified_hazard_past_its_deadline_is_not_overdue_on_any_page(world, safety_staff):
    verified = Hazard.objects.get(title="复查通过")
    assert not selectors.hazard_list(user=safety_staff, filters={"overdue": "1"}).filter(pk=verified.pk).exists()
    assert not selectors.hazards_overdue(Hazard.objects.filter(pk=verified.pk)).exists()
    today = bulletin_section(month=world["today"])
    assert "月末逾期未整改3条" in today["summary"]  # the current month's bulletin leaves it out as well
