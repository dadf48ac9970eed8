"""Row builders of the query-count baselines (``test_query_counts.py``), grouped by app.

Each builder makes one row of a list, with a township, village, school and class of its own (so a missing
``select_related`` shows as one more query per row), and returns a text the list shows for that row.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiaoyun.core import idcard

_seq = itertools.count(1)
YEAR = 2026  # the school year of the staffing and rotation rows (asked for with ?year=)


def place(county: Any) -> dict[str, Any]:
    """A township, a village, a school and a class of their own for one row."""
    from jiaoyun.areas.tests.factories import TownshipFactory, VillageFactory
    from jiaoyun.schools.tests.factories import SchoolClassFactory, SchoolFactory

    n = next(_seq)
    township = TownshipFactory(parent=county, code=f"530521{n:03d}", name=f"镇{n}")
    village = VillageFactory(parent=township, code=f"530521{n:03d}001", name=f"村{n}")
    school = SchoolFactory(township=township, village=village)
    klass = SchoolClassFactory(school=school, school_year=2021, grade=3)
    return {"n": n, "township": township, "village": village, "school": school, "class": klass}


def _principal(school: Any) -> Any:
    from jiaoyun.core.tests.factories import UserFactory

    return UserFactory(role="principal", school=school)


# --- areas, schools, core -----------------------------------------------------------------------------------


def school(county: Any, actor: Any) -> str:
    return place(county)["school"].name


def township(county: Any, actor: Any) -> str:
    return place(county)["township"].name


def audit(county: Any, actor: Any) -> str:
    from jiaoyun.core.audit import audit_record
    from jiaoyun.core.choices import AuditAction

    s = place(county)["school"]
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=s, changes={"name": ["甲", "乙"]})
    return s.name


# --- people, exchange --------------------------------------------------------------------------------------


def new_student(county: Any) -> Any:
    from jiaoyun.people.choices import StudentStatus
    from jiaoyun.people.tests.factories import StudentFactory

    p = place(county)
    return StudentFactory(
        id_number=idcard.make("530521", dt.date(2014, 3, 1), p["n"]),
        hukou_village=p["village"],
        current_school=p["school"],
        current_class=p["class"],
        current_grade=3,
        status=StudentStatus.IN_SCHOOL,
    )


def student(county: Any, actor: Any) -> str:
    return new_student(county).name


def new_teacher(county: Any) -> Any:
    from jiaoyun.people.tests.factories import TeacherFactory

    return TeacherFactory(school=place(county)["school"])


def teacher(county: Any, actor: Any) -> str:
    return new_teacher(county).name


def batch(county: Any, actor: Any) -> str:
    from jiaoyun.exchange.models import ImportBatch

    n = next(_seq)
    ImportBatch.objects.create(kind="students", file_name=f"名册{n}.xlsx", file_sha256=f"{n:064d}", created_by=actor)
    return f"名册{n}.xlsx"


# --- dropout -----------------------------------------------------------------------------------------------


def case(county: Any, actor: Any) -> str:
    from jiaoyun.dropout.services import case_open

    s = new_student(county)
    case_open(actor=actor, student=s)
    return s.name


def absence(county: Any, actor: Any) -> str:
    from jiaoyun.dropout.models import Absence

    s = new_student(county)
    Absence.objects.create(student=s, date=timezone.localdate(), recorded_by=actor)
    return s.name


def responsible(county: Any, actor: Any) -> str:
    from jiaoyun.core.tests.factories import UserFactory
    from jiaoyun.dropout.models import ResponsiblePerson

    p = place(county)
    name = f"村主任{p['n']}"
    user = UserFactory(role="village_cadre", area=p["village"])
    ResponsiblePerson.objects.create(
        line="admin", level=3, name=name, user=user, area=p["village"], school=p["school"], school_class=p["class"]
    )
    return name


def hukou(county: Any, actor: Any) -> str:
    from jiaoyun.dropout.models import HukouRecord

    s = new_student(county)
    HukouRecord.objects.create(name=s.name, birth_date=s.birth_date, hukou_village=s.hukou_village, student=s)
    return s.name


def monthly_report(county: Any, actor: Any) -> str:
    from jiaoyun.dropout.models import SchoolMonthlyReport

    s = place(county)["school"]
    SchoolMonthlyReport.objects.create(school=s, month=timezone.localdate().replace(day=1), submitted_by=actor)
    return s.name


def bulletin(county: Any, actor: Any) -> str:
    """A 通报 (they are county-wide); the page shows its month as "2001年2月"."""
    month = _bulletin(actor)
    return f"{month.year}年{month.month}月"


def bulletin_api(county: Any, actor: Any) -> str:
    return _bulletin(actor).isoformat()


def _bulletin(actor: Any) -> dt.date:
    from jiaoyun.dropout.models import Bulletin

    n = next(_seq)
    month = dt.date(2000 + n // 12, n % 12 + 1, 1)
    Bulletin.objects.create(
        month=month,
        figures={},
        figures_sha256="0" * 64,
        pdf=b"%PDF",
        pdf_sha256="0" * 64,
        xlsx=b"PK",
        xlsx_sha256="0" * 64,
        created_by=actor,
    )
    return month


# --- safety ------------------------------------------------------------------------------------------------


def hazard(county: Any, actor: Any) -> str:
    from jiaoyun.safety.models import Hazard

    s = place(county)["school"]
    principal = _principal(s)
    title = f"{s.name}围墙隐患"
    Hazard.objects.create(
        school=s,
        title=title,
        responsible=principal,
        deadline=timezone.localdate(),
        opened_at=timezone.now(),
        opened_by=principal,
    )
    return title


def overdue_hazard(county: Any, actor: Any) -> str:
    """A hazard past its deadline: the home page's 待办 strip counts it (the county view)."""
    import datetime as dt

    from jiaoyun.safety.models import Hazard

    Hazard.objects.filter(title=hazard(county, actor)).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    return "逾期未整改的隐患"


