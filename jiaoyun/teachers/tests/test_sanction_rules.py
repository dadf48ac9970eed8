"""Consequences of each 处分 (事业单位工作人员处分规定 第七条; 中小学教师违反职业道德行为处理办法 第三条) and of a
师德考核 of 不合格 (一票否决), on the 年度考核, promotion (职称评聘), 评优评先 and 县管校聘 — inside and after the
period, and across a school-year boundary. School years run 1 September – 31 August (2026 = 2026-09-01…2027-08-31)."""

import datetime as dt

import pytest

from jiaoyun.core.errors import DomainError
from jiaoyun.teachers.services import (
    appraisal_record,
    ethics_record_create,
    honour_award,
    round_create,
    round_post_set,
    sanction_impose,
    title_promote,
)
from jiaoyun.teachers.services.rounds import application_submit, round_advance
from jiaoyun.teachers.tests.conftest import make_teacher

D = dt.date


@pytest.fixture
def teacher(school_a):
    return make_teacher(school_a, name="钱受", title="second")


def impose(actor, teacher, type, start):
    record = ethics_record_create(
        actor=actor, teacher=teacher, kind="violation", principle=4, date=start - dt.timedelta(days=10), title="违纪"
    )
    return sanction_impose(actor=actor, record=record, type=type, start=start)


def grade(actor, teacher, year, g, ethics="pass"):
    return appraisal_record(actor=actor, teacher=teacher, year=year, grade=g, ethics=ethics).grade


def promote(actor, teacher, day):
    teacher.refresh_from_db()
    to = {"second": "first", "first": "senior"}[teacher.title]
    return title_promote(actor=actor, teacher=teacher, to_title=to, date=day)


def honour(actor, teacher, day):
    return honour_award(actor=actor, teacher=teacher, name="优秀教师", level="county", date=day)


# ---------------------------------------------------------------- 警告 (6 months)


def test_warning_bars_excellent_in_the_decision_year_only_and_never_competent(personnel, teacher):
    s = impose(personnel, teacher, "warning", D(2026, 12, 1))
    assert s.end == D(2027, 5, 31)
    with pytest.raises(DomainError, match=r"作出处分决定的当年2026-2027学年年度考核不得评为“优秀”（最高为“合格”）"):
        grade(personnel, teacher, 2026, "excellent")
    assert grade(personnel, teacher, 2026, "competent") == "competent"  # a 警告 does not bar 合格
    assert grade(personnel, teacher, 2025, "excellent") == "excellent"  # the year before the decision
    assert grade(personnel, teacher, 2027, "excellent") == "excellent"  # the year after


def test_warning_across_a_school_year_boundary_bars_only_the_decision_year(personnel, teacher):
    # Decided 2027-07-01 (school year 2026); the period runs to 2027-12-31, into school year 2027.
    impose(personnel, teacher, "warning", D(2027, 7, 1))
    with pytest.raises(DomainError, match="第七条第一款"):
        grade(personnel, teacher, 2026, "excellent")
    assert grade(personnel, teacher, 2027, "excellent") == "excellent"


def test_warning_bars_promotion_and_honours_during_its_period(personnel, teacher):
    impose(personnel, teacher, "warning", D(2026, 12, 1))
    with pytest.raises(
        DomainError, match=r"处分期内不得聘用到更高岗位（职称评聘）。依据：事业单位工作人员处分规定第七条"
    ):
        promote(personnel, teacher, D(2027, 5, 31))
    with pytest.raises(DomainError, match="处分期内不得评优评先"):
        honour(personnel, teacher, D(2027, 5, 31))
    assert promote(personnel, teacher, D(2027, 6, 1)).to_title == "first"
    assert honour(personnel, teacher, D(2027, 6, 1)).level == "county"


# ---------------------------------------------------------------- 记过 (12 months)


def test_demerit_bars_competent_and_above_in_every_year_of_its_period(personnel, teacher):
    s = impose(personnel, teacher, "demerit", D(2026, 3, 1))
    assert s.end == D(2027, 2, 28)  # overlaps school years 2025 and 2026
    for year in (2025, 2026):
        for g in ("excellent", "competent"):
            with pytest.raises(DomainError, match=r"受处分期间.*不得评为.*（最高为“基本合格”）.*第七条第二款"):
                grade(personnel, teacher, year, g)
        assert grade(personnel, teacher, year, "basic") == "basic"
    assert grade(personnel, teacher, 2027, "excellent") == "excellent"  # period over before 2027-09-01
    assert grade(personnel, teacher, 2024, "competent") == "competent"  # before the period


def test_demerit_bars_promotion_and_honours_during_its_period(personnel, teacher):
    impose(personnel, teacher, "demerit", D(2026, 3, 1))
    with pytest.raises(DomainError, match="记过"):
        promote(personnel, teacher, D(2027, 2, 28))
    with pytest.raises(DomainError, match="记过"):
        honour(personnel, teacher, D(2027, 2, 28))
    promote(personnel, teacher, D(2027, 3, 1))
    honour(personnel, teacher, D(2027, 3, 1))


# ---------------------------------------------------------------- 降低岗位等级 (24 months)


def test_demotion_bars_basic_and_above_in_every_year_of_its_period(personnel, teacher):
    s = impose(personnel, teacher, "demotion", D(2026, 1, 5))
    assert s.end == D(2028, 1, 4)  # school years 2025, 2026 and 2027
    for year in (2025, 2026, 2027):
        for g in ("excellent", "competent", "basic"):
            with pytest.raises(DomainError, match=r"（最高为“不合格”）.*第七条第三款"):
                grade(personnel, teacher, year, g)
        assert grade(personnel, teacher, year, "fail") == "fail"
    assert grade(personnel, teacher, 2028, "excellent") == "excellent"


