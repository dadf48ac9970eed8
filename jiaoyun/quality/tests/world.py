"""The quality objects of the scope matrix's county (``core/tests/test_route_matrix.py``): everything of
township B (王小刚's evaluation, evidence, 公示, a certificate, a competition entry), and the ``student`` persona
(张小明 of township A, who may see only himself)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone


def quality_world(*, students: list[Any], school_b: Any, class_b: Any, principal_b: Any) -> tuple[dict[str, Any], Any]:
    from jiaoyun.core.tests.factories import UserFactory
    from jiaoyun.quality.models import (
        ActivityRecord,
        Certificate,
        Competition,
        Entry,
        EvaluationTerm,
        Evidence,
        Major,
        Portfolio,
        Publicity,
        StudentAccount,
        VocationalStudent,
    )

    student_b = students[2]
    today = timezone.localdate()
    term = EvaluationTerm.objects.create(school_year=2021, term=1, starts=today - dt.timedelta(days=30),
                                         ends=today + dt.timedelta(days=60), record_deadline=today + dt.timedelta(days=5),
                                         select_deadline=today + dt.timedelta(days=10),
                                         confirm_deadline=today + dt.timedelta(days=20))  # fmt: skip
    portfolio = Portfolio.objects.create(student=student_b, term=term, school=school_b, school_class=class_b)
    record = ActivityRecord.objects.create(portfolio=portfolio, dimension="moral", title="王小刚的志愿服务", date=today,
                                           created_by=principal_b)  # fmt: skip
    evidence = Evidence(record=record, name="王小刚-志愿.jpg", uploaded_by=principal_b)
    evidence.file.save("王小刚-志愿.jpg", ContentFile(b"\xff\xd8\xff\xe0 photo"), save=True)
    publicity = Publicity.objects.create(school_class=class_b, term=term, starts=today, ends=today, working_days=1,
                                         opened_by=principal_b)  # fmt: skip
    major = Major.objects.create(school=school_b, code="710201", name="计算机应用")
    VocationalStudent.objects.create(student=student_b, major=major, cohort=2021)
    Certificate.objects.create(student=student_b, name="王小刚的证书", level="junior", organisation="工信部",
                               issued_on=today, number="W-B-1")  # fmt: skip
    competition = Competition.objects.create(
        name="县中小学技能节", level="county", organiser="县教育体育局", date=today
    )
    Entry.objects.create(competition=competition, school=school_b, role="student", student=student_b, award="first")
    student = UserFactory(username="student", role="student")
    StudentAccount.objects.create(user=student, student=students[0])
    objects = {"quality_portfolio": portfolio, "quality_record": record, "quality_evidence": evidence,
               "quality_publicity": publicity, "quality_competition": competition}  # fmt: skip
    return objects, student
