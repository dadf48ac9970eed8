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
