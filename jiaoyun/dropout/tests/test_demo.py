import datetime as dt
import io
import random

from jiaoyun.dropout import demo
from jiaoyun.dropout.models import Bulletin, DropoutCase, HukouRecord, ResponsiblePerson, SchoolMonthlyReport
from jiaoyun.people.services import enrolment_record

D = dt.date


def test_demo_generates_roster_cases_reports_and_a_bulletin(enrolled, make_student, class_a1, village_a2):
    # given a small county: pupils in class, two dropouts (one in 2021, one long ago), one child never enrolled,
    # one studying outside the county
    for i in range(6):
        enrolled(f"在校{i}")
    for name, day in (("辍学甲", D(2021, 10, 11)), ("辍学乙", D(2021, 9, 20))):
        enrolment_record(actor=None, student=enrolled(name), kind="drop_out", date=day, reason="厌学")
    make_student("未入学丙", village=village_a2, birth=D(2013, 5, 5))
    away = make_student("外县丁", birth=D(2012, 5, 5))
    enrolment_record(actor=None, student=away, kind="out_of_county", date=D(2021, 9, 1))
    out = io.StringIO()
    summary = demo.generate(rng=random.Random(1), scale=1, stdout=out, today=D(2021, 11, 15))
    assert HukouRecord.objects.count() == 10 + 3  # every registered compulsory-age child + 3 only on the roster
    assert ResponsiblePerson.objects.filter(line="education", level=3, school_class=class_a1).exists()
    found = set(DropoutCase.objects.values_list("student__name", flat=True))
    assert {"辍学甲", "辍学乙", "未入学丙"} <= found and "外县丁" not in found
    assert summary["crossmatch"]["cases_created"] == len(found)
    assert Bulletin.objects.get().month == D(2021, 10, 1)
    assert SchoolMonthlyReport.objects.exists()
    assert "控辍保学" in out.getvalue()


def test_the_demo_class_teacher_took_the_register_before_today_not_today(enrolled, class_a1, school_a):
    from jiaoyun.core.choices import Role
    from jiaoyun.core.tests.factories import UserFactory
    from jiaoyun.dropout.models import Absence, ClassRegister

    teacher = UserFactory(username="teacher", role=Role.CLASS_TEACHER, school=school_a)
    teacher.classes.add(class_a1)
    for i in range(4):
        enrolled(f"在校{i}")
    demo.generate(rng=random.Random(1), scale=1, stdout=io.StringIO(), today=D(2021, 11, 15))  # a Monday
    days = list(ClassRegister.objects.filter(school_class=class_a1).order_by("date").values_list("date", flat=True))
    assert days[0] == D(2021, 11, 1) and days[-1] == D(2021, 11, 12) and len(days) == 10  # ten school days before
    for register in ClassRegister.objects.filter(school_class=class_a1):
        absent = Absence.objects.filter(student__current_class=class_a1, date=register.date).count()
        assert register.absent == absent and register.pupils == 4 and register.recorded_by == teacher
