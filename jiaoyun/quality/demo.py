"""Demo data of the quality module: 综合素质评价 at every stage in four classes of 施甸县第一中学 (with the demo logins
``student``, ``gzteacher`` and ``gzprincipal``), 学业水平考试 results, the vocational school's majors, 1+X
certificates (one major above the target, others below), competitions, a 综合高中 pilot class, credits, a transfer
from 普高 to 中职 and the progression of past graduates. Records are written in bulk; the transitions that make
the archives (公示, 审核确认) go through the services, so the PDFs are real and their SHA-256 stored."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from jiaoyun.core.choices import Role
from jiaoyun.core.models import User
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.people.choices import StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.quality import services
from jiaoyun.quality.choices import PortfolioState
from jiaoyun.quality.models import (
    AcademicResult,
    ActivityRecord,
    Certificate,
    CertificateProgramme,
    Entry,
    EvaluationTerm,
    Evidence,
    Holiday,
    Major,
    Portfolio,
    Publicity,
    StudentAccount,
    VocationalStudent,
)
from jiaoyun.schools.models import School, SchoolClass

PASSWORD = "Jiaoyun2021"  # noqa: S105 - the demo password of every demo login (README)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"  # fmt: skip
ACTIVITIES = {
    "moral": ("社区志愿服务", "团支部主题团日", "敬老院慰问", "交通文明劝导"),
    "academic": ("物理研究性学习", "数学建模小组", "英语演讲比赛", "化学创新实验"),
    "health": ("校运会1500米", "体质健康测试", "篮球联赛", "心理健康讲座"),
    "arts": ("校园合唱节", "书法社团", "非遗扎染体验", "美术作品展"),
    "practice": ("博物馆志愿讲解", "农业科技园研学", "企业参观实践", "社区垃圾分类宣传"),
}
MAJORS = (  # code, name, programme, organisation, share of graduates holding a certificate
    ("710201", "计算机应用", "Web前端开发", "工业和信息化部教育与考试中心", 0.78),
    ("700206", "汽车运用与维修", "汽车运用与维修", "北京中车行高新技术有限公司", 0.46),
    ("730701", "电子商务", "网店运营推广", "中教畅享（北京）科技有限公司", 0.58),
    ("610101", "现代农艺技术", "农产品电商运营", "北京新奥时代科技有限责任公司", 0.30),
)
HOLIDAYS = ((1, 1, "元旦"), (5, 1, "劳动节"), (5, 2, "劳动节"), (5, 3, "劳动节"), (10, 1, "国庆节"), (10, 2, "国庆节"),
            (10, 3, "国庆节"), (10, 4, "国庆节"), (10, 5, "国庆节"), (10, 6, "国庆节"), (10, 7, "国庆节"))  # fmt: skip


def _terms(today: dt.date) -> EvaluationTerm:
    sy = SchoolYear.of(today).start_year
    if today.month >= 9 or today.month == 1:
        starts, ends, number = dt.date(sy, 9, 1), dt.date(sy + 1, 1, 20), 1
    else:
        starts, ends, number = dt.date(sy + 1, 2, 20), dt.date(sy + 1, 7, 10), 2
    record = max(ends - dt.timedelta(days=20), today + dt.timedelta(days=10))
    return EvaluationTerm.objects.create(school_year=sy, term=number, starts=starts, ends=max(ends, record),
                                         record_deadline=record, select_deadline=record + dt.timedelta(days=7),
                                         confirm_deadline=record + dt.timedelta(days=14))  # fmt: skip


def _user(username: str, role: str, label: str, **extra: Any) -> User:
    return User.objects.create(username=username, password=make_password(PASSWORD), role=role, display_name=label,
                               password_changed_at=timezone.now(), **extra)  # fmt: skip


def _records(rng: random.Random, portfolio: Portfolio, actor: User, term: EvaluationTerm, today: dt.date,
             n: int) -> list[ActivityRecord]:  # fmt: skip
    span = max(1, (min(today, term.ends) - term.starts).days)
    rows = []
    for dim in rng.sample(list(ACTIVITIES), k=min(n, 5)):
        rows.append(ActivityRecord(portfolio=portfolio, dimension=dim, title=rng.choice(ACTIVITIES[dim]),
                                   date=term.starts + dt.timedelta(days=rng.randrange(span)),
                                   hours=Decimal(rng.choice((2, 3, 4, 6, 8))), description="认真参与，有收获。",
                                   created_by=actor))  # fmt: skip
    return ActivityRecord.objects.bulk_create(rows)


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    sy = SchoolYear.of(today).start_year
    for year in (sy, sy + 1):
        for month, day, name in HOLIDAYS:
            Holiday.objects.get_or_create(date=dt.date(year, month, day), defaults={"name": name})
    term = _terms(today)
    senior = School.objects.filter(kind="senior", is_active=True).order_by("id").first()
    vocational = School.objects.filter(kind="vocational", is_active=True).order_by("id").first()
    if senior is None or vocational is None:
        stdout.write("  quality：缺少普通高中或职业高中，跳过\n")
        return
    principal = _user("gzprincipal", Role.PRINCIPAL, f"{senior.name}校长", school=senior)
    _user("zjprincipal", Role.PRINCIPAL, f"{vocational.name}校长", school=vocational)
    classes = list(SchoolClass.objects.filter(school=senior, school_year=sy, grade=11).order_by("number")[:3])
    classes += list(SchoolClass.objects.filter(school=senior, school_year=sy, grade=12).order_by("number")[:1])
    teacher = _user("gzteacher", Role.CLASS_TEACHER, "高中班主任", school=senior)
    teacher.classes.add(*classes)
    stages = {}
    for klass, stage in zip(classes, ("recording", "publicity", "review", "confirmed"), strict=False):
        pupils = list(Student.objects.filter(current_class=klass, status=StudentStatus.IN_SCHOOL).order_by("id")[:20])
        stages[stage] = pupils
        for pupil in pupils:
            p = Portfolio.objects.create(student=pupil, term=term, school=senior, school_class=klass)
            records = _records(rng, p, teacher, term, today, rng.randint(2, 5))
            if stage != "recording":
                services.portfolio_select(actor=teacher, portfolio=p, record_ids=[r.pk for r in records])
        if stage == "recording" or not pupils:
            continue
        # Only the pupils shown are in these classes' evaluation; the 公示 runs for them.
        Portfolio.objects.filter(school_class=klass, term=term, state=PortfolioState.RECORDING).delete()
        pub = services.publicity_open(actor=teacher, school_class=klass, term=term, starts=today)
        if stage == "publicity":
            first = Portfolio.objects.filter(school_class=klass, term=term).order_by("id").first()
            if first is not None:
                services.objection_add(actor=teacher, publicity=pub, portfolio=first, raised_by="同班同学",
                                       content="志愿服务时长与记录不符，请核实")  # fmt: skip
            continue
        Publicity.objects.filter(pk=pub.pk).update(
            starts=today - dt.timedelta(days=12), ends=today - dt.timedelta(days=3)
        )
        pub.refresh_from_db()
        services.publicity_close(actor=teacher, publicity=pub, today=today)
        if stage == "confirmed":
            for p in Portfolio.objects.filter(school_class=klass, term=term).order_by("id")[:8]:
                services.portfolio_confirm(actor=principal, portfolio=p)
    # The student login: the first pupil of the class still recording, with a photo on one record.
    recording = stages.get("recording") or []
    own = recording[0] if recording else None
    if own is not None:
        login = _user("student", Role.STUDENT, own.name)
        StudentAccount.objects.create(user=login, student=own)
        shown = ActivityRecord.objects.filter(portfolio__student=own).order_by("id").first()
        if shown is not None:
            evidence = Evidence(record=shown, name="活动照片.png", uploaded_by=login)
            evidence.file.save("demo.png", ContentFile(PNG), save=True)
    # 学业水平考试 results of the pupils of 高二 and 高三 shown above.
    results = []
    for pupils in stages.values():
        for pupil in pupils:
            for subject in rng.sample(["chinese", "math", "english", "physics", "history", "biology"], k=3):
                score = Decimal(rng.randint(52, 98))
                grade = (
                    "A" if score >= 85 else "B" if score >= 75 else "C" if score >= 65 else "D" if score >= 60 else "E"
                )
                results.append(AcademicResult(student=pupil, subject=subject, session=f"{sy}年6月",
                                              exam_date=dt.date(sy, 6, 20), score=score, grade=grade))  # fmt: skip
    AcademicResult.objects.bulk_create(results)
    _vocational(rng, vocational, sy, today)
    _competitions(rng, senior, vocational, today)
    _pathways(rng, senior, vocational, sy, today)
    confirmed = Portfolio.objects.filter(state=PortfolioState.CONFIRMED).count()
    stdout.write(f"  quality：综合素质评价{Portfolio.objects.count()}人（已归档{confirmed}份），1+X证书"
                 f"{Certificate.objects.count()}本，竞赛获奖{Entry.objects.exclude(award='none').count()}人次\n")  # fmt: skip


def _vocational(rng: random.Random, school: School, sy: int, today: dt.date) -> None:
    majors = []
    for code, name, programme, organisation, share in MAJORS:
        major = Major.objects.create(school=school, code=code, name=name)
        for level in ("junior", "middle"):
            CertificateProgramme.objects.create(major=major, name=programme, level=level, organisation=organisation,
                                                since=2020)  # fmt: skip
        majors.append((major, programme, organisation, share))
    from jiaoyun.people.models import EnrolmentEvent

    # Graduates of the last five years (their 届 from the 毕业 event) and the pupils now in school.
    graduated = dict(EnrolmentEvent.objects.filter(school=school, kind="graduate", date__year__gte=sy - 4)
                     .values_list("student_id", "date__year"))  # fmt: skip
    pupils = list(Student.objects.filter(current_school=school, status=StudentStatus.IN_SCHOOL).order_by("id"))
    pupils += list(Student.objects.filter(pk__in=list(graduated)).order_by("id"))
    members, certs, n = [], [], 0
    for pupil in pupils:
        grade = pupil.current_grade or 12
        cohort = graduated[pupil.pk] - 3 if pupil.pk in graduated else sy - (grade - 10)
        major, programme, organisation, share = majors[pupil.pk % len(majors)]
        members.append(VocationalStudent(student=pupil, major=major, cohort=cohort))
        years_in = sy - cohort
        if years_in >= 1 and rng.random() < share * min(1.0, years_in / 2.5):
            n += 1
            issued = min(today, dt.date(cohort + min(years_in, 3), 6, 30))
            certs.append(Certificate(student=pupil, name=programme, level="junior" if years_in < 3 else "middle",
                                     organisation=organisation, issued_on=issued, number=f"X{cohort}{n:05d}"))  # fmt: skip
    VocationalStudent.objects.bulk_create(members)
    Certificate.objects.bulk_create(certs)
    for year, rate in ((sy - 1, "45"), (sy, "50"), (sy + 1, "50"), (sy + 2, "55")):
        services.target_set(actor=None, year=year, rate=Decimal(rate))


def _competitions(rng: random.Random, senior: School, vocational: School, today: dt.date) -> None:
    from jiaoyun.people.models import Teacher

    events = (
        ("全国职业院校技能大赛（中职组）", "skills", "national", "教育部等", 120),
        ("云南省中等职业学校技能大赛", "skills", "provincial", "云南省教育厅", 60),
        ("保山市“万名雏雁”技能展示", "skills", "city", "保山市教育体育局", 35),
        ("施甸县中小学生艺术展演", "arts", "county", "施甸县教育体育局", 15),
        ("全国中学生物理竞赛（云南赛区）", "academic", "provincial", "中国物理学会", 50),
    )
    awards = ("first", "second", "third", "merit", "none", "none")
    for name, kind, level, organiser, ago in events:
        event = services.competition_create(actor=None, name=name, kind=kind, level=level, organiser=organiser,
                                            date=today - dt.timedelta(days=ago))  # fmt: skip
        schools = (vocational,) if kind == "skills" else (senior, vocational)
        for school in schools:
            pupils = list(
                Student.objects.filter(current_school=school, status=StudentStatus.IN_SCHOOL).order_by("id")[:60]
            )
            for pupil in rng.sample(pupils, k=min(len(pupils), rng.randint(2, 5))):
                services.entry_add(actor=None, competition=event, school=school, role="student", student=pupil,
                                   award=rng.choice(awards))  # fmt: skip
            advisor = Teacher.objects.filter(school=school, is_active=True).order_by("id").first()
            if advisor is not None:
                services.entry_add(actor=None, competition=event, school=school, role="advisor", teacher=advisor,
                                   award=rng.choice(awards[:4]))  # fmt: skip


def _pathways(rng: random.Random, senior: School, vocational: School, sy: int, today: dt.date) -> None:
    second = School.objects.filter(kind="complete_secondary", is_active=True).order_by("id").first() or senior
    pilot = SchoolClass.objects.filter(school=second, school_year=sy, grade=10).order_by("-number").first()
    if pilot is not None:
        services.pilot_class_set(actor=None, school_class=pilot, kind="comprehensive", partner=vocational.name,
                                 since=dt.date(sy, 9, 1))  # fmt: skip
    bridge = SchoolClass.objects.filter(school=vocational, school_year=sy, grade=10).order_by("number").first()
    if bridge is not None:
        services.pilot_class_set(actor=None, school_class=bridge, kind="bridge", partner="保山职业学院",
                                 since=dt.date(sy, 9, 1))  # fmt: skip
    if pilot is not None:
        for pupil in Student.objects.filter(current_class=pilot, status=StudentStatus.IN_SCHOOL).order_by("id")[:6]:
            services.credit_recognise(actor=None, student=pupil, from_track="vocational", to_track="senior",
                                      course=rng.choice(("电工基础", "计算机应用基础", "农业技术概论")),
                                      credits=Decimal(rng.choice(("1.0", "2.0", "2.5"))), recognised_on=today)  # fmt: skip
    mover = Student.objects.filter(current_school=second, current_grade=10, status=StudentStatus.IN_SCHOOL,
                                   current_class__isnull=False).order_by("-id").first()  # fmt: skip
    if mover is not None:
        services.track_transfer(actor=None, student=mover, to_school=vocational, date=today, grade=10,
                                reason="职普融通：本人及家长申请转入中职")  # fmt: skip
    outcomes = ("higher_vocational", "higher_vocational", "higher_vocational", "employed", "employed", "self_employed",
                "army", "undergraduate", "unemployed")  # fmt: skip
    graduates = Student.objects.filter(
        current_school=vocational,
        status=StudentStatus.GRADUATED,
        events__kind="graduate",
        events__date__year__gte=sy - 3,
    ).order_by("id")[:400]
    for pupil in graduates:
        outcome = rng.choice(outcomes)
        services.progression_record(actor=None, student=pupil, outcome=outcome,
                                    destination={"higher_vocational": "保山职业学院", "undergraduate": "保山学院",
                                                 "employed": "施甸县工业园区企业"}.get(outcome, ""),
                                    bridge=outcome == "higher_vocational" and rng.random() < 0.4)  # fmt: skip
