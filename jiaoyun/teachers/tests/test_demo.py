import datetime as dt
import io
import random

from jiaoyun.teachers import demo
from jiaoyun.teachers.models import Application, HiringRound, QuotaSnapshot, Sanction, Score
from jiaoyun.teachers.tests.conftest import add_classes, add_students, make_teacher


def test_demo_generates_quotas_round_and_ethics(personnel, school_a, school_b):
    add_students(school_b, dict.fromkeys(range(1, 7), 30))
    add_classes(school_b, dict.fromkeys(range(1, 7), 1))
    for i in range(6):
        make_teacher(school_b, main_subject=("chinese", "math")[i % 2], school_since=dt.date(2012, 9, 1))
        make_teacher(school_a, main_subject=("chinese", "math")[i % 2], school_since=dt.date(2012, 9, 1))
    out = io.StringIO()
    demo.generate(rng=random.Random(1), scale=1, stdout=out, today=dt.date(2026, 10, 15))
    assert QuotaSnapshot.objects.filter(year=2026).count() == 2
    rnd = HiringRound.objects.get()
    assert rnd.status == "applying" and Application.objects.filter(round=rnd).count() == 6
    assert Score.objects.filter(application__round=rnd).exists()
    # the sanctioned teacher works at the demo principal's school (老麦乡中心小学)
    assert Sanction.objects.filter(type="demerit", record__teacher__school=school_b).count() == 1
    assert "编制核定2所学校" in out.getvalue()
