"""The forms of the safety pages: every POST (and every parameter a page reads besides its list filters)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from jiaoyun.core.models import User
from jiaoyun.core.widgets import FastSelect
from jiaoyun.safety.choices import (
    BrightKitchen,
    DeviceKind,
    InspectionKind,
    Meal,
    RiskCategory,
    RiskLevel,
    Severity,
)
from jiaoyun.safety.models import (
    Canteen,
    ChecklistItem,
    ChecklistTemplate,
    Guard,
    InspectionResult,
    RiskReport,
    Rule,
    SafetyProfile,
)
from jiaoyun.safety.services.profile import PROFILE_FIELDS
from jiaoyun.schools.models import School

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = SafetyProfile
        fields = PROFILE_FIELDS
        widgets = {"alarm_last_test": DATE, "insurance_start": DATE, "insurance_end": DATE}


class GuardForm(forms.ModelForm):
    class Meta:
        model = Guard
        fields = ["name", "birth_date", "certificate_no", "certificate_valid_until", "on_duty"]
        widgets = {"birth_date": DATE, "certificate_valid_until": DATE}


YES_NO = [("1", "是"), ("0", "否")]


class YesNoField(forms.ChoiceField):
    """A ``1``/``0`` select read as a bool (nothing chosen → False)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=YES_NO, required=False, **kwargs)

    def clean(self, value: Any) -> bool:  # type: ignore[override]
        return bool(super().clean(value) == "1")


def _one_of(queryset: QuerySet[Any], missing: str, label: str = "") -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """A choice among ``queryset`` (already narrowed to what the user may act on); ``missing`` when absent."""
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        widget=forms.HiddenInput,
        error_messages={"required": missing, "invalid_choice": missing},
    )


class ActionForm(forms.Form):
    """Which of a page's actions a POST asks for (the hidden ``action``/``form`` field of its forms)."""

    def __init__(self, data: Any, *, field: str, names: Iterable[str], default: str = "") -> None:
        super().__init__({field: data.get(field) or default})
        self.field = field
        self.fields[field] = forms.ChoiceField(choices=[(n, n) for n in names])

    @property
    def name(self) -> str | None:
        return self.cleaned_data[self.field] if self.is_valid() else None


