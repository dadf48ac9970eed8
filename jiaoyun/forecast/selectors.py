"""Reads of the stored forecast, cut to what the user may see (``permissions.township_ids``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import Http404

from jiaoyun.core.errors import PermissionDenied
from jiaoyun.forecast import conf, permissions
from jiaoyun.forecast.model import LEVEL_LABELS, LEVELS
from jiaoyun.forecast.models import ForecastRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jiaoyun.core.models import User

TRIGGER_LABELS = {"schedule": "定时计算", "manual": "手动计算", "demo": "演示数据", "command": "命令行"}
STATUS_LABELS = {"short": "学位不足", "tight": "学位紧张", "ok": "学位充足", "none": "—"}


def latest_run() -> ForecastRun | None:
    return ForecastRun.objects.order_by("-created_at", "-id").first()


@dataclass(frozen=True)
class Line:
    """One township (or the county) and level: children and capacity by year, the focus year's position."""

    key: str
    name: str
    township_id: int | None
    level: str
    years: list[int]
    children: list[int]
    capacity: list[int]
    seats: int
    base: int
    focus: int

    def at(self, year: int) -> tuple[int, int]:
        i = self.years.index(year)
        return self.children[i], self.capacity[i]

    @property
    def table(self) -> list[tuple[int, int, int]]:
        """(year, children, capacity) from the base year on (the printed table)."""
        return [t for t in zip(self.years, self.children, self.capacity, strict=True) if t[0] >= self.base]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def now(self) -> int:
        return self.at(self.base)[0]

    @property
    def focus_children(self) -> int:
        return self.at(self.focus)[0]

    @property
    def focus_capacity(self) -> int:
        return self.at(self.focus)[1]

    @property
    def focus_projects(self) -> int:
        return self.focus_capacity - self.seats

    @property
    def gap(self) -> int:
        """Seats short (positive) or spare (negative) in the focus year."""
        return self.focus_children - self.focus_capacity

    @property
    def use(self) -> float | None:
        cap = self.focus_capacity
        return round(100 * self.focus_children / cap, 1) if cap else None

    def status_in(self, year: int) -> str:
        children, cap = self.at(year)
        if not children and not cap:
            return "none"
        if children > cap:
            return "short"
        return "tight" if children > cap * conf.get("FORECAST_TIGHT_SHARE") else "ok"

    @property
    def status(self) -> str:
        return self.status_in(self.focus)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def first_short(self) -> int | None:
        return next((y for y in self.years if y > self.base and self.status_in(y) == "short"), None)

    @property
    def peak(self) -> tuple[int, int]:
        """(year, children) of the most children among the projected years."""
        pairs = [(c, y) for y, c in zip(self.years, self.children, strict=True) if y > self.base]
        c, y = max(pairs) if pairs else (0, self.base)
        return y, c


def _lines(run: ForecastRun, key: str, name: str, township_id: int | None) -> list[Line]:
    res = run.results
    years = res["years"]
    focus = run.base_year + min(conf.get("FORECAST_FOCUS_YEARS"), run.horizon)
    out = []
    for lv in LEVELS:
        s = res["series"][key][lv]
        cap = [s["seats"] + p for p in s["projects"]]
        out.append(Line(key, name, township_id, lv, years, s["children"], cap, s["seats"], run.base_year, focus))
    return out


def visible_townships(*, user: User | AnonymousUser, run: ForecastRun) -> list[dict[str, Any]]:
    allowed = permissions.township_ids(user)
    return [t for t in run.results["townships"] if allowed is None or t["id"] in allowed]


