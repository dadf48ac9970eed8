"""ECharts option dicts for the dashboards, built in one place.

A page puts the dict in its context and the template writes it with ``json_script``; the page script
(``web/static/web/app.js``, ``data-chart``) hands it to ``echarts.init(...).setOption``. Build it here instead of
writing the dict inline, so every chart of the platform has the same tooltip, grid and axis style::

    from jiaoyun.web.charts import bar, category_chart, line, pie_chart

    rows = [{"township": "甸阳镇", "rate": 92.5, "open": 3}, ...]
    chart = category_chart(
        [r["township"] for r in rows],
        [bar("达标率", [r["rate"] for r in rows]), line("隐患", [r["open"] for r in rows])],
        y_max=100, y_name="%",
    )
    reasons = pie_chart([("家庭困难", 4), ("厌学", 2)], radius=("35%", "65%"))

``category_chart`` is the bar/line chart over named categories (townships, schools, months); a legend is
shown when there is more than one series (or when ``legend=True``); labels are rotated only where the axis
holds long names (``rotate``). ``bar``/``line`` make one series each; extra ECharts keys (``stack``,
``yAxisIndex``, ``itemStyle``) are passed as keyword arguments. The values are plain numbers or ``None``
(a gap), so the dict is JSON as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Number = int | float | None
Option = dict[str, Any]

GRID = {"left": 40, "right": 10, "bottom": 60}


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


def category_chart(
    categories: Iterable[str],
    all_series: Sequence[Option],
    *,
    y_max: int | None = None,
    y_name: str | None = None,
    rotate: int | None = 40,
    legend: bool | None = None,
    grid: Option | None = GRID,
) -> Option:
    """A bar/line chart with ``categories`` on the x axis and one value axis.

    ``rotate`` turns the category labels (``None`` leaves them flat, e.g. for dates); ``grid=None`` keeps
    ECharts' default margins; ``legend`` defaults to showing one when there are several series."""
    x_axis: Option = {"type": "category", "data": list(categories)}
    if rotate is not None:
        x_axis["axisLabel"] = {"rotate": rotate}
    y_axis: Option = {"type": "value"}
    if y_max is not None:
        y_axis["max"] = y_max
    if y_name is not None:
        y_axis["name"] = y_name
    option: Option = {"tooltip": {"trigger": "axis"}}
    if legend if legend is not None else len(all_series) > 1:
        option["legend"] = {"data": [s["name"] for s in all_series]}
    if grid is not None:
        option["grid"] = dict(grid)
    option.update({"xAxis": x_axis, "yAxis": y_axis, "series": list(all_series)})
    return option


def pie_chart(items: Iterable[tuple[str, Number]], *, radius: str | tuple[str, str] = "60%") -> Option:
    """A pie (or, with a pair of radii, a ring) of ``(label, value)`` items."""
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": list(radius) if isinstance(radius, tuple) else radius,
                "data": [{"name": label, "value": value} for label, value in items],
            }
        ],
    }
