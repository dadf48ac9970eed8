"""The monthly 督查通报: compiled from every module's section, issued in one step by the 督导室, archived and
reproducible from its archive (same SHA-256)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from jiaoyun.bulletins import services
from jiaoyun.bulletins.choices import BulletinStatus, DecisionState
from jiaoyun.bulletins.models import Decision
from jiaoyun.bulletins.tests.conftest import APRIL_5, MARCH
from jiaoyun.core.errors import DomainError, PermissionDenied
from jiaoyun.notices.models import Notification
from jiaoyun.reports.bulletin import BulletinSection
from jiaoyun.reports.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_sections_are_compiled_from_the_modules_in_bulletin_order(county, township_a, township_b, supervision):
    bulletin = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    keys = [s["key"] for s in bulletin.content["sections"]]
    assert "dropout" in keys and "safety" in keys
    orders = [s["order"] for s in bulletin.content["sections"]]
    assert orders == sorted(orders)
    dropout = next(s for s in bulletin.content["sections"] if s["key"] == "dropout")
    assert [r[1] for r in dropout["tables"][0]["rows"]] == ["甸阳镇", "老麦乡"]  # every township, ranked
    assert bulletin.status == BulletinStatus.DRAFT and bulletin.content["errors"] == []


def test_a_section_is_plain_data_round_trip():
    s = BulletinSection(key="x", title="标题", order=5, paragraphs=["一段"], tables=[])
    assert BulletinSection.from_dict(s.as_dict()) == s


def test_issue_in_one_step_archives_and_reproduces(county, township_a, township_b, supervision, interview_everyone):
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    assert {d["addressee_name"] for d in draft.content["decisions"]} == {"甸阳镇", "老麦乡"}
    issued = services.bulletin_issue(actor=supervision, bulletin=draft, on=APRIL_5)
    assert issued.status == BulletinStatus.ISSUED
    assert issued.number == "施教体督〔2021〕1号"
    assert issued.pdf_sha256 == hashlib.sha256(bytes(issued.pdf)).hexdigest()
    # regenerate from the archive alone: the same bytes
    again = services.bulletin_render_pdf(issued.content)
    assert hashlib.sha256(again).hexdigest() == issued.pdf_sha256
    assert services.bulletin_verify(bulletin=issued) == {"content": True, "pdf": True}
    text = pdf_text(bytes(issued.pdf))
    assert "施教体督〔2021〕1号" in text and "约谈" in text and "控辍保学" in text
    decisions = list(Decision.objects.filter(bulletin=issued).order_by("seq"))
    assert [d.state for d in decisions] == [DecisionState.ISSUED] * 2
    assert all(d.deadline == APRIL_5 + dt.timedelta(days=30) for d in decisions)


def test_an_issued_bulletin_is_immutable(county, township_a, supervision):
    issued = services.bulletin_issue(actor=supervision, bulletin=services.bulletin_compile(
        actor=supervision, month=MARCH, on=APRIL_5), on=APRIL_5)  # fmt: skip
    issued.content = {"changed": True}
    with pytest.raises(ValueError):
        issued.save()
    with pytest.raises(ValueError):
        issued.delete()
    with pytest.raises(DomainError):
        services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    with pytest.raises(DomainError):
        services.bulletin_issue(actor=supervision, bulletin=issued, on=APRIL_5)


def test_tampering_with_the_archive_is_detected(county, township_a, supervision):
    issued = services.bulletin_issue(actor=supervision, bulletin=services.bulletin_compile(
        actor=supervision, month=MARCH, on=APRIL_5), on=APRIL_5)  # fmt: skip
    from jiaoyun.bulletins.models import SupervisionBulletin

    content = dict(issued.content)
    content["commendations"] = [{"name": "篡改镇", "reason": "未经印发"}]
    SupervisionBulletin.objects.filter(pk=issued.pk).update(content=content)  # behind the model's back
    issued.refresh_from_db()
    assert services.bulletin_verify(bulletin=issued) == {"content": False, "pdf": False}


def test_only_the_supervision_office_compiles_and_issues(
    county, township_a, township_officer, county_leader, supervision
):
    for actor in (township_officer, county_leader):
        with pytest.raises(PermissionDenied):
            services.bulletin_compile(actor=actor, month=MARCH, on=APRIL_5)
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    with pytest.raises(PermissionDenied):
        services.bulletin_issue(actor=township_officer, bulletin=draft, on=APRIL_5)


def test_a_month_not_ended_is_refused(county, supervision):
    with pytest.raises(DomainError, match="尚未结束"):
        services.bulletin_compile(actor=supervision, month=dt.date(2021, 4, 1), on=APRIL_5)


def test_a_failing_section_blocks_the_issue(county, township_a, supervision, monkeypatch):
    def broken(*, month, on):
        raise RuntimeError("数据未就绪")

    real = services.section_providers
    monkeypatch.setattr(services, "section_providers", lambda: [*real(), ("broken", broken)])
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    assert draft.content["errors"] == ["broken：数据未就绪"]
    with pytest.raises(DomainError, match="生成失败"):
        services.bulletin_issue(actor=supervision, bulletin=draft, on=APRIL_5)


def test_issue_tells_the_addressees(county, township_a, township_b, township_officer, supervision, interview_everyone):
    draft = services.bulletin_compile(actor=supervision, month=MARCH, on=APRIL_5)
    services.bulletin_issue(actor=supervision, bulletin=draft, on=APRIL_5)
    titles = list(Notification.objects.filter(user=township_officer).values_list("title", flat=True))
    assert len(titles) == 1 and "约谈" in titles[0]


def test_the_monthly_run_compiles_the_draft_once_and_leaves_an_issued_one(county, township_a, supervision):
    text = services.bulletin_monthly_run(today=dt.date(2021, 4, 2))
    assert "草稿已汇编" in text
    from jiaoyun.bulletins.models import SupervisionBulletin

    draft = SupervisionBulletin.objects.get(month=MARCH)
    services.bulletin_issue(actor=supervision, bulletin=draft, on=APRIL_5)
    assert "已印发" in services.bulletin_monthly_run(today=dt.date(2021, 4, 9))
