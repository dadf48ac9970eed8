from __future__ import annotations

from django import forms

MODULES = [
    ("dropout", "控辍保学"),
    ("safety", "校园安全"),
    ("bulletins", "督查通报与整改"),
    ("supervision", "工作计划与督导"),
    ("facilities", "项目建设"),
    ("warning", "辍学预警"),
]


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label="邮件提醒", required=False)
    sms = forms.BooleanField(label="短信提醒", required=False)
    modules = forms.MultipleChoiceField(label="提醒的模块（不选为全部）", choices=MODULES, required=False,
                                        widget=forms.CheckboxSelectMultiple)  # fmt: skip
    min_level = forms.TypedChoiceField(label="提醒范围", coerce=int, initial=0,
                                       choices=[(0, "全部提醒"), (1, "只提醒升级（上报）的")])  # fmt: skip