def inspection(county: Any, actor: Any) -> str:
    from jiaoyun.safety.models import Canteen, ChecklistTemplate, Inspection

    s = place(county)["school"]
    template, _ = ChecklistTemplate.objects.get_or_create(name="学校安全自查表")
    canteen = Canteen.objects.create(school=s, name=f"{s.name}食堂")
    Inspection.objects.create(
        school=s, canteen=canteen, template=template, kind="self", date=timezone.localdate(), inspector=_principal(s)
    )
    return s.name


def device(county: Any, actor: Any) -> str:
    from jiaoyun.safety.models import Device

    p = place(county)
    name = f"{p['school'].name}大门摄像头"
    Device.objects.create(
        school=p["school"], kind="camera", name=name, serial=f"SN{p['n']:06d}", token_hash=f"{p['n']:064d}"
    )
    return name


def compliance(county: Any, actor: Any) -> str:
    from jiaoyun.safety.models import ComplianceSnapshot

    s = place(county)["school"]
    ComplianceSnapshot.objects.create(school=s, date=timezone.localdate())
    return s.name


def compliance_township(county: Any, actor: Any) -> str:
    """A school's compliance snapshot; the township rates show its township."""
    from jiaoyun.safety.models import ComplianceSnapshot

    p = place(county)
    ComplianceSnapshot.objects.create(school=p["school"], date=timezone.localdate())
    return p["township"].name


def risk(county: Any, actor: Any) -> str:
    from jiaoyun.safety.models import RiskReport

    p = place(county)
    text = f"{p['school'].name}门口流动摊贩"
    RiskReport.objects.create(
        school=p["school"], category="vendor", description=text, reported_on=timezone.localdate(), reporter=actor
    )
    return text


# --- teachers ----------------------------------------------------------------------------------------------


def quota(county: Any, actor: Any) -> str:
    from jiaoyun.teachers.models import QuotaSnapshot

    s = place(county)["school"]
    QuotaSnapshot.objects.create(
        year=YEAR, school=s, students=100, classes=5, quota_exact=Decimal("5.5"), quota=6, actual=5, full_time=5, gap=1
    )
    return s.name


def subject_gap(county: Any, actor: Any) -> str:
    from jiaoyun.teachers.models import SubjectGap

    s = place(county)["school"]
    SubjectGap.objects.create(year=YEAR, school=s, subject="math", need=Decimal("2"), actual=1, gap=Decimal("1"))
    return s.name


