from __future__ import annotations

from django import forms

from jiaoyun.core.models import User
from jiaoyun.safety.choices import BrightKitchen, DeviceKind, Meal, RiskCategory, RiskLevel, Severity
from jiaoyun.safety.models import Guard, SafetyProfile
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


class HazardOpenForm(forms.Form):
    title = forms.CharField(label="隐患", max_length=200)
    severity = forms.ChoiceField(label="等级", choices=Severity.choices)
    responsible = forms.ModelChoiceField(label="责任人", queryset=User.objects.none())
    deadline = forms.DateField(label="整改期限", widget=DATE)

    def __init__(self, *args, responsible_qs, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_qs  # type: ignore[attr-defined]


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
    school = forms.ModelChoiceField(label="学校", queryset=School.objects.none())
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


class RiskForm(forms.Form):
    school = forms.ModelChoiceField(label="学校", queryset=School.objects.none())
    category = forms.ChoiceField(label="类别", choices=RiskCategory.choices)
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    description = forms.CharField(label="情况描述", max_length=500)

    def __init__(self, *args, schools, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class JointActionForm(forms.Form):
    department = forms.CharField(label="联动部门", max_length=50)
    date = forms.DateField(label="日期", widget=DATE)
    action = forms.CharField(label="措施", max_length=300)
    result = forms.CharField(label="结果", max_length=300, required=False)
