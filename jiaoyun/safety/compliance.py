"""Evaluation of the compliance rules on one school's facts: a pure function, so it is easy to test.

The facts (people, guards, profile) are gathered set-based by ``services.compliance.compliance_compute``;
this module only turns them into gap messages in Chinese, e.g. “需配备专职保安员3名，现有2名”.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jiaoyun.safety import conf
from jiaoyun.safety.choices import GateStatus, RuleKind, Three100, WallStatus


@dataclass(frozen=True)
class GuardFact:
    name: str
    birth_date: dt.date
    certificate_no: str
    certificate_valid_until: dt.date | None


@dataclass(frozen=True)
class SchoolFacts:
    people: int
    guards: Sequence[GuardFact] = ()
    profile: Any = None  # a SafetyProfile, or None when the school has none yet
    students: int = 0


@dataclass
class Result:
    people: int
    guards_required: int
    guards_on_duty: int
    gaps: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # three100 targets not met

    @property
    def compliant(self) -> bool:
        return not self.gaps


def guards_required(people: int, parameters: dict[str, Any]) -> int:
    """The 2015 规范 table: <100 → 1; 100–1000 → 2; beyond 1000, one more for every full 500 more people."""
    small_limit = int(parameters.get("small_limit", 100))
    small_min = int(parameters.get("small_min", 1))
    mid_limit = int(parameters.get("mid_limit", 1000))
    mid_min = int(parameters.get("mid_min", 2))
    step = max(int(parameters.get("step", 500)), 1)
    if people < small_limit:
        return small_min
    if people <= mid_limit:
        return mid_min
    return mid_min + (people - mid_limit) // step


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _attr(profile: Any, name: str, default: Any) -> Any:
    return getattr(profile, name, default) if profile is not None else default


def evaluate(rules: Iterable[Any], facts: SchoolFacts, *, on: dt.date) -> Result:
    """Apply the active rules to one school; every gap is a sentence a principal can act on."""
    p = facts.profile
    result = Result(people=facts.people, guards_required=0, guards_on_duty=len(facts.guards))
    if p is None:
        result.gaps.append("未建立平安校园档案")
    for rule in rules:
        if not rule.is_active:
            continue
        before = len(result.gaps)
        kind = rule.kind
        if kind == RuleKind.GUARD_COUNT:
            need = guards_required(facts.people, rule.parameters or {})
            result.guards_required = need
            if len(facts.guards) < need:
                result.gaps.append(f"需配备专职保安员{need}名，现有{len(facts.guards)}名")
        elif kind == RuleKind.GUARD_QUALIFIED:
            limit = rule.threshold if rule.threshold is not None else int(conf.get("SAFETY_GUARD_MAX_AGE"))
            for g in facts.guards:
                age = age_on(g.birth_date, on)
                if age >= limit:
                    result.gaps.append(f"保安员{g.name}已满{age}周岁，应在{limit}周岁以下")
                if not g.certificate_no:
                    result.gaps.append(f"保安员{g.name}未持保安员证")
                elif g.certificate_valid_until is not None and g.certificate_valid_until < on:
                    result.gaps.append(f"保安员{g.name}的保安员证已于{g.certificate_valid_until:%Y-%m-%d}过期")
        elif kind == RuleKind.CLOSED_MANAGEMENT:
            if not _attr(p, "closed_management", False):
                result.gaps.append("未实行封闭化管理")
            gate = _attr(p, "gate_status", GateStatus.NONE)
            if gate == GateStatus.DAMAGED:
                result.gaps.append("校门损坏")
            elif gate == GateStatus.NONE:
                result.gaps.append("无校门")
            wall = _attr(p, "wall_status", WallStatus.NONE)
            if wall == WallStatus.PARTIAL:
                result.gaps.append("围墙（围栏）部分缺失")
            elif wall == WallStatus.NONE:
                result.gaps.append("无围墙（围栏）")
        elif kind == RuleKind.ALARM_LINKED:
            if not _attr(p, "alarm_installed", False):
                result.gaps.append("未安装一键式紧急报警装置")
            elif not _attr(p, "alarm_linked_police", False):
                result.gaps.append("一键式紧急报警未与公安机关联网")
            days = (rule.parameters or {}).get("test_within_days")
            last = _attr(p, "alarm_last_test", None)
            if days and _attr(p, "alarm_installed", False) and (last is None or (on - last).days > int(days)):
                result.gaps.append(f"一键式紧急报警超过{int(days)}天未测试")
        elif kind == RuleKind.CAMERAS_LINKED:
            if _attr(p, "camera_count", 0) == 0:
                result.gaps.append("未安装视频监控")
            elif not _attr(p, "cameras_linked_police", False):
                result.gaps.append("视频监控未与公安机关联网")
        elif kind == RuleKind.CAMERAS_KEY_AREAS:
            if _attr(p, "camera_count", 0) > 0 and not _attr(p, "cameras_key_areas", False):
                result.gaps.append("出入口及重点部位未实现视频监控全覆盖")
        elif kind == RuleKind.VIDEO_RETENTION:
            need_days = rule.threshold if rule.threshold is not None else int(conf.get("SAFETY_VIDEO_RETENTION_DAYS"))
            have = _attr(p, "video_retention_days", 0)
            if _attr(p, "camera_count", 0) > 0 and have < need_days:
                result.gaps.append(f"视频图像保存{have}天，应不少于{need_days}天")
        elif kind == RuleKind.INSURANCE:
            end = _attr(p, "insurance_end", None)
            start = _attr(p, "insurance_start", None)
            if not _attr(p, "insurer", "") or end is None:
                result.gaps.append("未投保校方责任险")
            elif end < on:
                result.gaps.append(f"校方责任险已于{end:%Y-%m-%d}到期")
            elif start is not None and start > on:
                result.gaps.append(f"校方责任险自{start:%Y-%m-%d}起生效，当前未在保")
            elif _attr(p, "insured_students", 0) < facts.students:
                result.gaps.append(
                    f"校方责任险投保学生{_attr(p, 'insured_students', 0)}人，少于在校学生{facts.students}人"
                )
        if len(result.gaps) > before and rule.three100:
            result.failed.add(rule.three100)
    return result


THREE100_LABELS = dict(Three100.choices)
