"""综合素质评价 from 写实记录 to the archive: every transition, who may take it, and what it refuses."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiaoyun.core.errors import DomainError, IllegalTransition, PermissionDenied
from jiaoyun.core.models import AuditEntry
from jiaoyun.quality import services
from jiaoyun.quality.models import ActivityRecord, Evidence, Portfolio, PortfolioEvent, Publicity
from jiaoyun.quality.tests.conftest import today

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name: str = "志愿服务.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def record(user, title="社区志愿服务", dimension="moral", files=()):  # type: ignore[no-untyped-def]
    return services.record_create(actor=user, dimension=dimension, title=title, date=today(), hours=None,
                                  description="为社区老人读报", files=files)  # fmt: skip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def to_review(student_user, senior_teacher, term):  # type: ignore[no-untyped-def]
    """Record, select, publish (period set in the past) and close: the portfolio waits for the school."""
    r = record(student_user, files=[photo()])
    p = r.portfolio
    services.portfolio_select(actor=senior_teacher, portfolio=p, record_ids=[r.pk])
    pub = services.publicity_open(actor=senior_teacher, school_class=p.school_class, term=term, starts=today())
    Publicity.objects.filter(pk=pub.pk).update(ends=today() - dt.timedelta(days=1))
    pub.refresh_from_db()
    services.publicity_close(actor=senior_teacher, publicity=pub)
    p.refresh_from_db()
    return p


def test_the_whole_procedure_ends_in_an_archive_that_renders_again_identically(
    media, student_user, senior_teacher, senior_principal, term
):
    p = to_review(student_user, senior_teacher, term)
    assert p.state == "review"
    services.portfolio_confirm(actor=senior_principal, portfolio=p)
    p.refresh_from_db()
    assert p.state == "confirmed" and len(p.archive_sha256) == 64
    with p.archive.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == p.archive_sha256
    assert hashlib.sha256(services.archive_render(p)).hexdigest() == p.archive_sha256  # reproducible
    assert services.archive_verify(p)
    from jiaoyun.reports.pdf import pdf_text

    text = pdf_text(data)
    assert "杨小梅" in text and "社区志愿服务" in text and "志愿服务.png" in text
    steps = list(PortfolioEvent.objects.filter(portfolio=p).values_list("from_state", "to_state"))
    assert steps == [("recording", "selected"), ("selected", "publicity"), ("publicity", "review"),
                     ("review", "confirmed")]  # fmt: skip
    assert (
        AuditEntry.objects.filter(object_type="quality.Portfolio", object_id=str(p.pk), action="transition").count()
        == 4
    )


def test_a_confirmed_archive_is_immutable_and_a_change_behind_its_back_is_detected(
    media, student_user, senior_teacher, senior_principal, term
):
    p = to_review(student_user, senior_teacher, term)
    services.portfolio_confirm(actor=senior_principal, portfolio=p)
    p.refresh_from_db()
    with pytest.raises(IllegalTransition):
        services.portfolio_confirm(actor=senior_principal, portfolio=p)
    with pytest.raises(IllegalTransition):
        services.record_delete(actor=student_user, record=p.records.get())
    with pytest.raises(IllegalTransition):
        record(student_user, title="补一条")
    with pytest.raises(IllegalTransition):
        services.portfolio_select(actor=senior_teacher, portfolio=p, record_ids=[])
    assert p.records.count() == 1
    # a row changed in the database, not through the services: the archive no longer matches the data
    ActivityRecord.objects.filter(portfolio=p).update(title="篡改后的活动")
    assert not services.archive_verify(p)


def test_only_the_student_writes_their_records_and_the_deadline_holds(
    media, student_user, senior_teacher, senior_principal, term, county_admin
):
    for other in (senior_teacher, senior_principal, county_admin):
        with pytest.raises(PermissionDenied):
            record(other)
    r = record(student_user, files=[photo()])
    assert r.portfolio.student.name == "杨小梅" and Evidence.objects.get().name == "志愿服务.png"
    with pytest.raises(DomainError, match="内容与扩展名"):
        record(student_user, files=[SimpleUploadedFile("x.png", b"<html>hi</html>")])
    with pytest.raises(DomainError, match="活动日期不能晚于今天"):
        services.record_create(actor=student_user, dimension="arts", title="合唱", date=today() + dt.timedelta(days=1))
    term.record_deadline = today() - dt.timedelta(days=1)
    term.save()
    with pytest.raises(DomainError, match="写实记录已于"):
        record(student_user)


def test_only_the_class_teacher_selects_and_the_publicity_needs_the_whole_class(
    media, student_user, senior_teacher, senior_principal, term, classmate
):
    r = record(student_user)
    p = r.portfolio
    with pytest.raises(PermissionDenied):
        services.portfolio_select(actor=senior_principal, portfolio=p, record_ids=[r.pk])
    with pytest.raises(DomainError, match="至少选择一条"):
        services.portfolio_select(actor=senior_teacher, portfolio=p, record_ids=[])
    # a classmate who has started recording but was not yet selected holds the 公示 back
    Portfolio.objects.create(student=classmate, term=term, school=p.school, school_class=p.school_class)
    services.portfolio_select(actor=senior_teacher, portfolio=p, record_ids=[r.pk])
    with pytest.raises(DomainError, match="还有1名学生"):
        services.publicity_open(actor=senior_teacher, school_class=p.school_class, term=term, starts=today())
    with pytest.raises(DomainError, match="不能早于今天"):
        services.publicity_open(actor=senior_teacher, school_class=p.school_class, term=term,
                                starts=today() - dt.timedelta(days=1))  # fmt: skip


def test_the_publicity_closes_only_after_its_working_days_and_with_objections_resolved(
    media, student_user, senior_teacher, senior_principal, term, settings
):
    settings.JIAOYUN = {**settings.JIAOYUN, "QUALITY_PUBLICITY_WORKING_DAYS": 5}
    r = record(student_user)
    p = r.portfolio
    services.portfolio_select(actor=senior_teacher, portfolio=p, record_ids=[r.pk])
    pub = services.publicity_open(actor=senior_teacher, school_class=p.school_class, term=term, starts=today())
    assert pub.working_days == 5
    with pytest.raises(DomainError, match="之后方可结束公示"):
        services.publicity_close(actor=senior_teacher, publicity=pub, today=pub.ends)
    objection = services.objection_add(actor=senior_teacher, publicity=pub, portfolio=p, raised_by="同班同学",
                                       content="活动时长有出入")  # fmt: skip
    with pytest.raises(DomainError, match="还有1条异议未处理"):
        services.publicity_close(actor=senior_teacher, publicity=pub, today=pub.ends + dt.timedelta(days=1))
    services.objection_resolve(actor=senior_principal, objection=objection, resolution="核实无误", withdraw=[])
    services.publicity_close(actor=senior_teacher, publicity=pub, today=pub.ends + dt.timedelta(days=1))
    p.refresh_from_db()
    assert p.state == "review"
    with pytest.raises(PermissionDenied):
        services.portfolio_confirm(actor=senior_teacher, portfolio=p)


def test_an_objection_upheld_withdraws_the_record_from_the_selection(
    media, student_user, senior_teacher, senior_principal, term
):
    r = record(student_user)
    keep = record(student_user, title="校园歌手大赛", dimension="arts")
    p = r.portfolio
    services.portfolio_select(actor=senior_teacher, portfolio=p, record_ids=[r.pk, keep.pk])
    pub = services.publicity_open(actor=senior_teacher, school_class=p.school_class, term=term, starts=today())
    o = services.objection_add(actor=senior_teacher, publicity=pub, portfolio=p, raised_by="家长", content="未参加")
    services.objection_resolve(actor=senior_teacher, objection=o, resolution="经核实不属实，撤下", withdraw=[r.pk])
    assert list(p.records.filter(selected=True).values_list("title", flat=True)) == ["校园歌手大赛"]
