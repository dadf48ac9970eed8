"""ECharts option dicts for the dashboards, built in one place.

A page puts the dict in its context and the template writes it with ``json_script``; the page script
(``web/static/web/app.js``, ``data-chart``) hands it to ``echarts.init(...).setOption``. Build it here instead of
writing the dict inline, so every chart of the platform has the same tooltip, grid, axis style and rules::

    from jiaoyun.web.charts import bar, category_chart, line, pie_chart

    rows = [{"township": "甸阳镇", "rate": 92.5, "open": 3}, ...]
    chart = category_chart(
        [r["township"] for r in rows],
        [bar("达标率", [r["rate"] for r in rows]), line("隐患", [r["open"] for r in rows])],
        unit=PERCENT,
    )
    reasons = pie_chart([("家庭困难", 4), ("厌学", 2)], radius=("35%", "65%"))

The rules every chart follows:

- **Sorted.** Categories that are names (townships, schools, subjects) are sorted by the first series, largest
  first (``sort_by`` picks another series; ties keep their order). Ordinal categories (grades, months, weeks,
  years, dates: ``ordinal=True``) keep their order.
- **Axes fitted to the data.** A value axis runs from 0 (counts never start below 0; bars always start at 0)
  to the data's maximum rounded up to a nice step (1, 2 or 5 × 10ⁿ; ``nice_bounds``). A percentage axis
  (``unit=PERCENT``) never goes above 100; a chart of lines only may start above 0 (``min`` rounded down).
  Counts (``unit=COUNT``) have whole-number ticks.
- **Empty says so.** With no category or no value, the option is ``empty_chart()``: the title 暂无数据 and no
  axes, instead of an empty grid.
- **Long names readable.** Name categories are drawn as horizontal bars (names on the vertical axis, the
  largest on top), labels cut to ``LABEL_WIDTH`` pixels with an ellipsis and the full name in the tooltip;
  ``chart_height`` gives the height that keeps one row per name readable on a 390-px phone too.

``bar``/``line`` make one series each; extra ECharts keys (``stack``, ``itemStyle``) are passed as keyword
arguments. The values are plain numbers or ``None`` (a gap), so the dict is JSON as it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

Number = int | float | None
Option = dict[str, Any]

COUNT = "count"
PERCENT = "percent"
EMPTY_TEXT = "暂无数据"
LABEL_WIDTH = 96  # px of a category name before it is cut with "…" (full name in the tooltip)
ROW_HEIGHT = 30  # px per category of a horizontal bar chart
GRID = {"left": 40, "right": 10, "bottom": 60}
HORIZONTAL_GRID = {"left": 8, "right": 24, "top": 36, "bottom": 8, "containLabel": True}


def series(kind: str, name: str, data: Iterable[Number], *, color: str | None = None, **extra: Any) -> Option:
    """One series of ``kind`` (``bar``, ``line``…); ``color`` sets its item colour."""
    out: Option = {"name": name, "type": kind, "data": list(data), **extra}
    if color:
        out["itemStyle"] = {"color": color}
    return out


def bar(name: str, data: Iterable[Number], *, color: str | None = None, **extra: Any) -> Option:
    return series("bar", name, data, color=color, **extra)


def line(name: str, data: Iterable[Number], *, color: str | None = None, **extra: Any) -> Option:
    return series("line", name, data, color=color, **extra)


def empty_chart(text: str = EMPTY_TEXT) -> Option:
    """The option of a chart without data: its text in the middle, no axes or grid."""
    return {
        "title": {
            "text": text,
            "left": "center",
            "top": "middle",
            "textStyle": {"color": "#6b7280", "fontSize": 14, "fontWeight": "normal"},
        },
        "xAxis": {"show": False},
        "yAxis": {"show": False},
        "series": [],
    }


def is_empty(option: Option) -> bool:
    return option.get("title", {}).get("text") == EMPTY_TEXT and not option.get("series")


def nice_step(span: float, ticks: int = 5) -> float:
    """A tick step of 1, 2 or 5 × 10ⁿ giving about ``ticks`` intervals over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw - 1e-12:
            return float(m * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _tidy(x: float) -> int | float:
    r = round(x, 6)
    return int(r) if r == int(r) else r


def nice_bounds(
    values: Iterable[Number], *, unit: str | None = None, from_zero: bool = True
) -> tuple[int | float, int | float, int | float] | None:
    """``(min, max, interval)`` of a value axis for ``values`` (``None`` when there is no value).

    ``from_zero``: the axis starts at 0 (bars, counts) unless values are negative; otherwise it starts at the
    smallest value rounded down to the step. A ``PERCENT`` axis ends at 100 at most; a ``COUNT`` axis has a
    whole-number step."""
    numbers = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not numbers:
        return None
    lo, hi = min(numbers), max(numbers)
    if from_zero or unit == COUNT:
        lo = min(lo, 0.0)
    if hi <= lo:
        hi = lo + (1.0 if unit == COUNT or lo == 0 else abs(lo) * 0.1)
    step = nice_step(hi - lo)
    if unit == COUNT:
        step = max(1.0, math.ceil(step))
    axis_min = math.floor(lo / step) * step
    axis_max = math.ceil(hi / step) * step
    if unit == PERCENT:
        axis_max = min(axis_max, 100.0)
        axis_min = max(axis_min, 0.0)
    return _tidy(axis_min), _tidy(axis_max), _tidy(step)


def _stacked_values(all_series: Sequence[Option]) -> list[Number]:
    """The values the axis must hold: each value, and the per-category sums of stacked bars."""
    out: list[Number] = []
    stacks: dict[str, list[float]] = {}
    for s in all_series:
        data = s.get("data", [])
        out.extend(data)
        if s.get("stack"):
            sums = stacks.setdefault(s["stack"], [0.0] * len(data))
            for i, v in enumerate(data):
                if v is not None and i < len(sums):
                    sums[i] += float(v)
    for sums in stacks.values():
        out.extend(sums)
    return out


def value_axis(all_series: Sequence[Option], *, unit: str | None = None, name: str | None = None) -> Option:
    """A value axis fitted to the series (see ``nice_bounds``): bars start at 0, lines alone may not."""
    has_bars = any(s.get("type") == "bar" for s in all_series)
    axis: Option = {"type": "value"}
    bounds = nice_bounds(_stacked_values(all_series), unit=unit, from_zero=has_bars or unit == COUNT)
    if bounds is not None:
        axis["min"], axis["max"], axis["interval"] = bounds
    if unit == COUNT:
        axis["minInterval"] = 1
    if unit == PERCENT:
        axis["axisLabel"] = {"formatter": "{value}%"}
    if name is not None:
        axis["name"] = name
    return axis


def sort_categories(
    categories: Sequence[str], all_series: Sequence[Option], *, by: int = 0
) -> tuple[list[str], list[Option]]:
    """The categories sorted by series ``by``, largest first (``None`` last; ties keep their order), and the
    series with their data in the same order."""
    key_data = list(all_series[by].get("data", [])) if all_series else []
    order = sorted(
        range(len(categories)),
        key=lambda i: (
            1 if i >= len(key_data) or key_data[i] is None else 0,
            -(key_data[i] or 0) if i < len(key_data) and key_data[i] is not None else 0,
        ),
    )
    sorted_series = []
    for s in all_series:
        data = list(s.get("data", []))
        sorted_series.append({**s, "data": [data[i] if i < len(data) else None for i in order]})
    return [categories[i] for i in order], sorted_series


def _has_value(all_series: Sequence[Option]) -> bool:
    return any(v is not None for s in all_series for v in s.get("data", []))


def category_chart(
    categories: Iterable[str],
    all_series: Sequence[Option],
    *,
    ordinal: bool = False,
    sort_by: int | None = 0,
    horizontal: bool | None = None,
    unit: str | None = None,
    y_name: str | None = None,
    rotate: int | None = 40,
    legend: bool | None = None,
    grid: Option | None = GRID,
) -> Option:
    """A bar/line chart of ``all_series`` over ``categories``, following the rules of this module.

    ``ordinal``: the categories have an order of their own (months, years…): not sorted, drawn along the x
    axis (labels turned by ``rotate``; ``None`` leaves them flat). Otherwise the categories are names: sorted
    by series ``sort_by`` (``None`` keeps the given order) and drawn as horizontal bars (``horizontal=False``
    keeps them vertical, names turned by ``rotate``). ``unit`` is ``COUNT``, ``PERCENT`` or ``None``;
    ``legend`` defaults to showing one when there are several series; ``grid=None`` keeps ECharts' margins."""
    names = list(categories)
    if not names or not _has_value(all_series):
        return empty_chart()
    if not ordinal and sort_by is not None:
        names, all_series = sort_categories(names, all_series, by=sort_by)
    else:
        all_series = list(all_series)
    flip = (not ordinal) if horizontal is None else horizontal
    option: Option = {"tooltip": {"trigger": "axis", "confine": True}}
    if legend if legend is not None else len(all_series) > 1:
        option["legend"] = {"data": [s["name"] for s in all_series], "type": "scroll", "top": 0}
    values = value_axis(all_series, unit=unit, name=y_name)
    category: Option = {"type": "category", "data": names}
    if flip:
        category.update(
            inverse=True,  # the first (largest) on top
            axisLabel={"width": LABEL_WIDTH, "overflow": "truncate", "interval": 0},
        )
        option["grid"] = dict(HORIZONTAL_GRID)
        option.update({"xAxis": values, "yAxis": category})
    else:
        if rotate is not None:
            category["axisLabel"] = {"rotate": rotate, "width": LABEL_WIDTH, "overflow": "truncate"}
        if grid is not None:
            option["grid"] = {**grid, "containLabel": True} if rotate is not None else dict(grid)
        option.update({"xAxis": category, "yAxis": values})
    option["series"] = list(all_series)
    return option


def chart_height(option: Option, *, default: int = 320) -> int:
    """The height in px a chart needs: one ``ROW_HEIGHT`` per category of a horizontal bar chart (so long lists
    of names stay readable on a phone), a line of text for an empty chart, else ``default``."""
    if is_empty(option):
        return 120
    y_axis = option.get("yAxis")
    if isinstance(y_axis, dict) and y_axis.get("type") == "category":
        return max(160, ROW_HEIGHT * len(y_axis.get("data", [])) + 80)
    return default


def pie_chart(items: Iterable[tuple[str, Number]], *, radius: str | tuple[str, str] = "60%") -> Option:
    """A pie (or, with a pair of radii, a ring) of ``(label, value)`` items, the largest first; no item (or only
    zeros) gives ``empty_chart()``."""
    kept = sorted(((label, value) for label, value in items if value), key=lambda item: -(item[1] or 0))
    if not kept:
        return empty_chart()
    data = [{"name": label, "value": value} for label, value in kept]
    return {
        "tooltip": {"trigger": "item", "confine": True},
        "series": [
            {
                "type": "pie",
                "radius": list(radius) if isinstance(radius, tuple) else radius,
                "data": data,
                "label": {"width": LABEL_WIDTH, "overflow": "truncate"},
            }
        ],
    }


# -- maps ------------------------------------------------------------------------------------------------------
# A map is drawn from the county's own township outlines (GeoJSON, imported by the county; no map service on the
# internet). The page writes the option with ``json_script`` and an element
# ``<div data-map="option-id" data-geojson="{% url 'facilities:boundary' %}" data-map-name="…">``; app.js fetches
# the outlines, registers them with ``echarts.registerMap`` under ``option["geo"]["map"]`` and draws the option —
# or, with no outline stored, draws ``option["fallback"]``: the same points on longitude/latitude axes.

MAP_NAME = "county"


def map_points(
    name: str,
    points: Iterable[dict[str, Any]],
    *,
    color: str,
    symbol: str = "circle",
    size: int = 8,
    **extra: Any,
) -> Option:
    """A scatter layer of ``points`` (dicts with ``name``, ``lng``, ``lat`` and optionally ``url``, ``info``):
    each drawn at [lng, lat]; ``url`` (a path on this site) is opened by a click, ``info`` shown in the tooltip."""
    data = []
    for p in points:
        if p.get("lng") is None or p.get("lat") is None:
            continue
        item: Option = {"name": p["name"], "value": [round(float(p["lng"]), 6), round(float(p["lat"]), 6)]}
        if p.get("url"):
            item["url"] = p["url"]
        if p.get("info"):
            item["info"] = p["info"]
        data.append(item)
    return {
        "name": name,
        "type": "scatter",
        "coordinateSystem": "geo",
        "symbol": symbol,
        "symbolSize": size,
        "itemStyle": {"color": color},
        "data": data,
        **extra,
    }


def map_option(layers: Sequence[Option], *, regions: Iterable[Option] = (), map_name: str = MAP_NAME) -> Option:
    """The option of a county map: the township outlines (``regions`` styles some of them, e.g.
    ``{"name": "老麦乡", "itemStyle": {"areaColor": "#fdecea"}}``) with ``layers`` of points on them; a legend to
    switch layers; zoom and pan. ``fallback`` draws the points on plain longitude/latitude axes."""
    layers = [dict(layer) for layer in layers]
    legend = {"type": "scroll", "top": 0, "data": [layer["name"] for layer in layers]}
    tooltip = {"trigger": "item", "confine": True}
    option: Option = {
        "tooltip": tooltip,
        "legend": legend,
        "geo": {
            "map": map_name,
            "roam": True,
            "top": 36,
            "bottom": 8,
            "label": {"show": True, "fontSize": 10, "color": "#4b5563"},
            "itemStyle": {"areaColor": "#f3f4f6", "borderColor": "#9ca3af"},
            "emphasis": {"label": {"show": True}, "itemStyle": {"areaColor": "#e5e7eb"}},
            "regions": list(regions),
        },
        "series": layers,
    }
    values = [v for layer in layers for item in layer.get("data", []) for v in [item["value"]]]
    if values:
        xs, ys = [v[0] for v in values], [v[1] for v in values]
        pad = 0.02
        axis = {"type": "value", "scale": True, "splitLine": {"show": False}, "axisLabel": {"show": False}}
        option["fallback"] = {
            "tooltip": tooltip,
            "legend": legend,
            "grid": {"left": 8, "right": 8, "top": 36, "bottom": 8},
            "xAxis": {**axis, "min": round(min(xs) - pad, 3), "max": round(max(xs) + pad, 3)},
            "yAxis": {**axis, "min": round(min(ys) - pad, 3), "max": round(max(ys) + pad, 3)},
            "series": [{k: v for k, v in layer.items() if k != "coordinateSystem"} for layer in layers],
        }
    else:
        option["fallback"] = empty_chart()
    return option
