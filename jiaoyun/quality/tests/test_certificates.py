"""The 1+X holding rate, counted by hand: by major against the target, by school, over the years, by grade."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jiaoyun.core import idcard
from jiaoyun.core.choices import Role
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.core.tests.factories import UserFactory
from jiaoyun.exchange.services import import_confirm, import_file
from jiaoyun.exchange.tests.helpers import csv_bytes, id_no, upload
from jiaoyun.people.services import enrolment_record
from jiaoyun.quality import selectors as sel
from jiaoyun.quality import services
from jiaoyun.quality.models import Certificate, Major, VocationalStudent
from jiaoyun.quality.tests.conftest import enrol, today
from jiaoyun.schools.tests.factories import SchoolFactory


@pytest.fixture
def vocational(township_a):
    return SchoolFactory(code="2153000201", name="施甸县职业高级中学", kind="vocational", township=township_a)


@pytest.fixture
def cohort(vocational, year):
    """届 year+1 (entered year−2, now 高三) and 届 year+2 (entered year−1), with their certificates."""
    m1 = Major.objects.create(school=vocational, code="710201", name="计算机应用")
    m2 = Major.objects.create(school=vocational, code="700206", name="汽车运用与维修")
    people = {}
    for name, major, grade in (("甲", m1, 12), ("乙", m1, 12), ("丙", m1, 12), ("丁", m1, 12), ("戊", m1, 12),
                               ("己", m2, 12), ("庚", m2, 12), ("辛", m2, 12), ("壬", m1, 11)):  # fmt: skip
        s = enrol(name, vocational, grade, birth=dt.date(2008, 3, 1))
        VocationalStudent.objects.create(student=s, major=major, cohort=year - (grade - 10))
        people[name] = s
    # 戊 left the school (transferred out of the county): no longer of the cohort, certificate or not
    enrolment_record(actor=None, student=people["戊"], kind="transfer_out", date=today() - dt.timedelta(days=3))
    n = iter(range(100))

    def cert(name: str, revoked: bool = False, issued: dt.date | None = None) -> None:
        Certificate.objects.create(student=people[name], name="Web前端开发", level="junior", organisation="工信部教考中心",
                                   issued_on=issued or today() - dt.timedelta(days=30), number=f"W{next(n)}",
                                   revoked=revoked)  # fmt: skip

    cert("甲"), cert("甲"), cert("乙"), cert("丁", revoked=True), cert("戊")
    cert("己", issued=today()), cert("庚"), cert("壬")
    return people


def test_holding_rate_by_major_against_the_target(county_admin, cohort, year):
    services.target_set(actor=county_admin, year=year + 1, rate=Decimal("40"))
    rows = {r.label: r for r in sel.holding_by_major(county_admin, year=year + 1, on=today())}
    # 计算机应用: 甲 乙 丙 丁 of the cohort (戊 left) = 4; holders 甲 (two certificates, counted once), 乙 = 2 (丁's is revoked)
    assert (rows["计算机应用"].members, rows["计算机应用"].holders, rows["计算机应用"].rate) == (4, 2, 50.0)
    assert rows["计算机应用"].meets is True
    # 汽车运用与维修: 己 庚 辛 = 3; holders 己 (issued today), 庚 = 2
    assert (rows["汽车运用与维修"].members, rows["汽车运用与维修"].holders, rows["汽车运用与维修"].rate) == (3, 2, 66.7)
    # on the day before 己's certificate was issued only 庚 holds one: 1 ÷ 3 = 33.3 % < 40 %
    before = {r.label: r for r in sel.holding_by_major(county_admin, year=year + 1, on=today() - dt.timedelta(days=1))}
    assert (before["汽车运用与维修"].holders, before["汽车运用与维修"].rate, before["汽车运用与维修"].meets) == (
        1,
        33.3,
        False,
    )


def test_holding_rate_by_school_year_and_grade(county_admin, cohort, year):
    by_school = sel.holding_by_school(county_admin, year=year + 1, on=today())
    assert [(r.label, r.members, r.holders, r.rate) for r in by_school] == [("施甸县职业高级中学", 7, 4, 57.1)]
    by_year = sel.holding_by_year(county_admin, on=today())
    assert [(r.key, r.members, r.holders) for r in by_year] == [(year + 1, 7, 4), (year + 2, 1, 1)]
    by_grade = sel.holding_by_grade(county_admin, on=today())
    assert [(r.key, r.members, r.holders) for r in by_grade] == [(10, 0, 0), (11, 1, 1), (12, 7, 4)]


def test_the_rate_follows_the_scope(cohort, year, school_b, principal):
    other = UserFactory(role=Role.PRINCIPAL, school=school_b)
    assert sel.holding_by_major(other, year=year + 1) == []
    assert sel.holding_by_major(principal, year=year + 1) == []  # a primary school's principal: no vocational pupil


def test_certificates_are_entered_by_the_school_or_the_bureau(cohort, vocational, school_b, county_admin):
    own = UserFactory(role=Role.PRINCIPAL, school=vocational)
    other = UserFactory(role=Role.PRINCIPAL, school=school_b)
    kwargs = {"student": cohort["丙"], "name": "汽车运用与维修", "level": "middle", "organisation": "中车行",
              "issued_on": today(), "number": "Q1"}  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.certificate_create(actor=other, **kwargs)
    services.certificate_create(actor=own, **kwargs)
    with pytest.raises(DomainError):
        services.certificate_create(actor=county_admin, **kwargs)  # the same number twice
    with pytest.raises(PermissionDenied):
        services.target_set(actor=own, year=2027, rate=Decimal(50))


def test_certificates_import_with_preview_and_chinese_row_errors(county_admin, vocational, year):
    major = Major.objects.create(school=vocational, code="710201", name="计算机应用")
    number = id_no(1, 13, birth_year=2008)
    s = enrol("张三", vocational, 12, birth=dt.date(2008, 3, 1))
    s.id_hash = idcard.match_hash(number)
    s.save(update_fields=["id_hash"])
    VocationalStudent.objects.create(student=s, major=major, cohort=year - 2)
    rows = [
        ["身份证号", "姓名", "证书名称", "等级", "发证机构", "发证日期", "证书编号"],
        [number, "张三", "Web前端开发", "初级", "工信部教考中心", "2025-06-30", "W001"],
        [number, "李四", "Web前端开发", "初级", "工信部教考中心", "2025-06-30", "W002"],
        [number, "张三", "Web前端开发", "特级", "工信部教考中心", "2025-06-30", "W003"],
    ]
    batch = import_file(actor=county_admin, kind="quality_certificates", upload=upload(csv_bytes(rows)),
                        file_name="证书.csv")  # fmt: skip
    assert (batch.new, batch.rejected) == (1, 2)
    reasons = {r.row: (r.column, r.reason) for r in batch.rejections.all()}
    assert reasons[3][0] == "姓名" and "姓名与学生名册不一致（名册为“张三”）" in reasons[3][1]
    assert reasons[4][0] == "等级"
    assert Certificate.objects.count() == 0  # the preview writes nothing
    import_confirm(actor=county_admin, batch=batch)
    assert list(Certificate.objects.values_list("number", "level")) == [("W001", "junior")]


def test_the_api_gives_the_same_figures(client, county_admin, cohort, year):
    services.target_set(actor=county_admin, year=year + 1, rate=Decimal("40"))
    client.force_login(county_admin)
    rows = {r["label"]: r for r in client.get(f"/api/quality/holding?year={year + 1}").json()}
    assert (rows["计算机应用"]["members"], rows["计算机应用"]["holders"], rows["计算机应用"]["rate"]) == (4, 2, 50.0)
    assert rows["计算机应用"]["target"] == 40.0
    years = client.get("/api/quality/holding/years").json()
    assert [(r["key"], r["members"], r["holders"]) for r in years] == [(year + 1, 7, 4), (year + 2, 1, 1)]
