"""Forms of the case actions and the configuration pages (all validation of rules stays in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from jiaoyun.core.widgets import FastSelect
from jiaoyun.dropout.choices import (
    OUTCOME_STATUS,
    AbsenceKind,
    AnswerKind,
    AttemptMethod,
    AttemptResult,
    CaseStatus,
    DocumentKind,
    Line,
    Outcome,
    Placement,
    Reason,
    ReviewResult,
    Stage,
)
from jiaoyun.schools.choices import Grade
from jiaoyun.schools.models import School


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _today() -> Any:
    return timezone.localdate()


def _date(label: str = "日期", required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), initial=_today, required=required)


def _note(label: str = "说明", required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}), required=required)


def _evidence() -> forms.FileField:
    return forms.FileField(label="佐证材料（照片、证明）", required=False)


class CaseNewForm(forms.Form):
    """列入疑似 from the children ledger: the person's note on how the child was found."""

    note = forms.CharField(label="说明", required=False)


class VerifyForm(forms.Form):
    outcome = forms.ChoiceField(label="核实结论", choices=Outcome.choices)
    reason = forms.ChoiceField(label="辍学原因", choices=Reason.choices, required=False)
    on = _date("核实日期")
    note = _note("核实情况")
    evidence = _evidence()


class StartForm(forms.Form):
    on = _date("启动日期")
    deadline = forms.DateField(label="宣传教育期限（不填按默认天数）", widget=DateInput(), required=False)
    note = _note()


STEP2_KINDS = [(k, str(DocumentKind(k).label)) for k in (DocumentKind.CORRECTION_NOTICE, DocumentKind.RETURN_NOTICE)]


class AdvanceForm(forms.Form):
    to_stage = forms.TypedChoiceField(label="进入阶段", choices=Stage.choices, coerce=int)
    on = _date("办理日期")
    deadline = forms.DateField(label="本阶段期限（不填按默认天数）", widget=DateInput(), required=False)
    document_kind = forms.ChoiceField(label="第2步出具文书", choices=STEP2_KINDS, required=False)
    doc_number = forms.CharField(label="文书编号（第3、4步填写处罚决定书或案号）", required=False)
    outcome = forms.CharField(label="上一阶段结果", required=False)
    skip_reason = forms.CharField(label="跳过阶段的理由（跨步时必填）", required=False)
    note = _note()
    evidence = _evidence()


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="文书", choices=STEP2_KINDS)
    deadline = forms.DateField(label="限期", widget=DateInput())


class PenaltyNoticeForm(forms.Form):
    on = _date("告知日期")
    penalty = forms.CharField(label="拟作出的处罚（如：警告；罚款200元）", max_length=200)
    fine = forms.IntegerField(label="罚款金额（元，无罚款不填）", min_value=1, required=False)


