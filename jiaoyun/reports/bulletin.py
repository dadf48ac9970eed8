"""The sections of the county's monthly bulletin (月度督查通报): each module writes its own.

A module contributes a section by a module ``jiaoyun/<app>/bulletin.py`` with

    def section(*, month: datetime.date, on: datetime.date) -> BulletinSection | None

``month`` is the first day of the month reported on, ``on`` the day the bulletin is compiled. A section states
county-wide figures as they stood at the end of ``month`` (by township where it names places); it reads no
personal data, names no child, and gives the same result for the same data, so the archived bulletin can be
reproduced. Return None when the module has nothing to report for the month. Sections are plain data
(``as_dict``/``from_dict``) so the archive keeps exactly what was printed.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps

Cell = str | int


@dataclass(frozen=True)
class BulletinTable:
    caption: str
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class BulletinSection:
    """``key``: the module (its app label); ``title`` without a number (the compiler numbers the sections);
    ``order``: the position in the bulletin (work plan 10, indicators 20, 控辍保学 30, safety 40, projects 50,
    standards 60, quality 70, early warning 80, 整改 90, commendations and decisions 100)."""

    key: str
    title: str
    order: int
    paragraphs: list[str] = field(default_factory=list)
    tables: list[BulletinTable] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BulletinSection:
        tables = [BulletinTable(**t) for t in data.get("tables", [])]
        return cls(
            key=data["key"],
            title=data["title"],
            order=data["order"],
            paragraphs=list(data.get("paragraphs", [])),
            tables=tables,
        )


def section_providers() -> list[tuple[str, Any]]:
    """(app label, ``section`` function) of every installed Jiaoyun app that has a ``bulletin`` module."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("jiaoyun."):
            continue
        name = f"{config.name}.bulletin"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        provider = getattr(module, "section", None)
        if callable(provider):
            found.append((config.label, provider))
    return found


def compile_sections(*, month: dt.date, on: dt.date) -> list[BulletinSection]:
    """Every module's section for ``month``, in bulletin order."""
    sections = [s for _, provider in section_providers() if (s := provider(month=month, on=on)) is not None]
    return sorted(sections, key=lambda s: (s.order, s.key))
