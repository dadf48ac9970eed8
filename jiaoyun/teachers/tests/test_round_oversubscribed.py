"""县管校聘 with more teachers than posts: 5 math posts, 8 applicants from 3 schools, worked by hand stage by
stage (校内竞聘 → 跨校竞聘 → 组织调剂 → 落聘待岗), then the 待岗 training and the later reassignment.

Posts: A 1, B 1, C 3.                         scores (school: score)
  A: a1 in school                             A 90
     a2 in school, choices [B]                A 85
     a3 in school, choices [C]                A 75            (C does not score a3)
     a4 in school, choices [C]                A 60, C 72
  B: b1 in school                             B 88
     b2 in school, choices [A]                B 60, A 92
  C: c1 in school                             C 70
     c2 not in school, choices [B]            B 58

Stage 1 (校内竞聘): A keeps a1 (1st of 4; a2 2nd, a3 3rd, a4 4th leave), B keeps b1 (b2 2nd leaves), C keeps
c1 (the only one competing there) → 3 placed; open: C 2.
Stage 2 (跨校竞聘): a2 → B full since stage 1; a3 → C did not score them; a4 → C (72), C still has an open
post, so not full; b2 → A full; c2 → B full → a4 placed; open: C 1.
Stage 3 (组织调剂), by best score: b2 92, a2 85, a3 75, c2 58 → b2 takes the last post (C); nothing is left.
Stage 4 (落聘待岗): a2, a3, c2.
"""

import datetime as dt

import pytest

from jiaoyun.core.errors import DomainError, IllegalTransition
from jiaoyun.people.models import TeacherAssignment
from jiaoyun.schools.tests.factories import SchoolFactory
from jiaoyun.teachers.models import Application, RoundPost, StandbyRecord
from jiaoyun.teachers.services import (
    application_submit,
    round_advance,
    round_create,
    round_post_set,
    score_set,
    standby_reassign,
    standby_training_record,
)
from jiaoyun.teachers.services.rounds import round_feasibility, round_oversubscription
from jiaoyun.teachers.tests.conftest import make_teacher


@pytest.fixture
def worked(personnel, school_a, school_b, township_a):
    A, B = school_a, school_b
    C = SchoolFactory(code="2153000009", name="由旺镇中心小学", township=township_a)
    rnd = round_create(actor=personnel, year=2026, name="2026年县管校聘", effective_date=dt.date(2026, 9, 1))
    for school, n in ((A, 1), (B, 1), (C, 3)):
        round_post_set(actor=personnel, round=rnd, school=school, subject="math", count=n)
    round_advance(actor=personnel, round=rnd)  # 报名
    spec = [
        ("a1", A, True, [], {A: 90}),
        ("a2", A, True, [B], {A: 85}),
        ("a3", A, True, [C], {A: 75}),
        ("a4", A, True, [C], {A: 60, C: 72}),
        ("b1", B, True, [], {B: 88}),
        ("b2", B, True, [A], {B: 60, A: 92}),
        ("c1", C, True, [], {C: 70}),
        ("c2", C, False, [B], {B: 58}),
    ]
    apps = {}
    for name, origin, in_school, choices, scores in spec:
        t = make_teacher(origin, name=name, main_subject="math")
        app = application_submit(
            actor=personnel, round=rnd, teacher=t, choices=[s.pk for s in choices], in_school=in_school
        )
        for school, score in scores.items():
            score_set(actor=personnel, application=app, school=school, score=score)
        apps[name] = app
    return rnd, (A, B, C), apps


def _state(apps):
    out = {}
    for name, app in apps.items():
        app.refresh_from_db()
        out[name] = (app.placed_school.name if app.placed_school else None, app.stage, app.preference_rank)
    return out