def hiring_round(county: Any, actor: Any) -> str:
    from jiaoyun.teachers.models import HiringRound

    n = next(_seq)
    name = f"第{n}轮县管校聘"
    HiringRound.objects.create(year=YEAR, name=name, effective_date=dt.date(YEAR, 9, 1), created_by=actor)
    return name


def the_round() -> Any:
    """The one hiring round whose applications are listed."""
    from jiaoyun.teachers.models import HiringRound

    rnd, _ = HiringRound.objects.get_or_create(
        year=YEAR, name=f"{YEAR}年县管校聘", defaults={"effective_date": dt.date(YEAR, 9, 1)}
    )
    return rnd


def application(county: Any, actor: Any) -> str:
    """An application placed at another school, scored by that school, with an appeal."""
    from jiaoyun.teachers.models import Appeal, Application, Score

    t = new_teacher(county)
    other = place(county)["school"]
    a = Application.objects.create(
        round=the_round(), teacher=t, origin_school=t.school, subject="math", placed_school=other, stage=2,
        preference_rank=1, choices=[other.pk],
    )  # fmt: skip
    Score.objects.create(application=a, school=other, score=Decimal("88"))
    Appeal.objects.create(application=a, reason=f"{t.name}申诉")
    return t.name


def rotation_move(county: Any, actor: Any) -> str:
    from jiaoyun.teachers.models import RotationMove, RotationPlan

    plan, _ = RotationPlan.objects.get_or_create(
        year=YEAR,
        defaults={"eligible_count": 0, "eligible_backbone": 0, "start_date": dt.date(YEAR, 9, 1)},
    )
    t = new_teacher(county)
    RotationMove.objects.create(
        plan=plan, teacher=t, from_school=t.school, to_school=place(county)["school"], subject="math"
    )
    return t.name


def ethics_record(county: Any, actor: Any) -> str:
    from jiaoyun.teachers.models import EthicsRecord

    t = new_teacher(county)
    EthicsRecord.objects.create(
        teacher=t, kind="commendation", date=timezone.localdate(), title=f"{t.name}师德表彰", recorded_by=actor
    )
    return t.name


def confirmed_case(county: Any, actor: Any) -> str:
    """A case verified as a dropout (辍学学生台账)."""
    from jiaoyun.dropout.models import DropoutCase
    from jiaoyun.dropout.services import case_open, case_verify
    from jiaoyun.people.services import enrolment_record

    s = new_student(county)
    enrolment_record(
        actor=None, student=s, kind="enrol", date=dt.date(2021, 9, 1), school=s.current_school, grade=3,
        school_class=s.current_class,
    )  # fmt: skip
    case_open(actor=actor, student=s)
    case_verify(
        actor=actor,
        case=DropoutCase.objects.get(student=s),
        outcome="confirmed_dropout",
        reason="learning",
        note="核实",
    )
    return s.name


# --- learning ----------------------------------------------------------------------------------------------


def township_stat(county: Any, actor: Any) -> str:
    """One township's learning statistics of this week (the county dashboard's unit table)."""
    from jiaoyun.learning.models import LearningStat

    t = place(county)["township"]
    today = timezone.localdate()
    LearningStat.objects.create(
        level="township", unit_id=t.pk, township=t, period="week", start=today - dt.timedelta(days=today.weekday()),
        statements=10, learners=5, seconds=3600, completed=3,
    )  # fmt: skip
    return t.name


# --- indicators --------------------------------------------------------------------------------------------

CENSUS = dt.date(2021, 9, 30)  # the census day of the figures the drill-down lists


def drill_query(county: Any) -> str:
    """The drill-down of the county's primary gross enrolment (小学毛入学率), students in school."""
    return f"code=primary_gross&measure=pri_all&year=2021&as_of={CENSUS}&area={county.pk}"