def test_demotion_bars_promotion_and_honours_during_its_period(personnel, teacher):
    impose(personnel, teacher, "demotion", D(2026, 1, 5))
    with pytest.raises(DomainError, match="降低岗位等级"):
        promote(personnel, teacher, D(2028, 1, 4))
    with pytest.raises(DomainError, match="降低岗位等级"):
        honour(personnel, teacher, D(2028, 1, 4))
    promote(personnel, teacher, D(2028, 1, 5))
    honour(personnel, teacher, D(2028, 1, 5))


# ---------------------------------------------------------------- 开除 (ends employment)


def test_expulsion_ends_employment(personnel, teacher, school_a):
    impose(personnel, teacher, "expulsion", D(2026, 10, 1))
    teacher.refresh_from_db()
    assert teacher.is_active is False
    with pytest.raises(DomainError, match=r"人事关系已终止，不再参加2027-2028学年年度考核.*第七条第五款"):
        grade(personnel, teacher, 2027, "fail")
    with pytest.raises(DomainError, match="人事关系已终止"):
        promote(personnel, teacher, D(2030, 1, 1))
    with pytest.raises(DomainError, match="人事关系已终止"):
        honour(personnel, teacher, D(2030, 1, 1))
    rnd = round_create(actor=personnel, year=2027, name="2027年县管校聘", effective_date=D(2027, 9, 1))
    round_post_set(actor=personnel, round=rnd, school=school_a, subject="math", count=1)
    round_advance(actor=personnel, round=rnd)
    with pytest.raises(DomainError, match="不在职"):
        application_submit(actor=personnel, round=rnd, teacher=teacher, choices=[])


# ---------------------------------------------------------------- 取消资格 (其他处理, 24 months)


def test_disqualification_bars_promotion_and_honours_but_not_the_appraisal(personnel, teacher):
    impose(personnel, teacher, "disqualification", D(2026, 3, 1))
    assert grade(personnel, teacher, 2026, "excellent") == "excellent"
    with pytest.raises(DomainError, match="处理办法第三条"):
        promote(personnel, teacher, D(2028, 2, 29))
    with pytest.raises(DomainError, match="处理办法第三条"):
        honour(personnel, teacher, D(2028, 2, 29))
    promote(personnel, teacher, D(2028, 3, 1))
    honour(personnel, teacher, D(2028, 3, 1))


def test_mild_measures_have_no_consequence(personnel, teacher):
    impose(personnel, teacher, "criticism", D(2026, 12, 1))
    assert grade(personnel, teacher, 2026, "excellent") == "excellent"
    promote(personnel, teacher, D(2026, 12, 2))
    honour(personnel, teacher, D(2026, 12, 2))


# ---------------------------------------------------------------- 师德考核不合格 (一票否决)


def test_failed_ethics_assessment_makes_the_year_fail_and_vetoes_promotion_and_honours(personnel, teacher):
    with pytest.raises(DomainError, match="师德考核不合格，年度考核应评定为“不合格”"):
        grade(personnel, teacher, 2026, "competent", ethics="fail")
    assert grade(personnel, teacher, 2026, "fail", ethics="fail") == "fail"
    # vetoed in the assessed school year (2026) and the following one (2027), open from 2028-09-01
    for day in (D(2027, 8, 31), D(2028, 8, 31)):
        with pytest.raises(DomainError, match=r"一票否决：钱受2026-2027学年师德考核不合格，不得评优评先"):
            honour(personnel, teacher, day)
        with pytest.raises(DomainError, match="一票否决"):
            promote(personnel, teacher, day)
    honour(personnel, teacher, D(2028, 9, 1))
    promote(personnel, teacher, D(2028, 9, 1))


def test_the_rules_are_data(personnel, teacher, settings):
    rules = dict(settings.JIAOYUN.get("TEACHERS_SANCTION_RULES") or {})
    from jiaoyun.teachers.conf import DEFAULTS

    rules = {**DEFAULTS["TEACHERS_SANCTION_RULES"], **rules}
    rules["warning"] = {**rules["warning"], "appraisal": {"barred": [], "when": "decision_year"}}
    settings.JIAOYUN = {**settings.JIAOYUN, "TEACHERS_SANCTION_RULES": rules}
    impose(personnel, teacher, "warning", D(2026, 12, 1))
    assert grade(personnel, teacher, 2026, "excellent") == "excellent"


def test_the_teacher_file_shows_the_rules_with_their_sources(client, personnel, teacher):
    client.force_login(personnel)
    body = client.get(f"/teachers/ethics/teacher/{teacher.pk}/").content.decode()
    table = body.split('data-testid="sanction-rules"')[1].split("</table>")[0]
    assert "<td>警告</td><td>6个月</td><td>作出处分决定的当年最高为“合格”</td><td>不得</td><td>不得</td>" in table
    assert "<td>记过</td><td>12个月</td><td>期间所涉各年度最高为“基本合格”</td>" in table
    assert "<td>降低岗位等级或撤职</td><td>24个月</td><td>期间所涉各年度最高为“不合格”</td>" in table
    assert "<td>开除</td><td>—</td><td>人事关系终止，不再参加</td>" in table
    assert "第七条第一款" in table and "教师〔2019〕10号" in table
