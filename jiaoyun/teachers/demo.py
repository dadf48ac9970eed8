"""Demo data of the teachers module: standards and county totals, quota snapshots with real gaps, last year's
completed rotation plan and this year's proposal, a hiring round with applications and scores in, and a few
师德 records (commendations, pledges, one teacher under sanction at the demo principal's school)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from jiaoyun.core.choices import Role, Section
from jiaoyun.core.errors import DomainError
from jiaoyun.core.models import User
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.people.choices import PostType, Staffing
from jiaoyun.people.models import Teacher
from jiaoyun.schools.models import School
from jiaoyun.teachers import services
from jiaoyun.teachers.choices import AppraisalGrade, PledgeKind, Principle, RecordKind, SanctionType
from jiaoyun.teachers.models import (
    Application,
    Appraisal,
    EthicsRecord,
    Pledge,
    QuotaSnapshot,
    RotationPlan,
    Score,
    SubjectGap,
)

DEMO_PRINCIPAL_SCHOOL = "老麦乡中心小学"
COMMENDATIONS = ["县级优秀教师", "师德标兵", "家访工作先进个人", "控辍保学先进个人", "优秀班主任"]


def _actor() -> User | None:
    return (
        User.objects.filter(role=Role.BUREAU_STAFF, section=Section.PERSONNEL, is_active=True).order_by("id").first()
        or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("id").first()
    )


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    actor = _actor()
    if actor is None or not Teacher.objects.exists():
        stdout.write("  teachers：无人事股账号或教职工，跳过\n")
        return
    year = SchoolYear.of(today).start_year
    services.standards_ensure()

    # Last year: quotas, a rotation plan approved and carried out on 1 September.
    services.quota_compute(actor=actor, year=year - 1)
    last_start = dt.date(year - 1, 9, 1)
    try:
        plan = services.rotation_plan_generate(actor=actor, year=year - 1, start_date=last_start, on=last_start)
        services.rotation_plan_approve(actor=actor, plan=plan)
        for move in plan.moves.select_related("teacher", "to_school", "plan"):
            services.rotation_move_complete(actor=actor, move=move, date=last_start)
    except DomainError as exc:
        stdout.write(f"  teachers：上学年轮岗计划未生成：{exc}\n")

    # This year: quotas with the real gaps, county totals a little short of the standard, a proposed plan.
    services.quota_compute(actor=actor, year=year)
    totals = QuotaSnapshot.objects.filter(year=year).aggregate(quota=Sum("quota"), actual=Sum("actual"))
    quota, actual = totals["quota"] or 0, totals["actual"] or 0
    for y, q, a in ((year - 1, quota, actual), (year, quota, actual)):
        services.county_quota_set(
            actor=actor,
            year=y,
            approved_staffing=max(1, round(q * 0.97)),
            approved_posts=max(1, round(max(a, q) * 1.02)),
            note="演示数据：县编办核定",
        )
    start = dt.date(year, 9, 1) if today < dt.date(year, 9, 1) else today
    try:
        services.rotation_plan_generate(actor=actor, year=year, start_date=start, on=start)
    except DomainError as exc:
        stdout.write(f"  teachers：本学年轮岗计划未生成：{exc}\n")

    _hiring_round(actor, rng, year)
    _ethics(actor, rng, today, year)
    stdout.write(
        f"  teachers：编制核定{QuotaSnapshot.objects.filter(year=year).count()}所学校，"
        f"轮岗计划{RotationPlan.objects.count()}个，师德记录{EthicsRecord.objects.count()}条\n"
    )


def _hiring_round(actor: User, rng: random.Random, year: int) -> None:
    """A round in 报名 with the primary schools of one township: posts follow the subject need, every full-time
    teacher has applied with up to three schools, and all scores are in."""
    school = School.objects.filter(name=DEMO_PRINCIPAL_SCHOOL).first() or School.objects.order_by("id").first()
    if school is None:
        return
    schools = list(
        School.objects.filter(
            township_id=school.township_id, kind__in=("primary", "teaching_point"), is_active=True
        ).order_by("code")
    )
    ids = [s.pk for s in schools]
    teachers = list(
        Teacher.objects.filter(
            school_id__in=ids, is_active=True, post_type=PostType.FULL_TIME, staffing=Staffing.ESTABLISHED
        )
        .exclude(main_subject="")
        .order_by("id")
    )
    if not teachers:
        return
    rnd = services.round_create(
        actor=actor,
        year=year,
        name=f"{year}年{school.township.name}小学县管校聘",
        effective_date=dt.date(year + 1, 2, 20),
    )
    # Posts: the subject need of each school (rounded), then topped up where the need is largest until every
    # subject has posts for at least 90 % of its applicants — as usual, some teachers will be 落聘待岗.
    need = {(g.school_id, g.subject): g.need for g in SubjectGap.objects.filter(year=year, school_id__in=ids)}
    applicants: dict[str, int] = defaultdict(int)
    for t in teachers:
        applicants[t.main_subject] += 1
    posts: dict[tuple[int, str], int] = {}
    for (sid, subject), amount in need.items():
        if subject in applicants:
            posts[(sid, subject)] = int(amount.quantize(Decimal("1")))
    for subject, n_app in applicants.items():
        cells = sorted((c for c in need if c[1] == subject), key=lambda c: (-(need[c] - posts.get(c, 0)), c[0])) or [
            (schools[0].pk, subject)
        ]
        i = 0
        while sum(v for (s, subj), v in posts.items() if subj == subject) < n_app - n_app // 10:
            cell = cells[i % len(cells)]
            posts[cell] = posts.get(cell, 0) + 1
            i += 1
    by_pk = {s.pk: s for s in schools}
    for (sid, subject), count in sorted(posts.items()):
        if count > 0:
            services.round_post_set(actor=actor, round=rnd, school=by_pk[sid], subject=subject, count=count)
    services.round_advance(actor=actor, round=rnd, note="发布岗位，开始报名")
    apps: list[Application] = []
    for t in teachers:
        others = [s for s in ids if s != t.school_id and posts.get((s, t.main_subject), 0) > 0]
        rng.shuffle(others)
        choices = others[: rng.randint(1, 3)]
        apps.append(
            Application(
                round=rnd,
                teacher=t,
                origin_school_id=t.school_id or 0,
                subject=t.main_subject,
                in_school=rng.random() < 0.9,
                choices=choices,
            )
        )
    Application.objects.bulk_create(apps)
    scores = []
    for a in Application.objects.filter(round=rnd):
        schools_to_score = ([a.origin_school_id] if a.in_school else []) + list(a.choices)
        for sid in schools_to_score:
            scores.append(Score(application=a, school_id=sid, score=Decimal(rng.randint(600, 980)) / 10))
    Score.objects.bulk_create(scores)


def _ethics(actor: User, rng: random.Random, today: dt.date, year: int) -> None:
    teachers = list(
        Teacher.objects.filter(is_active=True, post_type=PostType.FULL_TIME).order_by("id").values_list("id", flat=True)
    )
    if not teachers:
        return
    # 师德承诺 of every teacher this school year; 入职宣誓 of those hired in the last year.
    sign = dt.date(year, 9, 10)
    Pledge.objects.bulk_create(
        [Pledge(teacher_id=t, kind=PledgeKind.PLEDGE, date=sign, note=f"{year}学年师德承诺书") for t in teachers],
        ignore_conflicts=True,
    )
    recent = Teacher.objects.filter(hire_date__gte=dt.date(year - 1, 9, 1), post_type=PostType.FULL_TIME).values_list(
        "id", "hire_date"
    )
    Pledge.objects.bulk_create(
        [Pledge(teacher_id=t, kind=PledgeKind.OATH, date=hired, note="新教师入职宣誓") for t, hired in recent if hired],
        ignore_conflicts=True,
    )
    for tid in rng.sample(teachers, min(len(teachers), 6)):
        teacher = Teacher.objects.get(pk=tid)
        services.ethics_record_create(
            actor=actor, teacher=teacher, kind=RecordKind.COMMENDATION, date=today - dt.timedelta(days=rng.randint(30, 300)),
            title=rng.choice(COMMENDATIONS), source="县教育体育局",
        )  # fmt: skip
    # One teacher at the demo principal's school under a 记过 for paid tutoring (准则十).
    culprit = Teacher.objects.filter(
        school__name=DEMO_PRINCIPAL_SCHOOL, post_type=PostType.FULL_TIME, user__isnull=True
    ).order_by("id").first() or Teacher.objects.get(pk=teachers[0])
    record = services.ethics_record_create(
        actor=actor,
        teacher=culprit,
        kind=RecordKind.VIOLATION,
        principle=10,
        date=today - dt.timedelta(days=75),
        title="组织学生参加有偿补课",
        details="经家长举报，学校调查核实：暑期在校外租房组织本班学生有偿补课。",
        source="家长举报",
    )
    services.sanction_impose(
        actor=actor,
        record=record,
        type=SanctionType.DEMERIT,
        start=today - dt.timedelta(days=60),
        decided_by_body="县教育体育局",
    )
    # An older warning whose period has ended.
    other = Teacher.objects.get(pk=teachers[len(teachers) // 2])
    old = services.ethics_record_create(
        actor=actor, teacher=other, kind=RecordKind.VIOLATION, principle=Principle.INTEGRITY, date=today - dt.timedelta(days=500),
        title="收受家长礼品", source="信访",
    )  # fmt: skip
    services.sanction_impose(actor=actor, record=old, type=SanctionType.WARNING, start=today - dt.timedelta(days=480))
    # Last year's appraisal: ~15% 优秀, the rest 合格; the sanctioned teacher is rated 基本合格.
    rows = []
    for t in teachers:
        grade = AppraisalGrade.EXCELLENT if rng.random() < 0.15 else AppraisalGrade.COMPETENT
        if t == culprit.pk:
            grade = AppraisalGrade.BASIC
        rows.append(Appraisal(teacher_id=t, year=year - 1, grade=grade, recorded_by=actor))
    Appraisal.objects.bulk_create(rows, ignore_conflicts=True)