def drill_student(county: Any, actor: Any) -> str:
    """A pupil enrolled on 2021-09-01; the figures are recomputed so the drill-down lists them."""
    from jiaoyun.core.schoolyear import SchoolYear
    from jiaoyun.indicators.compute import Period
    from jiaoyun.indicators.services import indicators_compute
    from jiaoyun.people.services import enrolment_record

    s = new_student(county)
    enrolment_record(
        actor=None, student=s, kind="enrol", date=dt.date(2021, 9, 1), school=s.current_school, grade=3,
        school_class=s.current_class,
    )  # fmt: skip
    indicators_compute(periods=[Period(SchoolYear(2021), CENSUS)], codes=["primary_gross"])
    return s.name


def ranked_township(county: Any, actor: Any) -> str:
    """A township with one pupil counted in the figures (the dashboard's township ranking)."""
    from jiaoyun.people.models import Student

    return Student.objects.get(name=drill_student(county, actor)).current_school.township.name


def counted_pupil(county: Any, actor: Any) -> str:
    """A pupil counted in the figures; the API lists the indicator (its values are county aggregates)."""
    drill_student(county, actor)
    return "primary_gross"


def this_month(county: Any) -> str:
    return f"month={timezone.localdate():%Y-%m}"


def hazard_township(county: Any, actor: Any) -> str:
    """An open hazard; the monthly safety section (平安校园通报) lists its township."""
    from jiaoyun.safety.models import Hazard

    return Hazard.objects.select_related("school__township").get(title=hazard(county, actor)).school.township.name


# --- facilities -------------------------------------------------------------------------------------------------


def project(county: Any, actor: Any) -> str:
    """A project of its own township with money by source, a contract, a payment and a late milestone."""
    from jiaoyun.facilities import services as fs

    p = place(county)
    today = timezone.localdate()
    pr = fs.project_create(actor=None, name=f"项目{p['n']}", kind="expand", level="primary", plan_year=2021,
                           school_id=p["school"].pk, budget="100000",
                           milestones={1: today - dt.timedelta(days=3)})  # fmt: skip
    fs.funding_set(actor=None, project=pr, amounts={"central": "60000", "county": "40000"})
    c = fs.contract_add(actor=None, project=pr, title="施工", contractor="某公司", amount=Decimal("90000"))
    fs.payment_add(actor=None, contract=c, date=today, amount="1000", source="county")
    return pr.name


def project_township(county: Any, actor: Any) -> str:
    project(county, actor)
    from jiaoyun.facilities.models import Project

    return Project.objects.order_by("-pk").select_related("township").first().township.name  # type: ignore[union-attr]


# --- facilities (preschool layout), finance --------------------------------------------------------------------


def preschool_village(county: Any, actor: Any) -> str:
    """A village with coordinates and a kindergarten of its own (a row of the coverage list and the map)."""
    from jiaoyun.schools.tests.factories import SchoolFactory

    p = place(county)
    village = p["village"]
    village.latitude, village.longitude = Decimal("24.7"), Decimal("99.1")
    village.save()
    SchoolFactory(name=f"村{p['n']}幼儿园", kind="kindergarten", township=p["township"], village=village, seats=90,
                  latitude=Decimal("24.7"), longitude=Decimal("99.1"))  # fmt: skip
    return f"村{p['n']}幼儿园"


def finance_year(county: Any, actor: Any) -> str:
    """A budget year with two levels (the dashboard and the API list the latest years)."""
    from jiaoyun.finance.models import FinanceYear, LevelFigure

    year = 2000 + next(_seq)
    fy = FinanceYear.objects.create(year=year, education_expenditure=Decimal(1000 * year),
                                    recurrent_revenue=Decimal(2000 * year), students=year)  # fmt: skip
    LevelFigure.objects.create(year=fy, level="primary", public_funds=Decimal(650 * year), students=year)
    LevelFigure.objects.create(year=fy, level="junior", public_funds=Decimal(850 * year), students=year)
    return f'id="year-{year}"'


def finance_year_api(county: Any, actor: Any) -> str:
    return finance_year(county, actor).replace('id="year-', '"year": ').rstrip('"')


def map_village(county: Any, actor: Any) -> str:
    """The kindergarten of a new village, as the map's option (``json_script``, ASCII-escaped) holds its name."""
    import json

    return json.dumps(preschool_village(county, actor))[1:-1]


# --- standards ---------------------------------------------------------------------------------------------


