"""Demo data for 控辍保学: the 户籍 roster, both responsibility lines, hidden dropouts (absences), the
cross-match, a realistic spread of cases through every state, school monthly reports and a bulletin.

Cases are driven through the real services; only the detection dates of cases found today are set back
to when each child actually left (a demo of a running county, not of a first run)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max, Q

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import User
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.dropout import services
from jiaoyun.dropout.choices import AbsenceKind, CaseStatus, Line, MatchRule, Outcome, Placement, Reason
from jiaoyun.dropout.models import Absence, CaseEvent, DropoutCase, HukouRecord, ResponsiblePerson
from jiaoyun.dropout.services.common import add_months
from jiaoyun.dropout.services.matching import compulsory_q, school_days
from jiaoyun.people.choices import EventKind, StudentStatus
from jiaoyun.people.models import Student
from jiaoyun.schools.choices import SchoolKind
from jiaoyun.schools.models import School, SchoolClass

SURNAMES = "杨李张赵王刘陈段何字罗杜蒋施郭尹周黄"
GIVEN = "国华建明春兰海燕志强红梅永福丽娟德文俊秀正荣家兴玉芬"
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组"]
REASONS = {"厌学": "learning", "学习困难": "learning", "外出务工": "work", "随父母外出": "work",
           "家庭经济困难": "poverty", "早婚早育": "marriage", "身体原因": "illness"}  # fmt: skip


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _evidence(name: str) -> SimpleUploadedFile:
    """A minimal PDF standing for a scanned certificate (uploads must be images, PDF or Office files)."""
    body = b"%PDF-1.4\n% demo evidence\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _roster(rng: random.Random, today: dt.date, scale: int) -> int:
    """The police roster: every compulsory-age child registered in a village, plus children only it knows."""
    from django.db import connection
    from django.utils import timezone

    from jiaoyun.dropout.services.matching import compulsory_birth_range

    after, until = compulsory_birth_range(today)
    groups = " ".join(f"WHEN {i} THEN '{g}'" for i, g in enumerate(GROUPS))
    with connection.cursor() as cursor:  # INSERT … SELECT: the roster mirrors the register's hukou data
        cursor.execute(  # (the CASE is built from the GROUPS constant; the values are parameters)
            f"""INSERT INTO dropout_hukourecord (id_hash, id_cipher, id_masked, name, sex, birth_date,
                    hukou_village_id, group_name, household_head, poverty, match_note, batch, imported_at)
                SELECT id_hash, id_cipher, id_masked, name, sex, birth_date, hukou_village_id,
                       CASE (id %% {len(GROUPS)}) {groups} END, guardian_name, poverty, '', %s, %s
                FROM people_student
                WHERE birth_date > %s AND birth_date <= %s AND hukou_village_id IS NOT NULL AND status <> %s""",  # noqa: S608
            [f"{today:%Y-%m}公安户籍", timezone.now(), after, until, StudentStatus.DECEASED],
        )
        copied = cursor.rowcount
    rows: list[HukouRecord] = []
    from jiaoyun.core import idcard

    villages = list(Area.objects.filter(level=AreaLevel.VILLAGE).values_list("id", flat=True))
    lo = today.year - 14
    for i in range(3 * scale):  # on the police roster only: never registered anywhere in school
        birth = dt.date(rng.randint(lo, today.year - 8), rng.randint(1, 12), rng.randint(1, 28))
        number = idcard.make("530521", birth, 900 + i)
        rows.append(HukouRecord(id_hash=idcard.match_hash(number), id_cipher=idcard.encrypt(number),
                                id_masked=idcard.mask(number), name=_name(rng), sex=idcard.IdNumber(number).sex,
                                birth_date=birth, hukou_village_id=rng.choice(villages), group_name=rng.choice(GROUPS),
                                poverty=rng.choice(["", "", "lifted", "monitored"]), batch=f"{today:%Y-%m}公安户籍"))  # fmt: skip
    HukouRecord.objects.bulk_create(rows, ignore_conflicts=True)
    return copied + len(rows)


def _responsibles(rng: random.Random, today: dt.date) -> int:
    county = Area.objects.get(level=AreaLevel.COUNTY)
    users = {u.username: u for u in User.objects.filter(username__in=["towngov", "village", "principal", "teacher"])}
    people = [
        ResponsiblePerson(line=Line.ADMIN, level=1, name=_name(rng), post="县长", area=county),
        ResponsiblePerson(line=Line.EDUCATION, level=1, name=_name(rng), post="县教育体育局局长"),
    ]
    for t in Area.objects.filter(level=AreaLevel.TOWNSHIP):
        officer = users.get("towngov") if users.get("towngov") and users["towngov"].area_id == t.pk else None
        people.append(ResponsiblePerson(line=Line.ADMIN, level=2, name=_name(rng), post="乡（镇）长", area=t,
                                        user=officer))  # fmt: skip
    for v in Area.objects.filter(level=AreaLevel.VILLAGE):
        cadre = users.get("village") if users.get("village") and users["village"].area_id == v.pk else None
        people.append(ResponsiblePerson(line=Line.ADMIN, level=3, name=_name(rng), post="村（居）委会主任", area=v,
                                        user=cadre, phone=f"138{rng.randint(10000000, 99999999)}"))  # fmt: skip
        people.append(ResponsiblePerson(line=Line.ADMIN, level=4, name=_name(rng), post="村民小组长", area=v,
                                        group_name=rng.choice(GROUPS)))  # fmt: skip
    principal = users.get("principal")
    for s in School.objects.filter(is_active=True).exclude(kind__in=(SchoolKind.KINDERGARTEN, SchoolKind.SENIOR)):
        user = principal if principal and principal.school_id == s.pk else None
        people.append(
            ResponsiblePerson(line=Line.EDUCATION, level=2, name=_name(rng), post="校长", school=s, user=user)
        )
    teacher = users.get("teacher")
    teacher_classes = set(teacher.classes.values_list("id", flat=True)) if teacher else set()
    sy = SchoolYear.of(today).start_year
    for c in SchoolClass.objects.filter(school_year=sy, grade__gte=1, grade__lte=9).select_related("school"):
        user = teacher if c.pk in teacher_classes else None
        name = user.display_name if user and user.display_name not in ("", "班主任") else _name(rng)
        people.append(ResponsiblePerson(line=Line.EDUCATION, level=3, name=name, post="班主任", school=c.school,
                                        school_class=c, user=user))  # fmt: skip
        people.append(ResponsiblePerson(line=Line.EDUCATION, level=4, name=_name(rng), post="任课教师",
                                        school=c.school, school_class=c))  # fmt: skip
    ResponsiblePerson.objects.bulk_create(people, batch_size=2000)
    return len(people)


def _absences(rng: random.Random, today: dt.date, scale: int) -> int:
    """名在人不在: some registered pupils stop coming (hidden dropouts); others miss a few days (not flagged)."""
    n = 5
    days = school_days(today, n)
    pool = Student.objects.filter(compulsory_q(today), status=StudentStatus.IN_SCHOOL, current_grade__gte=5,
                                  current_grade__lte=9)  # fmt: skip
    picks = list(pool.order_by("?").values_list("id", flat=True)[: 14 * scale])
    teacher = User.objects.filter(username="teacher").first()
    if teacher is not None:  # one in the demo class teacher's class, so the phone flow has a child to visit
        mine = pool.model.objects.filter(current_class__in=teacher.classes.all(), status=StudentStatus.IN_SCHOOL)
        picks[:0] = list(mine.values_list("id", flat=True)[:1])
    rows: list[Absence] = []
    for i, sid in enumerate(dict.fromkeys(picks)):
        if i % 3 == 2:  # a few days only, or on sick leave: must not be flagged
            rows += [
                Absence(student_id=sid, date=d, kind=AbsenceKind.UNEXCUSED if k < 3 else AbsenceKind.SICK)
                for k, d in enumerate(days)
            ]
        else:
            extra = school_days(days[0] - dt.timedelta(days=1), rng.randint(0, 5))
            rows += [
                Absence(student_id=sid, date=d, kind=AbsenceKind.UNEXCUSED, note="未到校，电话无人接听")
                for d in extra + days
            ]
    Absence.objects.bulk_create(rows, ignore_conflicts=True)
    if teacher is not None:
        _registers(teacher, today)
    return len(rows)


def _registers(teacher: User, today: dt.date) -> None:
    """The demo class teacher took the register on the school days before today (through the register service,
    keeping the absences already marked), so the page shows those days as taken and today as still to do."""
    from jiaoyun.dropout.services.roster import Mark, class_register_save

    for school_class in teacher.classes.all():
        marks = Absence.objects.filter(student__current_class=school_class, student__status=StudentStatus.IN_SCHOOL)
        for day in school_days(today - dt.timedelta(days=1), 10):
            absent = {a.student_id: Mark(a.kind, a.note) for a in marks.filter(date=day)}
            try:
                class_register_save(actor=teacher, school_class=school_class, date=day, marks=absent)
            except DomainError:  # a demo dated ahead of the clock: that day cannot be registered yet
                continue


def _backdate(rng: random.Random, today: dt.date) -> None:
    """Cases found today of children who left long ago get the date they would have been found."""
    left = dict(
        Student.objects.filter(status=StudentStatus.DROPPED_OUT)
        .annotate(left=Max("events__date", filter=Q(events__kind=EventKind.DROP_OUT)))
        .values_list("id", "left")
    )
    for case in DropoutCase.objects.filter(detected_on=today).exclude(hits__rule=MatchRule.ABSENT):
        start = left.get(case.student_id) or today - dt.timedelta(days=rng.randint(10, 200))
        found = max(start + dt.timedelta(days=rng.randint(2, 10)), today - dt.timedelta(days=330))
        found = min(found, today)
        if found != today:
            DropoutCase.objects.filter(pk=case.pk).update(detected_on=found)
            CaseEvent.objects.filter(case=case, action="发现").update(on=found)


def _attempts(case: DropoutCase, rng: random.Random, start: dt.date, end: dt.date, k: int) -> None:
    for _ in range(k):
        if end <= start:
            return
        day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
        services.case_attempt_log(actor=None, case=case, date=day, people=f"班主任、村委会{_name(rng)}",
                                  method=rng.choice(["home_visit", "home_visit", "phone", "interview"]),
                                  result=rng.choice(["refused", "unreachable", "promised"]),
                                  note="讲解义务教育法，动员返校")  # fmt: skip


NEAR_DUE = {"left": 0}  # how many more cases get a notice that falls due in three days


def _drive(case: DropoutCase, rng: random.Random, today: dt.date, reason: str) -> str:
    d0 = case.detected_on
    age = (today - d0).days
    student = case.student
    if age < 4 or rng.random() < 0.08:
        return "pending"
    v = d0 + dt.timedelta(days=rng.randint(1, 3))
    roll = rng.random()
    if roll < 0.05:
        outcome = rng.choice(["out_of_province", "abroad", "overage"])
        case = services.case_verify(actor=None, case=case, outcome=outcome, on=v, note="入户核实，有证明材料",
                                    evidence=_evidence("证明.pdf"))  # fmt: skip
        if age > 40:
            services.case_close(actor=None, case=case, on=v + dt.timedelta(days=20), note="不需劝返，销号")
            return "no_return_closed"
        return "no_return"
    outcome = "confirmed_out" if case.kind == "out_of_school" else "confirmed_dropout"
    if student.disability and rng.random() < 0.7:
        case = services.case_verify(actor=None, case=case, outcome=Outcome.SEND_TEACHING, on=v, reason=Reason.ILLNESS)
        services.case_return(actor=None, case=case, placement=Placement.SEND_TEACHING, on=v + dt.timedelta(days=7))
        return "placed"
    case = services.case_verify(actor=None, case=case, outcome=outcome, on=v, reason=reason)
    if age < 8 or rng.random() < 0.1:
        return "verified"
    s1 = v + dt.timedelta(days=1)
    case = services.case_start_return(actor=None, case=case, on=s1)
    _attempts(case, rng, s1, min(today, s1 + dt.timedelta(days=7)), rng.randint(1, 2))
    plan = rng.random()
    if age < 25 or plan < 0.18:  # still in step 1 (overdue when older than its 7 days)
        return "step1"
    returned_early = plan < 0.55
    if returned_early:
        back = s1 + dt.timedelta(days=rng.randint(3, 8))
    else:
        s2 = s1 + dt.timedelta(days=8)
        near = age > 30 and rng.random() < 0.25 and NEAR_DUE["left"] > 0
        NEAR_DUE["left"] -= int(near)
        deadline = today + dt.timedelta(days=3) if near else s2 + dt.timedelta(days=15)
        if near:
            s2 = today - dt.timedelta(days=12)
        paper = not near and rng.random() < 0.85  # most older notices were issued on paper
        case = services.case_step_advance(actor=None, case=case, to_stage=2, on=s2, deadline=deadline,
                                          outcome="宣传教育无效", issue_document=not paper,
                                          doc_number=f"施教复（纸质）〔{s2.year}〕{case.pk}号" if paper else "")  # fmt: skip
        _attempts(case, rng, s2, min(today, deadline), 1)
        if near or plan < 0.7:
            return "step2_due" if near else "step2"
        if age < 80 or plan < 0.8:
            s3 = deadline + dt.timedelta(days=1)
            if s3 < today:
                services.case_step_advance(
                    actor=None, case=case, to_stage=3, on=s3, doc_number=f"施罚〔{s3.year}〕{case.pk}号"
                )
                return "step3"
            return "step2"
        back = deadline - dt.timedelta(days=rng.randint(1, 5))
    if back >= today:
        return "returning"
    placement = (
        "same_school"
        if case.school_id and rng.random() < 0.8
        else "vocational"
        if student.current_grade and student.current_grade >= 8
        else "same_school"
    )
    if placement == "same_school" and not case.school_id:
        return "returning"
    case = services.case_return(actor=None, case=case, placement=placement, on=back)
    if (today - back).days < 10:
        return "returned"
    case = services.case_observe_start(actor=None, case=case, on=back + dt.timedelta(days=7))
    services.case_attempt_log(actor=None, case=case, date=min(today, back + dt.timedelta(days=30)),
                              people="班主任", method="follow_up", result="stable", note="复学后回访，在校稳定")  # fmt: skip
    if case.observe_until and case.observe_until <= today and rng.random() < 0.8:
        services.case_close(actor=None, case=case, on=case.observe_until, note="巩固观察期满，稳定在校")
        return "closed"
    return "observing"


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    summary["roster"] = _roster(rng, today, scale)
    summary["responsibles"] = _responsibles(rng, today)
    summary["absences"] = _absences(rng, today, scale)
    run = services.crossmatch_run(actor=None, as_of=today)
    summary["crossmatch"] = run.figures
    _backdate(rng, today)
    reasons = dict(
        Student.objects.filter(status=StudentStatus.DROPPED_OUT)
        .annotate(r=Max("events__reason", filter=Q(events__kind=EventKind.DROP_OUT)))
        .values_list("id", "r")
    )
    spread: dict[str, int] = {}
    NEAR_DUE["left"] = 5 * scale
    for case in DropoutCase.objects.filter(status=CaseStatus.PENDING).select_related("student").order_by("id"):
        reason = REASONS.get(reasons.get(case.student_id) or "", rng.choice(["learning", "work", "poverty", "family"]))
        try:
            with transaction.atomic():
                state = _drive(case, rng, today, reason)
        except DomainError as exc:  # a history the register refuses: leave the case where it stands
            state = f"kept ({exc.code})"
        spread[state] = spread.get(state, 0) + 1
    summary["spread"] = spread
    summary["alerts"] = services.deadlines_check(on=today)
    first = today.replace(day=1)
    months = [add_months(first, -2), add_months(first, -1)]
    schools = School.objects.filter(pk__in=DropoutCase.objects.exclude(school=None).values("school")).distinct()
    reports = 0
    for school in schools:
        for month in months:
            services.monthly_report_submit(actor=None, school=school, month=month, note="本月控辍保学情况已核实上报")
            reports += 1
    summary["monthly_reports"] = reports
    quarter_month = add_months(first, -3)
    quarter = (quarter_month.month - 1) // 3 + 1
    for i, school in enumerate(schools[:10]):
        services.quarterly_review_mark(actor=None, school=school, year=quarter_month.year, quarter=quarter,
                                       result="passed" if i % 4 else "rectify", note="" if i % 4 else "劝返记录不完整，限期补齐")  # fmt: skip
    services.stats_refresh(as_of=today)
    bulletin = services.bulletin_generate(actor=None, month=months[-1], on=today)
    summary["bulletin"] = str(bulletin)
    stdout.write(
        f"  控辍保学：户籍名册{summary['roster']}人，责任人{summary['responsibles']}人，"
        f"比对{run.figures}，案件分布{spread}，预警{summary['alerts']}条，月报{reports}份，{bulletin}\n"
    )
    return summary
