import datetime as dt
import io
import random

from django.utils import timezone

from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.safety import demo
from jiaoyun.safety.models import ComplianceSnapshot, Device, Hazard, HazardEvent, SafetyAlert, SafetyProfile
from jiaoyun.safety.tests.factories import people


def test_demo_generates_every_part_with_gaps(school_a, school_a_junior, school_b, principal, county_admin):
    UserFactory(username="safety", role="bureau_staff", section="safety")
    laomai_principal = UserFactory(username="lm", role="principal", school=school_b)
    people(school_a, students=300, staff=20)
    people(school_b, students=120, staff=10)
    today = timezone.localdate()

    out = io.StringIO()
    result = demo.generate(rng=random.Random(3), scale=1, stdout=out, today=today)

    assert result["profiles"] == 3 == SafetyProfile.objects.count()
    assert ComplianceSnapshot.objects.filter(date=today).count() == 3
    policy_start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    history = {max(policy_start, today - dt.timedelta(days=14 * k)) for k in range(1, 6)} - {today}
    assert set(ComplianceSnapshot.objects.values_list("date", flat=True)) == history | {today}
    gate = Hazard.objects.get(title__startswith="校门损坏")
    assert gate.school == school_b and gate.responsible == laomai_principal and gate.status == "open"
    # the one alarm silent for two hours is offline with an alert
    offline_alarms = Device.objects.filter(kind="alarm", is_online=False)
    assert offline_alarms.count() == 1
    assert SafetyAlert.objects.filter(kind="device_offline", device=offline_alarms.get()).exists()
    # no hazard is closed without a verification by someone other than the fixer
    for h in Hazard.objects.filter(status="closed"):
        assert h.verified_by_id and h.verified_by_id != h.fixed_by_id
        assert HazardEvent.objects.filter(hazard=h, action="复查通过").exists()
    assert "平安校园档案" in out.getvalue()
    assert all(h.deadline >= today - dt.timedelta(days=400) for h in Hazard.objects.all())
