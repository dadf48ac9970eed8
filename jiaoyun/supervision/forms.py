"""The forms of the supervision pages (every POST)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from jiaoyun.areas.choices import AreaLevel
from jiaoyun.areas.models import Area
from jiaoyun.core.choices import Role, Section
from jiaoyun.core.models import User
from jiaoyun.core.widgets import FastSelect
from jiaoyun.schools.models import School
from jiaoyun.supervision import conf
from jiaoyun.supervision.choices import AssessKind, MeasureKind, Part
from jiaoyun.supervision.models import ChecklistItem, Milestone, PlanItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SECTIONS = [c for c in Section.choices if c[0]]


class ItemForm(forms.Form):
    part = forms.ChoiceField(label="部分", choices=Part.choices)
    title = forms.CharField(label="任务", max_length=200)
    text = forms.CharField(label="计划原文", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    section = forms.ChoiceField(label="牵头股室", choices=SECTIONS)
    co_owners = forms.MultipleChoiceField(label="配合股室", choices=SECTIONS, required=False,
                                          widget=forms.CheckboxSelectMultiple)  # fmt: skip
    townships = forms.ModelMultipleChoiceField(label="涉及乡镇", required=False,
                                               queryset=Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("sort"),
                                               widget=forms.CheckboxSelectMultiple)  # fmt: skip
    schools = forms.ModelMultipleChoiceField(label="涉及学校", required=False,
                                             queryset=School.objects.filter(is_active=True).order_by("code"))  # fmt: skip
    measure_kind = forms.ChoiceField(label="衡量依据", choices=MeasureKind.choices, required=False)
    measure_ref = forms.CharField(label="依据编码", max_length=100, required=False,
                                  help_text="教育指标填指标代码（如 retention_9y）；平安校园填 guards、linked、closed")  # fmt: skip
    target = forms.CharField(label="目标值", max_length=50, required=False)

    @classmethod
    def for_item(cls, item: PlanItem) -> ItemForm:
        return cls(initial={"part": item.part, "title": item.title, "text": item.text, "section": item.section,
                            "co_owners": item.co_owners, "townships": list(item.townships.all()),
                            "schools": list(item.schools.all()), "measure_kind": item.measure_kind,
                            "measure_ref": item.measure_ref, "target": item.target})  # fmt: skip


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点", max_length=200)
    due = forms.DateField(label="完成期限", widget=DATE)


class ReportForm(forms.Form):
    percent = forms.IntegerField(label="进度（%）", min_value=0, max_value=100)
    note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    milestone = forms.ModelChoiceField(label="完成节点", queryset=Milestone.objects.none(), required=False,
                                       empty_label="（不涉及节点完成）")  # fmt: skip
    evidence = forms.FileField(label="佐证材料", required=False)

    def __init__(self, *args: Any, item: PlanItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = Milestone.objects.filter(item=item, done_on__isnull=True)  # type: ignore[attr-defined]
        self.fields["percent"].initial = item.percent


class CopyForm(forms.Form):
    year = forms.IntegerField(label="复制到年度", min_value=2000, max_value=2100)


class LinkForm(forms.Form):
    school = forms.ModelChoiceField(
        widget=FastSelect, label="学校", queryset=School.objects.filter(is_active=True).order_by("code")
    )
    person = forms.CharField(label="挂钩领导/联系人", max_length=50)
    department = forms.CharField(label="挂钩部门", max_length=100, required=False)
    leader = forms.ModelChoiceField(label="挂钩领导（账号）", required=False,
                                    queryset=User.objects.filter(role=Role.COUNTY_LEADER, is_active=True).order_by("id"))  # fmt: skip
    since = forms.DateField(label="挂钩起始", widget=DATE, initial=timezone.localdate)


class LinkVisitForm(forms.Form):
    date = forms.DateField(label="走访日期", widget=DATE, initial=timezone.localdate)
    people = forms.CharField(label="参加人员", max_length=200)
    findings = forms.CharField(label="发现问题", widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label="跟进措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ZoneForm(forms.Form):
    name = forms.CharField(label="责任区", max_length=50)
    inspector = forms.ModelChoiceField(label="责任督学", required=False,
                                       queryset=User.objects.filter(role=Role.BUREAU_STAFF, section=Section.SUPERVISION,
                                                                    is_active=True).order_by("id"))  # fmt: skip
    schools = forms.ModelMultipleChoiceField(
        label="学校", queryset=School.objects.filter(is_active=True).order_by("code")
    )


FINDINGS = 3


class VisitForm(forms.Form):
    """A visit: the school, the date, one yes/no (and a note) per active checklist item, up to three findings."""

    school = forms.ModelChoiceField(widget=FastSelect, label="学校", queryset=School.objects.none())
    date = forms.DateField(label="督导日期", widget=DATE, initial=timezone.localdate)
    summary = forms.CharField(label="督导意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = zone.schools.order_by("code")  # type: ignore[attr-defined]
        self.items = list(ChecklistItem.objects.filter(active=True).order_by("sort", "id"))
        for item in self.items:
            self.fields[f"ok_{item.pk}"] = forms.TypedChoiceField(
                label=item.text, choices=[("1", "符合"), ("0", "不符合")], coerce=lambda v: v == "1",
                widget=forms.RadioSelect, initial="1",
            )  # fmt: skip
            self.fields[f"note_{item.pk}"] = forms.CharField(label="说明", required=False, max_length=200)
        days = int(conf.get("SUPERVISION_RECTIFY_DAYS"))
        for n in range(1, FINDINGS + 1):
            self.fields[f"finding_{n}"] = forms.CharField(label=f"问题{n}", required=False, max_length=500)
            self.fields[f"deadline_{n}"] = forms.DateField(label=f"问题{n}整改期限", required=False, widget=DATE,
                                                           initial=lambda: timezone.localdate() + dt.timedelta(days=days))  # fmt: skip

    def item_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"ok_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]

    def finding_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"finding_{n}"], self[f"deadline_{n}"]) for n in range(1, FINDINGS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, FINDINGS + 1):
            if data.get(f"finding_{n}") and not data.get(f"deadline_{n}"):
                self.add_error(f"deadline_{n}", "请填写整改期限")
        return data

    def answers(self) -> dict[int, tuple[bool, str]]:
        return {i.pk: (bool(self.cleaned_data[f"ok_{i.pk}"]), self.cleaned_data[f"note_{i.pk}"]) for i in self.items}

    def findings(self) -> list[tuple[str, dt.date]]:
        return [(self.cleaned_data[f"finding_{n}"], self.cleaned_data[f"deadline_{n}"])
                for n in range(1, FINDINGS + 1) if self.cleaned_data.get(f"finding_{n}")]  # fmt: skip


class RectOpenForm(forms.Form):
    school = forms.ModelChoiceField(
        widget=FastSelect, label="学校", queryset=School.objects.filter(is_active=True).order_by("code")
    )
    finding = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="整改期限", widget=DATE)


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(forms.Form):
    note = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label="整改佐证", required=False)


class VerifyForm(forms.Form):
    passed = forms.TypedChoiceField(label="核验结论", choices=[("1", "通过，销号"), ("0", "未通过，退回整改")],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)  # fmt: skip
    note = forms.CharField(label="核验意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WeightsForm(forms.Form):
    def __init__(self, *args: Any, kinds: list[str], initial_weights: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(AssessKind.choices)
        for kind in kinds:
            self.fields[kind] = forms.DecimalField(label=labels[kind], min_value=0, max_value=100, decimal_places=1,
                                                   initial=initial_weights.get(kind, 0))  # fmt: skip


class ChecklistForm(forms.Form):
    text = forms.CharField(label="检查内容", max_length=200)


class ChecklistToggleForm(forms.Form):
    item = forms.ModelChoiceField(queryset=ChecklistItem.objects.all())