def school_resources(county: Any, actor: Any) -> str:
    """One school's resources for 2025 (below the 小学 line on books, so the gap list names it too)."""
    from jiaoyun.standards.models import SchoolResources

    school = place(county)["school"]
    SchoolResources.objects.create(school=school, year=2025, part="primary", pupils=300, classes=7,
                                   max_class_size=44, teaching_area=Decimal(1350), books=3000)  # fmt: skip
    return school.name


def demo_application(county: Any, actor: Any) -> str:
    from jiaoyun.standards.models import DemoApplication

    school = place(county)["school"]
    DemoApplication.objects.create(school=school, year=2025)
    return school.name


# --- warning ------------------------------------------------------------------------------------------------


def warning_risk(county: Any, actor: Any) -> str:
    """A flagged pupil of the latest scoring day, with their school, class and township."""
    from jiaoyun.people.tests.factories import StudentFactory
    from jiaoyun.warning.models import ModelVersion, RiskScore

    p = place(county)
    model = ModelVersion.objects.first() or ModelVersion.objects.create(
        kind="baseline", data_from=2019, data_to=2020, sha256="0" * 64, in_use=True
    )
    s = StudentFactory(name=f"预警{p['n']}", status="in_school", current_school=p["school"], current_class=p["class"])
    RiskScore.objects.create(student=s, on=dt.date(2026, 10, 1), model=model, risk=0.2, rank=p["n"], flagged=True,
                             township=p["township"], school=p["school"], school_class=p["class"], grade=3,
                             factors=[{"key": "absent_recent", "text": "近30天缺勤6天"}])  # fmt: skip
    return s.name


def warning_followup(county: Any, actor: Any) -> str:
    """An open preventive follow-up of a pupil of its own school and class."""
    from jiaoyun.people.tests.factories import StudentFactory
    from jiaoyun.warning.models import Followup

    p = place(county)
    s = StudentFactory(name=f"跟进{p['n']}", status="in_school", current_school=p["school"], current_class=p["class"])
    Followup.objects.create(student=s, opened_on=dt.date(2026, 10, 1), deadline=dt.date(2026, 10, 15),
                            township=p["township"], school=p["school"], school_class=p["class"], reason="近30天缺勤6天")  # fmt: skip
    return s.name


# --- quality ----------------------------------------------------------------------------------------------------


def _quality_term() -> Any:
    from jiaoyun.quality.models import EvaluationTerm

    today = timezone.localdate()
    term, _ = EvaluationTerm.objects.get_or_create(
        school_year=today.year, term=1,
        defaults={"starts": today - dt.timedelta(days=30), "ends": today + dt.timedelta(days=60),
                  "record_deadline": today, "select_deadline": today, "confirm_deadline": today},
    )  # fmt: skip
    return term


def quality_senior_school(county: Any, actor: Any) -> str:
    """A senior school with a pupil of 高二 and her evaluation: a row of the progress by school."""
    from jiaoyun.quality.models import Portfolio

    s = new_student(county)
    s.current_school.kind = "senior"
    s.current_school.save(update_fields=["kind"])
    s.current_grade = 11
    s.save(update_fields=["current_grade"])
    Portfolio.objects.create(student=s, term=_quality_term(), school=s.current_school, school_class=s.current_class)
    return str(s.current_school.name)


def quality_portfolio(county: Any, actor: Any) -> str:
    from jiaoyun.quality.models import Portfolio

    s = new_student(county)
    Portfolio.objects.create(student=s, term=_quality_term(), school=s.current_school, school_class=s.current_class)
    return str(s.name)


def quality_certificate(county: Any, actor: Any) -> str:
    from jiaoyun.quality.models import Certificate

    s = new_student(county)
    n = next(_seq)
    Certificate.objects.create(student=s, name="Web前端开发", level="junior", organisation=f"机构{n}",
                               issued_on=timezone.localdate(), number=f"C{n}")  # fmt: skip
    return str(s.name)


def quality_entry(county: Any, actor: Any) -> str:
    from jiaoyun.quality.models import Competition, Entry

    s = new_student(county)
    event = Competition.objects.create(name=f"技能大赛{next(_seq)}", level="county", organiser="县教育体育局",
                                       date=timezone.localdate())  # fmt: skip
    Entry.objects.create(competition=event, school=s.current_school, role="student", student=s, award="first")
    return str(s.name)