def test_eight_applicants_for_five_posts_stage_by_stage(personnel, worked):
    rnd, (A, B, C), apps = worked
    assert round_feasibility(round=rnd) == []  # more applicants than posts is not refused
    assert round_oversubscription(round=rnd) == ["数学：报名教师8人，岗位5个，3人将落聘待岗"]
    round_advance(actor=personnel, round=rnd)  # 校内竞聘
    round_advance(actor=personnel, round=rnd)  # 跨校竞聘: stage 1 computed
    s = _state(apps)
    assert {n for n, (_school, stage, _r) in s.items() if stage == 1} == {"a1", "b1", "c1"}
    assert s["a1"][0] == A.name and s["b1"][0] == B.name and s["c1"][0] == C.name
    round_advance(actor=personnel, round=rnd)  # 组织调剂: stages 1–2 computed
    s = _state(apps)
    assert s["a4"] == (C.name, 2, 1)
    assert {n for n, v in s.items() if v[1] is None} == {"a2", "a3", "b2", "c2"}
    round_advance(actor=personnel, round=rnd)  # 审核: stages 1–4 computed
    s = _state(apps)
    assert s == {
        "a1": (A.name, 1, None),
        "a2": (None, 4, None),
        "a3": (None, 4, None),
        "a4": (C.name, 2, 1),
        "b1": (B.name, 1, None),
        "b2": (C.name, 3, None),
        "c1": (C.name, 1, None),
        "c2": (None, 4, None),
    }
    posts = {p.school_id: (p.count, p.filled) for p in RoundPost.objects.filter(round=rnd)}
    assert posts == {A.pk: (1, 1), B.pk: (1, 1), C.pk: (3, 3)}
    assert rnd.events.last().note == "组织调剂1人；落聘待岗3人"

    filled = "数学岗位共5个已全部聘满（校内竞聘3人、跨校竞聘1人、组织调剂1人）；组织调剂前剩余空岗1个，按最高得分排序由排名在前者调剂"
    assert apps["a1"].explanation == ["校内竞聘：在本校数学岗位1个中排名第1（90分），留聘本校"]
    assert apps["a2"].explanation == [
        "校内竞聘：在本校数学岗位1个中排名第2（85分），未获聘，进入跨校竞聘",
        f"第1志愿{B.name}：数学岗位1个已在校内竞聘中聘满",
        "跨校竞聘：所有志愿均未录用",
        f"落聘待岗：{filled}（本人最高得分85，在参加组织调剂的数学教师4人中排第2）",
    ]
    assert apps["a3"].explanation == [
        "校内竞聘：在本校数学岗位1个中排名第3（75分），未获聘，进入跨校竞聘",
        f"第1志愿{C.name}：该校未对其评分",
        "跨校竞聘：所有志愿均未录用",
        f"落聘待岗：{filled}（本人最高得分75，在参加组织调剂的数学教师4人中排第3）",
    ]
    assert apps["a4"].explanation == [
        "校内竞聘：在本校数学岗位1个中排名第4（60分），未获聘，进入跨校竞聘",
        f"跨校竞聘：第1志愿{C.name}录用，本人得分72，该岗位未满员",
    ]
    assert apps["b2"].explanation[:3] == [
        "校内竞聘：在本校数学岗位1个中排名第2（60分），未获聘，进入跨校竞聘",
        f"第1志愿{A.name}：数学岗位1个已在校内竞聘中聘满",
        "跨校竞聘：所有志愿均未录用",
    ]
    assert (
        apps["b2"]
        .explanation[3]
        .startswith(
            f"组织调剂：按最高得分排序（本人最高得分92，在参加组织调剂的数学教师4人中排第1），"
            f"调剂至尚有数学空岗的最近学校{C.name}"
        )
    )
    assert apps["c1"].explanation == ["校内竞聘：在本校数学岗位3个中排名第1（70分），留聘本校"]
    assert apps["c2"].explanation == [
        "未参加本校校内竞聘",
        f"第1志愿{B.name}：数学岗位1个已在校内竞聘中聘满",
        "跨校竞聘：所有志愿均未录用",
        f"落聘待岗：{filled}（本人最高得分58，在参加组织调剂的数学教师4人中排第4）",
    ]


