from __future__ import annotations

from django import forms

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.core.widgets import FastSelect
from jiaoyun.indicators.definitions import BY_CODE, HEADLINE_CODES, INDICATORS

CODE_CHOICES = [(i.code, i.name) for i in INDICATORS]


class ReferenceForm(forms.Form):
    code = forms.ChoiceField(label="指标", choices=CODE_CHOICES)
    year = forms.IntegerField(
        label="年份", min_value=2000, max_value=2100, initial=lambda: SchoolYear.current().start_year
    )
    value = forms.FloatField(label="保山市数值", min_value=0, max_value=200)
    source = forms.CharField(label="来源", max_length=300, required=False)


class TargetForm(forms.Form):
    code = forms.ChoiceField(label="指标", choices=CODE_CHOICES)
    area = forms.ModelChoiceField(
        widget=FastSelect,
        label="区域",
        queryset=Area.objects.filter(level__in=(AreaLevel.COUNTY, AreaLevel.TOWNSHIP)).order_by(
            "level", "sort", "code"
        ),
    )
    school_year = forms.IntegerField(
        label="起始学年", min_value=2000, max_value=2100, initial=lambda: SchoolYear.current().start_year
    )
    value = forms.FloatField(label="目标值", min_value=0, max_value=200)
    source = forms.CharField(label="依据", max_length=200, required=False)


def _school_year(value: int | None) -> SchoolYear:
    return SchoolYear(value) if value else SchoolYear.current()


class YearForm(forms.Form):
    """``?year=`` of every page (a school year by its first calendar year); missing or malformed: the current."""

    year = forms.CharField(required=False)

    def clean_year(self) -> int | None:
        return _id(self.cleaned_data.get("year"))

    def school_year(self) -> SchoolYear:
        return _school_year(self.cleaned_data.get("year") if self.is_valid() else None)


class RankingForm(YearForm):
    """``?year=&code=``: the indicator the township or village ranking shows (an unknown one: the first headline)."""

    code = forms.CharField(required=False)

    def indicator_code(self) -> str:
        code = self.cleaned_data.get("code") if self.is_valid() else None
        return code if code in BY_CODE else HEADLINE_CODES[0]


class DrillForm(YearForm):
    """``?code=&measure=&year=&as_of=&area=|school=``: the figure and the part of it a drill-down lists. The
    indicator and measure are checked by ``drill_target`` (its messages name them); a malformed place is none."""

    code = forms.CharField(required=False)
    measure = forms.CharField(required=False)
    as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": "统计日格式无效"})
    area = forms.CharField(required=False)
    school = forms.CharField(required=False)

    def clean_area(self) -> int | None:
        return _id(self.cleaned_data.get("area"))

    def clean_school(self) -> int | None:
        return _id(self.cleaned_data.get("school"))


def _id(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class RefreshForm(forms.Form):
    """The recompute button: the school year shown (none: the current)."""

    year = forms.IntegerField(label="学年", required=False, min_value=2000, max_value=2100)
