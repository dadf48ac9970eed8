"""The forms of the project pages; each hands its cleaned data to one service."""

from __future__ import annotations

from typing import Any

from django import forms

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User
from jiaoyun.core.widgets import FastSelect
from jiaoyun.facilities.choices import FileKind, FundingSource, MilestoneKind, PlanTarget, ProjectKind
from jiaoyun.schools.choices import Level, Ownership
from jiaoyun.schools.models import School

DATE = forms.DateInput(attrs={"type": "date"})
INVALID = {"invalid_choice": "所选的值不存在或已停用，请重新选择"}


def _money(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0, required=required,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))  # fmt: skip


class ProjectForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=120)
    kind = forms.ChoiceField(label="建设类型", choices=ProjectKind.choices)
    level = forms.ChoiceField(label="学段", choices=Level.choices)
    ownership = forms.ChoiceField(label="举办者类型", choices=Ownership.choices, initial=Ownership.PUBLIC)
    school = forms.ModelChoiceField(widget=FastSelect, label="学校（已有学校的项目）", queryset=School.objects.none(), required=False,
                                    error_messages=INVALID)  # fmt: skip
    site_name = forms.CharField(label="规划选址（新建学校）", max_length=120, required=False)
    township = forms.ModelChoiceField(
        label="乡镇", queryset=Area.objects.none(), required=False, error_messages=INVALID
    )
    village = forms.ModelChoiceField(widget=FastSelect, label="村（社区）", queryset=Area.objects.none(), required=False,
                                     error_messages=INVALID)  # fmt: skip
    seats = forms.IntegerField(label="新增学位", min_value=0, initial=0)
    classes = forms.IntegerField(label="新增班级", min_value=0, initial=0)
    budget = _money("总投资（元）")
    plan_year = forms.IntegerField(label="计划年度", min_value=2000, max_value=2100)
    plan_line = forms.CharField(label="对应规划条目", max_length=20, required=False, help_text="例如 四(一)")
    target = forms.ChoiceField(label="计入规划目标", choices=PlanTarget.choices, required=False)
    owner = forms.ModelChoiceField(label="项目负责人", queryset=User.objects.none(), required=False,
                                   error_messages=INVALID)  # fmt: skip
    note = forms.CharField(label="说明（缘由、解决的缺口）", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, with_plan: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(is_active=True).order_by("township__sort", "name")  # type: ignore[attr-defined]
        self.fields["township"].queryset = Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort", "code")  # type: ignore[attr-defined]
        self.fields["village"].queryset = Area.objects.filter(level=AreaLevel.VILLAGE).order_by("parent__sort", "code")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, role__in=[Role.BUREAU_STAFF, Role.COUNTY_ADMIN]
        ).order_by("section", "username")
        self.fields["owner"].label_from_instance = lambda u: f"{u.display_name or u.username}"  # type: ignore[attr-defined]
        self.with_plan = with_plan
        if with_plan:
            for kind, label in MilestoneKind.choices:
                self.fields[f"planned_{kind}"] = forms.DateField(label=f"{label}（计划）", required=False, widget=DATE)

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"], "kind": d["kind"], "level": d["level"], "ownership": d["ownership"],
            "school_id": d["school"].pk if d["school"] else None, "site_name": d["site_name"],
            "township_id": d["township"].pk if d["township"] else None,
            "village_id": d["village"].pk if d["village"] else None, "seats": d["seats"], "classes": d["classes"],
            "budget": d["budget"], "plan_year": d["plan_year"], "plan_line": d["plan_line"],
            "target": d["target"] or "", "owner_id": d["owner"].pk if d["owner"] else None, "note": d["note"],
            "owner_section": Section.FINANCE,
        }  # fmt: skip

    def planned(self) -> dict[int, Any]:
        if not self.with_plan:
            return {}
        return {k: self.cleaned_data.get(f"planned_{k}") for k in MilestoneKind.values}


class MilestoneForm(forms.Form):
    kind = forms.TypedChoiceField(label="节点", choices=MilestoneKind.choices, coerce=int)
    actual = forms.DateField(label="实际日期", required=False, widget=DATE)
    note = forms.CharField(label="说明（滞后原因或进展）", max_length=300, required=False)


class PlanForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in MilestoneKind.choices:
            self.fields[f"planned_{kind}"] = forms.DateField(label=label, required=False, widget=DATE)

    def planned(self) -> dict[int, Any]:
        return {k: self.cleaned_data.get(f"planned_{k}") for k in MilestoneKind.values}


class FundingForm(forms.Form):
    budget = _money("总投资（元）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for source, label in FundingSource.choices:
            self.fields[f"src_{source}"] = _money(label, required=False)

    def amounts(self) -> dict[str, Any]:
        return {s: self.cleaned_data.get(f"src_{s}") or 0 for s in FundingSource.values}


class ContractForm(forms.Form):
    title = forms.CharField(label="合同名称", max_length=120)
    contractor = forms.CharField(label="承包单位", max_length=120)
    amount = _money("合同金额（元）")
    signed_on = forms.DateField(label="签订日期", required=False, widget=DATE)


class PaymentForm(forms.Form):
    contract = forms.IntegerField(label="合同", widget=forms.HiddenInput)
    date = forms.DateField(label="支付日期", widget=DATE)
    amount = _money("金额（元）")
    source = forms.ChoiceField(label="资金来源", choices=FundingSource.choices)
    note = forms.CharField(label="摘要", max_length=200, required=False)


class FileForm(forms.Form):
    file = forms.FileField(label="照片或文件")
    kind = forms.ChoiceField(label="类别", choices=FileKind.choices, initial=FileKind.PHOTO)
    milestone = forms.TypedChoiceField(label="节点", choices=[("", "—"), *MilestoneKind.choices], coerce=int,
                                       required=False, empty_value=None)  # fmt: skip
    caption = forms.CharField(label="说明", max_length=200, required=False)
