from __future__ import annotations

from django import forms

from jiaoyun.core.models import User
from jiaoyun.safety.choices import DeviceKind, Severity
from jiaoyun.safety.models import Guard, SafetyProfile
from jiaoyun.safety.services.profile import PROFILE_FIELDS
from jiaoyun.schools.models import School

DATE = forms.DateInput(attrs={"type": "date"})


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
