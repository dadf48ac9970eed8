"""Forms of the quality pages (labels in Chinese; the services check the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from jiaoyun.quality.choices import (
    Award,
    CertLevel,
    CompetitionKind,
    CompetitionLevel,
    Dimension,
    EntrantRole,
    Outcome,
    PilotKind,
    Term,
    Track,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RecordForm(forms.Form):
    dimension = forms.ChoiceField(label="维度", choices=Dimension.choices)
    title = forms.CharField(label="活动名称", max_length=100)
    date = forms.DateField(label="日期", widget=DATE, initial=timezone.localdate)
    hours = forms.DecimalField(label="时长（小时）", max_digits=5, decimal_places=1, required=False, min_value=0)
    description = forms.CharField(label="过程与收获", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=2000)  # fmt: skip
    evidence = MultipleFileField(label="照片或佐证（可多选）", required=False)


class PublicityForm(forms.Form):
    school_class = forms.IntegerField(widget=forms.HiddenInput)
    term = forms.IntegerField(widget=forms.HiddenInput)
    starts = forms.DateField(label="公示开始", widget=DATE, initial=timezone.localdate)


class ObjectionForm(forms.Form):
    portfolio = forms.IntegerField(label="涉及学生")
    raised_by = forms.CharField(label="反映人", max_length=50)
    content = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class ResolveForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    resolution = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class TermForm(forms.Form):
    school_year = forms.IntegerField(label="学年（起始年）", min_value=2000, max_value=2100)
    term = forms.TypedChoiceField(label="学期", choices=Term.choices, coerce=int)
    starts = forms.DateField(label="学期开始", widget=DATE)
    ends = forms.DateField(label="学期结束", widget=DATE)
    record_deadline = forms.DateField(label="写实记录截止", widget=DATE)
    select_deadline = forms.DateField(label="整理遴选截止", widget=DATE)
    confirm_deadline = forms.DateField(label="审核确认截止", widget=DATE)


class CertificateForm(forms.Form):
    student = forms.ChoiceField(label="学生")
    name = forms.CharField(label="证书名称", max_length=100)
    level = forms.ChoiceField(label="等级", choices=CertLevel.choices)
    organisation = forms.CharField(label="发证机构（培训评价组织）", max_length=100)
    issued_on = forms.DateField(label="发证日期", widget=DATE)
    number = forms.CharField(label="证书编号", max_length=40)


class TargetForm(forms.Form):
    year = forms.IntegerField(label="毕业年份（届）", min_value=2000, max_value=2100)
    rate = forms.DecimalField(label="目标持证率（%）", max_digits=5, decimal_places=2, min_value=0, max_value=100)


class CompetitionForm(forms.Form):
    name = forms.CharField(label="竞赛名称", max_length=100)
    kind = forms.ChoiceField(label="类别", choices=CompetitionKind.choices)
    level = forms.ChoiceField(label="级别", choices=CompetitionLevel.choices)
    organiser = forms.CharField(label="主办单位", max_length=100)
    date = forms.DateField(label="日期", widget=DATE)


class EntryForm(forms.Form):
    role = forms.ChoiceField(label="身份", choices=EntrantRole.choices)
    person = forms.ChoiceField(label="学生/教师")
    event = forms.CharField(label="项目", max_length=100, required=False)
    award = forms.ChoiceField(label="获奖等次", choices=Award.choices)


class TransferForm(forms.Form):
    student = forms.ChoiceField(label="学生")
    to_school = forms.ChoiceField(label="转入学校")
    grade = forms.TypedChoiceField(label="年级", choices=((10, "高一"), (11, "高二"), (12, "高三")), coerce=int)
    date = forms.DateField(label="转学日期", widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label="原因", max_length=200, required=False)


class CreditForm(forms.Form):
    student = forms.ChoiceField(label="学生")
    from_track = forms.ChoiceField(label="修读学段", choices=Track.choices)
    to_track = forms.ChoiceField(label="认定学段", choices=Track.choices)
    course = forms.CharField(label="课程", max_length=100)
    credits = forms.DecimalField(label="认定学分", max_digits=4, decimal_places=1)
    recognised_on = forms.DateField(label="认定日期", widget=DATE, initial=timezone.localdate)


class ProgressionForm(forms.Form):
    student = forms.ChoiceField(label="毕业生")
    outcome = forms.ChoiceField(label="去向", choices=Outcome.choices)
    destination = forms.CharField(label="录取院校/就业单位", max_length=100, required=False)
    bridge = forms.BooleanField(label="中高职衔接（3+2）升学", required=False)


class PilotForm(forms.Form):
    school_class = forms.ChoiceField(label="班级")
    kind = forms.ChoiceField(label="试点类型", choices=PilotKind.choices)
    partner = forms.CharField(label="合作学校/高职院校", max_length=100, required=False)
    since = forms.DateField(label="开始日期", widget=DATE, initial=timezone.localdate)