class HazardOpenForm(forms.Form):
    """登记隐患 on a failed item of an inspection."""

    result = forms.ModelChoiceField(queryset=InspectionResult.objects.none(), widget=forms.HiddenInput)
    title = forms.CharField(label="隐患", max_length=200)
    severity = forms.ChoiceField(label="等级", choices=Severity.choices)
    responsible = forms.ModelChoiceField(label="责任人", queryset=User.objects.none())
    deadline = forms.DateField(label="整改期限", widget=DATE)

    def __init__(self, *args: Any, responsible_qs: QuerySet[User], results: QuerySet[InspectionResult], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_qs  # type: ignore[attr-defined]
        self.fields["result"] = _one_of(results, "检查项不存在")


class InspectionPickForm(forms.Form):
    """The school and checklist an inspection is recorded for (query string, or the POST's hidden fields)."""

    school = forms.IntegerField(required=False)
    template = forms.IntegerField(required=False)


class InspectionForm(forms.Form):
    """A checklist inspection: one ``item_<id>`` (pass/fail) and ``note_<id>`` per checklist item."""

    kind = forms.ChoiceField(label="检查类型", choices=InspectionKind.choices)
    date = forms.DateField(label="检查日期", required=False)
    canteen = forms.ModelChoiceField(label="食堂", queryset=Canteen.objects.none(), required=False)
    note = forms.CharField(label="说明", required=False)
    open_hazards = YesNoField(label="登记隐患")
    severity = forms.ChoiceField(label="等级", choices=Severity.choices, required=False)
    responsible = forms.ModelChoiceField(label="责任人", queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label="整改期限", required=False)

    def __init__(
        self,
        *args: Any,
        school: School,
        template: ChecklistTemplate,
        items: list[ChecklistItem],
        canteens: QuerySet[Canteen],
        responsible_qs: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.school, self.template, self.items = school, template, items
        self.fields["canteen"].queryset = canteens  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = responsible_qs  # type: ignore[attr-defined]
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                choices=[("pass", "合格"), ("fail", "不合格")], required=False
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(required=False, strip=False)

    def outcomes(self) -> list[tuple[int, bool, str]]:
        """``(item id, passed, note)`` of each item given a result (an item left out is refused later)."""
        data = self.cleaned_data
        return [
            (i.pk, data[f"item_{i.pk}"] == "pass", data[f"note_{i.pk}"]) for i in self.items if data[f"item_{i.pk}"]
        ]


class CloseForm(forms.Form):
    note = forms.CharField(label="说明", required=False)


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", MultiFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RectifyForm(forms.Form):
    note = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label="整改照片/佐证", required=False)


class VerifyForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="复查结论", choices=[("1", "复查通过"), ("0", "复查不通过")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="复查意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeviceForm(forms.Form):
    school = forms.ModelChoiceField(widget=FastSelect, label="学校", queryset=School.objects.none())
    kind = forms.ChoiceField(label="类型", choices=DeviceKind.choices)
    name = forms.CharField(label="名称", max_length=100)
    serial = forms.CharField(label="设备编号", max_length=50)
    interval_seconds = forms.IntegerField(label="心跳间隔（秒）", min_value=1, initial=300)

    def __init__(self, *args, schools, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class SixTForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    handle = forms.BooleanField(label="天天处理", required=False)
    integrate = forms.BooleanField(label="天天整合", required=False)
    sweep = forms.BooleanField(label="天天清扫", required=False)
    standard = forms.BooleanField(label="天天规范", required=False)
    checked = forms.BooleanField(label="天天检查", required=False)
    improve = forms.BooleanField(label="天天改进", required=False)
    checker = forms.CharField(label="检查人", max_length=50)
    note = forms.CharField(label="说明", max_length=300, required=False)


class MealForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    meal = forms.ChoiceField(label="餐次", choices=Meal.choices)
    companion = forms.CharField(label="陪餐人", max_length=50)
    is_parent = forms.BooleanField(label="家长陪餐", required=False)
    comments = forms.CharField(label="意见建议", max_length=300, required=False)


class SampleForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    meal = forms.ChoiceField(label="餐次", choices=Meal.choices)
    dish = forms.CharField(label="菜品", max_length=50)
    weight_g = forms.IntegerField(label="留样重量（克）", min_value=0)
    keep_hours = forms.IntegerField(label="留存时长（小时）", min_value=0)
    keeper = forms.CharField(label="留样人", max_length=50)


class StaffForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    post = forms.CharField(label="岗位", max_length=30, required=False)
    cert_no = forms.CharField(label="健康证号", max_length=30, required=False)
    cert_valid_until = forms.DateField(label="健康证有效期至", widget=DATE, required=False)


class KitchenForm(forms.Form):
    bright_kitchen = forms.ChoiceField(label="明厨亮灶", choices=BrightKitchen.choices)
    online = forms.BooleanField(label="视频在线", required=False)


class CanteenForm(forms.Form):
    name = forms.CharField(label="食堂名称", max_length=100, initial="学生食堂")
    bright_kitchen = forms.ChoiceField(label="明厨亮灶", choices=BrightKitchen.choices)


class GuardToggleForm(forms.Form):
    """设为离岗/在岗: the guard's duty flips."""

    def __init__(self, *args: Any, guards: QuerySet[Guard], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guard"] = _one_of(guards, "保安员不存在")


class RuleForm(forms.Form):
    """A compliance rule's threshold, parameters (a JSON object) and whether it applies."""

    threshold = forms.IntegerField(label="阈值", required=False)
    parameters = forms.CharField(label="参数", required=False)
    is_active = YesNoField(label="启用")

    def __init__(self, *args: Any, rules: QuerySet[Rule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"] = _one_of(rules, "规则不存在")

    def clean_parameters(self) -> dict[str, Any]:
        try:
            params = json.loads(self.cleaned_data["parameters"] or "{}")
        except ValueError as exc:
            raise forms.ValidationError(f"参数不是有效的JSON：{exc}") from exc
        if not isinstance(params, dict):
            raise forms.ValidationError("参数应为JSON对象")
        return params


class BulletinForm(forms.Form):
    """``?month=YYYY-MM`` (this month when absent or malformed) and ``?format=pdf``."""

    month = forms.CharField(required=False)
    format = forms.CharField(required=False)

    def clean_month(self) -> dt.date | None:
        raw = self.cleaned_data["month"]
        try:
            return dt.date.fromisoformat(f"{raw}-01") if raw else None
        except ValueError:
            return None


class NextForm(forms.Form):
    """The page to return to after a small action (checked by ``safe_next``)."""

    next = forms.CharField(required=False)


class RiskForm(forms.Form):
    school = forms.ModelChoiceField(widget=FastSelect, label="学校", queryset=School.objects.none())
    category = forms.ChoiceField(label="类别", choices=RiskCategory.choices)
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    description = forms.CharField(label="情况描述", max_length=500)

    def __init__(self, *args, schools, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class _OnReportForm(forms.Form):
    """An action on one risk report among those the user may act on."""

    def __init__(self, *args: Any, reports: QuerySet[RiskReport], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"] = _one_of(reports, "风险记录不存在")


class JointActionForm(_OnReportForm):
    department = forms.CharField(label="联动部门", max_length=50)
    date = forms.DateField(label="日期", widget=DATE)
    action = forms.CharField(label="措施", max_length=300)
    result = forms.CharField(label="结果", max_length=300, required=False)


class ResolveForm(_OnReportForm):
    note = forms.CharField(label="说明", required=False)
