"""Demo data of the supervision module: the 2021 work plan (and its copy for the demo year) with believable
progress (most milestones done on time, some late, a few still open past due), the 县领导 ``leader`` linked to
three schools (the demo principal's among them) and departments linked to others with visit logs, the 责任督学
``inspector`` with responsibility areas, this month's visits and 整改 at every stage, and the assessment weights."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User
from jiaoyun.schools.models import School
from jiaoyun.supervision import services
from jiaoyun.supervision.choices import MeasureKind, RectStatus
from jiaoyun.supervision.models import (
    ChecklistItem,
    Link,
    LinkVisit,
    Milestone,
    Plan,
    PlanItem,
    ProgressReport,
    Rectification,
    RectificationEvent,
    VisitAnswer,
    Zone,
    ZoneVisit,
)

PASSWORD = "Jiaoyun2021"  # noqa: S105 — the demo logins' shared password (README)
PRINCIPAL_SCHOOL = "老麦乡中心小学"
CHECKLIST = (
    "办学行为规范：按课程方案开齐开足课程，无违规补课、违规收费",
    "控辍保学：学籍与在校学生一致，缺勤学生当日核实，辍学学生按“四步法”劝返",
    "校园安全：门卫、封闭化管理、一键报警和视频监控正常，隐患按期整改",
    "食堂管理：食材索证索票、留样、“六T”管理落实",
    "教师队伍：师德师风承诺落实，无有偿补课等违规行为",
    "校舍与设施：校舍安全，功能室正常使用",
    "学生资助与营养改善计划按规定落实",
    "档案与台账：督导整改台账完整，上次整改已销号",
)
DEPARTMENTS = ("县发展和改革局", "县财政局", "县卫生健康局", "县公安局", "县民政局", "县住房和城乡建设局")
FINDINGS = (
    "围墙东侧破损约6米，未封闭",
    "食堂留样记录缺3天",
    "部分功能室长期闲置，未排课",
    "缺勤学生未做到当日核实",
    "一键报警装置未接入派出所平台",
    "校门口减速带缺失",
    "学生作息时间超出规定",
)


def _user(username: str, section: str, name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=Role.BUREAU_STAFF, section=section, display_name=name,
                    password=make_password(PASSWORD), password_changed_at=timezone.now())  # fmt: skip
        user.save()
    return user


def _progress(rng: random.Random, plan: Plan, today: dt.date, reporters: dict[Any, User | None]) -> tuple[int, int]:
    """Milestones due before ``today``: 80 % done on time, 8 % done late, the rest still open (late)."""
    stones = list(Milestone.objects.filter(item__plan=plan).select_related("item").order_by("due", "id"))
    reports, late = [], 0
    done_items: dict[int, int] = {}
    for m in stones:
        if m.due >= today:
            # the next one is often done early
            if (m.due - today).days < 20 and rng.random() < 0.3:
                m.done_on = today - dt.timedelta(days=rng.randint(0, 5))
        else:
            roll = rng.random()
            if roll < 0.8:
                m.done_on = m.due - dt.timedelta(days=rng.randint(0, 12))
            elif roll < 0.88:
                m.done_on = min(today, m.due + dt.timedelta(days=rng.randint(3, 25)))
            else:
                late += 1
        if m.done_on:
            done_items[m.item_id] = done_items.get(m.item_id, 0) + 1
            reports.append(ProgressReport(item=m.item, milestone=m, on=m.done_on, percent=0, note=f"{m.title}已完成。",
                                          reported_by=reporters.get(m.item.section)))  # fmt: skip
    Milestone.objects.bulk_update(stones, ["done_on"])
    counts = {i.pk: i.milestones.count() for i in plan.items.prefetch_related("milestones")}
    items = list(plan.items.all())
    for item in items:
        n = counts.get(item.pk, 0) or 1
        item.percent = min(100, round(100 * done_items.get(item.pk, 0) / n))
    PlanItem.objects.bulk_update(items, ["percent"])
    percents = {i.pk: i.percent for i in items}
    for r in reports:
        r.percent = percents[r.item_id]
    ProgressReport.objects.bulk_create(reports)
    return len(reports), late


def _places(rng: random.Random, plan: Plan, townships: list[Area]) -> None:
    """Items measured in the townships (kindergartens, 控辍保学, projects) name the townships they apply to."""
    for item in plan.items.all():
        if item.measure_kind == MeasureKind.DROPOUT or "控辍保学" in item.title or "一村一幼" in item.title:
            item.townships.set(townships)
        elif item.measure_kind in (MeasureKind.PROJECT, MeasureKind.SAFETY):
            item.townships.set(rng.sample(townships, k=min(len(townships), rng.randint(2, 5))))


def generate(*, rng: random.Random, scale: int, stdout: Any, today: dt.date) -> None:
    admin = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("id").first()
    townships = list(Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code"))
    schools = list(
        School.objects.filter(is_active=True, parent__isnull=True).select_related("township").order_by("code")
    )
    if admin is None or not schools:
        stdout.write("  supervision：无管理员或学校，跳过\n")
        return
    inspector = _user("inspector", Section.SUPERVISION, "责任督学（张督学）")
    office = User.objects.filter(username="supervision").first() or inspector
    reporters = {s: User.objects.filter(role=Role.BUREAU_STAFF, section=s).order_by("id").first()
                 for s in (Section.BASIC, Section.PERSONNEL, Section.SAFETY, Section.FINANCE, Section.IT,
                           Section.SUPERVISION)}  # fmt: skip

    # The plan: 2021 from the plan's text, copied to the demo year.
    p2021 = services.plan_seed(actor=None, year=2021)
    _places(rng, p2021, townships)
    n1, late1 = _progress(rng, p2021, dt.date(2021, 12, 31) if today.year > 2021 else today, reporters)
    plans = [p2021]
    if today.year > 2021:
        current = services.plan_copy(actor=admin, plan=p2021, year=today.year)
        n2, late2 = _progress(rng, current, today, reporters)
        plans.append(current)
    else:
        n2, late2 = 0, 0

    # The assessment's weights for both years.
    for p in plans:
        services.weights_default(year=p.year)

    # 挂钩联系: the 县领导 to three schools (the demo principal's first), departments to others.
    leader = User.objects.filter(username="leader").first()
    principal_school = next((s for s in schools if s.name == PRINCIPAL_SCHOOL), schools[0])
    others = [s for s in schools if s.pk != principal_school.pk]
    rng.shuffle(others)
    linked = [principal_school, *others[:2]]
    links = [Link(school=s, leader=leader, person="李副县长", since=dt.date(today.year, 2, 20)) for s in linked]
    for k, s in enumerate(others[2 : 2 + 2 * len(DEPARTMENTS)]):
        links.append(Link(school=s, person=f"{DEPARTMENTS[k % len(DEPARTMENTS)][1:-1]}负责人",
                          department=DEPARTMENTS[k % len(DEPARTMENTS)], since=dt.date(today.year, 3, 1)))  # fmt: skip
    Link.objects.bulk_create(links)
    visits = []
    for link in Link.objects.all():
        for q in range(rng.randint(1, 3)):
            day = today - dt.timedelta(days=20 + 75 * q + rng.randint(0, 20))
            visits.append(LinkVisit(link=link, date=day, people=f"{link.person}、{link.school.township.name}中心校校长",
                                    findings=rng.choice(FINDINGS), follow_up="已交办学校限期整改，督导室跟踪。",
                                    recorded_by=office))  # fmt: skip
    LinkVisit.objects.bulk_create(visits)

    # 督学责任区: about five schools each; the inspector has the principal's township's area and one more.
    items = [ChecklistItem(text=t, sort=k) for k, t in enumerate(CHECKLIST, start=1)]
    ChecklistItem.objects.bulk_create(items)
    by_township: dict[int, list[School]] = {}
    for s in schools:
        by_township.setdefault(s.township_id, []).append(s)
    zones: list[Zone] = []
    for t in townships:
        group = by_township.get(t.pk, [])[:6]
        if not group:
            continue
        mine = t.pk == principal_school.township_id or len(zones) == 0
        zone = Zone.objects.create(name=f"{t.name}督学责任区", inspector=inspector if mine else office)
        zone.schools.set(group)
        zones.append(zone)
    rects = _visits(rng, zones, items, today, admin)
    stdout.write(f"  supervision：计划任务进展 {n1 + n2} 条（逾期节点 {late1 + late2}），挂钩 {len(links)}，"
                 f"走访 {len(visits)}，责任区 {len(zones)}，整改 {rects}\n")  # fmt: skip


def _visits(rng: random.Random, zones: list[Zone], items: list[ChecklistItem], today: dt.date, admin: User) -> int:
    """Last month's and this month's visits (the first school of each area not yet visited this month), and 整改 at
    each stage: closed on time, closed late, submitted, in progress, open, overdue."""
    principals = {u.school_id: u for u in User.objects.filter(role=Role.PRINCIPAL, school__isnull=False)}
    month = today.replace(day=1)
    stages = [RectStatus.CLOSED, RectStatus.CLOSED, RectStatus.SUBMITTED, RectStatus.IN_PROGRESS, RectStatus.OPEN]
    n = 0
    for zone in zones:
        schools = list(zone.schools.all())
        for k, school in enumerate(schools):
            days = [month - dt.timedelta(days=rng.randint(5, 25))]
            if k > 0 and today.day > 1:
                days.append(month + dt.timedelta(days=rng.randint(0, today.day - 1)))
            for day in days:
                visit = ZoneVisit.objects.create(zone=zone, school=school, date=day, inspector=zone.inspector,
                                                 summary="办学行为总体规范，个别问题已当场反馈。")  # fmt: skip
                failing = rng.sample(items, k=rng.randint(0, 2))
                VisitAnswer.objects.bulk_create([VisitAnswer(visit=visit, item=i, ok=i not in failing,
                                                             note="见整改通知" if i in failing else "")
                                                 for i in items])  # fmt: skip
                for _item in failing:
                    status = stages[(n + k) % len(stages)]
                    deadline = day + dt.timedelta(days=rng.choice((10, 20, 30)))
                    closed = None
                    if status == RectStatus.CLOSED:
                        closed = (
                            deadline - dt.timedelta(days=rng.randint(1, 5))
                            if n % 3
                            else deadline + dt.timedelta(days=4)
                        )
                        closed = min(closed, today)
                    rect = Rectification.objects.create(school=school, visit=visit, finding=rng.choice(FINDINGS),
                                                        deadline=deadline, responsible=principals.get(school.pk),
                                                        verifier=zone.inspector, status=status, opened_on=day,
                                                        closed_on=closed)  # fmt: skip
                    _history(rect, zone.inspector, principals.get(school.pk) or admin)
                    n += 1
    return n


def _history(rect: Rectification, inspector: User | None, school_user: User) -> None:
    steps = [("下达整改", "", RectStatus.OPEN, inspector)]
    order = [RectStatus.OPEN, RectStatus.IN_PROGRESS, RectStatus.SUBMITTED, RectStatus.CLOSED]
    reached = order.index(RectStatus(rect.status))
    if reached >= 1:
        steps.append(("开始整改", RectStatus.OPEN, RectStatus.IN_PROGRESS, school_user))
    if reached >= 2:
        steps.append(("提交核验", RectStatus.IN_PROGRESS, RectStatus.SUBMITTED, school_user))
    if reached >= 3:
        steps.append(("核验通过，销号", RectStatus.SUBMITTED, RectStatus.CLOSED, inspector))
    RectificationEvent.objects.bulk_create([
        RectificationEvent(rectification=rect, actor=a, action=act, from_status=f, to_status=t,
                           note="已按要求整改。" if t == RectStatus.SUBMITTED else "")
        for act, f, t, a in steps
    ])  # fmt: skip