class AnswerForm(forms.Form):
    on = _date("日期")
    kind = forms.ChoiceField(label="当事人意见", choices=AnswerKind.choices)
    text = forms.CharField(label="意见内容/听证情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecisionForm(forms.Form):
    on = _date("决定日期")
    review = forms.CharField(label="对陈述申辩的复核意见", max_length=300, required=False)


class DateOnlyForm(forms.Form):
    on = _date("日期")


class ComplaintForm(forms.Form):
    on = _date("日期")
    procuratorate = forms.CharField(label="支持起诉的检察院（如有）", max_length=60, required=False)


class AttemptForm(forms.Form):
    date = _date("劝返日期")
    people = forms.CharField(label="参加人员", max_length=200)
    method = forms.ChoiceField(label="方式", choices=AttemptMethod.choices)
    result = forms.ChoiceField(label="结果", choices=AttemptResult.choices)
    note = _note("情况记录")
    evidence = _evidence()


class ReturnForm(forms.Form):
    placement = forms.ChoiceField(label="安置方式", choices=Placement.choices)
    on = _date("复学/安置日期")
    school = forms.ModelChoiceField(
        widget=FastSelect,
        label="复学学校（原校复学可不选）",
        queryset=School.objects.filter(is_active=True).only("id", "name"),  # the options: ids and names
        required=False,
    )
    grade = forms.TypedChoiceField(
        label="年级", choices=[("", "—"), *Grade.choices], coerce=int, required=False, empty_value=None
    )
    note = _note()
    evidence = _evidence()


class ObserveForm(forms.Form):
    on = _date("开始日期")
    note = _note()


class ReopenForm(forms.Form):
    on = _date("再次辍学日期")
    note = _note("情况", required=True)
    evidence = _evidence()


class NoReturnForm(forms.Form):
    outcome = forms.ChoiceField(
        label="不需劝返理由", choices=[(o.value, o.label) for o in Outcome if OUTCOME_STATUS[o] == CaseStatus.NO_RETURN]
    )
    on = _date("认定日期")
    note = _note("情况说明", required=True)
    evidence = forms.FileField(label="佐证材料（必传）", required=True)


class CloseForm(forms.Form):
    on = _date("销号日期")
    note = _note()


PRESENT = "present"
MARK_CHOICES = [(PRESENT, "在校"), *AbsenceKind.choices]  # 在校 / 病假 / 事假 / 旷课 / 其他


class RegisterPickForm(forms.Form):
    """Which register to open (the query string): ``school`` and ``klass`` ids, ``date`` (default today)."""

    school = forms.IntegerField(label="学校", required=False, min_value=1)
    klass = forms.IntegerField(label="班级", required=False, min_value=1)
    date = forms.DateField(label="日期", required=False, widget=DateInput(), input_formats=["%Y-%m-%d"])

    def clean_date(self) -> Any:
        date = self.cleaned_data.get("date")
        if date is not None and date > timezone.localdate():
            raise forms.ValidationError("不能登记将来的日期，已显示今天")
        return date


class ClassRegisterForm(forms.Form):
    """A class's register of a day: one mark per pupil in school (在校 by default) and an optional note."""

    date = forms.DateField(label="日期", widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])

    def __init__(self, *args: Any, pupils: list[Any], absences: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pupils = pupils
        for p in pupils:
            absence = absences.get(p.pk)
            self.fields[f"m{p.pk}"] = forms.ChoiceField(
                label=p.name, choices=MARK_CHOICES, widget=forms.RadioSelect,
                initial=absence.kind if absence else PRESENT,
            )  # fmt: skip
            self.fields[f"n{p.pk}"] = forms.CharField(
                label=f"{p.name}缺勤说明", required=False, max_length=200,
                initial=absence.note if absence else "",
                widget=forms.TextInput(attrs={"placeholder": "说明（可不填）", "autocomplete": "off"}),
            )  # fmt: skip

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("不能登记将来的缺勤")
        return date

    def rows(self) -> list[tuple[Any, Any, Any]]:
        """(pupil, the bound mark field, the bound note field) in roster order."""
        return [(p, self[f"m{p.pk}"], self[f"n{p.pk}"]) for p in self.pupils]

    def row_inputs(self) -> list[tuple[Any, SafeString, list[str], SafeString]]:
        """(pupil, the mark's radio buttons, the mark's errors, the note's input) in roster order, written here in
        one pass: the same HTML as the widgets' templates give, at a fraction of the rendering time (the register is
        the most requested page, docs/load.md)."""
        rows = []
        for pupil, mark, note in self.rows():
            mid, name, current, errors = mark.auto_id, mark.html_name, mark.value(), list(mark.errors)
            invalid = mark_safe(' aria-invalid="true"') if errors else ""
            seg = format_html_join(
                "",
                '<label for="{0}_{1}"><input type="radio" name="{2}" value="{3}" id="{0}_{1}" required{4}{5}>'
                "<span>{6}</span></label>",
                (
                    (mid, i, name, value, mark_safe(" checked") if str(value) == str(current) else "", invalid, label)
                    for i, (value, label) in enumerate(MARK_CHOICES)
                ),
            )
            value = note.value()
            note_html = format_html(
                '<label class="note"><span class="vh">{}</span><input type="text" name="{}"{} placeholder="说明（可不填）"'
                ' autocomplete="off" maxlength="200" id="{}"{}></label>',
                note.label,
                note.html_name,
                format_html(' value="{}"', value) if value else "",
                note.auto_id,
                mark_safe(' aria-invalid="true"') if note.errors else "",
            )
            rows.append((pupil, seg, errors, note_html))
        return rows

    def marks(self) -> dict[int, tuple[str, str]]:
        """student id → (absence kind, note) of the pupils marked absent."""
        d = self.cleaned_data
        return {p.pk: (d[f"m{p.pk}"], d[f"n{p.pk}"]) for p in self.pupils if d[f"m{p.pk}"] != PRESENT}


class ResponsibleForm(forms.Form):
    line = forms.ChoiceField(label="责任线", choices=Line.choices)
    level = forms.TypedChoiceField(
        label="层级", choices=[(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")], coerce=int
    )
    name = forms.CharField(label="姓名", max_length=50)
    post = forms.CharField(label="职务", required=False)
    phone = forms.CharField(label="电话", required=False)
    area = forms.IntegerField(label="区域", required=False, widget=FastSelect)
    group_name = forms.CharField(label="村民小组", required=False)
    school = forms.IntegerField(label="学校", required=False, widget=FastSelect)
    school_class = forms.IntegerField(label="班级", required=False, widget=FastSelect)


class MonthlyReportForm(forms.Form):
    school = forms.ModelChoiceField(widget=FastSelect, label="学校", queryset=School.objects.none())
    month = forms.CharField(label="月份（YYYY-MM）", max_length=7)
    note = _note("情况说明")


class ReviewForm(forms.Form):
    school = forms.ModelChoiceField(widget=FastSelect, label="学校", queryset=School.objects.none())
    year = forms.IntegerField(label="年度")
    quarter = forms.TypedChoiceField(label="季度", choices=[(1, "一"), (2, "二"), (3, "三"), (4, "四")], coerce=int)
    result = forms.ChoiceField(label="复核结论", choices=ReviewResult.choices)
    note = _note("复核意见")