def test_standby_teachers_get_training_then_a_reassignment(personnel, principal, worked):
    rnd, (A, B, C), apps = worked
    for _ in range(6):  # → 校内竞聘 → 跨校竞聘 → 组织调剂 → 审核 → 已发布 → 已执行
        round_advance(actor=personnel, round=rnd)
    assert rnd.events.last().note == "调动2人；落聘待岗3人转入待岗培训"  # a4 and b2 move; a1, b1, c1 stay
    records = {s.application.teacher.name: s for s in StandbyRecord.objects.select_related("application__teacher")}
    assert set(records) == {"a2", "a3", "c2"} and {s.status for s in records.values()} == {"training"}
    a2 = records["a2"]
    # not trained yet → no reassignment; only the 人事股 records training
    with pytest.raises(IllegalTransition, match="尚未完成待岗培训"):
        standby_reassign(actor=personnel, standby=a2, school=B, date=dt.date(2026, 11, 1))
    with pytest.raises(DomainError):
        standby_training_record(
            actor=principal, standby=a2, training="岗位能力提升培训", start=dt.date(2026, 9, 1),
            end=dt.date(2026, 10, 15), passed=True,
        )  # fmt: skip
    standby_training_record(
        actor=personnel, standby=a2, training="岗位能力提升培训", start=dt.date(2026, 9, 1),
        end=dt.date(2026, 10, 15), passed=False,
    )  # fmt: skip
    a2.refresh_from_db()
    assert a2.status == "training" and a2.training_passed is False
    standby_training_record(
        actor=personnel, standby=a2, training="岗位能力提升培训（补训）", start=dt.date(2026, 10, 16),
        end=dt.date(2026, 10, 31), passed=True,
    )  # fmt: skip
    with pytest.raises(DomainError, match="早于培训结束"):
        standby_reassign(actor=personnel, standby=a2, school=B, date=dt.date(2026, 10, 30))
    standby_reassign(actor=personnel, standby=a2, school=B, date=dt.date(2026, 11, 1), note="乙校产假顶岗后转正岗")
    a2.refresh_from_db()
    teacher = Application.objects.get(pk=apps["a2"].pk).teacher
    assert (a2.status, a2.reassigned_school, teacher.school) == ("reassigned", B, B)
    last = TeacherAssignment.objects.filter(teacher=teacher).order_by("-start").first()
    assert (last.kind, last.school, last.start) == ("hiring_round", B, dt.date(2026, 11, 1))
    with pytest.raises(IllegalTransition, match="已重新安排"):
        standby_reassign(actor=personnel, standby=a2, school=C, date=dt.date(2026, 12, 1))


def test_pages_show_each_stage_and_the_personnel_section_publishes(client, personnel, principal, worked):
    rnd, (A, B, C), apps = worked
    url = f"/teachers/rounds/{rnd.pk}/"
    client.force_login(personnel)
    body = client.get(url).content.decode()
    assert "数学：报名教师8人，岗位5个，3人将落聘待岗" in body
    for _ in range(4):  # the 人事股 drives the round from the page up to 审核
        assert client.post(f"{url}action/", {"action": "advance"}).status_code == 302
    body = client.get(url).content.decode()
    # 数学: posts 5, applicants 8, stage 1: 3, stage 2: 1, stage 3: 1, 落聘待岗: 3
    row = body.split('data-subject="math">')[1].split("</tr>")[0]
    assert [c.split("<")[0] for c in row.split('class="num">')[1:]] == ["5", "8", "3", "1", "1", "3"]
    assert "在参加组织调剂的数学教师4人中排第2" in body
    standby_only = client.get(url, {"stage": "4"}).content.decode()
    assert all(n in standby_only for n in ('data-teacher="a2"', 'data-teacher="a3"', 'data-teacher="c2"'))
    assert 'data-teacher="a1"' not in standby_only
    client.force_login(principal)  # a principal cannot publish
    client.post(f"{url}action/", {"action": "advance"})
    rnd.refresh_from_db()
    assert rnd.status == "review"
    client.force_login(personnel)
    client.post(f"{url}action/", {"action": "advance"})  # 已发布
    client.post(f"{url}action/", {"action": "advance"})  # 已执行
    rnd.refresh_from_db()
    assert rnd.status == "applied"
    standby = StandbyRecord.objects.get(application=apps["a3"])
    response = client.post(
        f"{url}action/",
        {"action": "training", "standby": standby.pk, "training": "跨学科转岗培训", "start": "2026-09-01",
         "end": "2026-10-31", "passed": "1"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "待岗培训已登记" in response
    client.post(f"{url}action/", {"action": "reassign", "standby": standby.pk, "school": C.pk, "date": "2026-11-01"})
    standby.refresh_from_db()
    assert (standby.status, standby.reassigned_school) == ("reassigned", C)
    body = client.get(url).content.decode()
    assert "跨学科转岗培训（2026-09-01至2026-10-31，考核合格）" in body and "由旺镇中心小学（2026-11-01到岗）" in body
    client.force_login(principal)  # school_a's principal sees the table but may not record training
    other = StandbyRecord.objects.get(application=apps["a2"])
    response = client.post(
        f"{url}action/",
        {"action": "training", "standby": other.pk, "training": "x", "start": "2026-09-01", "end": "2026-09-02",
         "passed": "1"},
        follow=True,
    )  # fmt: skip
    assert "仅县教育局人事股可执行此操作" in response.content.decode()
    other.refresh_from_db()
    assert other.training == ""
