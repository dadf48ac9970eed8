from __future__ import annotations

from django import forms

from jiaoyun.areas.models import Area
from jiaoyun.core.schoolyear import SchoolYear
from jiaoyun.indicators.definitions import INDICATORS

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
        label="区域", queryset=Area.objects.filter(level__in=("county", "township")).order_by("level", "sort", "code")
    )
    school_year = forms.IntegerField(
        label="起始学年", min_value=2000, max_value=2100, initial=lambda: SchoolYear.current().start_year
    )
    value = forms.FloatField(label="目标值", min_value=0, max_value=200)
    source = forms.CharField(label="依据", max_length=200, required=False)
