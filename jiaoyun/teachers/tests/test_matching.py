"""Placement on small hand-solved rounds (pure function, no database)."""

import datetime as dt

from jiaoyun.teachers.matching import Applicant, Problem, blocking_pairs, oversubscription, place

A, B, C, O = 1, 2, 3, 9  # noqa: E741
NAMES = {A: "甲校", B: "乙校", C: "丙校", O: "原校"}
SUBJ = {"math": "数学", "english": "英语"}


def app(i, choices, subject="math", origin=O, in_school=False, hired=dt.date(2010, 9, 1)):
    return Applicant(
        id=i,
        teacher_id=100 + i,
        subject=subject,
        origin=origin,
        choices=tuple(choices),
        in_school=in_school,
        hire_ordinal=hired.toordinal(),
    )


def problem(applicants, capacity, scores, **kw):
    return Problem(applicants, capacity, scores, school_names=NAMES, subject_names=SUBJ, **kw)


def test_deferred_acceptance_three_teachers_three_schools():
    # t1: A>B>C, t2: B>A>C, t3: A>B>C; A ranks t3>t1>t2, B ranks t1>t2>t3, C ranks anyone.
    apps = [app(1, [A, B, C]), app(2, [B, A, C]), app(3, [A, B, C])]
    scores = {(A, 3): 90, (A, 1): 80, (A, 2): 70, (B, 1): 88, (B, 2): 77, (B, 3): 66, (C, 1): 60, (C, 2): 60,
              (C, 3): 60}  # fmt: skip
    p = problem(apps, {(A, "math"): 1, (B, "math"): 1, (C, "math"): 1}, scores)
    r = place(p)
    # hand solution: t3 → A, t1 → B (A rejected t1 for t3), t2 → C (B took t1, A took t3)
    assert {k: (v.school, v.stage, v.rank) for k, v in r.placements.items()} == {
        1: (B, 2, 2),
        2: (C, 2, 3),
        3: (A, 2, 1),
    }
    assert blocking_pairs(p, r.placements) == 0
    assert r.cutoffs[(A, "math")] == 90 and r.cutoffs[(B, "math")] == 88
    t2 = r.explanations[2]
    assert "第1志愿乙校：数学岗位已满，最低录用分88，本人得分77" in t2
    assert "第2志愿甲校：数学岗位已满，最低录用分90，本人得分70" in t2
    assert t2[-1].startswith("跨校竞聘：第3志愿丙校录用")


def test_equal_scores_go_to_longer_service_then_smaller_teacher_id():
    apps = [app(1, [A, B], hired=dt.date(2012, 9, 1)), app(2, [A, B], hired=dt.date(2005, 9, 1))]
    scores = {(A, 1): 85, (A, 2): 85, (B, 1): 70, (B, 2): 70}
    r = place(problem(apps, {(A, "math"): 1, (B, "math"): 1}, scores))
    assert r.placements[2].school == A  # hired 2005: longer service wins the tie
    assert r.placements[1].school == B
    assert "同分，按参加工作日期较早、教师编号较小者优先" in r.explanations[1][1]
    # same hire date: smaller teacher id (101) wins
    apps = [app(1, [A, B]), app(2, [A, B])]
    r = place(problem(apps, {(A, "math"): 1, (B, "math"): 1}, scores))
    assert (r.placements[1].school, r.placements[2].school) == (A, B)


def test_in_school_stage_keeps_the_best_then_the_rest_compete_elsewhere():
    apps = [app(i, [B], origin=A, in_school=True) for i in (1, 2, 3)]
    scores = {(A, 1): 90, (A, 2): 80, (A, 3): 70, (B, 3): 75}
    r = place(problem(apps, {(A, "math"): 2, (B, "math"): 1}, scores))
    assert (r.placements[1].stage, r.placements[1].school) == (1, A)
    assert (r.placements[2].stage, r.placements[2].school) == (1, A)
    assert (r.placements[3].stage, r.placements[3].school, r.placements[3].rank) == (2, B, 1)
    assert "校内竞聘：在本校数学岗位2个中排名第3（70分），未获聘，进入跨校竞聘" in r.explanations[3]
    # stopping after stage 1 leaves teacher 3 unplaced
    assert 3 not in place(problem(apps, {(A, "math"): 2, (B, "math"): 1}, scores), upto=1).placements


def test_county_stage_places_unplaced_at_nearest_open_post():
    apps = [app(1, [A]), app(2, [A])]
    scores = {(A, 1): 90, (A, 2): 80}
    pos = {O: (25.0, 99.0), A: (25.0, 99.2), B: (25.5, 99.0), C: (25.1, 99.0)}
    r = place(problem(apps, {(A, "math"): 1, (B, "math"): 1, (C, "math"): 1}, scores, positions=pos))
    assert r.placements[1].school == A
    assert (r.placements[2].school, r.placements[2].stage) == (C, 3)  # 11 km, B is 56 km away
    assert r.explanations[2][-1] == (
        "组织调剂：按最高得分排序（本人最高得分80，在参加组织调剂的数学教师1人中排第1），"
        "调剂至尚有数学空岗的最近学校丙校（距原学校约11.1公里）"
    )


def test_more_applicants_than_posts_is_not_infeasible_only_the_county_total_is():
    apps = [app(1, [A], subject="english"), app(2, [A], subject="english"), app(3, [B], subject="english"),
            app(4, [B])]  # fmt: skip
    p = problem(apps, {(A, "english"): 1, (B, "english"): 1, (B, "math"): 1}, {}, approved_posts=2)
    r = place(p)
    assert not r.feasible and r.placements == {}
    assert r.infeasible == ["岗位总数3个超过核定岗位总量2个，超出1个"]
    assert oversubscription(p) == ["英语：报名教师3人，岗位2个，1人将落聘待岗"]
    p.approved_posts = None
    r = place(p)
    assert r.feasible and sum(1 for pl in r.placements.values() if pl.stage == 4) == 1


def test_unscored_and_missing_posts_are_explained():
    apps = [app(1, [A, B, C])]
    r = place(problem(apps, {(B, "math"): 1, (C, "math"): 1}, {(C, 1): 50}))
    assert r.explanations[1][1:3] == ["第1志愿甲校：未设数学岗位", "第2志愿乙校：该校未对其评分"]
    assert r.placements[1].school == C


def test_school_limit_from_quota_is_checked():
    apps = [app(1, [A]), app(2, [A])]
    p = problem(apps, {(A, "math"): 2}, {}, school_limits={A: (1, 5, 4)})
    assert place(p).infeasible == ["甲校：岗位2个超过可设岗位1个（核定编制5人，未参加竞聘的在编教职工4人）"]
