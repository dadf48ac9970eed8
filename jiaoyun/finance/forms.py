"""The entry form of one budget year: the county's figures and, per level, its expenditure, 公用经费 and pupils."""

from __future__ import annotations

from typing import Any

from django import forms

from jiaoyun.finance.models import FinanceYear
from jiaoyun.finance.services import LEVEL_FIELDS
from jiaoyun.schools.choices import Level


def _money(label: str, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=16, decimal_places=2, min_value=0, required=required,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))  # fmt: skip


LEVEL_LABELS = {"expenditure": "一般公共预算教育经费（元）", "public_funds": "公用经费（元）", "students": "在校生数"}


class FinanceYearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    education_expenditure = _money("一般公共预算教育支出（元）", required=True)
    recurrent_revenue = _money("财政经常性收入（元）", required=True)
    students = forms.IntegerField(label="在校生数（填报）", min_value=0, required=False)
    teacher_pay = _money("教师年平均工资收入（元）")
    civil_servant_pay = _money("当地公务员年平均工资收入（元）")
    source = forms.CharField(label="资料来源", max_length=200, required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level, label in Level.choices:
            for name in LEVEL_FIELDS:
                key = f"{level}_{name}"
                if name == "students":
                    self.fields[key] = forms.IntegerField(label=f"{label}{LEVEL_LABELS[name]}", min_value=0,
                                                          required=False)  # fmt: skip
                else:
                    self.fields[key] = _money(f"{label}{LEVEL_LABELS[name]}")

    @classmethod
    def initial_of(cls, fy: FinanceYear) -> dict[str, Any]:
        data: dict[str, Any] = {"year": fy.year}
        for name in ("education_expenditure", "recurrent_revenue", "students", "teacher_pay", "civil_servant_pay",
                     "source", "note"):  # fmt: skip
            data[name] = getattr(fy, name)
        for lf in fy.levels.all():
            for name in LEVEL_FIELDS:
                data[f"{lf.level}_{name}"] = getattr(lf, name)
        return data

    def main_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("year", "education_expenditure", "recurrent_revenue", "students", "teacher_pay",
                                  "civil_servant_pay", "source")]  # fmt: skip

    def level_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(label), [self[f"{level}_{n}"] for n in LEVEL_FIELDS]) for level, label in Level.choices]

    def figures(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("education_expenditure", "recurrent_revenue", "students", "teacher_pay",
                                      "civil_servant_pay", "source", "note")}  # fmt: skip

    def levels(self) -> dict[str, dict[str, Any]]:
        d = self.cleaned_data
        return {level: {n: d.get(f"{level}_{n}") for n in LEVEL_FIELDS} for level in Level.values}
