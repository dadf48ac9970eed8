"""The forms of official documents: the 公文格式设置 page (the validation of values stays in ``reports.services``)
and the month picker of the monthly bulletins (控辍保学, 平安校园)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms

from jiaoyun.reports.official import DATE_STYLES, DEFAULT_LETTERHEADS


class LetterheadPickForm(forms.Form):
    """Which letterhead a POST saves (each has its own form on the page, prefixed with its key)."""

    letterhead = forms.ChoiceField(choices=[(k, v["name"]) for k, v in DEFAULT_LETTERHEADS.items()])


class LetterheadForm(forms.Form):
    """One kind of document's settings (``code`` is the letterhead's ``prefix``: a form has its own ``prefix``)."""

    name = forms.CharField(label="文种", max_length=60)
    authority = forms.CharField(label="发文机关署名（落款）", max_length=60)
    mark = forms.CharField(label="发文机关标志（红头）", max_length=60, help_text="如：施甸县教育体育局文件")
    code = forms.CharField(label="发文机关代字（文号）", max_length=20, help_text="如：施教体 → 施教体〔2021〕12号")
    recipients = forms.CharField(label="主送机关", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="多个机关用逗号或顿号分隔")  # fmt: skip
    copy_to = forms.CharField(label="抄送机关", max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}), help_text="不抄送可留空")  # fmt: skip
    printer = forms.CharField(label="印发机关", max_length=60, required=False)
    date_style = forms.ChoiceField(label="成文日期写法", choices=DATE_STYLES)


BULLETIN_MONTHS = 24  # how far back the generate forms offer months


def ended_months(today: dt.date, n: int = BULLETIN_MONTHS) -> list[dt.date]:
    """The first days of the ``n`` months that have ended, newest first."""
    months, day = [], today.replace(day=1)
    for _ in range(n):
        day = (day - dt.timedelta(days=1)).replace(day=1)
        months.append(day)
    return months


def month_choices(months: list[dt.date], generated: Mapping[dt.date, str]) -> list[tuple[str, str]]:
    """The picker's options: "2021年11月", followed by "（已生成 施教体〔2021〕12号）" for a month already generated
    (``generated``: month → its 发文字号, "" for one archived before it had a number)."""

    def label(m: dt.date) -> str:
        if m not in generated:
            return f"{m.year}年{m.month}月"
        return f"{m.year}年{m.month}月（已生成{' ' + generated[m] if generated[m] else ''}）"

    return [(f"{m:%Y-%m}", label(m)) for m in months]


class MonthPickForm(forms.Form):
    """The month of a bulletin to generate, picked from the months that have ended (newest first)."""

    month = forms.ChoiceField(
        label="月份",
        error_messages={"required": "请选择月份", "invalid_choice": "请选择列表中的月份（只能生成已经结束的月份）"},
    )

    def __init__(self, *args: Any, months: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = months  # type: ignore[attr-defined]
