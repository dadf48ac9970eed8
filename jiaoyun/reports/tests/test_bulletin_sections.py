from __future__ import annotations

import datetime as dt
import sys
import types

import pytest

from jiaoyun.reports import bulletin
from jiaoyun.reports.bulletin import BulletinSection, BulletinTable, compile_sections


def test_a_section_survives_the_archive_round_trip():
    s = BulletinSection(
        key="x",
        title="项目建设",
        order=50,
        paragraphs=["在建3个"],
        tables=[BulletinTable("表1", ["乡镇", "个数"], [["甸阳镇", 3]])],
    )
    assert BulletinSection.from_dict(s.as_dict()) == s


def test_sections_come_from_each_apps_bulletin_module_in_order(monkeypatch):
    later = types.ModuleType("jiaoyun.fake_b.bulletin")
    later.section = lambda *, month, on: BulletinSection(key="b", title="后", order=90)  # type: ignore[attr-defined]
    first = types.ModuleType("jiaoyun.fake_a.bulletin")
    first.section = lambda *, month, on: BulletinSection(key="a", title="前", order=10)  # type: ignore[attr-defined]
    silent = types.ModuleType("jiaoyun.fake_c.bulletin")
    silent.section = lambda *, month, on: None  # type: ignore[attr-defined]
    mods = {"jiaoyun.fake_b.bulletin": later, "jiaoyun.fake_a.bulletin": first, "jiaoyun.fake_c.bulletin": silent}
    monkeypatch.setattr(bulletin, "section_providers", lambda: [(n.split(".")[1], m.section) for n, m in mods.items()])
    monkeypatch.setitem(sys.modules, "unused", later)
    got = compile_sections(month=dt.date(2021, 5, 1), on=dt.date(2021, 6, 1))
    assert [s.key for s in got] == ["a", "b"]


@pytest.mark.django_db
def test_the_real_providers_are_callables():
    for label, provider in bulletin.section_providers():
        assert callable(provider), label