def overview(*, user: User | AnonymousUser, run: ForecastRun) -> dict[str, Any]:
    """Every visible township's lines (and the county's, for the county's roles); the shortfalls in the focus
    year; the back-test's county errors."""
    if not permissions.can_view(user):
        raise PermissionDenied("无权查看学位预测")
    towns = visible_townships(user=user, run=run)
    rows = [line for t in towns for line in _lines(run, str(t["id"]), t["name"], t["id"])]
    county = _lines(run, "county", "全县", None) if permissions.township_ids(user) is None else []
    meaningful = [r for r in rows if r.seats or any(r.children)]
    return {
        "run": run,
        "triggered_label": TRIGGER_LABELS.get(run.triggered_by, run.triggered_by or "—"),
        "tight_pct": round(100 * conf.get("FORECAST_TIGHT_SHARE")),
        "townships": towns,
        "rows": meaningful,
        "county": county,
        "shortfalls": sorted([r for r in meaningful if r.status == "short"], key=lambda r: -r.gap),
        "tight": [r for r in meaningful if r.status == "tight"],
        "focus": run.base_year + min(conf.get("FORECAST_FOCUS_YEARS"), run.horizon),
        "backtest": backtest_rows(run=run, townships=towns, county=bool(county)),
    }


def county_lines(*, run: ForecastRun) -> list[Line]:
    """Every township's lines that have pupils or seats (county-wide, no user: the bulletin, the demo)."""
    rows = [ln for t in run.results["townships"] for ln in _lines(run, str(t["id"]), t["name"], t["id"])]
    return [r for r in rows if r.seats or any(r.children)]


def county_shortfalls(*, run: ForecastRun) -> list[Line]:
    return sorted([r for r in county_lines(run=run) if r.status == "short"], key=lambda r: -r.gap)


def township_detail(*, user: User | AnonymousUser, run: ForecastRun, township_id: int) -> dict[str, Any]:
    if not permissions.can_view(user):
        raise PermissionDenied("无权查看学位预测")
    town = next((t for t in visible_townships(user=user, run=run) if t["id"] == township_id), None)
    if town is None:
        raise Http404("乡镇不存在或不在您的范围内")
    names = {str(t["id"]): t["name"] for t in run.results["townships"]}
    inputs = run.inputs["townships"].get(str(township_id), {})
    cross = {
        g: {
            "out": sorted(((names.get(k, k), v) for k, v in c["out"].items()), key=lambda x: -(x[1] or 0)),
            "observed": c["observed"],
            "arrivals": c["arrivals"],
        }
        for g, c in inputs.get("cross", {}).items()
    }
    return {
        "run": run,
        "township": town,
        "lines": [
            ln for ln in _lines(run, str(township_id), town["name"], township_id) if ln.seats or any(ln.children)
        ],
        "inputs": inputs,
        "cross": cross,
        "backtest": backtest_rows(run=run, townships=[town], county=False),
    }


def backtest_rows(*, run: ForecastRun, townships: list[dict[str, Any]], county: bool) -> dict[str, Any]:
    """MAPE by township and level (%), the county's line first where the user sees the county."""
    bt = run.backtest or {}
    if not bt:
        return {}
    mape = bt.get("mape", {})
    keys = ([("county", "全县")] if county else []) + [(str(t["id"]), t["name"]) for t in townships]
    rows = [{"name": name, "values": [mape.get(f"{k}:{lv}") for lv in LEVELS]} for k, name in keys]
    return {"base": bt["base"], "years": bt["years"], "rows": rows, "county": bt.get("county", {}) if county else {}}


def export_rows(*, user: User | AnonymousUser, run: ForecastRun) -> list[dict[str, Any]]:
    """One row per visible township, level and year (the Excel export and the API)."""
    data = overview(user=user, run=run)
    out = []
    for line in [*data["county"], *data["rows"]]:
        for y, c, cap in zip(line.years, line.children, line.capacity, strict=True):
            out.append(
                {
                    "township": line.name,
                    "township_id": line.township_id,
                    "level": line.level,
                    "level_label": line.level_label,
                    "year": y,
                    "kind": "实际" if y <= run.base_year else "预测",
                    "children": c,
                    "capacity": cap,
                    "gap": max(0, c - cap) if y > run.base_year else None,
                    "status": STATUS_LABELS[line.status_in(y)] if y > run.base_year else "",
                }
            )
    return out