def quality_progression(county: Any, actor: Any) -> str:
    from jiaoyun.quality.models import Progression

    s = new_student(county)
    Progression.objects.create(student=s, school=s.current_school, graduation_year=2025, outcome="employed")
    return str(s.name)


# --- supervision -------------------------------------------------------------------------------------------


def rectification(county: Any, actor: Any) -> str:
    from jiaoyun.supervision.models import Rectification

    s = place(county)["school"]
    finding = f"{s.name}围墙未封闭"
    Rectification.objects.create(school=s, finding=finding, deadline=timezone.localdate() + dt.timedelta(days=9),
                                 responsible=_principal(s), opened_on=timezone.localdate())  # fmt: skip
    return finding


def link(county: Any, actor: Any) -> str:
    from jiaoyun.supervision.models import Link

    s = place(county)["school"]
    Link.objects.create(school=s, person="李副县长", department=f"部门{s.pk}", since=timezone.localdate())
    return s.name


def plan_item(county: Any, actor: Any) -> str:
    """An item of this year's plan naming a township of its own and a school with a milestone."""
    from jiaoyun.supervision.models import Milestone, Plan, PlanItem

    p = place(county)
    plan, _ = Plan.objects.get_or_create(year=timezone.localdate().year, defaults={"title": "工作计划"})
    number = PlanItem.objects.filter(plan=plan).count() + 1
    item = PlanItem.objects.create(plan=plan, part="4.1", number=number, title=f"任务{p['n']}", section="basic")
    item.townships.add(p["township"])
    item.schools.add(p["school"])
    Milestone.objects.create(item=item, title="节点", due=timezone.localdate())
    return item.title


def zone(county: Any, actor: Any) -> str:
    from jiaoyun.supervision.models import Zone, ZoneVisit

    p = place(county)
    z = Zone.objects.create(name=f"责任区{p['n']}")
    z.schools.add(p["school"])
    ZoneVisit.objects.create(zone=z, school=p["school"], date=timezone.localdate())
    return z.name


# --- bulletins, notices -------------------------------------------------------------------------------------


def _supervision_bulletin(*, issued: bool = True) -> Any:
    from jiaoyun.bulletins.models import SupervisionBulletin

    n = next(_seq)
    month = dt.date(1990 + n // 12, n % 12 + 1, 1)
    return SupervisionBulletin.objects.create(month=month, status="issued" if issued else "draft", content={},
                                   compiled_on=month, number=f"施教体督〔{month.year}〕{n}号")  # fmt: skip


def supervision_bulletin(county: Any, actor: Any) -> str:
    """A 督查通报: the list shows its 文号."""
    return str(_supervision_bulletin().number)


def decision(county: Any, actor: Any) -> str:
    """A decision to a township of its own (the list shows the township's name and the bulletin's 文号)."""
    from jiaoyun.bulletins.models import Decision

    t = place(county)["township"]
    Decision.objects.create(bulletin=_supervision_bulletin(), seq=1, addressee_kind="township", township=t,
                            addressee_name=t.name, matter="dropout", matter_label="控辍保学", kind="interview", level=2,
                            reason="r", deadline=dt.date(2021, 5, 1))  # fmt: skip
    return str(t.name)


def notification(county: Any, actor: Any) -> str:
    from jiaoyun.notices.services import notify

    n = next(_seq)
    notify(users=[actor], key=f"row:{n}", title=f"消息{n}", url="/")
    return f"消息{n}"


def delivery(county: Any, actor: Any) -> str:
    """A delivery to a township's group robot (the log shows the robot's name)."""
    from jiaoyun.notices.models import Delivery, Robot

    t = place(county)["township"]
    robot = Robot.objects.create(name=f"{t.name}群", channel="wecom", webhook="http://127.0.0.1:9/", township=t)
    Delivery.objects.create(route=f"robot:{robot.pk}", key="k", channel="wecom", robot=robot, title="t",
                            next_attempt_at=timezone.now())  # fmt: skip
    return f"{t.name}群"
