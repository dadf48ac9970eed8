"""Numbers that agree: the home page's 在职教职工 is the staff list's default length; the 编制与缺口 page's 实有在编
counts only staff on an established post, and says so."""

from __future__ import annotations

import re

from django.urls import reverse

from jiaoyun.teachers.services import quota_compute
from jiaoyun.teachers.tests.conftest import make_teacher
from jiaoyun.web.selectors import home_figures


def test_active_staff_and_established_staff(client, personnel, county_admin, school_a):
    make_teacher(school_a, staffing="established")
    make_teacher(school_a, staffing="substitute")  # 代课: 在职, not 在编
    make_teacher(school_a, staffing="established", is_active=False)  # left: neither
    quota_compute(actor=personnel, year=2026)
    client.force_login(county_admin)
    staff_list = client.get(reverse("people:teachers")).content.decode()
    assert int(re.search(r"共 (\d+) 条", staff_list).group(1)) == home_figures(user=county_admin)["teachers"] == 2
    quotas = client.get(reverse("teachers:dashboard"), {"year": 2026}).content.decode()
    card = re.search(r'<div class="label">实有在编</div><div class="value">(\d+)</div>', quotas)
    assert card and int(card.group(1)) == 1
