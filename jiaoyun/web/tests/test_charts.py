"""The chart option builders: sorted bars, value axes fitted to the data, 暂无数据 for an empty chart, long names
on horizontal bars (full name in the tooltip)."""

from __future__ import annotations

import json

import pytest

from jiaoyun.web.charts import (
    COUNT,
    EMPTY_TEXT,
    LABEL_WIDTH,
    PERCENT,
    bar,
    category_chart,
    chart_height,
    is_empty,
    line,
    nice_bounds,
    pie_chart,
)

TOWNSHIPS = ["甸阳镇", "摆榔彝族布朗族乡", "老麦乡", "木老元布朗族彝族乡"]


def test_name_categories_are_sorted_by_the_first_series_largest_first_every_series_follows():
    option = category_chart(TOWNSHIPS, [bar("未销号", [3, 9, None, 5]), bar("逾期", [1, 2, 0, 4])], unit=COUNT)
    assert option["yAxis"]["data"] == ["摆榔彝族布朗族乡", "木老元布朗族彝族乡", "甸阳镇", "老麦乡"]
    assert option["series"][0]["data"] == [9, 5, 3, None]  # no value last
    assert option["series"][1]["data"] == [2, 4, 1, 0]
    assert option["yAxis"]["inverse"] is True  # the largest on top


def test_sort_by_another_series_or_keep_the_given_order():
    by_second = category_chart(TOWNSHIPS, [bar("a", [1, 2, 3, 4]), bar("b", [4, 0, 9, 1])], sort_by=1)
    assert by_second["yAxis"]["data"] == ["老麦乡", "甸阳镇", "木老元布朗族彝族乡", "摆榔彝族布朗族乡"]
    kept = category_chart(TOWNSHIPS, [bar("a", [1, 2, 3, 4])], sort_by=None)
    assert kept["yAxis"]["data"] == TOWNSHIPS


def test_ordinal_categories_keep_their_order_on_the_x_axis():
    months = ["2021-09", "2021-10", "2021-11"]
    option = category_chart(months, [line("新发现", [5, 1, 3])], ordinal=True, unit=COUNT, rotate=None)
    assert option["xAxis"] == {"type": "category", "data": months}
    assert option["series"][0]["data"] == [5, 1, 3]
    assert option["yAxis"]["type"] == "value"


def test_long_names_are_cut_to_a_width_with_the_full_name_in_the_tooltip():
    option = category_chart(TOWNSHIPS, [bar("学校", [1, 2, 3, 4])])
    label = option["yAxis"]["axisLabel"]
    assert label["width"] == LABEL_WIDTH and label["overflow"] == "truncate" and label["interval"] == 0
    assert option["tooltip"]["trigger"] == "axis"  # shows the category's full name
    assert option["grid"]["containLabel"] is True
    # The box grows with the number of names (one row each), so 13 townships stay readable on a phone.
    assert chart_height(category_chart([f"乡镇{i}" for i in range(13)], [bar("n", list(range(13)))])) >= 13 * 30


@pytest.mark.parametrize(
    ("values", "unit", "from_zero", "bounds"),
    [
        ([3, 9, 5], COUNT, True, (0, 10, 2)),  # counts: from 0, whole steps
        ([0, 1], COUNT, True, (0, 1, 1)),
        ([0, 0], COUNT, True, (0, 1, 1)),  # all zero: an axis of one, not 0–0
        ([16.7, 54.5, 44.0], PERCENT, True, (0, 60, 20)),  # a rate: fitted, not 0–100
        ([92.0, 100.0], PERCENT, True, (0, 100, 20)),  # never above 100 %
        ([35.2, 39.8, 41.0], PERCENT, False, (34, 42, 2)),  # a line of rates may start above 0
        ([101.2, 98.5], None, False, (98, 102, 1)),  # a gross rate may pass 100 (no PERCENT cap)
        ([-3, 4], None, True, (-4, 4, 2)),  # a negative value is on the axis
    ],
)
def test_value_axis_bounds_fit_the_data(values, unit, from_zero, bounds):
    assert nice_bounds(values, unit=unit, from_zero=from_zero) == bounds


def test_bars_start_at_zero_and_count_axes_never_below_zero():
    option = category_chart(["a", "b"], [bar("n", [40, 42])], unit=COUNT)
    assert option["xAxis"]["min"] == 0 and option["xAxis"]["max"] >= 42 and option["xAxis"]["minInterval"] == 1
    lines = category_chart(["2021", "2022"], [line("n", [40, 42])], ordinal=True, unit=COUNT)
    assert lines["yAxis"]["min"] == 0  # a count


def test_stacked_bars_fit_their_sum():
    option = category_chart(["a", "b"], [bar("x", [6, 1], stack="s"), bar("y", [7, 1], stack="s")], unit=COUNT)
    assert option["xAxis"]["max"] >= 13


def test_percent_line_chart_is_fitted_and_labelled():
    option = category_chart(["11-01", "11-08"], [line("达标率", [35.0, 39.8])], ordinal=True, unit=PERCENT)
    assert (option["yAxis"]["min"], option["yAxis"]["max"]) == (35, 40)
    assert option["yAxis"]["axisLabel"] == {"formatter": "{value}%"}


@pytest.mark.parametrize(
    "option",
    [
        category_chart([], [bar("n", [])]),
        category_chart(["甸阳镇"], [bar("n", [None])]),
        category_chart(["2021"], [], ordinal=True),
        pie_chart([]),
        pie_chart([("厌学", 0)]),
    ],
)
def test_an_empty_chart_says_no_data_instead_of_an_empty_grid(option):
    assert is_empty(option)
    assert option["title"]["text"] == EMPTY_TEXT == "暂无数据"
    assert option["series"] == [] and option["xAxis"] == {"show": False} and option["yAxis"] == {"show": False}
    assert chart_height(option) < 200
    json.dumps(option)  # plain JSON for json_script


def test_pie_is_sorted_largest_first_and_drops_zeros():
    option = pie_chart([("厌学", 2), ("务工", 0), ("家庭困难", 4)], radius=("35%", "65%"))
    assert [d["name"] for d in option["series"][0]["data"]] == ["家庭困难", "厌学"]
    assert option["series"][0]["radius"] == ["35%", "65%"]
